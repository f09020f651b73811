"""Slow work runs without the GIL: Python code keeps running while a hash is in progress.

How much two hashing threads overlap (warm ThreadPoolExecutor and fresh threads, beside argon2-cffi) is a
measurement, not a test: benches/compare/python/threads.py (figures in docs/performance.md).
"""

from __future__ import annotations

import threading
import time

import authward

# Heavier than the default so one hash (~0.2 s in release) dwarfs thread start-up and scheduling noise.
PARAMS = authward.HashParams(memory_kib=19456, iterations=5, parallelism=1)


def test_python_threads_run_while_a_hash_is_computed() -> None:
    # Independent of idle cores: a pure-Python thread only advances while the GIL is free. If the hash
    # held the GIL, the thread would stall for the whole hash; released, its longest pause stays short.
    done = threading.Event()
    gaps: list[float] = []

    def spin() -> None:
        last = time.perf_counter()
        longest = 0.0
        while not done.is_set():
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now
        gaps.append(longest)

    authward.hash_password("warm-up", PARAMS)
    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.02)
    t0 = time.perf_counter()
    for pw in ("a", "b", "c"):
        authward.hash_password(pw, PARAMS)
    one_hash = (time.perf_counter() - t0) / 3
    done.set()
    spinner.join()
    assert gaps[0] < 0.5 * one_hash, f"the Python thread stalled {gaps[0]:.3f} s during {one_hash:.3f} s hashes"
