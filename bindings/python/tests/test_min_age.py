"""The minimum password age from Python (issue 12, finding 3): the history cannot be cycled by changing
the password several times in a row; the rule is a policy field, listed by rules(), and refused changes
are PolicyViolationError with a TOO_RECENT violation."""

from __future__ import annotations

import pytest

import authward

from conftest import CHEAP

T0 = 1_800_000_000
DAY = 86_400
PW = "correct horse battery staple"
ROTATION = [f"rotating passphrase number {i} of six" for i in range(1, 7)]


def _service() -> tuple[authward.Authward, authward.ManualClock]:
    clock = authward.ManualClock(T0)
    aw = authward.Authward.in_memory(clock=clock, hash_params=CHEAP)
    aw.create_user("alice", "acme", PW)
    return aw, clock


def test_the_field_defaults_to_one_day_and_is_validated() -> None:
    policy = authward.PasswordPolicy()
    assert policy.min_age_days == 1
    assert "min_age_days=1" in repr(policy)
    assert authward.PasswordPolicy(min_age_days=365).min_age_days == 365
    with pytest.raises(authward.InvalidArgumentError, match="min_age_days"):
        authward.PasswordPolicy(min_age_days=366)
    assert [r.code for r in policy.rules()][-1] == "TOO_RECENT"
    assert policy.rules()[-1].description == "Changed at most once a day"
    # without history there is nothing to cycle: the rule is off
    assert "TOO_RECENT" not in [r.code for r in authward.PasswordPolicy(history=0).rules()]
    # the stateless check never reports it (it is about the account, not the candidate)
    assert policy.check(ROTATION[0]) == []


def test_cycling_the_history_back_to_the_first_password_is_refused() -> None:
    aw, clock = _service()
    clock.advance(DAY)
    aw.change_password("alice", PW, ROTATION[0], ROTATION[0])
    current = ROTATION[0]
    for new in ROTATION[1:]:
        with pytest.raises(authward.PolicyViolationError) as err:
            aw.change_password("alice", current, new, new)
        assert [v.code for v in err.value.violations] == ["TOO_RECENT"]
        assert "less than a day ago" in err.value.violations[0].message
    with pytest.raises(authward.PolicyViolationError):
        aw.change_password("alice", current, PW, PW)
    aw.sign_in("alice", current)  # nothing changed
    clock.advance(DAY)
    with pytest.raises(authward.PasswordReusedError):  # a day later, the history still holds PW
        aw.change_password("alice", current, PW, PW)


def test_a_required_change_and_an_admin_reset_are_not_held_back() -> None:
    aw, clock = _service()
    aw.set_password("alice", ROTATION[0])  # admin reset: exempt
    aw.require_password_change("alice")
    aw.change_password("alice", ROTATION[0], ROTATION[1], ROTATION[1])  # required: allowed at once
    with pytest.raises(authward.PolicyViolationError):
        aw.change_password("alice", ROTATION[1], ROTATION[2], ROTATION[2])
    aw.set_account_policy(
        "acme",
        authward.AccountPolicy(password=authward.PasswordPolicy(min_age_days=0)),
    )
    aw.change_password("alice", ROTATION[1], ROTATION[2], ROTATION[2])
    assert aw.account_policy("acme").password.min_age_days == 0
