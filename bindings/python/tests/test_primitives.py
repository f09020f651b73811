"""The stateless primitives and value types through Python."""

from __future__ import annotations

import dataclasses
import time

import pytest

import authward
from conftest import CHEAP

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# --- passwords ---------------------------------------------------------------------------------------


def test_hash_is_argon2id_phc_with_default_owasp_params() -> None:
    phc = authward.hash_password("correct horse battery staple")
    assert phc.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert authward.verify_password("correct horse battery staple", phc) is True
    assert authward.verify_password("correct horse battery stapl", phc) is False
    assert authward.needs_rehash(phc) is False
    assert authward.needs_rehash(phc, authward.HashParams(iterations=3)) is True


def test_salts_differ_and_params_are_written() -> None:
    a = authward.hash_password("pw", CHEAP)
    b = authward.hash_password("pw", CHEAP)
    assert a != b
    assert a.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_nfkc_makes_differently_typed_passwords_match() -> None:
    phc = authward.hash_password("caf\u00e9", CHEAP)  # composed é
    assert authward.verify_password("cafe\u0301", phc)  # decomposed e + combining accent


def test_pepper_is_needed_to_verify() -> None:
    phc = authward.hash_password("pw", CHEAP, pepper=b"server-side pepper")
    assert authward.verify_password("pw", phc, pepper=b"server-side pepper")
    assert not authward.verify_password("pw", phc)
    assert not authward.verify_password("pw", phc, pepper=b"another pepper")
    with pytest.raises(authward.InvalidArgumentError):
        authward.hash_password("pw", CHEAP, pepper=b"x" * 65)


@pytest.mark.parametrize("phc", ["", "not a hash", "$argon2id$v=19$m=1024", "$bcrypt$xx", "$" * 5000])
def test_malformed_phc_is_invalid_argument(phc: str) -> None:
    with pytest.raises(authward.InvalidArgumentError) as err:
        authward.verify_password("pw", phc)
    assert err.value.code == "INVALID_ARGUMENT"
    assert isinstance(err.value, ValueError)


def test_password_policy_reports_every_violation() -> None:
    policy = authward.PasswordPolicy(require_digit=True, require_symbol=True, require_uppercase=True)
    codes = [v.code for v in policy.check("bob", user_inputs=["bob@example.com"])]
    assert set(codes) == {
        "TOO_SHORT", "MISSING_UPPERCASE", "MISSING_DIGIT", "MISSING_SYMBOL", "TOO_WEAK", "CONTAINS_USER_INPUT"
    }
    for v in policy.check("bob"):
        assert "bob" not in v.message  # never echoes the password
    assert policy.check("Correct-Horse-Battery-Staple-42!") == []
    assert authward.PasswordPolicy().check("correct horse battery staple") == []
    # Length counts code points after NFKC, spaces and any printable character allowed.
    assert authward.PasswordPolicy(min_length=4, min_strength=0).check("日本語✓") == []


def test_policy_rules_for_a_checklist() -> None:
    rules = authward.PasswordPolicy(require_digit=True).rules()
    assert [r.code for r in rules][:2] == ["TOO_SHORT", "TOO_LONG"]
    assert "MISSING_DIGIT" in [r.code for r in rules]
    assert rules[0].description == "At least 12 characters"


# --- value types -------------------------------------------------------------------------------------


def test_types_have_design_defaults_keyword_arguments_and_readable_repr() -> None:
    p = authward.HashParams()
    assert (p.memory_kib, p.iterations, p.parallelism) == (19456, 2, 1)
    assert repr(p) == "HashParams(memory_kib=19456, iterations=2, parallelism=1)"
    c = authward.TotpConfig()
    assert (c.algorithm, c.digits, c.period, c.window) == ("SHA1", 6, 30, 1)
    assert repr(authward.TotpConfig(algorithm="sha256", digits=8)) == (
        "TotpConfig(algorithm='SHA256', digits=8, period=30, window=1)"
    )
    pp = authward.PasswordPolicy()
    assert (pp.min_length, pp.max_length, pp.min_strength, pp.forbid_user_inputs, pp.history) == (12, 128, 3, True, 5)
    assert not (pp.require_lowercase or pp.require_uppercase or pp.require_digit or pp.require_symbol)
    lo = authward.LockoutPolicy()
    assert (lo.max_failures, lo.lockout_seconds) == (5, 300)
    ap = authward.AccountPolicy()
    assert ap.enforce_two_factor is False and ap.two_factor_grace_days == 0
    assert ap.password_expiration_days is None and ap.password_expiry_warning_days == 14
    assert ap.password == pp and ap.totp == c and ap.lockout == lo
    assert repr(ap).startswith("AccountPolicy(enforce_two_factor=False, two_factor_grace_days=0, ")
    custom = authward.AccountPolicy(
        enforce_two_factor=True, password_expiration_days=90, lockout=authward.LockoutPolicy(max_failures=3)
    )
    assert custom.enforce_two_factor and custom.password_expiration_days == 90 and custom.lockout.max_failures == 3
    assert custom != ap


