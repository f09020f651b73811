"""Breached passwords from Python (issue 17): BreachFilter (build, save, load, refuse bad bytes),
BREACHED at create / change / admin reset, a listed password at sign-in requires a change, the policy
switch, and the k-anonymity range helper (prefix, judge, threshold, fail open/closed)."""

from __future__ import annotations

import hashlib
import pathlib

import pytest

import authward

from conftest import CHEAP

T0 = 1_800_000_000
LISTED = "correct horse battery staple"
FRESH = "purple elephant dancing quietly"
FRESH2 = "seventeen orange umbrellas sing"
# SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
PASSWORD_SUFFIX = "1E4C9B93F3F0682250B6CF8331B7EE68FD8"


def _filter() -> authward.BreachFilter:
    sha = hashlib.sha1(LISTED.encode()).hexdigest()
    return authward.BreachFilter.from_text(f"hunter2\r\n{sha}\n\nhunter2\n")


def _codes(exc: pytest.ExceptionInfo[authward.PolicyViolationError]) -> list[str]:
    return [v.code for v in exc.value.violations]


def test_filter_lists_plaintext_and_sha1_lines() -> None:
    f = _filter()
    assert len(f) == 2
    assert "hunter2" in f and f.contains(LISTED)
    assert FRESH not in f
    assert f.FALSE_POSITIVE_RATE == 1 / 65536
    assert repr(f) == f"BreachFilter(entries=2, size_bytes={f.size_bytes})"
    hashed = [f"hashed entry {i}" for i in range(2000)]
    text = "\n".join(hashlib.sha1(p.encode()).hexdigest().upper() + f":{i + 1}" for i, p in enumerate(hashed))
    big = authward.BreachFilter.from_text(text)
    assert len(big) == 2000 and all(p in big for p in hashed)
    with pytest.raises(TypeError):
        f.contains(b"hunter2")  # type: ignore[arg-type]


def test_false_positives_are_rare() -> None:
    f = authward.BreachFilter.from_text("\n".join(f"in-{i}" for i in range(50_000)))
    fp = sum(f"out-{i}" in f for i in range(200_000))
    assert fp < 4 * 200_000 / 65536, fp  # about 3 expected; a 1/256 filter would give ~780


