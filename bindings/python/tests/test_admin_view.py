"""The admin's view through Python: exemption from enforced 2FA, an enforcement start date, and the
account report (sorted, paged, with the last complete sign-in)."""

from __future__ import annotations

import pytest

import authward
from conftest import CHEAP

PW = "correct horse battery staple"
T0 = 1_800_000_000
DAY = 86_400


def service() -> tuple[authward.Authward, authward.ManualClock]:
    clock = authward.ManualClock(T0)
    return authward.Authward.in_memory(clock=clock, hash_params=CHEAP), clock


def test_an_exempt_user_is_let_in_without_two_factor() -> None:
    aw, _ = service()
    aw.create_user("svc", "acme", PW)
    aw.set_account_policy("acme", authward.AccountPolicy(enforce_two_factor=True))
    assert aw.sign_in("svc", PW).status == "action_required"
    aw.set_two_factor_exempt("svc", True)
    s = aw.sign_in("svc", PW)
    assert (s.status, s.required_actions) == ("complete", [])
    assert any(e.kind == "policy_changed" and "exempted" in e.detail for e in aw.events("svc"))
    aw.set_two_factor_exempt("svc", False)
    assert aw.sign_in("svc", PW).status == "action_required"
    with pytest.raises(authward.NotFoundError):
        aw.set_two_factor_exempt("nobody", True)
    with pytest.raises(TypeError):
        aw.set_two_factor_exempt("svc", "yes")  # type: ignore[arg-type]


def test_enforcement_starts_on_a_date() -> None:
    aw, clock = service()
    aw.create_user("ada", "acme", PW)
    start = T0 + 10 * DAY
    policy = authward.AccountPolicy(enforce_two_factor=True, two_factor_grace_days=3, enforce_two_factor_from=start)
    assert policy.enforce_two_factor_from == start
    assert repr(policy).endswith(f"enforce_two_factor_from={start}, remember_device_days=None)")
    aw.set_account_policy("acme", policy)
    assert aw.account_policy("acme").enforce_two_factor_from == start
    s = aw.sign_in("ada", PW)
    assert (s.status, s.required_actions) == ("complete", ["enroll_two_factor"])
    clock.set(start + 3 * DAY)
    assert aw.sign_in("ada", PW).status == "action_required"
    with pytest.raises(authward.InvalidArgumentError):
        authward.AccountPolicy(enforce_two_factor_from=2**63)
    with pytest.raises(ValueError):
        authward.AccountPolicy(enforce_two_factor_from=-1)


def test_the_report_sorts_pages_and_counts() -> None:
    aw, clock = service()
    for u in ("ann", "ben", "cat"):
        aw.create_user(u, "acme", PW)
    aw.set_account_policy("acme", authward.AccountPolicy(enforce_two_factor=True, two_factor_grace_days=7))
    aw.set_two_factor_exempt("cat", True)
    e = aw.begin_totp_enrollment("ann", "ACME")
    aw.confirm_totp_enrollment("ann", authward.totp_code(e.secret, clock.now()))
    clock.advance(8 * DAY)  # ben's deadline has passed
    aw.sign_in("cat", PW)
    r = aw.account_report("acme")
    assert (r.total, r.overdue, r.due, r.at) == (3, 1, 0, clock.now())
    first = r.users[0]
    assert (first.user_id, first.attention, first.two_factor_enabled) == ("ben", "overdue", False)
    assert first.two_factor_deadline == T0 + 7 * DAY
    assert first.required_actions == ["enroll_two_factor"]
    assert first.password_age_days == 8
    cat = next(u for u in r.users if u.user_id == "cat")
    assert cat.two_factor_exempt and cat.last_sign_in_at == clock.now() and cat.attention == "fine"
    assert "cat" in repr(cat) and "AccountReport(total=3" in repr(r)
    assert [u.user_id for u in aw.account_report("acme", sort="user_id", offset=1, limit=1).users] == ["ben"]
    assert [u.user_id for u in aw.account_report("acme", sort="last_sign_in").users][-1] == "cat"
    with pytest.raises(authward.InvalidArgumentError):
        aw.account_report("acme", sort="oldest")  # type: ignore[arg-type]
    with pytest.raises(authward.InvalidArgumentError):
        aw.account_report("acme", limit=0)
    assert aw.account_report("nobody").total == 0


def test_admin_calls_record_their_actor_in_the_audit_log() -> None:
    aw, clock = service()
    aw.create_user("ann", "acme", PW)
    aw.set_account_policy("acme", authward.AccountPolicy(), actor="root@acme.example")
    clock.advance(1)
    aw.unlock_user("ann", actor="helpdesk@acme.example")
    clock.advance(1)
    aw.require_password_change("ann")
    aw.sign_in("ann", PW)  # the user's own doing: not in the audit log
    log = aw.audit_log("acme")
    assert [(e.user_id, e.event.kind, e.event.actor) for e in log] == [
        ("ann", "policy_changed", "admin"),
        ("ann", "unlocked", "helpdesk@acme.example"),
        (None, "policy_changed", "root@acme.example"),
    ]
    assert repr(log[1]).startswith("AuditEntry(user_id='ann', event=Event(kind='unlocked'")
    # The entry's event is the one in ann's own log.
    assert repr(log[1].event) in [repr(e) for e in aw.events("ann")]
    assert len(aw.audit_log("acme", limit=1)) == 1
    mine = aw.events("ann")
    assert any(e.kind == "unlocked" and e.actor == "helpdesk@acme.example" for e in mine)
    assert all(e.actor is None for e in mine if e.kind == "sign_in")
    with pytest.raises(authward.InvalidArgumentError):
        aw.unlock_user("ann", actor="")
    with pytest.raises(TypeError):
        aw.unlock_user("ann", "positional-actor")  # type: ignore[misc]
