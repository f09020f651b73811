"""No secret in any message, repr or event detail.

Runs the Security settings flows through the Python binding (create with a refused password, change
password with every failure, enrol with a wrong then a right code, sign in with wrong and right
passwords and codes, a replayed code, recovery codes with and without dashes, lockout, events, status,
the stateless primitives) while recording every error message (``str``, ``repr``, ``args``, violations),
the ``repr`` of every returned object, every event detail, everything written to stdout/stderr and every
log record. Then asserts that none of it contains a password (right, wrong, refused or new), the pepper,
the TOTP secret (base32 in any case, raw bytes as hex), a code, a recovery code (with or without
dashes, any case) or a challenge.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import Any, Callable

import pytest

import authward
from conftest import CHEAP

P1 = "Tangerine-Quartz-Meadow-91"
P2 = "Saffron-Glacier-Tundra-Violin-7"
P3 = "Juniper-Lantern-Harbor-Quill-3"
WRONG = "Wrong-Guess-Marmalade-55"
WEAK = "hunter2hunter2"
PEPPER = b"pepper-for-the-leak-test-0123456"
T0 = 1_700_000_000


class Recorder:
    """Runs calls, keeping every text they produce that must be free of secrets."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.secrets: set[str] = {P1, P2, P3, WRONG, WEAK, PEPPER.decode(), PEPPER.hex()}
        self.codes: set[str] = set()

    def text(self, where: str, value: Any) -> None:
        self.texts.append((where, value if isinstance(value, str) else repr(value)))

    def call(
        self, where: str, fn: Callable[[], Any], expect: Any = None, *, is_secret: bool = False
    ) -> Any:
        """Runs `fn`; records its error's texts, or the repr of what it returned unless that is itself
        the secret being handed out (recovery codes)."""
        try:
            result = fn()
        except authward.AuthwardError as err:
            assert expect is not None and isinstance(err, expect), f"{where}: {err!r}"
            self.text(f"{where}: str", str(err))
            self.text(f"{where}: repr", repr(err))
            self.text(f"{where}: args", repr(err.args))
            self.text(f"{where}: message", err.message)
            for v in getattr(err, "violations", ()):
                self.text(f"{where}: violation", v.message)
                self.text(f"{where}: violation repr", repr(v))
            return None
        assert expect is None, f"{where}: expected {expect}, got {result!r}"
        if not is_secret:
            self.text(f"{where}: repr", result)
        return result

    def totp_secret(self, secret: str) -> None:
        raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.secrets |= {secret, secret.lower(), raw.hex(), raw.hex().upper()}

    def recovery_codes(self, codes: list[str]) -> None:
        for code in codes:
            bare = code.replace("-", "")
            self.secrets |= {code, code.lower(), bare, bare.lower()}

    def check(self) -> None:
        secrets = {s for s in self.secrets if s}
        assert len(self.texts) > 10
        for where, text in self.texts:
            for secret in secrets:
                assert secret not in text, f"{where}: a secret appears in {text[:300]!r}"
            for code in self.codes:
                # Codes are 6 digits: only a standalone run of exactly these digits counts.
                assert not re.search(rf"(?<!\d){code}(?!\d)", text), f"{where}: the code {code} appears in {text[:300]!r}"


@pytest.fixture
def rec(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.DEBUG)
    r = Recorder()
    yield r
    out, err = capfd.readouterr()
    r.text("stdout", out)
    r.text("stderr", err)
    for record in caplog.records:
        r.text(f"log {record.name}", record.getMessage())
    r.check()


