#!/usr/bin/env bash
# The release artefacts install like any other package (issue 14). Builds dist/ with scripts/package.sh
# (each artefact once; the Python and Node suites reuse them), then, in fresh temporary folders and with
# cargo and rustc removed from PATH:
#   1. Python: the wheel is tagged manylinux_2_17 and needs no glibc symbol newer than 2.17; it installs
#      with `pip install --no-index` into a fresh venv; the Python quickstart runs;
#   2. Node: `npm install --offline ./authward-*.tgz` into a fresh project prints that it uses the
#      prebuilt addon, `npm ls --all` exits 0, the Node quickstart runs, `tsc --strict` passes the
#      whole-API file with and without --skipLibCheck and fails the file of mistakes; with the addon
#      removed, `require('authward')` says what happened and which command fixes it, and so does the
#      install script when it would need Rust;
#   3. C: the quickstart links against the unpacked C release with pkg-config, shared and static, and runs;
#      valgrind --leak-check=full --error-exitcode=1 passes it with the shipped suppression file (which
#      the header names), fails it without, and still fails a program that leaks;
# then, with Rust back on PATH (the bundled sources are for machines without a prebuilt binary):
#   4. the npm package rebuilds its addon from its bundled sources and says so;
#   5. the Python sdist, unpacked outside the checkout, builds a wheel that imports;
# and finally nothing was written into the checkout.
#
#   bash tests/package.sh              # builds dist/ first
#   AUTHWARD_SKIP_BUILD=1 bash tests/package.sh   # uses dist/ as it is
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
dist="${AUTHWARD_DIST:-$root/dist}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
tools="$root/target/package-tools"

if [[ "${AUTHWARD_SKIP_BUILD:-0}" != 1 ]]; then
    bash scripts/package.sh
fi
checkout_before=$(git status --porcelain --untracked-files=all)

