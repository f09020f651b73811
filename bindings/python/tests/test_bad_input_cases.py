"""Hand-written bad-input cases (the shared table walk is test_bad_input_table.py): bad input raises TypeError / ValueError / AuthwardError, never crashes the interpreter."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import authward
from conftest import CHEAP

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PHC = "$argon2id$v=19$m=1024,t=1,p=1$5hVHSpATtJ+KvYj4hKb5YA$uQhlf0YbDjQK3xc1mlGOa3qWXlt9PsD6vxLn/XgUW20"
HUGE = "x" * (8 * 1024 * 1024)
SURROGATE = "pass\udc80word"

BAD_STRINGS: list[Any] = [None, 42, 4.2, b"bytes", ["list"], object(), HUGE, SURROGATE, "", "\x00"]

# Every string-taking primitive, with the bad value put in each string position in turn.
CALLS: dict[str, Callable[[Any], Any]] = {
    "hash_password": lambda x: authward.hash_password(x, CHEAP),
    "verify_password.password": lambda x: authward.verify_password(x, PHC),
    "verify_password.phc": lambda x: authward.verify_password("pw", x),
    "needs_rehash": lambda x: authward.needs_rehash(x),
    "totp_code": lambda x: authward.totp_code(x, at=0),
    "verify_totp.secret": lambda x: authward.verify_totp(x, "123456", at=0),
    "verify_totp.code": lambda x: authward.verify_totp(SECRET, x, at=0),
    "totp_uri.secret": lambda x: authward.totp_uri(x, "I", "a"),
    "totp_uri.issuer": lambda x: authward.totp_uri(SECRET, x, "a"),
    "totp_uri.account": lambda x: authward.totp_uri(SECRET, "I", x),
    "parse_totp_uri": lambda x: authward.parse_totp_uri(x),
    "qr_svg": lambda x: authward.qr_svg(x),
    "qr_png": lambda x: authward.qr_png(x),
    "qr_terminal": lambda x: authward.qr_terminal(x),
    "PasswordPolicy.check": lambda x: authward.PasswordPolicy().check(x),
    "PasswordPolicy.check.user_inputs": lambda x: authward.PasswordPolicy().check("pw", [x]),
    "TotpConfig.algorithm": lambda x: authward.TotpConfig(algorithm=x),
}


@pytest.mark.parametrize("bad", BAD_STRINGS, ids=lambda b: type(b).__name__ + (str(len(b)) if isinstance(b, str) else ""))
@pytest.mark.parametrize("name", sorted(CALLS))
def test_bad_strings(name: str, bad: Any) -> None:
    try:
        CALLS[name](bad)
    except (TypeError, ValueError, authward.AuthwardError) as err:
        # Non-str arguments are a TypeError, lone surrogates a UnicodeEncodeError (a ValueError).
        if not isinstance(bad, str):
            assert isinstance(err, TypeError), err
        elif bad is SURROGATE:
            assert isinstance(err, UnicodeEncodeError), err
        assert SURROGATE not in str(err)
        assert HUGE[:100] not in str(err)


def test_some_bad_strings_are_valid_values_not_errors() -> None:
    # The policy checks any string (it reports violations); an empty code simply does not match.
    assert [v.code for v in authward.PasswordPolicy().check("")][:1] == ["TOO_SHORT"]
    assert authward.verify_totp(SECRET, "", at=0) is None
    assert authward.verify_totp(SECRET, HUGE, at=0) is None
    assert authward.verify_password("", PHC) is False


@pytest.mark.parametrize("bad", [None, "1", 1.5, -1, 2**64, 10**100, True])
def test_bad_numbers(bad: Any) -> None:
    with pytest.raises((TypeError, ValueError, OverflowError)):
        authward.totp_code(SECRET, at=bad if bad is not None else "x")
    with pytest.raises((TypeError, ValueError)):
        authward.verify_totp(SECRET, "123456", at=0, last_step=bad if bad is not None else "x")


@pytest.mark.parametrize("bad", [-1, 2**64])
def test_negative_or_huge_times_are_invalid_argument(bad: int) -> None:
    with pytest.raises(authward.InvalidArgumentError):
        authward.totp_code(SECRET, at=bad)
    with pytest.raises(authward.InvalidArgumentError):
        authward.ManualClock(bad)


@pytest.mark.parametrize(
    "make",
    [
        lambda: authward.HashParams(memory_kib=-1),
        lambda: authward.HashParams(memory_kib="1024"),
        lambda: authward.HashParams(memory_kib=None),
        lambda: authward.TotpConfig(digits=300),
        lambda: authward.PasswordPolicy(require_digit="yes"),
        lambda: authward.AccountPolicy(password="not a policy"),
        lambda: authward.AccountPolicy(lockout=authward.TotpConfig()),
        lambda: authward.hash_password("pw", params="cheap"),
        lambda: authward.hash_password("pw", CHEAP, pepper="not bytes"),
        lambda: authward.verify_totp(SECRET, "123456", config={"digits": 6}),
        lambda: authward.qr_png("x", scale=-1),
        lambda: authward.PasswordPolicy().check("pw", user_inputs="bob"),
    ],
)
def test_bad_types_and_ranges_in_constructors_and_options(make: Callable[[], Any]) -> None:
    with pytest.raises((TypeError, ValueError, OverflowError)):
        make()
