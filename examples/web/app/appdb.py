"""The app's own data, beside authward's store: who is an admin, server-side sessions, and where each
security request came from (for the "where from" column of the security log).

authward keeps the credentials; an app keeps everything else in its own database. This demo uses a
small SQLite file (Python's ``sqlite3``) in the data folder, a different file from authward's store:
never open authward's own file with another SQLite library (see the Python binding's README).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from typing import Any, Iterator, Optional

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash BLOB PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS origins (
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    client TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS origins_by_user ON origins (user_id, at);
"""


def session_key(token: str) -> bytes:
    """Sessions are stored under a hash of the cookie's token, so a copy of the table signs nobody in."""
    return hashlib.sha256(token.encode()).digest()


class AppDb:
    """The app's SQLite database (one short connection per call, so threads never share one)."""

    def __init__(self, path: str) -> None:
        self.path = path
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        finally:
            db.close()

    # --- users (the app's side: names and roles; passwords live in authward) ---

    def add_user(
        self, user_id: str, account_id: str, display_name: str, email: Optional[str], is_admin: bool, now: int
    ) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, account_id, display_name, email, int(is_admin), now),
            )

    def user(self, user_id: str) -> Optional[dict[str, Any]]:
        with self._db() as db:
            row = db.execute(
                "SELECT user_id, account_id, display_name, email, is_admin, created_at FROM users"
                " WHERE user_id = ?",
                (user_id,),
            ).fetchone()
        if row is None:
            return None
        keys = ("user_id", "account_id", "display_name", "email", "is_admin", "created_at")
        return dict(zip(keys, row))

    # --- server-side sessions ---

    def load_session(self, token: str, now: int) -> Optional[dict[str, Any]]:
        with self._db() as db:
            row = db.execute(
                "SELECT data, expires_at FROM sessions WHERE id_hash = ?", (session_key(token),)
            ).fetchone()
        if row is None or row[1] <= now:
            return None
        data: dict[str, Any] = json.loads(row[0])
        return data

    def save_session(self, token: str, data: dict[str, Any], expires_at: int) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?) ON CONFLICT (id_hash)"
                " DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
                (session_key(token), json.dumps(data), expires_at),
            )

    def delete_session(self, token: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (session_key(token),))

    def purge_sessions(self, now: int) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))

    # --- where requests came from ---

    def note_client(self, user_id: str, at: int, client: str) -> None:
        """Records that a security request for ``user_id`` came from ``client`` at ``at``."""
        with self._db() as db:
            db.execute("INSERT INTO origins VALUES (?, ?, ?)", (user_id, at, client))

    def clients_between(self, user_id: str, start: int, end: int) -> list[tuple[int, str]]:
        """(at, client) of the user's requests in [start, end], newest first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT at, client FROM origins WHERE user_id = ? AND at BETWEEN ? AND ?"
                " ORDER BY at DESC, rowid DESC",
                (user_id, start, end),
            ).fetchall()
        return [(int(a), str(c)) for a, c in rows]
