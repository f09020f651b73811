"""Looking after the store from Python without a second SQLite on its file (issue 12, finding 6), and the
security log's retention (issue 13): backup(), store_info() and purge_events()."""

from __future__ import annotations

import os
import pathlib
import stat

import pytest

import authward

from conftest import CHEAP

KEY = bytes(range(32))
T0 = 1_800_000_000
DAY = 86_400
PW = "correct horse battery staple"


def _populated(path: pathlib.Path, clock: authward.ManualClock) -> tuple[authward.Authward, str]:
    """A SQLite store with three users in two accounts, the first with TOTP; returns it and that secret."""
    aw = authward.Authward.open(path, KEY, clock=clock, hash_params=CHEAP)
    aw.create_user("ada", "acme", PW)
    aw.create_user("bob", "acme", PW)
    aw.create_user("cyd", "globex", PW)
    e = aw.begin_totp_enrollment("ada", "ACME")
    aw.confirm_totp_enrollment("ada", authward.totp_code(e.secret, at=clock.now()))
    return aw, e.secret


def test_backup_opens_with_the_same_key_and_everyone_signs_in(tmp_path: pathlib.Path) -> None:
    clock = authward.ManualClock(T0)
    aw, secret = _populated(tmp_path / "live.db", clock)
    copy = tmp_path / "copy.db"
    aw.backup(copy)  # while the service is open and in use
    aw.create_user("late", "acme", PW)  # after the copy: not in it
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600

    clock.advance(30)
    with authward.Authward.open(copy, KEY, clock=clock, hash_params=CHEAP) as restored:
        assert restored.list_users("acme") == ["ada", "bob"]
        assert restored.list_users("globex") == ["cyd"]
        step = restored.sign_in("ada", PW)
        assert step.status == "second_factor_required" and step.challenge is not None
        done = restored.verify_second_factor(step.challenge, authward.totp_code(secret, at=clock.now()))
        assert done.status == "complete"
        for user in ("bob", "cyd"):
            assert restored.sign_in(user, PW).status == "complete"
        with pytest.raises(authward.InvalidCredentialsError):
            restored.sign_in("late", PW)
        info = restored.store_info()
        assert (info.backend, info.users, info.healthy) == ("sqlite", 3, True)
    # The copy is sealed under the same key: another key is refused.
    with pytest.raises(authward.CryptoError):
        authward.Authward.open(copy, bytes(32), hash_params=CHEAP)
    aw.close()


def test_backup_never_overwrites(tmp_path: pathlib.Path) -> None:
    aw, _ = _populated(tmp_path / "live.db", authward.ManualClock(T0))
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"not to be overwritten")
    with pytest.raises(authward.AlreadyExistsError):
        aw.backup(taken)
    assert taken.read_bytes() == b"not to be overwritten"
    aw.backup(str(tmp_path / "fresh.db"))  # a str works as well as a Path
    with pytest.raises(authward.AlreadyExistsError):
        aw.backup(tmp_path / "fresh.db")
    aw.close()
    with pytest.raises(authward.InvalidStateError, match="closed"):
        aw.backup(tmp_path / "after-close.db")


def test_backup_of_a_memory_store_is_invalid_state(tmp_path: pathlib.Path) -> None:
    aw = authward.Authward.in_memory(hash_params=CHEAP)
    with pytest.raises(authward.InvalidStateError):
        aw.backup(tmp_path / "m.db")
    assert not (tmp_path / "m.db").exists()
    with pytest.raises(TypeError):
        aw.backup(12)  # type: ignore[arg-type]


def test_store_info_counts_users_and_reports_the_backend(tmp_path: pathlib.Path) -> None:
    aw, _ = _populated(tmp_path / "live.db", authward.ManualClock(T0))
    info = aw.store_info()
    assert info.backend == "sqlite"
    assert info.schema_version == 7  # SqliteStore's SCHEMA_VERSION
    assert info.users == 3
    assert info.healthy is True
    assert repr(info) == "StoreInfo(backend='sqlite', schema_version=7, users=3, healthy=True)"
    aw.delete_user("bob")
    assert aw.store_info().users == 2
    with pytest.raises(AttributeError):
        info.users = 9  # type: ignore[misc]  # frozen

    memory = authward.Authward.in_memory(hash_params=CHEAP)
    assert repr(memory.store_info()) == "StoreInfo(backend='memory', schema_version=0, users=0, healthy=True)"
    memory.create_user("ada", "acme", PW)
    assert memory.store_info().users == 1


def test_purge_events_removes_only_old_events(tmp_path: pathlib.Path) -> None:
    clock = authward.ManualClock(T0)
    aw = authward.Authward.open(tmp_path / "live.db", KEY, clock=clock, hash_params=CHEAP)
    aw.create_user("ada", "acme", PW)
    aw.sign_in("ada", PW)
    with pytest.raises(authward.InvalidCredentialsError):
        aw.sign_in("ada", "wrong password here")
    old = aw.events("ada")
    assert len(old) >= 2
    assert aw.purge_events(30) == 0  # nothing is older than 30 days yet

    clock.advance(40 * DAY)
    aw.sign_in("ada", PW)
    assert len(aw.events("ada")) == len(old) + 1
    assert aw.purge_events(30) == len(old)
    left = aw.events("ada")
    assert [(e.kind, e.at) for e in left] == [("sign_in", T0 + 40 * DAY)]
    assert aw.purge_events(30) == 0  # idempotent

    for bad in (0, -1, 2**32):
        with pytest.raises(authward.InvalidArgumentError):
            aw.purge_events(bad)
    with pytest.raises(TypeError):
        aw.purge_events("30")  # type: ignore[arg-type]
    assert len(aw.events("ada")) == 1  # a refused purge deletes nothing


def test_purge_events_in_memory() -> None:
    clock = authward.ManualClock(T0)
    aw = authward.Authward.in_memory(clock=clock, hash_params=CHEAP)
    aw.create_user("ada", "acme", PW)
    aw.sign_in("ada", PW)
    logged = len(aw.events("ada"))
    assert logged >= 1
    clock.advance(2 * DAY)
    assert aw.purge_events(1) == logged
    assert aw.events("ada") == []
