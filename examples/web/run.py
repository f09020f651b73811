"""Runs the Security settings page on http://127.0.0.1:8000 with a seeded admin and demo user.

    python examples/web/run.py

Environment: AUTHWARD_WEB_HOST / AUTHWARD_WEB_PORT (default 127.0.0.1:8000) and the variables in
app/config.py (AUTHWARD_WEB_DATABASE=postgresql://... for PostgreSQL). This uses Flask's built-in
server; in production run the same app under a WSGI server, e.g. `gunicorn 'app:create_app()'`.
"""

from __future__ import annotations

import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import authward  # noqa: E402
from app import create_app  # noqa: E402
from app.appdb import AppDb  # noqa: E402
from app.config import Config  # noqa: E402

ACCOUNT = "acme"
#: (user id, name, email, is admin, password): demo accounts only, printed at start.
SEED = [
    ("admin", "Alex Admin", "alex@acme.example", True, "orbit lantern cactus 81"),
    ("jane", "Jane Doe", "jane@acme.example", False, "plum voyage copper 47"),
]


def seed(aw: authward.Authward, appdb: AppDb) -> list[str]:
    lines = []
    for user_id, name, email, is_admin, password in SEED:
        if appdb.user(user_id) is not None:
            lines.append(f"  {user_id:<6} (existing user; password as you left it; first run: {password!r})")
            continue
        try:
            aw.create_user(user_id, ACCOUNT, password, email=email)
        except authward.AlreadyExists:
            pass
        appdb.add_user(user_id, ACCOUNT, name, email, is_admin, aw.now())
        lines.append(f"  {user_id:<6} password {password!r}" + ("  (account admin)" if is_admin else ""))
    return lines


def main() -> None:
    host = os.environ.get("AUTHWARD_WEB_HOST", "127.0.0.1")
    port = int(os.environ.get("AUTHWARD_WEB_PORT", "8000"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = Config.from_env(host=host)
    app = create_app(config)
    lines = seed(app.extensions["authward_core"].aw, app.extensions["appdb"])
    where = "PostgreSQL" if config.database.startswith(("postgres://", "postgresql://")) else config.database
    print(f"authward web demo on http://{host}:{port}  (store: {where})", flush=True)
    print("demo users (account 'acme'):", *lines, sep="\n", flush=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
