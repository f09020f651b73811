"""The flows of the service through Python: the Security settings page, with a manual clock."""

from __future__ import annotations

import asyncio
import threading

import pytest

import authward
from conftest import CHEAP

T0 = 1_700_000_000
PW = "correct horse battery staple"
PW2 = "another long passphrase, quite unguessable"


@pytest.fixture
def clock() -> authward.ManualClock:
    return authward.ManualClock(T0)


@pytest.fixture
def aw(clock: authward.ManualClock) -> authward.Authward:
    service = authward.Authward.in_memory(clock=clock, hash_params=CHEAP)
    service.create_user("ada", "acme", PW, email="ada@example.com")
    return service


def enroll(aw: authward.Authward, clock: authward.ManualClock, user: str = "ada") -> tuple[str, list[str]]:
    enrollment = aw.begin_totp_enrollment(user, "ACME")
    codes = aw.confirm_totp_enrollment(user, authward.totp_code(enrollment.secret, at=clock.now()))
    return enrollment.secret, codes


def test_manual_clock_moves_the_service_time(clock: authward.ManualClock, aw: authward.Authward) -> None:
    assert aw.now() == clock.now() == T0
    clock.advance(90)
    assert aw.now() == T0 + 90
    clock.set(5)
    assert aw.now() == 5
    assert repr(clock) == "ManualClock(5)"


def test_sign_in_without_two_factor(aw: authward.Authward) -> None:
    result = aw.sign_in("ada", PW)
    assert result.status == "complete" and result.challenge is None and result.required_actions == []
    assert result.credential_version >= 1
    with pytest.raises(authward.InvalidCredentials) as wrong:
        aw.sign_in("ada", "wrong password")
    with pytest.raises(authward.InvalidCredentials) as unknown:
        aw.sign_in("nobody", PW)
    # No user enumeration: same class, code and message.
    assert (wrong.value.code, str(wrong.value)) == (unknown.value.code, str(unknown.value)) == (
        "INVALID_CREDENTIALS",
        str(unknown.value),
    )
    assert PW not in str(unknown.value)


def test_change_password_errors_and_success(aw: authward.Authward, clock: authward.ManualClock) -> None:
    clock.advance(86_400)  # past the minimum password age (tests/test_min_age.py)
    before = aw.status("ada").credential_version
    with pytest.raises(authward.WrongPassword):
        aw.change_password("ada", "not it", PW2, PW2)
    with pytest.raises(authward.PasswordMismatch):
        aw.change_password("ada", PW, PW2, PW2 + "!")
    with pytest.raises(authward.PolicyViolation) as err:
        aw.change_password("ada", PW, "short", "short")
    assert {v.code for v in err.value.violations} >= {"TOO_SHORT", "TOO_WEAK"}
    assert all(isinstance(v, authward.Violation) for v in err.value.violations)
    assert "short" not in str(err.value).replace("too short", "")
    with pytest.raises(authward.PasswordReused):
        aw.change_password("ada", PW, PW, PW)
    aw.change_password("ada", PW, PW2, PW2)
    assert aw.status("ada").credential_version > before
    assert aw.sign_in("ada", PW2).status == "complete"
    with pytest.raises(authward.InvalidCredentials):
        aw.sign_in("ada", PW)
    # The old password is in the history.
    clock.advance(86_400)
    with pytest.raises(authward.PasswordReused):
        aw.change_password("ada", PW2, PW, PW)


def test_totp_enrollment_sign_in_replay_and_recovery_codes(
    aw: authward.Authward, clock: authward.ManualClock
) -> None:
    enrollment = aw.begin_totp_enrollment("ada", "ACME")
    assert isinstance(enrollment.qr_png, bytes) and enrollment.qr_png.startswith(b"\x89PNG")
    assert isinstance(enrollment.qr_svg, str) and "<svg" in enrollment.qr_svg
    assert enrollment.uri.startswith("otpauth://totp/ACME:ada@example.com?secret=" + enrollment.secret)
    assert enrollment.secret not in repr(enrollment) and enrollment.expires_at > T0
    with pytest.raises(authward.InvalidCode):
        aw.confirm_totp_enrollment("ada", "000000" if authward.totp_code(enrollment.secret, at=T0) != "000000" else "111111")
    codes = aw.confirm_totp_enrollment("ada", authward.totp_code(enrollment.secret, at=clock.now()))
    assert len(codes) == 10 and len(set(codes)) == 10
    status = aw.status("ada")
    assert status.two_factor_enabled and status.recovery_codes_left == 10

    clock.advance(30)
    first = aw.sign_in("ada", PW)
    assert first.status == "second_factor_required" and first.challenge
    assert first.challenge not in repr(first) and "<redacted>" in repr(first)
    code = authward.totp_code(enrollment.secret, at=clock.now())
    with pytest.raises(authward.InvalidCode):
        aw.verify_second_factor(first.challenge, "12345a")
    done = aw.verify_second_factor(first.challenge, code)  # a wrong code left the challenge valid
    assert done.status == "complete"
    with pytest.raises(authward.CodeReused):
        aw.verify_second_factor(first.challenge, code)  # the same form posted again
    with pytest.raises(authward.ChallengeExpired):
        aw.verify_second_factor(first.challenge, "000000")  # consumed

    second = aw.sign_in("ada", PW)
    with pytest.raises(authward.CodeReused):
        aw.verify_second_factor(second.challenge, code)  # same step again: replay
    assert aw.verify_second_factor(second.challenge, codes[0]).status == "complete"
    third = aw.sign_in("ada", PW)
    with pytest.raises(authward.InvalidCode):
        aw.verify_second_factor(third.challenge, codes[0])  # recovery codes are single-use
    assert aw.status("ada").recovery_codes_left == 9

    clock.advance(301)
    with pytest.raises(authward.ChallengeExpired):
        aw.verify_second_factor(third.challenge, authward.totp_code(enrollment.secret, at=clock.now()))

    kinds = [e.kind for e in aw.events("ada")]
    assert {"two_factor_enabled", "sign_in", "code_reused", "recovery_code_used"} <= set(kinds)
    # The events to tell the user about (one message each) are marked; routine ones are not.
    notify = {e.kind: e.notify for e in aw.events("ada")}
    assert notify["two_factor_enabled"] and notify["recovery_code_used"]
    assert not notify["sign_in"] and not notify["code_reused"]
    assert "notify=True" in repr(next(e for e in aw.events("ada") if e.kind == "two_factor_enabled"))
    for event in aw.events("ada", limit=100):
        for secret in [enrollment.secret, code, codes[0], first.challenge]:
            assert secret not in event.detail and secret not in repr(event)
    assert len(aw.events("ada", limit=2)) == 2
    assert aw.events("ada")[0].at >= aw.events("ada")[-1].at  # newest first


