"""Account admin » Security policies: enforce two-factor authentication (with grace days), password
expiration (on/off, after N days, warning days), and the users table with its actions (reset 2FA,
require a password change, unlock).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional, TypeVar, cast

import authward
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from .auth import appdb, core, note_client

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger("authward.web")
F = TypeVar("F", bound=Callable[..., Any])

LOCK_WORDS = {
    "too_many_failures": "too many failed attempts",
    "unfamiliar_clients": "failed attempts from many places",
    "hourly_limit": "the hourly limit of failed attempts",
}


def admin_only(view: F) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.signin"))
        if not g.user.get("is_admin"):
            abort(403)
        return view(*args, **kwargs)

    wrapper.__name__ = view.__name__
    return cast(F, wrapper)


def _int(name: str, low: int, high: int, errors: dict[str, str], label: str) -> int:
    raw = request.form.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not low <= value <= high:
        errors[name] = f"{label} must be a whole number from {low} to {high}."
        return low
    return value


def render_admin(errors: Optional[dict[str, str]] = None, code: int = 200) -> Any:
    account = g.user["account_id"]
    now = core().aw.now()
    rows = []
    for r in core().account_report(account):
        rows.append(
            {
                "user_id": r.user_id,
                "name": (appdb().user(r.user_id) or {}).get("display_name", r.user_id),
                "two_factor": r.two_factor_enabled,
                "deadline": r.enrollment_deadline,
                "deadline_passed": r.enrollment_deadline is not None and r.enrollment_deadline <= now,
                "expires_in": r.password_expires_in_days,
                "locked_until": r.locked_until,
                "lock_reason": LOCK_WORDS.get(r.lock_reason or "", r.lock_reason),
                "must_change": "change_password" in r.required_actions,
            }
        )
    return (
        render_template(
            "admin.html",
            policy=core().aw.account_policy(account),
            rows=rows,
            errors=errors or {},
        ),
        code,
    )


@bp.get("/security")
@admin_only
def page() -> Any:
    return render_admin()


@bp.post("/security/policy")
@admin_only
def save_policy() -> Any:
    account = g.user["account_id"]
    old = core().aw.account_policy(account)
    errors: dict[str, str] = {}
    enforce = request.form.get("enforce_two_factor") == "on"
    grace = _int("two_factor_grace_days", 0, 365, errors, "Grace period") if enforce else old.two_factor_grace_days
    expire = request.form.get("password_expiration") == "on"
    days = _int("password_expiration_days", 1, 3650, errors, "Expiration") if expire else None
    warning = (
        _int("password_expiry_warning_days", 0, 365, errors, "Warning")
        if expire
        else old.password_expiry_warning_days
    )
    if errors:
        return render_admin(errors, code=400)
    new = authward.AccountPolicy(
        enforce_two_factor=enforce,
        two_factor_grace_days=grace,
        password_expiration_days=days,
        password_expiry_warning_days=warning,
        password=old.password,
        totp=old.totp,
        lockout=old.lockout,
    )
    core().aw.set_account_policy(account, new)
    log.info("policy of %r changed by %r", account, g.user["user_id"])
    flash("Security policies saved.", "success")
    return redirect(url_for("admin.page"))


def _target(user_id: str) -> str:
    user = appdb().user(user_id)
    if user is None or user["account_id"] != g.user["account_id"]:
        abort(404)
    note_client(user_id)
    return user_id


@bp.post("/users/<user_id>/reset-2fa")
@admin_only
def reset_two_factor(user_id: str) -> Any:
    core().aw.reset_two_factor(_target(user_id))
    log.info("two-factor reset for %r by %r", user_id, g.user["user_id"])
    flash(f"Two-factor authentication of {user_id} was reset. They set it up again at their next sign-in.", "success")
    return redirect(url_for("admin.page"))


@bp.post("/users/<user_id>/require-password-change")
@admin_only
def require_password_change(user_id: str) -> Any:
    core().aw.require_password_change(_target(user_id))
    log.info("password change required for %r by %r", user_id, g.user["user_id"])
    flash(f"{user_id} must choose a new password at their next sign-in.", "success")
    return redirect(url_for("admin.page"))


@bp.post("/users/<user_id>/unlock")
@admin_only
def unlock(user_id: str) -> Any:
    core().unlock_user(_target(user_id))
    flash(f"{user_id} can sign in again.", "success")
    return redirect(url_for("admin.page"))
