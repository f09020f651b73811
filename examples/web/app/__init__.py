"""The Security settings page on authward: a small Flask app to read and copy from.

``create_app()`` reads its settings from the environment (see ``config.py``), opens authward's store and
the app's own database, and wires the pages: ``auth`` (sign in, second factor, required actions),
``security`` (password, two-factor, recovery codes, the security log), ``admin`` (account policies and
users) and, only in the explicit test mode, ``testmode`` (a clock the tests can move).
"""

from __future__ import annotations

import logging
import os
import secrets
from typing import Optional

import authward
from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]
from werkzeug.middleware.proxy_fix import ProxyFix

from . import admin, auth, security, testmode
from .appdb import AppDb
from .config import Config
from .core import Core
from .sessions import ServerSessionInterface

csrf = CSRFProtect()

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)


def _secret_file(path: str, size: int) -> bytes:
    """Reads a random secret from ``path``, creating it (mode 0600) on first use."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        if len(data) == size:
            return data
    except FileNotFoundError:
        pass
    data = secrets.token_bytes(size)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return data


def create_app(config: Optional[Config] = None) -> Flask:
    """The Flask app over authward, configured from the environment unless ``config`` is given."""
    config = config or Config.from_env()
    testmode.check(config)
    os.makedirs(config.data_dir, mode=0o700, exist_ok=True)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = _secret_file(os.path.join(config.data_dir, "flask.key"), 32)
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    app.config["WTF_CSRF_SSL_STRICT"] = True
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)  # type: ignore[method-assign]

    clock = testmode.install(app, config)
    key = (
        bytes.fromhex(config.key_hex)
        if config.key_hex
        else _secret_file(os.path.join(config.data_dir, "authward.key"), 32)
    )
    aw = authward.Authward.open(config.database, key, clock=clock)
    appdb = AppDb(os.path.join(config.data_dir, "app.db"))
    app.extensions["authward_core"] = Core(aw)
    app.extensions["appdb"] = appdb
    app.extensions["authward_config"] = config
    app.session_interface = ServerSessionInterface(appdb, aw.now)
    csrf.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(security.bp)
    app.register_blueprint(admin.bp)
    if config.test_mode:
        app.register_blueprint(testmode.bp)
        csrf.exempt(testmode.bp)

    app.before_request(auth.load_user)
    app.context_processor(auth.template_globals)
    app.add_template_filter(security.when, "when")
    app.add_template_filter(security.group_code, "group_code")

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    logging.getLogger("authward.web").setLevel(logging.INFO)
    return app
