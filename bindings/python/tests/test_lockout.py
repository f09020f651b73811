"""The lockout under attack, through Python (issue 11): the same findings as tests/lockout.rs, shown
failing against 0.1 and holding now."""

from __future__ import annotations

import threading

import pytest

import authward
from conftest import CHEAP

T0 = 1_700_000_000
PW = "correct horse battery staple"


@pytest.fixture
def clock() -> authward.ManualClock:
    return authward.ManualClock(T0)


def service(clock: authward.ManualClock, tmp_path: object, max_failures: int = 5, seconds: int = 300) -> authward.Authward:
    aw = authward.Authward.open(str(tmp_path) + "/aw.db", bytes(range(32)), clock=clock, hash_params=CHEAP)
    policy = authward.AccountPolicy(lockout=authward.LockoutPolicy(max_failures=max_failures, lockout_seconds=seconds))
    aw.set_account_policy("acme", policy)
    aw.create_user("ada", "acme", PW)
    return aw


def enroll(aw: authward.Authward, clock: authward.ManualClock) -> str:
    e = aw.begin_totp_enrollment("ada", "ACME")
    aw.confirm_totp_enrollment("ada", authward.totp_code(e.secret, at=clock.now()))
    clock.advance(30)
    return e.secret


def wrong_code(secret: str, clock: authward.ManualClock) -> str:
    return f"{(int(authward.totp_code(secret, at=clock.now())) + 500_000) % 1_000_000:06}"


def test_the_password_gives_no_extra_code_guesses(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path, max_failures=3, seconds=86_400)
    secret = enroll(aw, clock)
    judged = 0
    for _ in range(30):
        try:
            challenge = aw.sign_in("ada", PW).challenge
        except authward.LockedOut:
            continue
        assert challenge is not None
        try:
            aw.verify_second_factor(challenge, wrong_code(secret, clock))
        except authward.InvalidCode:
            judged += 1
        except authward.LockedOut:
            pass
    assert judged == 3


def test_threads_racing_wrong_passwords_judge_at_most_the_budget(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path, max_failures=5, seconds=3600)
    barrier = threading.Barrier(24)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            aw.sign_in("ada", f"wrong guess {i}")
        except authward.AuthwardError as e:
            with lock:
                outcomes.append(e.code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("INVALID_CREDENTIALS") == 5, outcomes
    assert outcomes.count("LOCKED_OUT") == 19


def test_unknown_and_known_ids_answer_alike(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path)

    def answers(user: str) -> list[tuple[str, object]]:
        out = []
        for i in range(7):
            with pytest.raises(authward.AuthwardError) as e:
                aw.sign_in(user, f"wrong guess {i}")
            out.append((e.value.code, getattr(e.value, "retry_after", None)))
        return out

    known, unknown = answers("ada"), answers("nobody")
    assert known == unknown
    assert known[5][0] == "LOCKED_OUT"


def test_many_clients_cannot_lock_out_a_familiar_one(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path)
    assert aw.sign_in("ada", PW, client="203.0.113.7").status == "complete"
    judged = 0
    for i in range(300):
        try:
            aw.sign_in("ada", f"spray {i}", client=f"10.0.{i // 256}.{i % 256}")
        except authward.InvalidCredentials:
            judged += 1
        except authward.LockedOut:
            pass
    assert judged == 20
    assert aw.status("ada").lock_reason == "unfamiliar_clients"
    assert aw.sign_in("ada", PW, client="203.0.113.7").status == "complete"
    with pytest.raises(authward.LockedOut):
        aw.sign_in("ada", PW, client="192.0.2.1")


def test_required_actions_fail_closed(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path)
    aw.require_password_change("ada")
    result = aw.sign_in("ada", PW)
    assert (result.status, result.required_actions) == ("action_required", ["change_password"])


def test_events_name_the_failure_and_admin_unlock(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path, max_failures=2)
    with pytest.raises(authward.WrongPassword):
        aw.change_password("ada", "not it", "x", "x")
    with pytest.raises(authward.InvalidCredentials):
        aw.sign_in("ada", "not it either")
    assert aw.status("ada").lock_reason == "too_many_failures"
    aw.unlock_user("ada")
    assert aw.status("ada").locked_until is None
    kinds = [e.kind for e in aw.events("ada")]
    assert "password_change_failed" in kinds and "unlocked" in kinds and "locked_out" in kinds


def test_replacing_the_authenticator_needs_proof(clock: authward.ManualClock, tmp_path: object) -> None:
    aw = service(clock, tmp_path)
    enroll(aw, clock)
    before = aw.status("ada").credential_version
    with pytest.raises(authward.WrongPassword):
        aw.begin_totp_enrollment("ada", "ACME")
    e = aw.begin_totp_enrollment("ada", "ACME", password=PW)
    aw.confirm_totp_enrollment("ada", authward.totp_code(e.secret, at=clock.now()))
    assert aw.status("ada").credential_version > before
    assert "two_factor_replaced" in [ev.kind for ev in aw.events("ada")]