def test_lockout_and_retry_after(aw: authward.Authward, clock: authward.ManualClock) -> None:
    policy = authward.AccountPolicy(lockout=authward.LockoutPolicy(max_failures=3, lockout_seconds=120))
    aw.set_account_policy("acme", policy)
    assert aw.account_policy("acme") == policy
    for i in range(3):
        with pytest.raises(authward.InvalidCredentials):
            aw.sign_in("ada", f"wrong {i}")  # distinct: the same wrong password is counted once
    with pytest.raises(authward.LockedOut) as err:
        aw.sign_in("ada", PW)  # even the right password waits
    assert err.value.code == "LOCKED_OUT" and 0 < err.value.retry_after <= 120
    assert aw.status("ada").locked_until == T0 + 120
    clock.advance(121)
    assert aw.sign_in("ada", PW).status == "complete"
    assert "locked_out" in [e.kind for e in aw.events("ada")]


def test_account_policies_enforce_two_factor_and_password_expiry(
    aw: authward.Authward, clock: authward.ManualClock
) -> None:
    aw.set_account_policy("acme", authward.AccountPolicy(enforce_two_factor=True, two_factor_grace_days=7))
    in_grace = aw.sign_in("ada", PW)  # a full session, with the action and its deadline listed
    assert (in_grace.status, in_grace.required_actions) == ("complete", ["enroll_two_factor"])
    assert in_grace.two_factor_deadline == clock.now() + 7 * 86400
    clock.advance(8 * 86400)
    overdue = aw.sign_in("ada", PW)
    assert (overdue.status, overdue.required_actions) == ("action_required", ["enroll_two_factor"])
    enroll(aw, clock)
    with pytest.raises(authward.TwoFactorEnforced):
        aw.disable_totp("ada", PW)

    aw.set_account_policy("acme", authward.AccountPolicy(password_expiration_days=30, password_expiry_warning_days=5))
    aw.disable_totp("ada", PW)
    clock.advance(26 * 86400)  # the password is now 34 days old... changed at T0
    status = aw.status("ada")
    assert status.password_expires_at is not None
    assert status.password_expires_in_days is not None and status.password_expires_in_days <= 0
    result = aw.sign_in("ada", PW)
    assert (result.status, result.required_actions) == ("action_required", ["change_password"])
    aw.change_password("ada", PW, PW2, PW2)
    result = aw.sign_in("ada", PW2)
    assert result.required_actions == [] and result.password_expires_in_days is None


def test_admin_operations(aw: authward.Authward, clock: authward.ManualClock) -> None:
    aw.create_user("bob", "acme", PW2)
    aw.create_user("eve", "globex", PW2)
    assert aw.list_users("acme") == ["ada", "bob"]
    with pytest.raises(authward.AlreadyExists):
        aw.create_user("bob", "acme", PW2)
    with pytest.raises(authward.PolicyViolation):
        aw.create_user("carol", "acme", "weak")

    aw.require_password_change("bob")
    assert aw.sign_in("bob", PW2).required_actions == ["change_password"]
    aw.set_password("bob", "a brand new admin-set passphrase")
    # the admin's reset keeps the pending change: still no full session
    after_reset = aw.sign_in("bob", "a brand new admin-set passphrase")
    assert (after_reset.status, after_reset.required_actions) == ("action_required", ["change_password"])

    enroll(aw, clock)
    assert aw.sign_in("ada", PW).status == "second_factor_required"
    aw.reset_two_factor("ada")
    assert aw.sign_in("ada", PW).status == "complete"
    assert not aw.status("ada").two_factor_enabled

    _, codes = enroll(aw, clock)
    new_codes = aw.regenerate_recovery_codes("ada", PW)
    assert len(new_codes) == 10 and not set(codes) & set(new_codes)
    with pytest.raises(authward.WrongPassword):
        aw.regenerate_recovery_codes("ada", "wrong")

    aw.delete_user("eve")
    with pytest.raises(authward.NotFound):
        aw.status("eve")
    with pytest.raises(authward.InvalidState):
        aw.confirm_totp_enrollment("bob", "123456")


