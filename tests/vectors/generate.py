#!/usr/bin/env python3
"""Regenerates totp.json, argon2.json and errors.json with tools independent of authward.

Needs: Python >= 3.9 with `argon2-cffi` (the reference C implementation of Argon2, via CFFI) and `pyotp`:

    python3 -m venv /tmp/vec && /tmp/vec/bin/pip install argon2-cffi pyotp
    /tmp/vec/bin/python tests/vectors/generate.py

Every value computed here is also checked against the number printed in the RFC (hard-coded below), so a
regeneration that disagrees with the RFCs fails instead of writing a file. The PHC strings of argon2.json
use fresh random salts: regenerating changes them (they stay valid); the RFC vectors never change.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import unicodedata

import importlib.metadata

import argon2
import argon2.low_level as ll
import pyotp

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ------------------------------------------------------------------------------------------------
# TOTP (RFC 6238 Appendix B) and HOTP (RFC 4226 Appendix D)

def hotp_py(key, counter, digest, digits):
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    off = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


SEEDS = {
    # RFC 6238 Appendix A (the reference Java code) and erratum 2866: the seed of each algorithm is the
    # ASCII string "1234567890" repeated to the hash's output length (20, 32, 64 bytes).
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}

# RFC 6238 Appendix B, copied from the RFC's table: (time, T hex, {algorithm: code}).
RFC6238_TABLE = [
    (59, "0000000000000001", {"SHA1": "94287082", "SHA256": "46119246", "SHA512": "90693936"}),
    (1111111109, "00000000023523EC", {"SHA1": "07081804", "SHA256": "68084774", "SHA512": "25091201"}),
    (1111111111, "00000000023523ED", {"SHA1": "14050471", "SHA256": "67062674", "SHA512": "99943326"}),
    (1234567890, "000000000273EF07", {"SHA1": "89005924", "SHA256": "91819424", "SHA512": "93441116"}),
    (2000000000, "0000000003F940AA", {"SHA1": "69279037", "SHA256": "90698825", "SHA512": "38618901"}),
    (20000000000, "0000000027BC86AA", {"SHA1": "65353130", "SHA256": "77737706", "SHA512": "47863826"}),
]
RFC6238_UTC = {
    59: "1970-01-01 00:00:59",
    1111111109: "2005-03-18 01:58:29",
    1111111111: "2005-03-18 01:58:31",
    1234567890: "2009-02-13 23:31:30",
    2000000000: "2033-05-18 03:33:20",
    20000000000: "2603-10-11 11:33:20",
}
# RFC 4226 Appendix D: HOTP values for counters 0..9, secret "12345678901234567890", SHA1, 6 digits.
RFC4226_CODES = ["755224", "287082", "359152", "969429", "338314",
                 "254676", "287922", "162583", "399871", "520489"]

totp_vectors = []
for time, t_hex, codes in RFC6238_TABLE:
    for alg in ("SHA1", "SHA256", "SHA512"):
        seed = SEEDS[alg]
        b32 = base64.b32encode(seed).decode().rstrip("=")
        step = time // 30
        assert f"{step:016X}" == t_hex, (time, t_hex)
        mine = hotp_py(seed, step, DIGESTS[alg], 8)
        theirs = pyotp.TOTP(b32, digits=8, digest=DIGESTS[alg], interval=30).at(time)
        assert mine == theirs == codes[alg], (time, alg, mine, theirs, codes[alg])
        totp_vectors.append({
            "time": time,
            "utc": RFC6238_UTC[time],
            "step": step,
            "step_hex": t_hex,
            "algorithm": alg,
            "digits": 8,
            "period": 30,
            "secret_ascii": seed.decode(),
            "secret_hex": seed.hex(),
            "secret_base32": b32,
            "code": codes[alg],
        })

hotp_seed = SEEDS["SHA1"]
hotp_vectors = []
for counter, expected in enumerate(RFC4226_CODES):
    mine = hotp_py(hotp_seed, counter, hashlib.sha1, 6)
    theirs = pyotp.HOTP(base64.b32encode(hotp_seed).decode(), digits=6).at(counter)
    assert mine == theirs == expected, (counter, mine, theirs, expected)
    hotp_vectors.append({"counter": counter, "code": expected})

write("totp.json", {
    "description": "RFC 6238 Appendix B TOTP vectors (T0 = 0, period 30 s, 8 digits) and RFC 4226 "
                   "Appendix D HOTP vectors (SHA1, 6 digits). Checked with Python hmac/hashlib and pyotp; "
                   "see README.md.",
    "totp": totp_vectors,
    "hotp": {
        "algorithm": "SHA1",
        "digits": 6,
        "secret_ascii": hotp_seed.decode(),
        "secret_hex": hotp_seed.hex(),
        "secret_base32": base64.b32encode(hotp_seed).decode().rstrip("="),
        "vectors": hotp_vectors,
    },
})

# ------------------------------------------------------------------------------------------------
# Argon2 (RFC 9106 §5 and PHC strings from argon2-cffi)

TYPES = {"argon2d": ll.Type.D, "argon2i": ll.Type.I, "argon2id": ll.Type.ID}


def argon2_ctx(alg, password, salt, secret, ad, m, t, p, outlen, version=19):
    """argon2_ctx() of the reference C library (bundled by argon2-cffi-bindings), every input exposed."""
    ffi = ll.ffi
    out = ffi.new("uint8_t[]", outlen)
    keep = [ffi.new("uint8_t[]", bytes(x) or b"\0") for x in (password, salt, secret, ad)]
    ctx = ffi.new("argon2_context *", dict(
        version=version,
        out=out, outlen=outlen,
        pwd=keep[0], pwdlen=len(password),
        salt=keep[1], saltlen=len(salt),
        secret=keep[2] if secret else ffi.NULL, secretlen=len(secret),
        ad=keep[3] if ad else ffi.NULL, adlen=len(ad),
        t_cost=t, m_cost=m, lanes=p, threads=p,
        allocate_cbk=ffi.NULL, free_cbk=ffi.NULL,
        flags=ll.lib.ARGON2_DEFAULT_FLAGS,
    ))
    rc = ll.core(ctx, TYPES[alg].value)
    assert rc == ll.lib.ARGON2_OK, ll.error_to_str(rc)
    return bytes(ffi.buffer(out, outlen))


# RFC 9106 §5.1–5.3, tags copied from the RFC.
RFC9106 = [
    ("5.1", "argon2d", "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"),
    ("5.2", "argon2i", "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"),
    ("5.3", "argon2id", "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
]
pwd, salt, secret, ad = b"\x01" * 32, b"\x02" * 16, b"\x03" * 8, b"\x04" * 12
rfc_vectors = []
for section, alg, tag in RFC9106:
    got = argon2_ctx(alg, pwd, salt, secret, ad, 32, 3, 4, 32).hex()
    assert got == tag, (section, alg, got, tag)
    rfc_vectors.append({
        "section": f"RFC 9106 §{section}",
        "algorithm": alg, "version": 19,
        "memory_kib": 32, "iterations": 3, "parallelism": 4, "tag_length": 32,
        "password_hex": pwd.hex(), "salt_hex": salt.hex(),
        "secret_hex": secret.hex(), "associated_data_hex": ad.hex(),
        "tag_hex": tag,
    })

# Raw vectors without secret/ad, from argon2-cffi's public hash_secret_raw (cross-checked with argon2_ctx).
RAW_CASES = [
    ("argon2id", b"password", b"somesalt", 1024, 1, 1, 32),
    ("argon2id", b"correct horse battery staple", b"0123456789abcdef", 4096, 3, 2, 32),
    ("argon2i", b"password", b"somesalt", 2048, 2, 1, 32),
    ("argon2d", b"password", b"somesalt", 1024, 2, 4, 24),
    ("argon2id", "pässwörd ✓".encode(), b"\x00" * 16, 256, 4, 4, 64),
]
raw_vectors = []
for alg, p_, s_, m, t, par, n in RAW_CASES:
    a = ll.hash_secret_raw(p_, s_, time_cost=t, memory_cost=m, parallelism=par, hash_len=n,
                           type=TYPES[alg], version=19)
    b = argon2_ctx(alg, p_, s_, b"", b"", m, t, par, n)
    assert a == b
    raw_vectors.append({
        "algorithm": alg, "version": 19, "memory_kib": m, "iterations": t, "parallelism": par,
        "tag_length": n, "password_hex": p_.hex(), "salt_hex": s_.hex(),
        "secret_hex": "", "associated_data_hex": "", "tag_hex": a.hex(),
    })

# PHC strings made by argon2-cffi (random salts), with the password that verifies.
PHC_CASES = [
    # (algorithm, password, m, t, p, salt_len, hash_len, version, note)
    ("argon2id", "correct horse battery staple", 1024, 1, 1, 16, 32, 19, "cheap argon2id"),
    ("argon2id", "Tr0ub4dor&3", 4096, 3, 2, 16, 32, 19, "two lanes"),
    ("argon2id", "owasp default params", 19456, 2, 1, 16, 32, 19, "OWASP parameters (authward's default)"),
    ("argon2i", "legacy argon2i user", 2048, 2, 1, 16, 32, 19, "argon2i, for migration"),
    ("argon2d", "legacy argon2d user", 1024, 2, 4, 16, 32, 19, "argon2d, four lanes"),
    ("argon2id", "short salt, short hash", 1024, 2, 1, 8, 16, 19, "8-byte salt and 16-byte hash (needs rehash)"),
    ("argon2id", "pässwörd ✓ 日本語", 1024, 1, 1, 16, 32, 19, "UTF-8 password, already NFKC"),
    ("argon2id", "cafe\u0301 \uff21", 1024, 1, 1, 16, 32, 19,
     "password that is NOT in NFKC form, hashed as typed by another library (migration case)"),
    ("argon2i", "version 0x10 hash", 1024, 2, 1, 16, 32, 16, "Argon2 version 0x10 (v=16)"),
]
phc_vectors = []
for alg, password, m, t, p_, sl, hl, ver, note in PHC_CASES:
    phc = ll.hash_secret(password.encode(), os.urandom(sl), time_cost=t, memory_cost=m, parallelism=p_,
                         hash_len=hl, type=TYPES[alg], version=ver).decode()
    assert ll.verify_secret(phc.encode(), password.encode(), TYPES[alg])
    assert argon2.PasswordHasher().verify(phc, password)
    needs_rehash_default = not (alg == "argon2id" and ver == 19 and (m, t, p_) == (19456, 2, 1)
                                and sl >= 16 and hl >= 32)
    phc_vectors.append({
        "algorithm": alg, "version": ver, "memory_kib": m, "iterations": t, "parallelism": p_,
        "salt_length": sl, "hash_length": hl,
        "password": password,
        "password_is_nfkc": unicodedata.normalize("NFKC", password) == password,
        "phc": phc,
        "needs_rehash_at_default": needs_rehash_default,
        "note": note,
    })
    assert re.match(r"^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$", phc)

write("argon2.json", {
    "description": "Argon2 known answers: RFC 9106 §5 (with secret K and associated data X), raw tags and "
                   "PHC strings from argon2-cffi (reference C implementation). See README.md.",
    "generator": "argon2-cffi " + importlib.metadata.version("argon2-cffi"),
    "rfc9106": rfc_vectors,
    "raw": raw_vectors,
    "phc": phc_vectors,
})

# ------------------------------------------------------------------------------------------------
# Error codes, transcribed from DESIGN.md ("Error codes (stable; never renumbered)").

DESIGN_ERRORS = ("OK 0, INVALID_ARGUMENT 1, INVALID_CREDENTIALS 2, WRONG_PASSWORD 3, PASSWORD_MISMATCH 4, "
                 "POLICY_VIOLATION 5, PASSWORD_REUSED 6, INVALID_CODE 7, CODE_REUSED 8, LOCKED_OUT 9, "
                 "NOT_FOUND 10, ALREADY_EXISTS 11, TWO_FACTOR_ENFORCED 12, INVALID_STATE 13, "
                 "CHALLENGE_EXPIRED 14, STORAGE 15, CRYPTO 16, INTERNAL 17")
errors = []
for item in DESIGN_ERRORS.split(", "):
    name, value = item.rsplit(" ", 1)
    errors.append({"name": name, "value": int(value)})
assert [e["value"] for e in errors] == list(range(18))
write("errors.json", errors)

print("wrote totp.json, argon2.json, errors.json", file=sys.stderr)
