"""Two Python threads hashing vs two sequential hashes (issue 16): authward beside argon2-cffi.

Moved here from the test suite (bindings/python/tests/test_gil.py keeps the untimed proof that other
Python threads run while a hash is in progress). Measured, not asserted:

* warm: a ThreadPoolExecutor(2) whose threads have hashed before;
* fresh: two new threading.Threads per round (each its first hash on that thread: with authward's
  process-wide arena pool it borrows a warm arena, with the old per-thread arena it paid for fresh pages);

at OWASP (19456,2,1) and m=64 MiB,t=3,p=1. Each figure is the best of ROUNDS of parallel/sequential
(< 1: the threads overlap; 0.5 is perfect scaling on two cores). Prints the load average first: the
machine may be shared, and a busy machine cannot give a second thread a second core.

Run: python benches/compare/python/threads.py [--quick]   (needs authward and argon2-cffi installed)
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import threading
import time
from typing import Callable

import argon2

import authward

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 8
PASSWORD = "correct horse battery staple"
SETS = [(19456, 2, 1), (65536, 3, 1)]


def hashers(m: int, t: int, p: int) -> dict[str, Callable[[], object]]:
    params = authward.HashParams(memory_kib=m, iterations=t, parallelism=p)
    cffi = argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, hash_len=32, salt_len=16)
    return {
        "authward": lambda: authward.hash_password(PASSWORD, params),
        "argon2-cffi": lambda: cffi.hash(PASSWORD),
    }


def sequential(f: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    f()
    f()
    return time.perf_counter() - t0


def warm_pool(f: Callable[[], object], pool: concurrent.futures.ThreadPoolExecutor) -> float:
    t0 = time.perf_counter()
    for fut in [pool.submit(f), pool.submit(f)]:
        fut.result()
    return time.perf_counter() - t0


def fresh_threads(f: Callable[[], object]) -> float:
    threads = [threading.Thread(target=f) for _ in range(2)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t0


def main() -> None:
    print(f"load average {os.getloadavg()}, {os.cpu_count()} CPUs, authward {authward.__version__}")
    print("| params | library | sequential (2 hashes) ms | warm pool / sequential | fresh threads / sequential |")
    print("| --- | --- | --- | --- | --- |")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for m, t, p in SETS:
            for name, f in hashers(m, t, p).items():
                for fut in [pool.submit(f), pool.submit(f)]:  # warm both pool threads
                    fut.result()
                best_seq, best_warm, best_fresh = 1e9, 1e9, 1e9
                for _ in range(ROUNDS):  # interleaved: load from other processes hits all three alike
                    best_seq = min(best_seq, sequential(f))
                    best_warm = min(best_warm, warm_pool(f, pool))
                    best_fresh = min(best_fresh, fresh_threads(f))
                print(
                    f"| {m},{t},{p} | {name} | {best_seq * 1000:.1f} | **{best_warm / best_seq:.2f}** "
                    f"| **{best_fresh / best_seq:.2f}** |"
                )


if __name__ == "__main__":
    main()