def test_flows_leak_no_secret(rec: Recorder, tmp_path: Any) -> None:
    clock = authward.ManualClock(T0)
    svc = authward.Authward.open(
        str(tmp_path / "leaks.db"), bytes(range(32)), clock=clock, hash_params=CHEAP, pepper=PEPPER
    )
    rec.text("service repr", svc)
    rec.call("policy", lambda: svc.set_account_policy("acme", authward.AccountPolicy(lockout=authward.LockoutPolicy(10, 60))))
    rec.call("policy read", lambda: svc.account_policy("acme"))

    # Create: a refused password, then a good one.
    rec.call("create weak", lambda: svc.create_user("alice", "acme", WEAK), authward.PolicyViolation)
    rec.call("create", lambda: svc.create_user("alice", "acme", P1, email="alice@example.com"))
    rec.call("create again", lambda: svc.create_user("alice", "acme", P1), authward.AlreadyExists)

    # Change password: every failure, then success, then back (reuse), past the minimum password age.
    clock.advance(86_400)
    rec.call("change wrong", lambda: svc.change_password("alice", WRONG, P2, P2), authward.WrongPassword)
    rec.call("change mismatch", lambda: svc.change_password("alice", P1, P2, P2 + "x"), authward.PasswordMismatch)
    rec.call("change weak", lambda: svc.change_password("alice", P1, WEAK, WEAK), authward.PolicyViolation)
    rec.call("change same", lambda: svc.change_password("alice", P1, P1, P1), authward.PasswordReused)
    rec.call("change", lambda: svc.change_password("alice", P1, P2, P2))
    rec.call("change again", lambda: svc.change_password("alice", P2, P3, P3), authward.PolicyViolation)
    clock.advance(86_400)
    rec.call("change back", lambda: svc.change_password("alice", P2, P1, P1), authward.PasswordReused)

    # Enrol: a wrong code, then the right one.
    enrollment = rec.call("begin", lambda: svc.begin_totp_enrollment("alice", "ACME"))
    rec.totp_secret(enrollment.secret)
    rec.secrets.add(enrollment.uri)
    rec.call("parse uri", lambda: authward.parse_totp_uri(enrollment.uri))
    code = authward.totp_code(enrollment.secret, at=clock.now())
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    rec.codes |= {code, wrong_code}
    rec.call("confirm wrong", lambda: svc.confirm_totp_enrollment("alice", wrong_code), authward.InvalidCode)
    codes = rec.call("confirm", lambda: svc.confirm_totp_enrollment("alice", code), is_secret=True)
    rec.recovery_codes(codes)

    # Sign in (the password is P2 now): wrong password, right password, wrong code, replayed code, right code.
    clock.advance(30)
    rec.call("sign in wrong", lambda: svc.sign_in("alice", WRONG), authward.InvalidCredentials)
    rec.call("sign in unknown", lambda: svc.sign_in("nobody", P1), authward.InvalidCredentials)
    first = rec.call("sign in", lambda: svc.sign_in("alice", P2))
    rec.secrets.add(first.challenge)
    rec.call("2fa wrong", lambda: svc.verify_second_factor(first.challenge, wrong_code), authward.InvalidCode)
    rec.call("2fa replay", lambda: svc.verify_second_factor(first.challenge, code), authward.CodeReused)
    now_code = authward.totp_code(enrollment.secret, at=clock.now())
    rec.codes.add(now_code)
    rec.call("2fa", lambda: svc.verify_second_factor(first.challenge, now_code))
    rec.call("2fa posted again", lambda: svc.verify_second_factor(first.challenge, now_code), authward.CodeReused)
    rec.call("2fa used challenge", lambda: svc.verify_second_factor(first.challenge, "000000"), authward.ChallengeExpired)

    # Recovery codes, with dashes and without, lower case.
    for i, typed in enumerate([codes[0], codes[1].replace("-", "").lower()]):
        clock.advance(31)
        sign_in = rec.call(f"sign in {i}", lambda: svc.sign_in("alice", P2))
        rec.secrets.add(sign_in.challenge)
        rec.call(f"recovery {i}", lambda: svc.verify_second_factor(sign_in.challenge, typed))
    rec.call("recovery reused", lambda: svc.verify_second_factor(sign_in.challenge, codes[0]), authward.ChallengeExpired)

    # An expired challenge.
    late = rec.call("sign in late", lambda: svc.sign_in("alice", P2))
    rec.secrets.add(late.challenge)
    clock.advance(301)
    rec.call("2fa late", lambda: svc.verify_second_factor(late.challenge, "000000"), authward.ChallengeExpired)

    # Regenerate codes and disable with a wrong password, then lockout.
    new_codes = rec.call("regenerate", lambda: svc.regenerate_recovery_codes("alice", P2), is_secret=True)
    rec.recovery_codes(new_codes)
    rec.call("disable wrong", lambda: svc.disable_totp("alice", WRONG), authward.WrongPassword)
    for i in range(10):  # distinct wrong passwords: the same one is counted once
        rec.call(f"lockout {i}", lambda: svc.sign_in("alice", f"{WRONG}{i}"), (authward.InvalidCredentials, authward.LockedOut))
    rec.call("locked", lambda: svc.sign_in("alice", P2), authward.LockedOut)
    rec.call("status", lambda: svc.status("alice"))

    # Admin flows.
    clock.advance(61)
    rec.call("set password", lambda: svc.set_password("alice", P3))
    rec.call("require change", lambda: svc.require_password_change("alice"))
    rec.call("sign in after reset", lambda: svc.sign_in("alice", P3))
    rec.call("reset 2fa", lambda: svc.reset_two_factor("alice"))
    done = rec.call("sign in no 2fa", lambda: svc.sign_in("alice", P3))
    assert done.status == "action_required" and done.required_actions == ["change_password"]

    # Every event of the log, and the status.
    events = rec.call("events", lambda: svc.events("alice", 1000))
    kinds = {e.kind for e in events}
    assert {"password_changed", "two_factor_enabled", "recovery_code_used", "code_reused", "locked_out"} <= kinds
    for e in events:
        rec.text(f"event {e.kind}", e.detail)
        rec.text(f"event {e.kind} repr", e)
    rec.call("status", lambda: svc.status("alice"))
    rec.call("users", lambda: svc.list_users("acme"))
    assert len(rec.texts) > 80


