"""authward vs the Python libraries it replaces, side by side in one process, printing ratios.

* Argon2id hash and verify at OWASP parameters (m=19456 KiB, t=2, p=1): authward vs argon2-cffi.
* TOTP verification of an invalid code (window ±1, so every candidate step is computed): authward vs pyotp.
* GIL: two threads hashing vs two hashes in sequence (authward, and argon2-cffi for reference).

Rounds of the peers are interleaved so that load from other processes hits both alike; each figure is a
median (hashes) or the best of several repeats (TOTP). Ratios > 1 mean authward is faster.

Run: python benches/compare/python/bench.py [--quick]   (needs authward, argon2-cffi and pyotp installed;
bindings/python/run_tests.sh --bench builds and runs it in the test venv)
"""

from __future__ import annotations

import hashlib
from importlib import metadata
import os
import statistics
import sys
import threading
import time
import timeit
from typing import Callable

import argon2
import pyotp

import authward

QUICK = "--quick" in sys.argv
PASSWORD = "correct horse battery staple"
OWASP = authward.HashParams(memory_kib=19456, iterations=2, parallelism=1)
CFFI = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16)


def interleaved(a: Callable[[], object], b: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median seconds per call of a and b, alternating which goes first."""
    ta: list[float] = []
    tb: list[float] = []
    for i in range(rounds):
        for f, out in ((a, ta), (b, tb)) if i % 2 == 0 else ((b, tb), (a, ta)):
            t0 = time.perf_counter()
            f()
            out.append(time.perf_counter() - t0)
    return statistics.median(ta), statistics.median(tb)


def per_call(f: Callable[[], object], number: int, repeat: int) -> float:
    return min(timeit.repeat(f, number=number, repeat=repeat)) / number


def threads_ratio(hash_one: Callable[[str], object], tries: int) -> float:
    """Best (lowest) of `tries` ratios: wall time of 2 hashes on 2 threads / 2 hashes in sequence."""
    best = float("inf")
    for _ in range(tries):
        t0 = time.perf_counter()
        hash_one("a")
        hash_one("b")
        sequential = time.perf_counter() - t0
        threads = [threading.Thread(target=hash_one, args=(pw,)) for pw in ("a", "b")]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        best = min(best, (time.perf_counter() - t0) / sequential)
    return best


def row(what: str, ours: float, theirs: float, peer: str, unit: str = "ms") -> None:
    scale = 1e3 if unit == "ms" else 1e6
    print(
        f"{what:<34} authward {ours * scale:9.2f} {unit}   {peer:<11} {theirs * scale:9.2f} {unit}"
        f"   ratio {theirs / ours:6.2f}x"
    )


def main() -> None:
    print(f"authward {authward.__version__}, argon2-cffi {metadata.version('argon2-cffi')}, "
          f"pyotp {metadata.version('pyotp')}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    # Argon2id at OWASP parameters.
    ours_phc = authward.hash_password(PASSWORD, OWASP)
    theirs_phc = CFFI.hash(PASSWORD)
    assert authward.verify_password(PASSWORD, theirs_phc) and CFFI.verify(ours_phc, PASSWORD)
    rounds = 8 if QUICK else 30
    h_ours, h_theirs = interleaved(
        lambda: authward.hash_password(PASSWORD, OWASP), lambda: CFFI.hash(PASSWORD), rounds
    )
    row("hash (m=19456, t=2, p=1)", h_ours, h_theirs, "argon2-cffi")
    v_ours, v_theirs = interleaved(
        lambda: authward.verify_password(PASSWORD, ours_phc), lambda: CFFI.verify(theirs_phc, PASSWORD), rounds
    )
    row("verify (m=19456, t=2, p=1)", v_ours, v_theirs, "argon2-cffi")

    # TOTP: verify an invalid code with a ±1 window (3 HMACs each).
    secret = authward.generate_totp_secret()
    at = 1_767_225_600
    totp = pyotp.TOTP(secret, digest=hashlib.sha1, digits=6, interval=30)
    wrong = str((int(totp.at(at)) + 1) % 1_000_000).zfill(6)
    for d in (-30, 0, 30):
        assert wrong != totp.at(at + d)
    assert authward.verify_totp(secret, wrong, at=at) is None and not totp.verify(wrong, for_time=at, valid_window=1)
    number, repeat = (2_000, 3) if QUICK else (20_000, 7)
    t_ours = per_call(lambda: authward.verify_totp(secret, wrong, at=at), number, repeat)
    t_theirs = per_call(lambda: totp.verify(wrong, for_time=at, valid_window=1), number, repeat)
    row("verify_totp invalid code, window 1", t_ours, t_theirs, "pyotp", unit="us")
    c_ours = per_call(lambda: authward.totp_code(secret, at=at), number, repeat)
    c_theirs = per_call(lambda: totp.at(at), number, repeat)
    row("totp_code", c_ours, c_theirs, "pyotp", unit="us")

    # The GIL: two threads hashing vs two hashes in sequence (1.0 = no parallelism, 0.5 = perfect).
    tries = 3 if QUICK else 8
    r_ours = threads_ratio(lambda pw: authward.hash_password(pw, OWASP), tries)
    r_theirs = threads_ratio(lambda pw: CFFI.hash(pw), tries)
    print(
        f"{'2 threads / 2 sequential hashes':<34} authward {r_ours:9.2f}      argon2-cffi {r_theirs:9.2f}"
        "      (best of {tries}; 0.5 = perfect, 1.0 = serialized)".replace("{tries}", str(tries))
    )

    print(
        f"summary: hash {h_theirs / h_ours:.2f}x argon2-cffi (target >= 1.0), verify {v_theirs / v_ours:.2f}x, "
        f"TOTP verify {t_theirs / t_ours:.1f}x pyotp (target >= 10), threads ratio {r_ours:.2f}"
    )


if __name__ == "__main__":
    main()
