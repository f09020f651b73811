#!/usr/bin/env bash
# The web app's end-to-end suite: the Flask app (examples/web) on the Python binding, driven in Debian's
# Chromium by playwright-core under node:test, with axe-core on every page.
#
# Installs what is missing (chromium and oathtool from Debian, Flask into target/web-venv, the npm
# packages), reuses an authward wheel if one was built (target/python-wheels by the Python suite, or
# dist/) and builds one otherwise, starts the server in test mode on a free loopback port with a fresh
# SQLite store, runs the tests, and stops the server. Screenshots land in target/web-screenshots/.
#
#   bash examples/web/run_tests.sh
#   AUTHWARD_WEB_REBUILD=1 bash examples/web/run_tests.sh   # build the wheel even if one exists
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WEB="$ROOT/examples/web"
cd "$ROOT"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
VENV="$ROOT/target/web-venv"
PY="$VENV/bin/python"
SHOTS="$ROOT/target/web-screenshots"
LOG="$ROOT/target/web-server.log"   # the server's log (stderr); its start-up banner goes to .out

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v oathtool >/dev/null 2>&1 || missing+=(oathtool)
if ((${#missing[@]})); then
    echo "== installing ${missing[*]} (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$PY" ]; then
    echo "== venv: $VENV"
    python3 -m venv "$VENV"
fi
"$PY" -m pip install -q --disable-pip-version-check -r "$WEB/requirements.txt"

shopt -s nullglob
wheels=("$ROOT"/target/python-wheels/authward-*-cp39-abi3-*.whl "$ROOT"/dist/authward-*.whl)
if [ "${AUTHWARD_WEB_REBUILD:-}" = 1 ] || [ "${#wheels[@]}" -eq 0 ]; then
    echo "== building the authward wheel (pip -> maturin -> cargo, release)"
    rm -rf "$ROOT/target/python-wheels"
    "$PY" -m pip wheel -q --disable-pip-version-check --no-deps ./bindings/python -w "$ROOT/target/python-wheels"
    wheels=("$ROOT"/target/python-wheels/authward-*-cp39-abi3-*.whl)
fi
echo "== authward wheel: ${wheels[0]#"$ROOT"/}"
"$PY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "${wheels[0]}"

echo "== mypy --strict on the app"
"$PY" -m pip install -q --disable-pip-version-check mypy==2.4.1
(cd "$WEB" && "$PY" -m mypy --strict --no-incremental --cache-dir=/dev/null app run.py)

echo "== npm ci (playwright-core, axe-core; no browser download)"
(cd "$WEB/tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
echo "== server in test mode on http://127.0.0.1:$PORT (log: ${LOG#"$ROOT"/})"
AUTHWARD_WEB_TEST_MODE=1 AUTHWARD_WEB_HOST=127.0.0.1 AUTHWARD_WEB_PORT="$PORT" AUTHWARD_WEB_DATA="$DATA" \
    "$PY" "$WEB/run.py" >"${LOG%.log}.out" 2>"$LOG" &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$DATA"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
    if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/signin', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then
        cat "${LOG%.log}.out" "$LOG" >&2
        echo "the server did not start" >&2
        exit 1
    fi
    sleep 0.5
done

echo "== node --test (Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
cd "$WEB/tests"
WEB_BASE_URL="http://127.0.0.1:$PORT" WEB_SERVER_LOG="$LOG" WEB_PYTHON="$PY" WEB_RUN_PY="$WEB/run.py" \
    WEB_SCREENSHOTS="$SHOTS" node --test --test-concurrency=1 --test-reporter=spec e2e.test.mjs
