"""Settings » Security: the password panel with its CHANGE PASSWORD pop-up, two-factor authentication
(activate, replace, turn off), recovery codes (shown once, download, print, regenerate) and the user's
security log.

Every form posts normally and the server answers with a page, so all of it works without JavaScript;
``static/app.js`` only adds the live password checklist, the dialog behaviour, copy and print buttons.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any, Optional

import authward
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup

from .auth import appdb, core, note_client, session_obj, signed_in, wait_words

bp = Blueprint("security", __name__, url_prefix="/security")
log = logging.getLogger("authward.web")

ISSUER = "Acme"

KIND_WORDS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "password_changed": "Password changed",
    "password_rehashed": "Password storage upgraded",
    "two_factor_enabled": "Two-factor authentication turned on",
    "two_factor_disabled": "Two-factor authentication turned off",
    "two_factor_replaced": "Authenticator app replaced",
    "recovery_code_used": "Recovery code used",
    "recovery_codes_regenerated": "New recovery codes made",
    "code_reused": "An already used code was tried",
    "locked_out": "Signing in paused after failed attempts",
    "policy_changed": "Account security policy changed",
    "password_change_failed": "Password change failed",
    "enrollment_failed": "Two-factor setup failed",
    "reauthentication_failed": "Password check failed",
    "unlocked": "Sign-in unlocked by your administrator",
    "integrity_failed": "Your account record failed a safety check",
}


# --- template helpers -----------------------------------------------------------------------------


def when(ts: Optional[int]) -> str:
    """A unix time as people read it (UTC)."""
    if ts is None:
        return "—"
    t = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return t.strftime("%a %-d %b %Y, %H:%M UTC")


def group_code(text: str) -> str:
    """A TOTP secret in groups of four, as people type it."""
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def inline_qr(uri: str) -> Markup:
    """The QR code of ``uri`` as inline SVG (decorative: the figure around it carries the label)."""
    svg = authward.qr_svg(uri)
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="qr" ', 1)
    return Markup(svg)  # noqa: S704 (the core's SVG: paths and rects only, no text from users)


def user_inputs() -> list[str]:
    u = g.user
    return [x for x in (u["user_id"], u.get("account_id"), u.get("email")) if x]


def policy() -> authward.AccountPolicy:
    return core().aw.account_policy(g.user["account_id"])


def security_log(user_id: str, limit: int = 25) -> list[dict[str, str]]:
    rows = []
    for e in core().aw.events(user_id, limit=limit):
        where = "—"
        if e.kind in ("policy_changed", "unlocked"):
            where = "Your administrator"
        else:
            clients = appdb().clients_between(user_id, e.at - 2, e.at)
            if clients:
                where = clients[0][1]
        what = KIND_WORDS.get(e.kind, e.kind.replace("_", " ").capitalize())
        rows.append({"when": when(e.at), "what": what, "detail": e.detail, "where": where})
    return rows


def render_page(errors: Optional[dict[str, Any]] = None, dialog: Optional[str] = None, code: int = 200) -> Any:
    """Settings » Security, with ``errors`` beside their fields and the ``dialog`` left open."""
    uid = g.user["user_id"]
    pol = policy()
    deadline = None if g.status.two_factor_enabled else g.status.two_factor_deadline
    now = core().aw.now()
    return (
        render_template(
            "security.html",
            rules=pol.password.rules(),
            policy=pol,
            deadline=deadline,
            grace_days_left=None if deadline is None else max(0, (deadline - now + 86_399) // 86_400),
            events=security_log(uid),
            errors=errors or {},
            dialog=dialog,
        ),
        code,
    )


def render_required(errors: Optional[dict[str, Any]] = None, code: int = 200) -> Any:
    """The page of an ``action`` session: what must be done, in words, and the way to do it."""
    pol = policy()
    return (
        render_template(
            "required.html",
            actions=g.status.required_actions,
            rules=pol.password.rules(),
            policy=pol,
            errors=errors or {},
        ),
        code,
    )


# --- the page ---------------------------------------------------------------------------------------


@bp.get("")
@signed_in
def page() -> Any:
    return render_page()


# --- change password ------------------------------------------------------------------------------


@bp.post("/password")
@signed_in
def change_password() -> Any:
    uid = g.user["user_id"]
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    confirm = request.form.get("confirm_password", "")
    errors: dict[str, Any] = {}
    try:
        note_client(uid)
        core().aw.change_password(uid, current, new, confirm)
    except authward.WrongPassword:
        errors["current"] = "That isn't your current password."
    except authward.PasswordMismatch:
        errors["confirm"] = "This doesn't match the new password. Type the same password twice."
    except authward.PolicyViolation as err:
        errors["new"] = [v.message for v in err.violations]
        errors["violated"] = [v.code for v in err.violations]
    except authward.PasswordReused:
        errors["new"] = ["You used this password recently. Choose one you haven't used before."]
    except authward.LockedOut as err:
        errors["form"] = (
            "Too many wrong passwords. For your safety, password changes are paused; "
            f"try again in {wait_words(err.retry_after)}."
        )
    except authward.InvalidArgumentError:
        errors["form"] = "Fill in all three fields."
    if errors:
        if g.state == "action":
            return render_required(errors, code=400)
        return render_page(errors, dialog="change-password", code=400)
    status = core().aw.status(uid)
    session_obj().regenerate()
    session["cv"] = status.credential_version
    log.info("password changed for %r", uid)
    flash("Your password was changed. Your other sessions were signed out.", "success")
    return redirect(url_for("security.page"))


@bp.post("/password/check")
@signed_in
def check_password() -> Response:
    """The live checklist: which rules a candidate password breaks (nothing is stored or logged)."""
    body = request.get_json(silent=True) or {}
    candidate = body.get("password", "")
    if not isinstance(candidate, str) or len(candidate) > 1024:
        abort(400)
    violations = policy().password.check(candidate, user_inputs()) if candidate else []
    return jsonify(violated=[v.code for v in violations], messages=[v.message for v in violations])


# --- two-factor: activate, replace, turn off --------------------------------------------------------


def _pending() -> Optional[dict[str, Any]]:
    pending = session.get("enrol")
    if pending and pending.get("expires_at", 0) > core().aw.now() + 30:
        return dict(pending)
    return None


def _begin(password: Optional[str]) -> None:
    uid = g.user["user_id"]
    enrollment = core().begin_totp_enrollment(uid, ISSUER, password)
    session["enrol"] = {
        "secret": enrollment.secret,
        "uri": enrollment.uri,
        "expires_at": enrollment.expires_at,
        "replace": password is not None,
    }


@bp.get("/2fa/activate")
@signed_in
def activate(error: Optional[str] = None, code: int = 200) -> Any:
    pending = _pending()
    if pending is None:
        if g.status.two_factor_enabled:
            return redirect(url_for("security.page"))
        _begin(None)
        pending = _pending()
        assert pending is not None
    return (
        render_template(
            "activate.html",
            secret=pending["secret"],
            qr=inline_qr(pending["uri"]),
            replace=pending["replace"],
            expires_at=pending["expires_at"],
            error=error,
        ),
        code,
    )


@bp.post("/2fa/activate")
@signed_in
def confirm() -> Any:
    uid = g.user["user_id"]
    if _pending() is None:
        flash("The setup took too long, so here is a new code to scan.", "info")
        session.pop("enrol", None)
        return redirect(url_for("security.activate"))
    code = request.form.get("code", "").strip().replace(" ", "")
    try:
        note_client(uid)
        codes = core().aw.confirm_totp_enrollment(uid, code)
    except (authward.InvalidCode, authward.InvalidArgumentError):
        return activate(error="That code didn't work. Enter the 6-digit code the app shows now.", code=400)
    except authward.InvalidState:
        session.pop("enrol", None)
        flash("The setup took too long, so here is a new code to scan.", "info")
        return redirect(url_for("security.activate"))
    session.pop("enrol", None)
    session["recovery_codes"] = codes
    session["cv"] = core().aw.status(uid).credential_version
    session_obj().regenerate()
    log.info("two-factor enabled for %r", uid)
    return redirect(url_for("security.recovery_codes"))


@bp.post("/2fa/restart")
@signed_in
def activate_restart() -> Any:
    if session.get("enrol", {}).get("replace"):
        session.pop("enrol", None)
        return redirect(url_for("security.page"))
    session.pop("enrol", None)
    return redirect(url_for("security.activate"))


@bp.post("/2fa/replace")
@signed_in
def replace() -> Any:
    uid = g.user["user_id"]
    try:
        note_client(uid)
        _begin(request.form.get("password", ""))
    except (authward.WrongPassword, authward.InvalidArgumentError):
        return render_page({"replace": "That isn't your password."}, code=400)
    except authward.LockedOut as err:
        return render_page({"replace": f"Too many failed attempts; try again in {wait_words(err.retry_after)}."}, code=400)
    return redirect(url_for("security.activate"))


@bp.post("/2fa/disable")
@signed_in
def disable() -> Any:
    uid = g.user["user_id"]
    try:
        note_client(uid)
        core().aw.disable_totp(uid, request.form.get("password", ""))
    except (authward.WrongPassword, authward.InvalidArgumentError):
        return render_page({"disable": "That isn't your password."}, code=400)
    except authward.TwoFactorEnforced:
        return render_page(
            {"disable": "Your administrator requires two-factor authentication, so it can't be turned off."},
            code=400,
        )
    except authward.LockedOut as err:
        return render_page({"disable": f"Too many failed attempts; try again in {wait_words(err.retry_after)}."}, code=400)
    session["cv"] = core().aw.status(uid).credential_version
    session_obj().regenerate()
    flash("Two-factor authentication is off. Your account is now protected by your password only.", "info")
    return redirect(url_for("security.page"))


# --- recovery codes -----------------------------------------------------------------------------------


@bp.post("/recovery-codes/regenerate")
@signed_in
def regenerate() -> Any:
    uid = g.user["user_id"]
    try:
        note_client(uid)
        codes = core().aw.regenerate_recovery_codes(uid, request.form.get("password", ""))
    except (authward.WrongPassword, authward.InvalidArgumentError):
        return render_page({"regenerate": "That isn't your password."}, code=400)
    except authward.LockedOut as err:
        return render_page({"regenerate": f"Too many failed attempts; try again in {wait_words(err.retry_after)}."}, code=400)
    session["recovery_codes"] = codes
    session["cv"] = core().aw.status(uid).credential_version
    return redirect(url_for("security.recovery_codes"))


@bp.get("/recovery-codes")
@signed_in
def recovery_codes() -> Any:
    codes = session.get("recovery_codes")
    if not codes:
        return redirect(url_for("security.page"))
    return render_template("recovery_codes.html", codes=codes, error=None)


@bp.get("/recovery-codes.txt")
@signed_in
def recovery_codes_download() -> Any:
    codes = session.get("recovery_codes")
    if not codes:
        abort(404)
    text = (
        f"{ISSUER} recovery codes for {g.user['user_id']}\n"
        "Each code signs you in once if you lose your phone. Keep them somewhere safe.\n\n"
        + "\n".join(codes)
        + "\n"
    )
    return Response(
        text,
        mimetype="text/plain",
        headers={"Content-Disposition": 'attachment; filename="recovery-codes.txt"'},
    )


@bp.post("/recovery-codes/done")
@signed_in
def recovery_codes_done() -> Any:
    if not session.get("recovery_codes"):
        return redirect(url_for("security.page"))
    if request.form.get("saved") != "yes":
        return (
            render_template(
                "recovery_codes.html",
                codes=session["recovery_codes"],
                error="Tick the box to confirm that you saved the codes: they are shown only once.",
            ),
            400,
        )
    session.pop("recovery_codes", None)
    flash("Two-factor authentication is on, and your recovery codes are saved.", "success")
    return redirect(url_for("security.page"))
