"""The app's settings, all from environment variables (so one command runs it, and deployments differ
only in their environment).

* ``AUTHWARD_WEB_DATA``: folder for the app's files (default ``examples/web/instance``).
* ``AUTHWARD_WEB_DATABASE``: authward's store, given to ``Authward.open`` as is: a file path (SQLite,
  default ``<data>/authward.db``) or a ``postgres://`` / ``postgresql://`` URL.
* ``AUTHWARD_WEB_KEY``: the store key, 64 hex digits (default: a random key kept in ``<data>/authward.key``;
  in production it comes from a secret manager, never from beside the database).
* ``AUTHWARD_WEB_TRUSTED_PROXIES``: how many reverse proxies set ``X-Forwarded-For``/``-Proto`` (default 0:
  the client address is the socket's peer).
* ``AUTHWARD_WEB_TEST_MODE=1``: the test clock (``/__test__/clock`` moves the app's time). Refused
  unless the server listens on a loopback address; never set it in production.
"""

from __future__ import annotations

import dataclasses
import os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclasses.dataclass(frozen=True)
class Config:
    """Settings of one app instance."""

    data_dir: str
    database: str
    key_hex: str
    trusted_proxies: int
    test_mode: bool
    host: str

    @staticmethod
    def from_env(host: str = "127.0.0.1") -> "Config":
        data_dir = os.environ.get("AUTHWARD_WEB_DATA") or os.path.join(HERE, "instance")
        key_hex = os.environ.get("AUTHWARD_WEB_KEY", "")
        if key_hex and len(bytes.fromhex(key_hex)) != 32:
            raise SystemExit("AUTHWARD_WEB_KEY must be 64 hex digits (32 bytes)")
        test_mode = os.environ.get("AUTHWARD_WEB_TEST_MODE", "") == "1"
        return Config(
            data_dir=data_dir,
            database=os.environ.get("AUTHWARD_WEB_DATABASE") or os.path.join(data_dir, "authward.db"),
            key_hex=key_hex,
            trusted_proxies=int(os.environ.get("AUTHWARD_WEB_TRUSTED_PROXIES", "0")),
            test_mode=test_mode,
            host=host,
        )
