#!/usr/bin/env bash
# The Rust checks of authward: formatting, clippy with warnings as errors, and every test of the
# workspace's default members (unit, integration, examples built, benches run once in test mode, doc
# tests). Runs every step even after a failure and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
step() {
  echo "== $*"
  if ! "$@"; then
    failed+=("$*")
  fi
}

step cargo fmt --all --check
step cargo clippy --all-targets -- -D warnings
step cargo test --all-targets --no-fail-fast
step cargo test --doc

if [ ${#failed[@]} -ne 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "rust checks passed"
