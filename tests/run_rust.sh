#!/usr/bin/env bash
# The Rust checks of authward: formatting, clippy with warnings as errors over every workspace crate
# (the core, bindings/c and its header generator, bindings/python, bindings/node), every test of the
# workspace's default members (the core and bindings/c: unit, integration, examples built, benches run
# once in test mode, doc tests), and the API docs built without a warning. Runs every step even after a
# failure and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
step() {
  echo "== $*"
  if ! "$@"; then
    failed+=("$*")
  fi
}

# The PostgreSQL store is compiled and linted here; its suites need a server and run in
# tests/postgres/run.sh (the memory and SQLite cases of the conformance suite run here too).
export AUTHWARD_TEST_POSTGRES=elsewhere
step cargo fmt --all --check
step cargo clippy --workspace --all-targets --features authward/postgres -- -D warnings
step cargo test --all-targets --features postgres --no-fail-fast
step cargo test --doc
step env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps

if [ ${#failed[@]} -ne 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "rust checks passed"