work=$(mktemp -d "${TMPDIR:-/tmp}/authward-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# PATH without any folder that holds cargo or rustc.
with_rust_path=$PATH
no_rust_path=$(tr ':' '\n' <<<"$PATH" | while read -r dir; do
    [[ -n "$dir" && ! -e "$dir/cargo" && ! -e "$dir/rustc" ]] && printf '%s:' "$dir"
done)
export PATH="${no_rust_path%:}"
export CARGO_HOME="$work/no-cargo-home" RUSTUP_HOME="$work/no-rustup-home"
if command -v cargo >/dev/null || command -v rustc >/dev/null; then fail "cargo or rustc still on PATH"; fi
echo "== cargo and rustc are off PATH"

# ---------------------------------------------------------------------------------------------- Python
echo "== Python: the wheel"
shopt -s nullglob
wheels=("$dist"/authward-"$version"-cp39-abi3-*manylinux_2_17_x86_64*.whl)
[[ ${#wheels[@]} -eq 1 ]] || fail "expected one manylinux_2_17 abi3 wheel in $dist"
wheel=${wheels[0]}
echo "   ${wheel##*/}"
python3 -m zipfile -e "$wheel" "$work/wheel-unpacked"
so=$(find "$work/wheel-unpacked" -name '_authward*.so' | head -n 1)
[[ -n "$so" ]] || fail "no native module in the wheel"
newest=$(objdump -T "$so" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
echo "   newest glibc symbol version needed: $newest"
[[ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -n 1)" == "2.17" ]] || fail "the wheel needs glibc $newest > 2.17"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --no-index --disable-pip-version-check "$wheel" | tail -n 1
mkdir "$work/py-app"
cp examples/python/quickstart.py "$work/py-app/"
(cd "$work/py-app" && "$work/venv/bin/python" quickstart.py >"$work/py-out.txt") || fail "the Python quickstart failed"
grep -q "security log:" "$work/py-out.txt" || fail "the Python quickstart did not finish: $(tail -n 3 "$work/py-out.txt")"
"$work/venv/bin/python" -c 'import authward, sys; sys.exit(0 if authward.__file__.startswith(sys.prefix) else 1)' ||
    fail "authward was not imported from the venv"
echo "   quickstart.py ran ($(wc -l <"$work/py-out.txt") lines)"

# ------------------------------------------------------------------------------------------------ Node
tgz="$dist/authward-$version.tgz"
[[ -f "$tgz" ]] || fail "no $tgz"
echo "== Node: npm install --offline ${tgz##*/} into a fresh project"
app="$work/node-app"
mkdir "$app"
(cd "$app" && npm init -y >/dev/null && npm pkg set type=module >/dev/null)
(cd "$app" && npm install --offline --foreground-scripts "$tgz" 2>&1) | tee "$work/npm-install.txt"
grep -q "authward: using the prebuilt native addon authward.linux-x64-gnu.node" "$work/npm-install.txt" ||
    fail "the install did not say which addon it uses"
(cd "$app" && npm ls --all >/dev/null) || fail "npm ls --all fails in the user's project"
grep -q '"authward"' "$app/package.json" || fail "the dependency is not called authward"
cp examples/node/quickstart.mjs "$app/"
(cd "$app" && node quickstart.mjs >"$work/node-out.txt") || fail "the Node quickstart failed"
echo "   quickstart.mjs ran ($(wc -l <"$work/node-out.txt") lines)"

echo "== Node: TypeScript (tsc --strict) against the installed package"
ts_version=$(node -p 'require("./bindings/node/package.json").devDependencies.typescript')
types_version=$(node -p 'require("./bindings/node/package.json").devDependencies["@types/node"]')
(cd "$app" && npm install --prefer-offline --no-save "typescript@$ts_version" "@types/node@$types_version" >/dev/null)
cp bindings/node/test/types/whole_api.ts bindings/node/test/types/mistakes.ts "$app/"
tsc=(node "$app/node_modules/typescript/bin/tsc" --strict --noEmit --pretty false --module nodenext --moduleResolution nodenext --target es2022)
(cd "$app" && "${tsc[@]}" whole_api.ts) || fail "tsc --strict fails on whole_api.ts"
(cd "$app" && "${tsc[@]}" --skipLibCheck whole_api.ts) || fail "tsc --strict --skipLibCheck fails on whole_api.ts"
expected=$(grep -c '// E: TS[0-9]' "$app/mistakes.ts")
found=$( (cd "$app" && "${tsc[@]}" mistakes.ts || true) | grep -c 'mistakes.ts(.*error TS')
[[ "$found" -eq "$expected" ]] || fail "mistakes.ts: $found errors, expected $expected"
echo "   whole_api.ts compiles (with and without skipLibCheck); mistakes.ts gives its $expected errors"

echo "== Node: a missing addon is explained"
rm "$app/node_modules/authward/authward.linux-x64-gnu.node"
message=$( (cd "$app" && node -e 'require("authward")' 2>&1 || true) | grep '^Error: authward:' || true)
echo "   $message"
[[ "$message" == *"is missing"*"npm rebuild authward --foreground-scripts"* ]] || fail "no clear message for a missing addon"
message=$( (cd "$app" && npm rebuild authward --foreground-scripts 2>&1 || true) | grep 'authward: ' | head -n 1)
echo "   $message"
[[ "$message" == *"no prebuilt addon for linux-x64-gnu"*"needs Rust"*"https://rustup.rs"*"npm rebuild authward --foreground-scripts"* ]] ||
    fail "the install script does not say that Rust is needed and what to run"

# --------------------------------------------------------------------------------------------------- C
echo "== C: the quickstart against the unpacked release, with pkg-config"
crel="$dist/libauthward-$version-x86_64-linux-gnu.tar.gz"
[[ -f "$crel" ]] || fail "no $crel"
tar -xzf "$crel" -C "$work"
prefix="$work/libauthward-$version-x86_64-linux-gnu"
for f in include/authward.h include/authward.hpp lib/libauthward.a lib/pkgconfig/authward.pc lib/cmake/authward/authwardConfig.cmake; do
    [[ -e "$prefix/$f" ]] || fail "the C release lacks $f"
done
ls "$prefix"/LICENSE* >/dev/null 2>&1 || fail "the C release has no licence file"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cflags=(-std=c11 -Wall -Wextra -Werror)
# shellcheck disable=SC2046
cc "${cflags[@]}" examples/c/quickstart.c -o "$work/c-shared" $(pkg-config --cflags --libs authward)
readelf -d "$work/c-shared" | grep -q 'NEEDED.*libauthward.so' || fail "the shared link does not use libauthward.so"
(cd "$work" && ./c-shared >/dev/null) || fail "the shared C quickstart failed"
# shellcheck disable=SC2046
cc "${cflags[@]}" examples/c/quickstart.c -o "$work/c-static" $(pkg-config --static --cflags --libs authward-static)
if readelf -d "$work/c-static" | grep -q 'NEEDED.*libauthward'; then fail "the static link still needs libauthward.so"; fi
mv "$prefix" "$prefix.moved" # the static binary needs nothing from the release at run time
(cd "$work" && ./c-static >/dev/null) || fail "the static C quickstart failed"
mv "$prefix.moved" "$prefix"
echo "   shared and static quickstarts ran"

echo "== C: valgrind --leak-check=full --error-exitcode=1 with the shipped suppressions"
supp="$prefix/share/authward/authward.supp"
[[ -f "$supp" ]] || fail "the C release has no share/authward/authward.supp"
grep -q 'authward.supp' "$prefix/include/authward.h" || fail "the header does not name the suppression file"
vg=(valgrind -q --leak-check=full --error-exitcode=1)
(cd "$work" && "${vg[@]}" --suppressions="$supp" ./c-shared >/dev/null 2>"$work/vg.txt") || { cat "$work/vg.txt"; fail "valgrind fails the correct shared program"; }
(cd "$work" && "${vg[@]}" --suppressions="$supp" ./c-static >/dev/null 2>"$work/vg.txt") || { cat "$work/vg.txt"; fail "valgrind fails the correct static program"; }
# Without the file the one-time tables are reported (so the file is needed and does something) ...
if (cd "$work" && "${vg[@]}" ./c-shared >/dev/null 2>&1); then fail "valgrind passes even without the suppressions: drop the file"; fi
# ... and with it a real leak (a string never given back to authward_string_free) still fails.
cat >"$work/leak.c" <<'C'
#include <stdio.h>
#include "authward.h"
int main(void) {
    char *secret = NULL;
    if (authward_generate_totp_secret(&secret) != AUTHWARD_RESULT_OK) return 2;
    secret = NULL; /* leaked on purpose */
    return 0;
}
C
# shellcheck disable=SC2046
cc "${cflags[@]}" "$work/leak.c" -o "$work/c-leak" $(pkg-config --cflags --libs authward)
if (cd "$work" && "${vg[@]}" --suppressions="$supp" ./c-leak >/dev/null 2>&1); then fail "the suppressions hide a real leak"; fi
echo "   correct programs pass, a real leak still fails, and without the file the one-time tables fail"

# ------------------------------------------------------------------ with Rust: the bundled sources build
export PATH=$with_rust_path
unset CARGO_HOME RUSTUP_HOME
echo "== Node: no prebuilt addon, so npm rebuild builds one from the bundled sources (Rust back on PATH)"
# The registry crates are shared with the checkout's build dir; the core and the addon compile anew.
# Cargo's hash of a path crate ignores where it lies and npm dates every file 1985, so an earlier
# run's build of the same relative layout would look fresh: date the bundled sources now.
find "$app/node_modules/authward/native" -type f -exec touch {} +
(cd "$app" && CARGO_TARGET_DIR="$target_dir" npm rebuild authward --foreground-scripts 2>&1) | tee "$work/npm-rebuild.txt" | grep 'authward: '
grep -q "building the native addon from the bundled sources" "$work/npm-rebuild.txt" || fail "the fallback build did not say so"
(cd "$app" && node quickstart.mjs >/dev/null) || fail "the Node quickstart failed with the addon built from the bundled sources"
echo "   quickstart.mjs ran with the addon built from the bundled sources"

echo "== Python: the sdist builds outside the checkout"
sdist="$dist/authward-$version.tar.gz"
[[ -f "$sdist" ]] || fail "no $sdist"
mkdir "$work/sdist"
tar -xzf "$sdist" -C "$work/sdist" --touch # dated now: the shared build dir must not take an earlier run's build as fresh
(cd "$work/sdist/authward-$version" && CARGO_TARGET_DIR="$target_dir" PATH="$tools/bin:$PATH" \
    maturin build --quiet --release --out "$work/sdist-wheel" 2>&1 | grep -v '^\s*$' | tail -n 2) ||
    fail "the sdist does not build"
python3 -m venv "$work/venv2"
"$work/venv2/bin/pip" install -q --no-index --disable-pip-version-check "$work"/sdist-wheel/authward-*.whl
(cd "$work" && "$work/venv2/bin/python" -c 'import authward; assert authward.verify_password("pw", authward.hash_password("pw", authward.HashParams(memory_kib=1024, iterations=1)))') ||
    fail "the wheel built from the sdist does not work"
echo "   a wheel built from the unpacked sdist imports and hashes"

# --------------------------------------------------------------------------------------------- checkout
[[ "$(git status --porcelain --untracked-files=all)" == "$checkout_before" ]] || {
    git status --porcelain --untracked-files=all
    fail "the checkout changed"
}
echo "== nothing was written into the checkout"
echo "package test: all checks passed"
