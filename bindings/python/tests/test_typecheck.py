"""The stubs catch mistakes: `mypy --strict` passes a file that uses the whole API and fails a file of
deliberate mistakes with exactly the expected error codes on the expected lines."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent / "typecheck"


def mypy(path: pathlib.Path) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
         "--show-error-codes", "--no-error-summary", "--hide-error-context", str(path)],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    return run.returncode, run.stdout + run.stderr


def test_whole_api_passes_mypy_strict() -> None:
    code, out = mypy(HERE / "whole_api.py")
    assert code == 0, out


def test_mistakes_fail_with_the_expected_errors() -> None:
    expected = {
        (n, m.group(1))
        for n, line in enumerate((HERE / "mistakes.py").read_text().splitlines(), 1)
        if (m := re.search(r"# E: ([a-z-]+)", line))
    }
    assert len(expected) >= 10
    code, out = mypy(HERE / "mistakes.py")
    assert code == 1, out
    found = {
        (int(m.group(1)), m.group(2))
        for m in re.finditer(r"mistakes\.py:(\d+): error: .*\[([a-z-]+)\]$", out, re.MULTILINE)
    }
    assert found == expected, out
