"""Shared fixtures of the authward Python suite."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

import authward

REPO = pathlib.Path(__file__).resolve().parents[3]
VECTORS = REPO / "tests" / "vectors"

#: Cheap Argon2 parameters for tests where the cost is not the point.
CHEAP = authward.HashParams(memory_kib=1024, iterations=1, parallelism=1)


def load_vectors(name: str) -> Any:
    """One of the shared vector files of tests/vectors/."""
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def cheap() -> authward.HashParams:
    return CHEAP
