#!/usr/bin/env bash
# The Python package's standalone test: builds the abi3 wheel through pip (the same PEP 517 build as
# `pip install ./bindings/python`), installs it into a fresh venv under target/, then checks the stubs
# (mypy.stubtest), runs the example and finally pytest, whose summary line closes the output.
#
#   bash bindings/python/run_tests.sh           # tests
#   bash bindings/python/run_tests.sh --bench   # tests, then benches/compare/python/bench.py
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
VENV="$ROOT/target/python-test-venv"
WHEELS="$ROOT/target/python-wheels"
PY="$VENV/bin/python"

# zbarimg decodes the QR PNGs in tests/test_interop.py.
if ! command -v zbarimg >/dev/null 2>&1; then
    echo "== installing zbar-tools (zbarimg)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools >/dev/null
fi

echo "== fresh venv: $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$PY" -m pip install -q --disable-pip-version-check -r bindings/python/tests/requirements.txt

echo "== building the wheel (pip -> maturin -> cargo, release)"
rm -rf "$WHEELS"
"$PY" -m pip wheel -q --disable-pip-version-check --no-deps ./bindings/python -w "$WHEELS"
shopt -s nullglob
wheels=("$WHEELS"/authward-*-cp39-abi3-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
    echo "expected one abi3 wheel (cp39-abi3) in $WHEELS, found: $(ls "$WHEELS")" >&2
    exit 1
fi
echo "   ${wheels[0]##*/}"
"$PY" -m pip install -q --disable-pip-version-check --no-deps "${wheels[0]}"

# Run from outside the source tree so that `import authward` is the installed package.
cd "$ROOT/target"
echo "== mypy.stubtest authward"
"$PY" -m mypy.stubtest authward
echo "== mypy --strict on the package and the example"
"$PY" -m mypy --strict --no-incremental --cache-dir=/dev/null -p authward
"$PY" -m mypy --strict --no-incremental --cache-dir=/dev/null "$ROOT/examples/python/quickstart.py"
echo "== examples/python/quickstart.py"
"$PY" "$ROOT/examples/python/quickstart.py" >/dev/null

if [ "${1:-}" = "--bench" ]; then
    echo "== benches/compare/python/bench.py"
    "$PY" "$ROOT/benches/compare/python/bench.py"
fi

echo "== pytest"
exec "$PY" -m pytest -p no:cacheprovider -q "$ROOT/bindings/python/tests" --rootdir "$ROOT/bindings/python"
