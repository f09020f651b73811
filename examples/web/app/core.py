"""The authward calls that carry request context, in one place.

* ``sign_in`` and ``verify_second_factor`` pass the client address (``client=``) to the core's
  client-aware lockout. Their result has one of the contract's three statuses: ``complete`` (a full
  session; inside a grace period the action and its deadline are listed, to nag),
  ``second_factor_required`` and ``action_required`` (enrol 2FA or change the password first).
* ``begin_totp_enrollment`` passes the user's password as the proof the core requires when an active
  authenticator is replaced (none for a first enrolment).
* ``account_report`` gives the admin's users table: one ``status()`` per user of ``list_users``.

Everything else the app calls directly on :class:`authward.Authward` (``core().aw``).
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import authward


@dataclasses.dataclass(frozen=True)
class UserRow:
    """One line of the admin's users table."""

    user_id: str
    two_factor_enabled: bool
    enrollment_deadline: Optional[int]
    password_expires_in_days: Optional[int]
    locked_until: Optional[int]
    lock_reason: Optional[str]
    required_actions: tuple[str, ...]


def _row(user_id: str, s: authward.SecurityStatus) -> UserRow:
    return UserRow(
        user_id=user_id,
        two_factor_enabled=s.two_factor_enabled,
        enrollment_deadline=None if s.two_factor_enabled else s.two_factor_deadline,
        password_expires_in_days=s.password_expires_in_days,
        locked_until=s.locked_until,
        lock_reason=s.lock_reason,
        required_actions=tuple(s.required_actions),
    )


class Core:
    """The authward service plus the calls that take the request's context. ``aw`` is the service."""

    def __init__(self, aw: authward.Authward) -> None:
        self.aw = aw

    def sign_in(self, user_id: str, password: str, client: str) -> authward.SignIn:
        """First step of signing in (raises InvalidCredentials, LockedOut)."""
        return self.aw.sign_in(user_id, password, client=client)

    def verify_second_factor(self, challenge: str, code: str, client: str) -> authward.SignIn:
        """Second step: a TOTP code or a recovery code (raises InvalidCode, CodeReused, ...)."""
        return self.aw.verify_second_factor(challenge, code, client=client)

    def begin_totp_enrollment(self, user_id: str, issuer: str, password: Optional[str]) -> authward.Enrollment:
        """A pending secret; with 2FA already on, ``password`` must be the user's (raises WrongPassword)."""
        return self.aw.begin_totp_enrollment(user_id, issuer, password=password)

    def unlock_user(self, user_id: str) -> None:
        """Admin: ends the user's lockout."""
        self.aw.unlock_user(user_id)

    def account_report(self, account_id: str) -> list[UserRow]:
        """Per user of the account: 2FA, enrolment deadline, password expiry, lockout."""
        return [_row(u, self.aw.status(u)) for u in self.aw.list_users(account_id)]
