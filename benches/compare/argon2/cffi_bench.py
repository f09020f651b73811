"""argon2-cffi's PasswordHasher.hash (Argon2id) timed like examples/bench_argon2.rs.

usage: python cffi_bench.py <m_kib> <t> <p> <iterations> [phc-to-verify]
"""
import statistics
import sys
import time

import argon2

PASSWORD = "correct horse battery staple"


def main():
    m, t, p, n = (int(x) for x in sys.argv[1:5])
    hasher = argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, hash_len=32, salt_len=16,
                                   type=argon2.Type.ID)
    for _ in range(2):
        hasher.hash(PASSWORD)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        phc = hasher.hash(PASSWORD)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"RESULT argon2-cffi {m},{t},{p} {statistics.median(times):.3f} {times[0]:.3f}")
    print(f"PHC argon2-cffi {phc}")
    if len(sys.argv) > 5:
        try:
            ok = argon2.PasswordHasher().verify(sys.argv[5], PASSWORD)
        except argon2.exceptions.VerificationError:
            ok = False
        print(f"VERIFY {'ok' if ok else 'FAIL'} {sys.argv[5]}")
        if not ok:
            sys.exit(1)


main()
