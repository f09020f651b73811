"""Server-side sessions for Flask: the cookie holds only a random token; the data (who is signed in,
the sign-in challenge, a pending enrolment) stays in the app's database under a hash of that token.

The cookie is HttpOnly, SameSite=Lax, and Secure with the ``__Host-`` prefix when the request came over
HTTPS. ``session.regenerate()`` gives the session a new token (call it whenever the user's privilege
changes: after the password, after the second factor) so a token planted before sign-in is worthless.
Sessions end after 30 idle minutes and 12 hours in all, measured with the app's clock.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable, Optional

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from .appdb import AppDb

IDLE_SECONDS = 30 * 60
MAX_SECONDS = 12 * 3600


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """A dict whose changes mark it for saving."""

    def __init__(self, initial: Optional[dict[str, Any]] = None, token: Optional[str] = None) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.modified = False
        self.rotate = False

    def regenerate(self) -> None:
        """Moves the data to a new token at the end of this request (the old one stops working)."""
        self.rotate = True
        self.modified = True

    def end(self) -> None:
        """Forgets everything: sign-out."""
        self.clear()
        self.rotate = True
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Flask's session over :class:`AppDb`."""

    def __init__(self, db: AppDb, now: Callable[[], int]) -> None:
        self.db = db
        self.now = now

    @staticmethod
    def cookie_name(request: Request) -> str:
        return "__Host-session" if request.is_secure else "session"

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.cookie_name(request))
        if token and len(token) < 100:
            data = self.db.load_session(token, self.now())
            if data is not None:
                return ServerSession(data, token)
        return ServerSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        secure = request.is_secure  # Flask saves the session inside the request context
        name = self.cookie_name(request)
        now = self.now()
        if session.rotate and session.token:
            self.db.delete_session(session.token)
            session.token = None
        if not session:
            if request.cookies.get(name):
                response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")
            return
        if session.token is None:
            self.db.purge_sessions(now)
            session.token = secrets.token_urlsafe(32)
            session["created_at"] = now
        created = int(session.get("created_at", now))
        expires_at = min(now + IDLE_SECONDS, created + MAX_SECONDS)
        self.db.save_session(session.token, dict(session), expires_at)
        response.set_cookie(name, session.token, path="/", secure=secure, httponly=True, samesite="Lax")