def test_primitives_leak_no_secret(rec: Recorder) -> None:
    secret = authward.generate_totp_secret()
    rec.totp_secret(secret)
    phc = rec.call("hash", lambda: authward.hash_password(P1, CHEAP, pepper=PEPPER))
    rec.call("verify wrong", lambda: authward.verify_password(WRONG, phc, pepper=PEPPER))
    rec.call("verify bad phc", lambda: authward.verify_password(P1, "$argon2id$" + P1), authward.InvalidArgumentError)
    rec.call("rehash bad phc", lambda: authward.needs_rehash("$argon2id$v=19$" + P2), authward.InvalidArgumentError)
    rec.call("check", lambda: authward.PasswordPolicy().check(WEAK))
    for v in authward.PasswordPolicy().check(WEAK, [P1]):
        rec.text("violation", v.message)
    code = authward.totp_code(secret, at=T0)
    rec.codes.add(code)
    rec.call("verify code", lambda: authward.verify_totp(secret, code, at=T0))
    rec.call("bad secret", lambda: authward.totp_code(secret.lower() + "!", at=T0), authward.InvalidArgumentError)
    rec.call("short secret", lambda: authward.totp_code(secret[:8], at=T0), authward.InvalidArgumentError)
    uri = authward.totp_uri(secret, "ACME", "jane@example.com")
    rec.secrets.add(uri)
    rec.call("parse", lambda: authward.parse_totp_uri(uri))
    rec.call("parse bad", lambda: authward.parse_totp_uri(uri.replace("secret=", "secret=!")), authward.InvalidArgumentError)
    rec.call("parse hotp", lambda: authward.parse_totp_uri(uri.replace("totp", "hotp")), authward.InvalidArgumentError)
    rec.call("qr", lambda: authward.qr_svg(uri)[:0])
