#!/usr/bin/env bash
# Standalone test of the Node.js package (bindings/node), from a clean clone on a fresh machine:
#   1. Node.js/npm from Debian if missing; `npm ci` from the committed lock file, which also runs the
#      package's install script: cargo build --release -p authward-node + copy to the .node file;
#   2. drift check of the generated, committed files (binding.js, index.d.ts, index.mjs);
#   3. rustfmt and clippy (-D warnings) of the crate (skip with AUTHWARD_SKIP_LINT=1);
#   4. examples/node: `npm ci` (installs ./bindings/node from source, as a user would) + quickstart.mjs;
#   5. the node:test suite (prints node:test's own summary last).
# Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "== installing nodejs and npm (Debian)"
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
  $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq nodejs npm
fi
echo "== node $(node --version), npm $(npm --version), target $CARGO_BUILD_TARGET"

echo "== npm ci (bindings/node): dev dependencies + build of the addon from source"
(cd "$here" && npm ci)

echo "== generated files are up to date"
(cd "$here" && node scripts/generate.js --check)

if [ "${AUTHWARD_SKIP_LINT:-0}" != "1" ]; then
  echo "== cargo fmt --check / clippy -D warnings (authward-node)"
  (cd "$root" && cargo fmt -p authward-node --check)
  (cd "$root" && cargo clippy -q -p authward-node --all-targets -- -D warnings)
fi

echo "== examples/node: npm ci (installs ../../bindings/node from source) + quickstart.mjs"
(cd "$root/examples/node" && npm ci && node quickstart.mjs > /dev/null && echo "quickstart.mjs OK")

echo "== node:test suite"
cd "$here"
node --test --test-reporter=spec test/*.test.js
