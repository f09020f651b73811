"""The shared known-answer vectors (tests/vectors/): RFC 6238, RFC 4226, Argon2 and the error-code table."""

from __future__ import annotations

import base64

import pytest

import authward
from conftest import load_vectors

TOTP = load_vectors("totp.json")
ARGON2 = load_vectors("argon2.json")
ERRORS = load_vectors("errors.json")


@pytest.mark.parametrize("v", TOTP["totp"], ids=lambda v: f"{v['algorithm']}-t{v['time']}")
def test_rfc6238(v: dict) -> None:
    config = authward.TotpConfig(algorithm=v["algorithm"], digits=v["digits"], period=v["period"])
    assert authward.totp_code(v["secret_base32"], at=v["time"], config=config) == v["code"]
    assert authward.verify_totp(v["secret_base32"], v["code"], at=v["time"], config=config) == v["step"]
    # The same step is a replay once it was used.
    assert authward.verify_totp(v["secret_base32"], v["code"], at=v["time"], last_step=v["step"], config=config) is None


@pytest.mark.parametrize("v", TOTP["hotp"]["vectors"], ids=lambda v: f"counter{v['counter']}")
def test_rfc4226(v: dict) -> None:
    # HOTP(counter) is TOTP with a one-second period at time `counter`.
    hotp = TOTP["hotp"]
    config = authward.TotpConfig(algorithm=hotp["algorithm"], digits=hotp["digits"], period=1, window=0)
    assert authward.totp_code(hotp["secret_base32"], at=v["counter"], config=config) == v["code"]
    assert authward.verify_totp(hotp["secret_base32"], v["code"], at=v["counter"], config=config) == v["counter"]


@pytest.mark.parametrize("v", ARGON2["phc"], ids=lambda v: v["note"])
def test_argon2_phc_strings_from_the_reference_implementation(v: dict) -> None:
    assert authward.verify_password(v["password"], v["phc"]) is True
    assert authward.verify_password(v["password"] + "x", v["phc"]) is False
    assert authward.needs_rehash(v["phc"]) is v["needs_rehash_at_default"]


def _b64(hex_: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_)).decode().rstrip("=")


@pytest.mark.parametrize("v", ARGON2["raw"], ids=lambda v: f"{v['algorithm']}-m{v['memory_kib']}")
def test_argon2_raw_tags(v: dict) -> None:
    # A raw known answer (password, salt, tag) written as a PHC string verifies; a changed tag does not.
    version = v["version"]
    phc = (
        f"${v['algorithm']}$v={version}$m={v['memory_kib']},t={v['iterations']},p={v['parallelism']}"
        f"${_b64(v['salt_hex'])}${_b64(v['tag_hex'])}"
    )
    password = bytes.fromhex(v["password_hex"]).decode("utf-8")
    assert authward.verify_password(password, phc) is True
    flipped = v["tag_hex"][:-2] + format(int(v["tag_hex"][-2:], 16) ^ 1, "02x")
    assert authward.verify_password(password, phc.rsplit("$", 1)[0] + "$" + _b64(flipped)) is False


def test_error_code_table_matches_the_shared_vectors() -> None:
    table = [(e["name"], e["value"]) for e in ERRORS]
    assert authward.error_codes() == table
    assert [(c.name, c.value) for c in authward.ErrorCode] == table
    # One exception class per code but OK, each with the code's name, all under AuthwardError.
    assert sorted(authward.ERROR_CLASSES) == sorted(name for name, _ in table if name != "OK")
    for name, cls in authward.ERROR_CLASSES.items():
        assert issubclass(cls, authward.AuthwardError)
        assert cls.code == name
        assert getattr(authward, cls.__name__) is cls
    assert issubclass(authward.InvalidArgumentError, ValueError)
