"""Key rotation from Python: previous_keys= on Authward.open and rekey() with its progress, and a row
changed outside authward refused with CryptoError (issue 12, finding 7)."""

from __future__ import annotations

import pathlib
import sqlite3

import pytest

import authward

from conftest import CHEAP

OLD = bytes([1]) * 32
NEW = bytes([2]) * 32
T0 = 1_800_000_000
PW = "correct horse battery staple"


def _open(path: pathlib.Path, clock: authward.ManualClock, key: bytes, previous: list[bytes] | None = None) -> authward.Authward:
    return authward.Authward.open(path, key, clock=clock, hash_params=CHEAP, previous_keys=previous)


def _sign_in(aw: authward.Authward, clock: authward.ManualClock, user: str, secret: str | None) -> None:
    s = aw.sign_in(user, PW)
    if secret is None:
        assert s.status == "complete"
        return
    assert s.status == "second_factor_required"
    assert s.challenge is not None
    done = aw.verify_second_factor(s.challenge, authward.totp_code(secret, at=clock.now()))
    assert done.status == "complete"


def test_rotate_a_store_then_drop_the_old_key(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "aw.db"
    clock = authward.ManualClock(T0)
    users: dict[str, str | None] = {}
    aw = _open(path, clock, OLD)
    for i in range(5):
        user = f"user-{i}"
        aw.create_user(user, "acme", PW)
        if i % 2 == 0:
            e = aw.begin_totp_enrollment(user, "ACME")
            aw.confirm_totp_enrollment(user, authward.totp_code(e.secret, at=clock.now()))
            users[user] = e.secret
        else:
            users[user] = None
    del aw

    with pytest.raises(authward.CryptoError):
        _open(path, clock, NEW)

    aw = _open(path, clock, NEW, [OLD])
    progress = aw.rekey(batch_size=2)
    assert (progress.done, progress.total, progress.finished) == (2, 5, False)
    assert repr(progress) == "RekeyProgress(done=2, total=5, finished=False)"
    while not progress.finished:
        progress = aw.rekey(batch_size=2)
    assert (progress.done, progress.total) == (5, 5)
    with pytest.raises(authward.InvalidArgumentError):
        aw.rekey(batch_size=0)
    del aw

    clock.advance(30)
    aw = _open(path, clock, NEW)
    for user, secret in users.items():
        _sign_in(aw, clock, user, secret)
    del aw
    with pytest.raises(authward.CryptoError):
        _open(path, clock, OLD)


def test_previous_keys_must_be_32_bytes(tmp_path: pathlib.Path) -> None:
    with pytest.raises(authward.InvalidArgumentError):
        _open(tmp_path / "aw.db", authward.ManualClock(T0), NEW, [b"short"])


def test_a_row_edited_outside_authward_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "aw.db"
    clock = authward.ManualClock(T0)
    aw = _open(path, clock, OLD)
    aw.create_user("bob", "acme", PW)
    del aw
    # The hazard of a second SQLite on an open file does not apply: authward has closed it.
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE users SET must_change_password = 1 WHERE user_id = 'bob'")
    conn.close()
    aw = _open(path, clock, OLD)
    with pytest.raises(authward.CryptoError, match="integrity check"):
        aw.sign_in("bob", PW)
    del aw