def test_replay_from_two_threads_exactly_one_wins(aw: authward.Authward, clock: authward.ManualClock) -> None:
    secret, _ = enroll(aw, clock)
    for round_ in range(5):
        clock.advance(30)
        code = authward.totp_code(secret, at=clock.now())
        challenges = [aw.sign_in("ada", PW).challenge for _ in range(2)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def use(challenge: str) -> None:
            barrier.wait()
            try:
                outcomes.append(aw.verify_second_factor(challenge, code).status)
            except authward.AuthwardError as err:
                outcomes.append(err.code)

        threads = [threading.Thread(target=use, args=(c,)) for c in challenges]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["CODE_REUSED", "complete"], (round_, outcomes)


def test_one_service_shared_by_many_threads(clock: authward.ManualClock) -> None:
    aw = authward.Authward.in_memory(clock=clock, hash_params=CHEAP)
    users = [f"user{i}" for i in range(8)]
    for u in users:
        aw.create_user(u, "acme", PW)
    errors: list[BaseException] = []

    def work(u: str) -> None:
        try:
            for _ in range(10):
                assert aw.sign_in(u, PW).status == "complete"
                with pytest.raises(authward.InvalidCredentials):
                    aw.sign_in(u, "wrong")
        except BaseException as err:  # noqa: BLE001 - collected and re-raised below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(sum(e.kind == "sign_in" for e in aw.events(u)) == 10 for u in users)


def test_usable_from_asyncio_with_to_thread(aw: authward.Authward) -> None:
    async def main() -> list[str]:
        results = await asyncio.gather(*(asyncio.to_thread(aw.sign_in, "ada", PW) for _ in range(4)))
        return [r.status for r in results]

    assert asyncio.run(main()) == ["complete"] * 4


def test_sqlite_store_persists_and_wrong_key_is_refused(tmp_path, clock: authward.ManualClock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "security.db"
    key = bytes(range(32))
    aw = authward.Authward.open(path, key, clock=clock, hash_params=CHEAP)
    aw.create_user("ada", "acme", PW)
    secret, _ = enroll(aw, clock)
    del aw

    with pytest.raises(authward.CryptoError) as err:
        authward.Authward.open(str(path), bytes(32), clock=clock, hash_params=CHEAP)
    assert err.value.code == "CRYPTO"
    for bad_key in [b"", bytes(31), bytes(33)]:
        with pytest.raises(authward.InvalidArgumentError):
            authward.Authward.open(path, bad_key)
    with pytest.raises(TypeError):
        authward.Authward.open(path, "a str is not bytes" * 2)  # type: ignore[arg-type]

    # Reopened with the right key and heavier parameters: the data is there and the hash is upgraded.
    clock.advance(30)
    aw = authward.Authward.open(path, key, clock=clock, hash_params=authward.HashParams(memory_kib=2048, iterations=1))
    challenge = aw.sign_in("ada", PW).challenge
    assert challenge is not None
    assert aw.verify_second_factor(challenge, authward.totp_code(secret, at=clock.now())).status == "complete"
    assert "password_rehashed" in [e.kind for e in aw.events("ada")]

    not_a_db = tmp_path / "not.db"
    not_a_db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(authward.StorageError):
        authward.Authward.open(not_a_db, key)


@pytest.mark.parametrize("bad", [None, 7, b"ada", "\udc80", "x" * (1 << 20)])
def test_bad_input_to_the_service(aw: authward.Authward, bad: object) -> None:
    calls = [
        lambda: aw.sign_in(bad, PW),  # type: ignore[arg-type]
        lambda: aw.sign_in("ada", bad),  # type: ignore[arg-type]
        lambda: aw.create_user(bad, "acme", PW),  # type: ignore[arg-type]
        lambda: aw.change_password("ada", PW, bad, bad),  # type: ignore[arg-type]
        lambda: aw.verify_second_factor(bad, "123456"),  # type: ignore[arg-type]
        lambda: aw.begin_totp_enrollment("ada", bad),  # type: ignore[arg-type]
        lambda: aw.status(bad),  # type: ignore[arg-type]
        lambda: aw.set_account_policy("acme", bad),  # type: ignore[arg-type]
    ]
    if not isinstance(bad, int):
        calls.append(lambda: aw.events("ada", limit=bad))  # type: ignore[arg-type]
    for call in calls:
        with pytest.raises((TypeError, ValueError, OverflowError, authward.AuthwardError)):
            call()
    assert aw.sign_in("ada", PW).status == "complete"  # still working
