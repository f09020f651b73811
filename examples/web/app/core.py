"""The few authward calls whose shape is changing, behind one small adapter.

The app is written against the contract in DESIGN.md. Four calls of that contract are newer than some
builds of the Python binding; this module is the only place that knows the difference:

* ``sign_in(user_id, password, client=...)`` and ``verify_second_factor(challenge, code, client=...)``:
  the client address feeds the core's client-aware lockout. A binding without ``client=`` gets the call
  without it (lockout per user). A ``"complete"`` result that still lists required actions is reported
  as ``"action_required"``, the status newer bindings return for it, so the app only ever sees the
  three statuses of the contract.
* ``begin_totp_enrollment(user_id, issuer, password=...)``: replacing an active authenticator needs the
  password. A binding without ``password=`` gets the proof checked here first, by a password sign-in
  (which counts toward the lockout like any other proof).
* ``unlock_user(user_id)``: offered only when the binding has it (``can_unlock``).
* ``account_report(account_id)``: the admin's users table. A binding without it gets the table built
  from ``status()`` per user, with the enrolment deadline computed from the time the app turned
  enforcement on and the user's creation time (both kept in the app's own database).

Everything else the app calls directly on :class:`authward.Authward`.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Protocol

import authward

DAY = 86_400


def _takes(method: object, name: str) -> bool:
    """Whether a native method's signature (``__text_signature__``) has a parameter ``name``."""
    signature = getattr(method, "__text_signature__", None) or "()"
    params = [p.strip().split("=")[0].lstrip("*$") for p in signature.strip("()").split(",")]
    return name in params


_SIGN_IN_TAKES_CLIENT = _takes(authward.Authward.sign_in, "client")
_VERIFY_TAKES_CLIENT = _takes(authward.Authward.verify_second_factor, "client")
_ENROLL_TAKES_PASSWORD = _takes(authward.Authward.begin_totp_enrollment, "password")


class AppRecords(Protocol):
    """What the fallbacks read from the app's own database."""

    def user_created_at(self, user_id: str) -> Optional[int]: ...

    def enforced_since(self, account_id: str) -> Optional[int]: ...


@dataclasses.dataclass(frozen=True)
class SignInResult:
    """A sign-in step's outcome, with the contract's three statuses."""

    status: str  # "complete" | "second_factor_required" | "action_required"
    challenge: Optional[str] = dataclasses.field(default=None, repr=False)
    required_actions: tuple[str, ...] = ()
    password_expires_in_days: Optional[int] = None
    credential_version: int = 0


@dataclasses.dataclass(frozen=True)
class UserRow:
    """One line of the admin's users table."""

    user_id: str
    two_factor_enabled: bool
    enrollment_deadline: Optional[int]
    password_expires_in_days: Optional[int]
    locked_until: Optional[int]
    required_actions: tuple[str, ...]


def _result(signin: authward.SignIn) -> SignInResult:
    status = str(signin.status)
    actions = tuple(signin.required_actions)
    if status == "complete" and actions:
        status = "action_required"
    return SignInResult(
        status=status,
        challenge=signin.challenge,
        required_actions=actions,
        password_expires_in_days=signin.password_expires_in_days,
        credential_version=signin.credential_version,
    )


class Core:
    """The authward service plus the adapted calls. ``aw`` is the service itself."""

    def __init__(self, aw: authward.Authward, records: AppRecords) -> None:
        self.aw = aw
        self._records = records

    @property
    def can_unlock(self) -> bool:
        """Whether the binding lets an admin end a lockout."""
        return hasattr(self.aw, "unlock_user")

    def sign_in(self, user_id: str, password: str, client: str) -> SignInResult:
        """First step of signing in (raises InvalidCredentials, LockedOut)."""
        if _SIGN_IN_TAKES_CLIENT:
            return _result(self.aw.sign_in(user_id, password, client=client))  # type: ignore[call-arg]
        return _result(self.aw.sign_in(user_id, password))

    def verify_second_factor(self, challenge: str, code: str, client: str) -> SignInResult:
        """Second step: a TOTP code or a recovery code (raises InvalidCode, CodeReused, ...)."""
        if _VERIFY_TAKES_CLIENT:
            return _result(
                self.aw.verify_second_factor(challenge, code, client=client)  # type: ignore[call-arg]
            )
        return _result(self.aw.verify_second_factor(challenge, code))

    def begin_totp_enrollment(
        self, user_id: str, issuer: str, password: Optional[str], client: str
    ) -> authward.Enrollment:
        """A pending secret; with 2FA already on, ``password`` must be the user's (raises WrongPassword)."""
        if _ENROLL_TAKES_PASSWORD:
            return self.aw.begin_totp_enrollment(  # type: ignore[call-arg]
                user_id, issuer, password=password
            )
        if self.aw.status(user_id).two_factor_enabled:
            try:
                self.sign_in(user_id, password or "", client)
            except authward.InvalidCredentials:
                raise authward.WrongPassword("the password is wrong") from None
        return self.aw.begin_totp_enrollment(user_id, issuer)

    def unlock_user(self, user_id: str) -> None:
        """Admin: ends the user's lockout (only where ``can_unlock``)."""
        self.aw.unlock_user(user_id)  # type: ignore[attr-defined]

    def enrollment_deadline(self, user_id: str, account_id: str) -> Optional[int]:
        """When the user must have 2FA on (unix seconds); None when 2FA is not enforced or is on."""
        for row in self.account_report(account_id):
            if row.user_id == user_id:
                return row.enrollment_deadline
        return None

    def account_report(self, account_id: str) -> list[UserRow]:
        """Per user of the account: 2FA, enrolment deadline, password expiry, lockout."""
        if hasattr(self.aw, "account_report"):
            return [
                UserRow(
                    user_id=r.user_id,
                    two_factor_enabled=r.two_factor_enabled,
                    enrollment_deadline=r.enrollment_deadline,
                    password_expires_in_days=r.password_expires_in_days,
                    locked_until=r.locked_until,
                    required_actions=tuple(r.required_actions),
                )
                for r in self.aw.account_report(account_id)  # type: ignore[attr-defined]
            ]
        policy = self.aw.account_policy(account_id)
        enforced_since = self._records.enforced_since(account_id) or 0
        rows = []
        for user_id in self.aw.list_users(account_id):
            status = self.aw.status(user_id)
            deadline = None
            if policy.enforce_two_factor and not status.two_factor_enabled:
                start = max(self._records.user_created_at(user_id) or 0, enforced_since)
                deadline = start + policy.two_factor_grace_days * DAY
            rows.append(
                UserRow(
                    user_id=user_id,
                    two_factor_enabled=status.two_factor_enabled,
                    enrollment_deadline=deadline,
                    password_expires_in_days=status.password_expires_in_days,
                    locked_until=status.locked_until,
                    required_actions=tuple(status.required_actions),
                )
            )
        return rows
