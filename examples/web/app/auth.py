"""Signing in and out, and the gate every request passes.

The session (server-side, see ``sessions.py``) is in one of three states:

* ``code``: the password was right and a second factor is due; the session holds the sign-in challenge.
* ``action``: signed in, but the account's policy requires something first (enrol 2FA, change the
  password); only those pages, the recovery codes that follow enrolment, and sign-out are reachable.
* ``full``: signed in.

On every request the user's ``credential_version`` is compared with the one the session began with: a
password or 2FA change elsewhere (an admin's reset included) ends this session.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional, TypeVar, cast

import authward
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from .appdb import AppDb
from .core import Core

bp = Blueprint("auth", __name__)
log = logging.getLogger("authward.web")
F = TypeVar("F", bound=Callable[..., Any])

#: What a session in the ``action`` state may reach.
ACTION_ENDPOINTS = {
    "auth.required",
    "auth.signout",
    "security.activate",
    "security.activate_restart",
    "security.confirm",
    "security.change_password",
    "security.check_password",
    "security.recovery_codes",
    "security.recovery_codes_download",
    "security.recovery_codes_done",
}
#: What a session with unconfirmed recovery codes may reach.
CODES_ENDPOINTS = {
    "security.recovery_codes",
    "security.recovery_codes_download",
    "security.recovery_codes_done",
    "auth.signout",
}


def core() -> Core:
    return cast(Core, current_app.extensions["authward_core"])


def appdb() -> AppDb:
    return cast(AppDb, current_app.extensions["appdb"])


def client_address() -> str:
    """The client's address, as the core's lockout should see it (behind proxies: see config.py)."""
    return request.remote_addr or "unknown"


def note_client(user_id: str) -> None:
    """Remembers where this request came from, for the security log's "where from" column."""
    if appdb().user(user_id) is not None:
        appdb().note_client(user_id, core().aw.now(), client_address())


def wait_words(seconds: int) -> str:
    """A lockout's wait as every page says it: whole minutes, rounded up (300 s is "5 minutes")."""
    minutes = max(1, (seconds + 59) // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def locked_message(err: authward.LockedOut) -> str:
    return (
        "Too many attempts failed, so signing in to this account is paused to protect it. "
        f"Try again in {wait_words(err.retry_after)}."
    )


def session_obj() -> Any:
    return session


def start_session(user_id: str, result: authward.SignIn) -> Response:
    """Moves the session to the state the sign-in result calls for (with a new token)."""
    s = session_obj()
    s.clear()
    s.regenerate()
    session["uid"] = user_id
    session["cv"] = result.credential_version
    if result.status == "second_factor_required":
        session["state"] = "code"
        session["challenge"] = result.challenge
        return redirect(url_for("auth.code"))
    if result.status == "action_required":
        session["state"] = "action"
        log.info("sign-in of %r needs %s first", user_id, ", ".join(result.required_actions))
        return redirect(url_for("auth.required"))
    session["state"] = "full"
    log.info("signed in %r", user_id)
    return redirect(url_for("security.page"))


def load_user() -> Optional[Response]:
    """Runs before every request: sets ``g.user`` and ``g.status``, and enforces the session rules."""
    g.user = None
    g.status = None
    g.state = None
    if request.endpoint in (None, "static") or request.blueprint == "testmode":
        return None
    uid = session.get("uid")
    state = session.get("state")
    if not uid or state not in ("action", "full"):
        return None
    try:
        status = core().aw.status(uid)
    except authward.NotFound:
        session_obj().end()
        return redirect(url_for("auth.signin"))
    if status.credential_version != session.get("cv"):
        log.info("ended a session of %r: credentials changed", uid)
        session_obj().end()
        flash(
            "You were signed out because your password or two-factor settings were changed. "
            "Please sign in again.",
            "info",
        )
        return redirect(url_for("auth.signin"))
    if state == "full" and status.required_actions:
        session["state"] = state = "action"
    elif state == "action" and not status.required_actions:
        session["state"] = state = "full"
    g.user = appdb().user(uid) or {"user_id": uid, "display_name": uid, "is_admin": 0, "account_id": ""}
    g.status = status
    g.state = state
    if session.get("recovery_codes") and request.endpoint not in CODES_ENDPOINTS:
        return redirect(url_for("security.recovery_codes"))
    if state == "action" and request.endpoint not in ACTION_ENDPOINTS:
        return redirect(url_for("auth.required"))
    return None


def signed_in(view: F) -> F:
    """The view needs a signed-in session (``action`` sessions are further limited by ``load_user``)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.signin"))
        return view(*args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return cast(F, wrapper)


def template_globals() -> dict[str, Any]:
    return {"user": g.get("user"), "state": g.get("state"), "status": g.get("status")}


@bp.get("/")
def index() -> Response:
    return redirect(url_for("security.page" if g.user else "auth.signin"))


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    if g.user is not None:
        return redirect(url_for("security.page"))
    error = None
    user_id = ""
    if request.method == "POST":
        user_id = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        try:
            if not user_id or not password:
                raise authward.InvalidCredentials("empty")
            note_client(user_id)
            result = core().sign_in(user_id, password, client_address())
            return start_session(user_id, result)
        except authward.InvalidCredentials:
            log.info("failed sign-in for %r from %s", user_id, client_address())
            error = "That user name and password don't match. Check them and try again."
        except authward.LockedOut as err:
            log.info("locked-out sign-in for %r from %s", user_id, client_address())
            error = locked_message(err)
        except authward.InvalidArgumentError:
            error = "That user name and password don't match. Check them and try again."
    return render_template("signin.html", error=error, username=user_id), (401 if error else 200)


@bp.route("/signin/code", methods=["GET", "POST"])
def code() -> Any:
    if session.get("state") != "code" or not session.get("challenge"):
        return redirect(url_for("auth.signin"))
    uid = session["uid"]
    recovery = request.values.get("recovery") == "1"
    error = None
    if request.method == "POST":
        code = request.form.get("code", "").strip().replace(" ", "")
        try:
            note_client(uid)
            result = core().verify_second_factor(session["challenge"], code, client_address())
            return start_session(uid, result)
        except authward.InvalidCode:
            log.info("wrong second factor for %r from %s", uid, client_address())
            error = (
                "That recovery code didn't work. Check it and try again; each code works only once."
                if recovery
                else "That code didn't work. Enter the newest code your authenticator app shows."
            )
        except authward.CodeReused:
            error = "That code was already used. Wait for the app to show a new code, then enter it."
        except authward.ChallengeExpired:
            session_obj().end()
            flash(
                "Please sign in again: this sign-in expired, or too many wrong codes were entered.",
                "info",
            )
            return redirect(url_for("auth.signin"))
        except authward.LockedOut as err:
            session_obj().end()
            flash(locked_message(err), "error")
            return redirect(url_for("auth.signin"))
        except authward.InvalidArgumentError:
            error = "Enter the 6-digit code, digits only." if not recovery else "Enter a recovery code."
    return render_template("signin_code.html", error=error, recovery=recovery), (401 if error else 200)


@bp.get("/signin/required")
@signed_in
def required() -> Any:
    if g.state != "action":
        return redirect(url_for("security.page"))
    from .security import render_required

    return render_required()


@bp.post("/signout")
def signout() -> Response:
    session_obj().end()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.signin"))
