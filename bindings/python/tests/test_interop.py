"""Interop with the libraries Python users already have: pyotp, argon2-cffi, and a real QR decoder."""

from __future__ import annotations

import hashlib
import itertools
import shutil
import subprocess

import argon2
import pyotp
import pytest

import authward

DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
COMBOS = list(itertools.product(DIGESTS, (6, 8), (30, 60)))
TIMES = [0, 59, 1_111_111_109, 1_234_567_890, 2_000_000_000, 20_000_000_000]


@pytest.mark.parametrize(("algorithm", "digits", "period"), COMBOS)
def test_totp_codes_agree_with_pyotp_both_ways(algorithm: str, digits: int, period: int) -> None:
    secret = authward.generate_totp_secret()
    config = authward.TotpConfig(algorithm=algorithm, digits=digits, period=period)
    theirs = pyotp.TOTP(secret, digits=digits, digest=DIGESTS[algorithm], interval=period)
    for t in TIMES:
        ours = authward.totp_code(secret, at=t, config=config)
        assert ours == theirs.at(t)
        assert theirs.verify(ours, for_time=t)
        assert authward.verify_totp(secret, theirs.at(t), at=t, config=config) == t // period
        # pyotp's code for the previous step is accepted inside the window, not two steps back.
        if t >= 2 * period:
            assert authward.verify_totp(secret, theirs.at(t - period), at=t, config=config) == t // period - 1
            assert authward.verify_totp(secret, theirs.at(t - 2 * period), at=t, config=config) is None
    # A secret made by pyotp works in authward too.
    their_secret = pyotp.random_base32()
    assert authward.totp_code(their_secret, at=TIMES[3], config=config) == pyotp.TOTP(
        their_secret, digits=digits, digest=DIGESTS[algorithm], interval=period
    ).at(TIMES[3])


@pytest.mark.parametrize(("algorithm", "digits", "period"), COMBOS)
def test_uris_parse_both_ways(algorithm: str, digits: int, period: int) -> None:
    secret = authward.generate_totp_secret()
    config = authward.TotpConfig(algorithm=algorithm, digits=digits, period=period)
    ours = authward.totp_uri(secret, "ACME Corp", "ada+test@example.com", config)
    parsed = pyotp.parse_uri(ours)
    assert isinstance(parsed, pyotp.TOTP)
    assert (parsed.secret, parsed.issuer, parsed.name) == (secret, "ACME Corp", "ada+test@example.com")
    assert (parsed.digits, parsed.interval, parsed.digest().name) == (digits, period, algorithm.lower())
    assert parsed.at(TIMES[3]) == authward.totp_code(secret, at=TIMES[3], config=config)

    theirs = pyotp.TOTP(secret, digits=digits, digest=DIGESTS[algorithm], interval=period).provisioning_uri(
        name="grace hopper@example.com", issuer_name="Navy Labs"
    )
    back = authward.parse_totp_uri(theirs)
    assert (back.secret, back.issuer, back.account_name) == (secret, "Navy Labs", "grace hopper@example.com")
    assert back.config == config


def test_argon2_cffi_hashes_verify_in_authward_and_ours_in_theirs() -> None:
    hasher = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    for password in ["correct horse battery staple", "pässwörd ✓ 日本語", " spaces  everywhere "]:
        theirs = hasher.hash(password)
        assert authward.verify_password(password, theirs) is True
        assert authward.verify_password(password + "!", theirs) is False
        assert authward.needs_rehash(theirs) is False

        ours = authward.hash_password(password)
        assert hasher.verify(ours, password) is True
        assert hasher.check_needs_rehash(ours) is False
        with pytest.raises(argon2.exceptions.VerifyMismatchError):
            hasher.verify(ours, password + "!")

    # Other variants and parameters from argon2-cffi verify too.
    for kind in (argon2.Type.I, argon2.Type.D, argon2.Type.ID):
        phc = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=2, type=kind).hash("legacy")
        assert authward.verify_password("legacy", phc) is True
        assert authward.needs_rehash(phc) is True


def _zbarimg() -> str:
    path = shutil.which("zbarimg")
    if path is None:
        pytest.fail("zbarimg (Debian package zbar-tools) is not installed; run_tests.sh installs it")
    return path


@pytest.mark.parametrize("scale", [2, 8])
def test_qr_png_decodes_to_the_exact_uri(tmp_path, scale: int) -> None:  # type: ignore[no-untyped-def]
    uri = authward.totp_uri(authward.generate_totp_secret(), "ACME Corp", "ada lovelace@example.com")
    png = tmp_path / "qr.png"
    png.write_bytes(authward.qr_png(uri, scale=scale))
    out = subprocess.run(
        [_zbarimg(), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.rstrip("\n") == uri