def test_types_are_immutable() -> None:
    with pytest.raises(AttributeError):
        authward.HashParams().memory_kib = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        authward.AccountPolicy().enforce_two_factor = True  # type: ignore[misc]


@pytest.mark.parametrize(
    "make",
    [
        lambda: authward.HashParams(memory_kib=4),
        lambda: authward.HashParams(iterations=0),
        lambda: authward.PasswordPolicy(min_length=20, max_length=10),
        lambda: authward.PasswordPolicy(min_strength=5),
        lambda: authward.TotpConfig(algorithm="MD5"),
        lambda: authward.TotpConfig(digits=5),
        lambda: authward.TotpConfig(period=0),
        lambda: authward.LockoutPolicy(max_failures=0),
        lambda: authward.AccountPolicy(password_expiration_days=0),
    ],
)
def test_out_of_range_values_raise_invalid_argument(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(authward.InvalidArgumentError):
        make()


# --- TOTP ----------------------------------------------------------------------------------------------


def test_generated_secrets_are_160_bit_base32() -> None:
    import base64

    secrets = {authward.generate_totp_secret() for _ in range(50)}
    assert len(secrets) == 50
    for s in secrets:
        assert len(s) == 32 and "=" not in s
        assert len(base64.b32decode(s)) == 20


def test_window_and_replay() -> None:
    t = 1_700_000_000
    step = t // 30
    code = authward.totp_code(SECRET, at=t)
    assert authward.verify_totp(SECRET, code, at=t) == step
    assert authward.verify_totp(SECRET, code, at=t + 30) == step  # one step late: inside the window
    assert authward.verify_totp(SECRET, code, at=t - 30) == step  # one step early
    assert authward.verify_totp(SECRET, code, at=t + 60) is None  # two steps: outside
    assert authward.verify_totp(SECRET, code, at=t, last_step=step) is None  # replay
    assert authward.verify_totp(SECRET, code, at=t, last_step=step - 1) == step
    assert authward.verify_totp(SECRET, code, at=t + 60, config=authward.TotpConfig(window=2)) == step
    spaced = code[:3] + " " + code[3:]
    assert authward.verify_totp(SECRET, spaced, at=t) == step
    for wrong in ["", "12345", "1234567", "abcdef", "１２３４５６", str((int(code) + 1) % 10**6).zfill(6)]:
        assert authward.verify_totp(SECRET, wrong, at=t) is None


def test_totp_defaults_to_now() -> None:
    code = authward.totp_code(SECRET)
    assert authward.verify_totp(SECRET, code) is not None
    assert authward.verify_totp(SECRET, code) in {int(time.time()) // 30 + d for d in (-1, 0, 1)}


@pytest.mark.parametrize("secret", ["", "not base32!", "ABC", "A" * 2000])
def test_bad_secrets_raise(secret: str) -> None:
    with pytest.raises(authward.InvalidArgumentError):
        authward.totp_code(secret, at=0)
    with pytest.raises(authward.InvalidArgumentError):
        authward.verify_totp(secret, "123456", at=0)


def test_uri_round_trip_and_percent_encoding() -> None:
    config = authward.TotpConfig(algorithm="SHA512", digits=8, period=60)
    uri = authward.totp_uri(SECRET, "ACME Co", "ada lovelace@example.com", config)
    assert uri.startswith("otpauth://totp/ACME%20Co:ada%20lovelace@example.com?secret=" + SECRET)
    parsed = authward.parse_totp_uri(uri)
    assert (parsed.secret, parsed.issuer, parsed.account_name) == (SECRET, "ACME Co", "ada lovelace@example.com")
    assert parsed.config == authward.TotpConfig(algorithm="SHA512", digits=8, period=60)
    assert SECRET not in repr(parsed) and "<redacted>" in repr(parsed)
    for bad in ["", "https://example.com", "otpauth://hotp/A:b?secret=" + SECRET, "otpauth://totp/A:b?secret=!!"]:
        with pytest.raises(authward.InvalidArgumentError):
            authward.parse_totp_uri(bad)
    with pytest.raises(authward.InvalidArgumentError):
        authward.totp_uri(SECRET, "Bad:Issuer", "ada")


# --- QR -------------------------------------------------------------------------------------------------


def test_qr_types() -> None:
    uri = authward.totp_uri(SECRET, "ACME", "ada")
    svg = authward.qr_svg(uri)
    assert isinstance(svg, str) and "<svg" in svg
    png = authward.qr_png(uri)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(authward.qr_png(uri, scale=2)) < len(png)
    term = authward.qr_terminal(uri)
    assert isinstance(term, str) and "\u2588" in term
    with pytest.raises(authward.InvalidArgumentError):
        authward.qr_png(uri, scale=0)
    with pytest.raises(authward.InvalidArgumentError):
        authward.qr_svg("")
    with pytest.raises(authward.InvalidArgumentError):
        authward.qr_svg("x" * 5000)


def test_module_metadata() -> None:
    assert authward.__version__ == "0.1.0"
    assert set(authward.__all__) <= set(dir(authward))
    assert not dataclasses.is_dataclass(authward.HashParams)
