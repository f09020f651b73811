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
# Each suite's output also goes to target/suite-logs/, so a failure is summed up again at the very end
# (a CI report that keeps only the tail of the output still shows what failed and why).
LOGS=target/suite-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
suites=0
run() {
    local name=$1
    shift
    echo
    echo "===================================================================== $name"
    local t0 log
    t0=$(date +%s)
    suites=$((suites + 1))
    log="$LOGS/$suites.log"
    echo "$name" >"$log"
    if "$@" 2>&1 | tee -a "$log"; then
        echo "----- $name: ok ($(( $(date +%s) - t0 )) s)"
        rm -f "$log"
    else
        echo "----- $name: FAILED ($(( $(date +%s) - t0 )) s)"
        failed+=("$name")
    fi
}

# The lines of a failed suite's log that say what failed, and the end of the log.
summarize() {
    local log=$1
    echo
    echo "===================================================================== why: $(head -n 1 "$log")"
    grep -a -n -E 'not ok|FAIL|panicked|failed|Error|error[:[]|✖|assert' "$log" \
        | grep -a -v -E 'fail 0|failed 0|0 failed' | tail -n 25 | cut -c 1-300 || true
    echo "----- last lines:"
    tail -n 15 "$log" | cut -c 1-300
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
    for log in "$LOGS"/*.log; do summarize "$log"; done
    echo
    echo "FAILED suites: ${failed[*]}"
    exit 1
fi
echo "all suites passed"
