"""Slow work runs without the GIL: threads hash in parallel, and Python code keeps running meanwhile.

Timing here uses generous bounds; the real ratios are measured by benches/compare/python/bench.py.
"""

from __future__ import annotations

import os
import queue
import threading
import time

import pytest

import authward

# Heavier than the default so one hash (~0.2 s in release) dwarfs thread start-up and scheduling noise.
PARAMS = authward.HashParams(memory_kib=19456, iterations=5, parallelism=1)


class _Worker(threading.Thread):
    """A long-lived thread that hashes on request (its Argon2 memory is allocated once, when warmed)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.done: queue.Queue[float] = queue.Queue()
        self.start()

    def run(self) -> None:
        while (pw := self.jobs.get()) is not None:
            authward.hash_password(pw, PARAMS)
            self.done.put(time.perf_counter())


def _sequential_and_parallel(a: _Worker, b: _Worker) -> tuple[float, float]:
    t0 = time.perf_counter()
    a.jobs.put("one")
    a.done.get()
    a.jobs.put("two")
    a.done.get()
    sequential = time.perf_counter() - t0
    t0 = time.perf_counter()
    a.jobs.put("one")
    b.jobs.put("two")
    a.done.get()
    b.done.get()
    return sequential, time.perf_counter() - t0


# Best-of-ten parallel/sequential ratio that counts as "clearly less time" (GIL held: >= 1.0).
LIMIT = 0.9


def test_two_threads_hash_in_clearly_less_time_than_two_sequential_hashes() -> None:
    assert (os.cpu_count() or 1) >= 2, "needs two cores"
    a, b = _Worker(), _Worker()
    try:
        for w in (a, b):  # warm up: allocate each thread's Argon2 memory
            w.jobs.put("warm-up")
            w.done.get()
        # With the GIL held the ratio is >= 1.0. Released, it is 0.76-0.80 on this machine kind even in pure
        # Rust (two AVX-512 Argon2 fills do not scale to 0.5 on its two vCPUs; argon2-cffi's scalar code
        # reaches 0.54). The machine may be shared, so take the best of up to ten tries and accept anything
        # clearly below 1.
        ratios: list[float] = []
        for _ in range(10):
            sequential, parallel = _sequential_and_parallel(a, b)
            ratios.append(parallel / sequential)
            if ratios[-1] < LIMIT:
                break
    finally:
        a.jobs.put(None)
        b.jobs.put(None)
    summary = f"parallel/sequential ratios {[round(r, 2) for r in ratios]}"
    if min(ratios) >= LIMIT and os.getloadavg()[0] > (os.cpu_count() or 1):
        # Other processes keep every core busy: a second thread cannot get a second core, whatever the
        # GIL does. test_python_threads_run_while_a_hash_is_computed still checks the GIL is released.
        pytest.skip(f"cores busy with other work (load {os.getloadavg()[0]:.1f}); {summary}")
    assert min(ratios) < LIMIT, summary


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
