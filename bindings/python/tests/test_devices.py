"""Remembered devices through Python: a token only after a second factor that asked for one, under a
policy with ``remember_device_days``; it skips the code, never the password; wrong, revoked and
post-change tokens are ignored; list and revoke; the token never shows in a repr."""

from __future__ import annotations

import pytest

import authward
from conftest import CHEAP

T0 = 1_700_000_000
PW = "correct horse battery staple"
PW2 = "another long passphrase, quite unguessable"


@pytest.fixture
def clock() -> authward.ManualClock:
    return authward.ManualClock(T0)


SECRETS: dict[int, str] = {}


@pytest.fixture
def aw(clock: authward.ManualClock) -> authward.Authward:
    service = authward.Authward.in_memory(clock=clock, hash_params=CHEAP)
    service.set_account_policy(
        "acme", authward.AccountPolicy(remember_device_days=30, lockout=authward.LockoutPolicy(max_failures=50))
    )
    service.create_user("ada", "acme", PW)
    enrollment = service.begin_totp_enrollment("ada", "ACME")
    service.confirm_totp_enrollment("ada", authward.totp_code(enrollment.secret, at=clock.now()))
    SECRETS[id(service)] = enrollment.secret
    return service


def code(aw: authward.Authward, clock: authward.ManualClock) -> str:
    clock.advance(30)
    return authward.totp_code(SECRETS[id(aw)], at=clock.now())


def remember(aw: authward.Authward, clock: authward.ManualClock, label: str = "Firefox") -> authward.SignIn:
    first = aw.sign_in("ada", PW)
    assert first.status == "second_factor_required" and first.device_token is None
    assert first.challenge is not None
    return aw.verify_second_factor(first.challenge, code(aw, clock), remember_device=label)


def test_policy_field_defaults_validates_and_round_trips(aw: authward.Authward) -> None:
    assert authward.AccountPolicy().remember_device_days is None
    assert aw.account_policy("acme").remember_device_days == 30
    assert "remember_device_days=30" in repr(aw.account_policy("acme"))
    for bad in (0, 366):
        with pytest.raises(authward.InvalidArgumentError):
            authward.AccountPolicy(remember_device_days=bad)
    with pytest.raises(authward.ArgumentTypeError):
        authward.AccountPolicy(remember_device_days="30")  # type: ignore[arg-type]


def test_a_token_skips_the_code_but_not_the_password(aw: authward.Authward, clock: authward.ManualClock) -> None:
    plain = aw.sign_in("ada", PW)
    assert plain.challenge is not None
    assert aw.verify_second_factor(plain.challenge, code(aw, clock)).device_token is None
    result = remember(aw, clock, "Firefox on Linux")
    assert result.status == "complete"
    token = result.device_token
    assert token is not None and len(token) == 43
    assert token not in repr(result) and "device_token=<redacted>" in repr(result)
    skipped = aw.sign_in("ada", PW, device_token=token)
    assert skipped.status == "complete" and skipped.challenge is None and skipped.device_token is None
    with pytest.raises(authward.InvalidCredentialsError):
        aw.sign_in("ada", PW2, device_token=token)
    events = aw.events("ada")
    assert events[1].kind == "sign_in" and "remembered device" in events[1].detail
    remembered = [e for e in events if e.kind == "device_remembered"]
    assert len(remembered) == 1 and remembered[0].notify and "Firefox on Linux" in remembered[0].detail
    assert all(token not in e.detail for e in events)
    assert "device_remembered" in authward.EVENT_KINDS and "device_revoked" in authward.EVENT_KINDS


def test_wrong_tokens_are_ignored_and_labels_checked(aw: authward.Authward, clock: authward.ManualClock) -> None:
    token = remember(aw, clock).device_token
    assert token is not None
    wrong = ("B" if token[0] == "A" else "A") + token[1:]
    for t in (wrong, "", "x" * 10_000, "not a token"):
        assert aw.sign_in("ada", PW, device_token=t).status == "second_factor_required"
    assert aw.status("ada").locked_until is None
    with pytest.raises(authward.ArgumentTypeError):
        aw.sign_in("ada", PW, device_token=b"bytes")  # type: ignore[arg-type]
    first = aw.sign_in("ada", PW)
    assert first.challenge is not None
    for label in ("x" * 201, "line\nbreak"):
        with pytest.raises(authward.InvalidArgumentError):
            aw.verify_second_factor(first.challenge, code(aw, clock), remember_device=label)


def test_no_token_while_the_policy_is_off(aw: authward.Authward, clock: authward.ManualClock) -> None:
    token = remember(aw, clock).device_token
    assert token is not None
    aw.set_account_policy("acme", authward.AccountPolicy())
    assert aw.sign_in("ada", PW, device_token=token).status == "second_factor_required"
    result = remember(aw, clock)
    assert result.status == "complete" and result.device_token is None


def test_list_revoke_and_a_password_change(aw: authward.Authward, clock: authward.ManualClock) -> None:
    t1 = remember(aw, clock, "one").device_token
    t2 = remember(aw, clock, "two").device_token
    assert t1 and t2
    devices = aw.list_devices("ada")
    assert [d.label for d in devices] == ["two", "one"]
    d = devices[0]
    assert len(d.id) == 16 and d.expires_at == d.created_at + 30 * 86_400 and d.last_used_at == d.created_at
    assert repr(d).startswith("Device(id=") and t2 not in repr(d)
    aw.revoke_device("ada", d.id)
    assert aw.sign_in("ada", PW, device_token=t2).status == "second_factor_required"
    with pytest.raises(authward.NotFoundError):
        aw.revoke_device("ada", d.id)
    with pytest.raises(authward.NotFoundError):
        aw.list_devices("nobody")
    assert aw.sign_in("ada", PW, device_token=t1).status == "complete"
    aw.set_password("ada", PW2)
    assert aw.list_devices("ada") == []
    assert aw.sign_in("ada", PW2, device_token=t1).status == "second_factor_required"
    t3 = aw.verify_second_factor(
        aw.sign_in("ada", PW2).challenge or "", code(aw, clock), remember_device="three"
    ).device_token
    assert t3
    assert aw.revoke_all_devices("ada") == 1
    assert aw.revoke_all_devices("ada") == 0
    assert aw.sign_in("ada", PW2, device_token=t3).status == "second_factor_required"
    assert any(e.kind == "device_revoked" and not e.notify for e in aw.events("ada"))
