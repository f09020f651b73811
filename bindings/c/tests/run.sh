#!/usr/bin/env bash
# The C ABI test suite (standalone; also called by tests/run_all.sh). From a clean clone it:
#   1. installs missing Debian tools (gcc, g++, pkg-config, valgrind, cmake, libjansson-dev) with apt-get;
#   2. builds the release library and checks include/authward.h is what cbindgen generates now;
#   3. installs library + headers + authward.pc + CMake config into target/c-abi/prefix (bindings/c/install.sh);
#   4. compiles the C tests and the C/C++ quickstarts with -Wall -Wextra -Wpedantic -Werror against it
#      (pkg-config), plus a static link and a CMake find_package build;
#   5. runs the tests normally, under AddressSanitizer + UndefinedBehaviorSanitizer, and under valgrind
#      memcheck (errors fail; 0 bytes definitely lost);
#   6. checks every function of the header is called by a test;
#   7. runs the fuzz smoke test (fuzz/smoke.sh).
# Prints "c-abi: N passed, M failed" and exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
host=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host}"
work="$root/target/c-abi"
rm -rf "$work"
mkdir -p "$work/bin"
passed=0
failed=0
failures=()

step() { # name, command...
    local name=$1
    shift
    echo "--- $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAILED: $name" >&2
    fi
}

summary() {
    echo "c-abi: $passed passed, $failed failed${failures:+ (${failures[*]})}"
    [[ $failed -eq 0 ]]
    exit $?
}

# 1. Tools.
need=()
command -v gcc >/dev/null || need+=(gcc)
command -v g++ >/dev/null || need+=(g++)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v valgrind >/dev/null || need+=(valgrind)
command -v cmake >/dev/null || need+=(cmake)
[[ -f /usr/include/jansson.h ]] || need+=(libjansson-dev) # JSON reader of test_bad_input_table.c
if [[ ${#need[@]} -gt 0 ]]; then
    echo "installing ${need[*]}"
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null || {
        echo "cannot install ${need[*]}" >&2
        failed=$((failed + 1))
        failures+=("tools")
        summary
    }
fi

# 2. Build and header freshness.
if ! cargo build --release -p authward-c; then
    failed=$((failed + 1))
    failures+=("cargo build")
    summary
fi
step "header is fresh (cbindgen)" cargo run -q -p gen-header -- --check

# 3. Install into a prefix, as a C developer would.
prefix="$work/prefix"
step "install.sh" bindings/c/install.sh --no-build "$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pc_cflags=$(pkg-config --cflags authward)
pc_libs=$(pkg-config --libs authward)
warn=(-Wall -Wextra -Wpedantic -Werror)

# 4. Compile (normal and sanitized) the tests and examples.
tests=(test_stateless test_service test_threads test_bad_input_table)
here=bindings/c/tests
compile() { # variant, extra flags...
    local variant=$1
    shift
    local ok=0
    for t in "${tests[@]}"; do
        gcc -std=c11 -D_DEFAULT_SOURCE -pthread "${warn[@]}" "$@" $pc_cflags -I"$here" "$here/$t.c" \
            -o "$work/bin/$t.$variant" $pc_libs -ljansson || ok=1
    done
    gcc -std=c11 "${warn[@]}" "$@" $pc_cflags examples/c/quickstart.c -o "$work/bin/quickstart_c.$variant" $pc_libs || ok=1
    g++ -std=c++17 "${warn[@]}" "$@" $pc_cflags examples/cpp/quickstart.cpp -o "$work/bin/quickstart_cpp.$variant" \
        $pc_libs || ok=1
    g++ -std=c++17 "${warn[@]}" "$@" $pc_cflags "$here/test_cpp.cpp" -o "$work/bin/test_cpp.$variant" $pc_libs || ok=1
    return $ok
}
step "compile (-Wall -Wextra -Wpedantic -Werror)" compile plain -O1 -g
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
step "compile with ASan+UBSan" compile asan "${san[@]}"
static_link() {
    gcc -std=c11 "${warn[@]}" $pc_cflags examples/c/quickstart.c -o "$work/bin/quickstart_static" \
        "$prefix/lib/libauthward.a" -lpthread -ldl -lm &&
        ! ldd "$work/bin/quickstart_static" | grep -q libauthward &&
        "$work/bin/quickstart_static" >/dev/null
}
step "static link (libauthward.a -lpthread -ldl -lm)" static_link
cmake_build() {
    cmake -S "$here/cmake" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null &&
        cmake --build "$work/cmake" >/dev/null &&
        "$work/cmake/quickstart_shared" >/dev/null && "$work/cmake/quickstart_static" >/dev/null
}
step "CMake find_package(authward)" cmake_build
step "SONAME" bash -c "readelf -d '$prefix/lib/libauthward.so' | grep -q 'SONAME.*libauthward.so.0'"

# 5. Run: normally, under ASan+UBSan, under valgrind.
db="$work/quickstart.db"
run_all() { # variant, wrapper...
    local variant=$1
    shift
    local ok=0
    for t in "${tests[@]}"; do "$@" "$work/bin/$t.$variant" || ok=1; done
    rm -f "$db"*
    "$@" "$work/bin/quickstart_c.$variant" "$db" >/dev/null || { echo "quickstart.c failed"; ok=1; }
    "$@" "$work/bin/quickstart_cpp.$variant" >/dev/null || { echo "quickstart.cpp failed"; ok=1; }
    "$@" "$work/bin/test_cpp.$variant" || ok=1
    return $ok
}
step "run" run_all plain
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
step "run under ASan+UBSan" run_all asan
unset ASAN_OPTIONS UBSAN_OPTIONS
vg=(valgrind -q --error-exitcode=98 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --track-origins=no)
step "run under valgrind memcheck" run_all plain "${vg[@]}"

# 6. Every function of the header is exercised by the C tests.
coverage() {
    local missing=0
    for f in $(grep -oE '\bauthward_[a-z0-9_]+\(' include/authward.h | tr -d '(' | sort -u); do
        if ! grep -q "\b$f\b" "$here"/*.c; then
            echo "not called by any test: $f"
            missing=1
        fi
    done
    return $missing
}
step "every exported function is tested" coverage

# 7. Fuzz smoke run.
step "fuzz smoke" bash fuzz/smoke.sh

summary