def test_round_trip_and_bad_bytes(tmp_path: pathlib.Path) -> None:
    f = _filter()
    data = f.to_bytes()
    assert data[:8] == b"AWBREACH" and len(data) == f.size_bytes
    assert authward.BreachFilter.from_bytes(data).contains(LISTED)
    path = tmp_path / "list.filter"
    path.write_bytes(data)
    assert len(authward.BreachFilter.load(path)) == 2
    listing = tmp_path / "list.txt"
    listing.write_bytes(b"hunter2\n\xff\xfe latin-1 line\n")
    assert "hunter2" in authward.BreachFilter.from_list_file(listing)
    corrupted = bytearray(data)
    corrupted[len(data) // 2] ^= 1
    for bad in (data[:-1], bytes(corrupted), b"", b"GIF89a not a filter", data + b"\0"):
        with pytest.raises(authward.InvalidArgumentError, match="not a valid authward breach filter"):
            authward.BreachFilter.from_bytes(bad)
    with pytest.raises(authward.InvalidArgumentError):
        authward.BreachFilter.load(listing)
    with pytest.raises(authward.InvalidArgumentError):
        authward.BreachFilter.load(tmp_path / "missing.filter")
    with pytest.raises(TypeError):
        authward.BreachFilter.from_bytes("AWBREACH")  # type: ignore[arg-type]


def test_policy_fields_defaults_and_validation() -> None:
    p = authward.PasswordPolicy()
    assert p.reject_breached is True and p.breach_min_count == 1 and p.breach_fail_closed is False
    assert "reject_breached=True, breach_min_count=1, breach_fail_closed=False" in repr(p)
    for bad in (0, 1_000_000_001):
        with pytest.raises(authward.InvalidArgumentError, match="breach_min_count"):
            authward.PasswordPolicy(breach_min_count=bad)
    with pytest.raises(authward.InvalidArgumentError):
        authward.PasswordPolicy(breach_min_count=-1)
    assert "BREACHED" not in [r.code for r in p.rules()]
    assert "BREACHED" in [r.code for r in p.rules(breach_check=True)]
    assert "BREACHED" not in [r.code for r in authward.PasswordPolicy(reject_breached=False).rules(breach_check=True)]
    assert [v.code for v in p.check(LISTED, breached=_filter())] == ["BREACHED"]
    assert p.check(LISTED) == []
    # stored and read back through the service
    aw = authward.Authward.in_memory(hash_params=CHEAP)
    stored = authward.AccountPolicy(password=authward.PasswordPolicy(reject_breached=False, breach_min_count=9, breach_fail_closed=True))
    aw.set_account_policy("acme", stored)
    got = aw.account_policy("acme").password
    assert (got.reject_breached, got.breach_min_count, got.breach_fail_closed) == (False, 9, True)


def test_breached_at_create_change_and_set_password() -> None:
    aw = authward.Authward.in_memory(hash_params=CHEAP, breached_passwords=_filter())
    with pytest.raises(authward.PolicyViolationError) as e:
        aw.create_user("alice", "acme", LISTED)
    assert _codes(e) == ["BREACHED"]
    assert LISTED not in str(e.value) and LISTED not in e.value.violations[0].message
    with pytest.raises(authward.PolicyViolationError) as e:
        aw.create_user("alice", "acme", "hunter2")
    assert _codes(e) == ["TOO_SHORT", "TOO_WEAK", "BREACHED"]
    aw.create_user("alice", "acme", FRESH)
    aw.set_account_policy("acme", authward.AccountPolicy(password=authward.PasswordPolicy(min_age_days=0)))
    with pytest.raises(authward.PolicyViolationError) as e:
        aw.change_password("alice", FRESH, LISTED, LISTED)
    assert _codes(e) == ["BREACHED"]
    with pytest.raises(authward.PolicyViolationError) as e:
        aw.set_password("alice", LISTED)
    assert _codes(e) == ["BREACHED"]
    aw.change_password("alice", FRESH, FRESH2, FRESH2)


def test_sign_in_with_a_listed_password_requires_a_change(tmp_path: pathlib.Path) -> None:
    key = bytes(range(32))
    db = tmp_path / "aw.db"
    clock = authward.ManualClock(T0)
    # the user was created before the app attached its list
    with authward.Authward.open(db, key, clock=clock, hash_params=CHEAP) as before:
        before.create_user("alice", "acme", LISTED)
        before.create_user("bob", "acme", LISTED)
        before.set_account_policy("acme", authward.AccountPolicy(password=authward.PasswordPolicy(min_age_days=0)))
    f = authward.BreachFilter.from_bytes(_filter().to_bytes())
    with authward.Authward.open(db, key, clock=clock, hash_params=CHEAP, breached_passwords=f) as aw:
        s = aw.sign_in("alice", LISTED)
        assert s.status == "action_required"
        assert s.required_actions == ["change_password"]
        aw.change_password("alice", LISTED, FRESH, FRESH)
        assert aw.sign_in("alice", FRESH).status == "complete"
        # the switch off: no action
        aw.set_account_policy(
            "acme", authward.AccountPolicy(password=authward.PasswordPolicy(min_age_days=0, reject_breached=False))
        )
        assert aw.sign_in("bob", LISTED).status == "complete"


def test_range_prefix_and_judge() -> None:
    assert authward.range_prefix("password") == "5BAA6"
    assert authward.range_prefix("P@ssw0rd") == "21BD1"
    body = (
        "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n"
        f"{PASSWORD_SUFFIX.lower()}:3861493\r\n"
        "011053FD0102E94D6AE2F8B83D76FAF94F6:0\r\n"
    )
    v = authward.judge_range("password", body)
    assert (v.count, v.breached) == (3861493, True)
    assert v.violation is not None and v.violation.code == "BREACHED"
    assert repr(v) == "RangeVerdict(count=3861493, breached=True)"
    clean = authward.judge_range(FRESH, body)
    assert (clean.count, clean.breached, clean.violation) == (0, False, None)
    # padding entries (count 0) never count, even for the password's own suffix
    assert authward.judge_range("password", f"{PASSWORD_SUFFIX}:0\n").breached is False
    # the threshold
    assert authward.judge_range("password", f"{PASSWORD_SUFFIX}:10\n", authward.PasswordPolicy(breach_min_count=10)).breached
    assert not authward.judge_range("password", f"{PASSWORD_SUFFIX}:10\n", authward.PasswordPolicy(breach_min_count=11)).breached
    # no response: fail open by default, closed on request
    assert authward.judge_range("password", None) == authward.judge_range("password", None)
    assert (authward.judge_range("password", None).count, authward.judge_range("password", None).breached) == (None, False)
    assert authward.judge_range("password", None, authward.PasswordPolicy(breach_fail_closed=True)).breached
    with pytest.raises(authward.InvalidArgumentError, match="malformed range response at line 1"):
        authward.judge_range("password", "<html>rate limited</html>")
    with pytest.raises(TypeError):
        authward.judge_range("password", b"bytes")  # type: ignore[arg-type]
