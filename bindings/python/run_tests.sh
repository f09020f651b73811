#!/usr/bin/env bash
# The Python package's standalone test: builds the abi3 manylinux wheel into dist/ (scripts/package.sh
# wheel, the very wheel a release ships and tests/package.sh installs without Rust), installs it into a
# fresh venv under target/, then checks the stubs (mypy.stubtest), runs the example and finally pytest
# (which includes the mypy --strict typecheck files), whose summary line closes the output.
#
#   bash bindings/python/run_tests.sh           # tests
#   bash bindings/python/run_tests.sh --bench   # tests, then benches/compare/python/bench.py
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
VENV="$ROOT/target/python-test-venv"
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

echo "== the wheel from dist/ (scripts/package.sh wheel: built once, shared with tests/package.sh)"
bash scripts/package.sh wheel
shopt -s nullglob
wheels=("$ROOT"/dist/authward-*-cp39-abi3-*manylinux_2_17_x86_64*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
    echo "expected one abi3 manylinux wheel in dist/, found: $(ls "$ROOT/dist")" >&2
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
