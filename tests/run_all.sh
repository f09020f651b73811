#!/usr/bin/env bash
# The single test command of authward: Rust, C, Python and Node suites, the web app in Chromium, then the
# quickstart demo twice.
# Works on a fresh machine of this kind: each suite installs what it needs (pip into a venv under
# target/, npm ci, Debian packages via apt-get only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# One build directory for cargo, maturin and napi (napi always passes --target).
CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export CARGO_BUILD_TARGET
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

start=$(date +%s)
failed=()
run() {
    local name=$1
    shift
    echo
    echo "===================================================================== $name"
    local t0
    t0=$(date +%s)
    if "$@"; then
        echo "----- $name: ok ($(( $(date +%s) - t0 )) s)"
    else
        echo "----- $name: FAILED ($(( $(date +%s) - t0 )) s)"
        failed+=("$name")
    fi
}

run "rust (fmt, clippy, tests)" bash tests/run_rust.sh
run "postgres (conformance, races, faults, TLS)" bash tests/postgres/run.sh
run "c (header, tests, asan+ubsan, valgrind, examples)" bash bindings/c/tests/run.sh
run "python (pytest, stubtest, example)" bash bindings/python/run_tests.sh
run "node (node:test, drift, example)" bash bindings/node/run_tests.sh
run "web (Flask app in Chromium: node:test, playwright-core, axe-core)" bash examples/web/run_tests.sh
run "package (dist/: wheel, sdist, npm, C release; installed without Rust)" bash tests/package.sh
run "quickstart (main job, twice)" bash -c 'd=$(mktemp -d) && cd "$d" && for i in 1 2; do \
    cargo run --quiet --release --manifest-path "$OLDPWD/Cargo.toml" --example quickstart >"$d/out$i.txt" || exit 1; \
    grep -q "two-factor enabled     true" "$d/out$i.txt" || exit 1; done && echo "quickstart ran twice on one database"'

echo
echo "total $(( $(date +%s) - start )) s"
if ((${#failed[@]})); then
    echo "FAILED suites: ${failed[*]}"
    exit 1
fi
echo "all suites passed"
