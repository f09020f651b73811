"""The exceptions of authward: one class per stable error code, all under :class:`AuthwardError`.

The native module raises these classes (it imports them from here), so ``except authward.PolicyViolation``
works and ``err.code`` is the code's stable name, e.g. ``"POLICY_VIOLATION"``, the same name as C's
``AUTHWARD_RESULT_POLICY_VIOLATION`` and Node's ``err.code``. Messages never contain a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Sequence

if TYPE_CHECKING:
    from authward._authward import Violation

__all__ = [
    "AuthwardError",
    "InvalidArgumentError",
    "InvalidCredentials",
    "WrongPassword",
    "PasswordMismatch",
    "PolicyViolation",
    "PasswordReused",
    "InvalidCode",
    "CodeReused",
    "LockedOut",
    "NotFound",
    "AlreadyExists",
    "TwoFactorEnforced",
    "InvalidState",
    "ChallengeExpired",
    "StorageError",
    "CryptoError",
    "InternalError",
    "ERROR_CLASSES",
]


class AuthwardError(Exception):
    """Base class of every authward error. ``code`` is the stable code name (e.g. ``"LOCKED_OUT"``)."""

    #: The stable name of the error code, e.g. ``"POLICY_VIOLATION"``.
    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        #: The human-readable message (never containing a secret).
        self.message = message


class InvalidArgumentError(AuthwardError, ValueError):
    """INVALID_ARGUMENT: an argument is malformed, out of range, too long or empty (also a ``ValueError``)."""

    code: ClassVar[str] = "INVALID_ARGUMENT"


class InvalidCredentials(AuthwardError):
    """INVALID_CREDENTIALS: sign-in failed; unknown user or wrong password (deliberately the same)."""

    code: ClassVar[str] = "INVALID_CREDENTIALS"


class WrongPassword(AuthwardError):
    """WRONG_PASSWORD: the current password given to a change (or a confirmation) is wrong."""

    code: ClassVar[str] = "WRONG_PASSWORD"


class PasswordMismatch(AuthwardError):
    """PASSWORD_MISMATCH: the new password and its confirmation differ."""

    code: ClassVar[str] = "PASSWORD_MISMATCH"


class PolicyViolation(AuthwardError):
    """POLICY_VIOLATION: the new password breaks the policy; ``violations`` lists every broken rule."""

    code: ClassVar[str] = "POLICY_VIOLATION"

    def __init__(self, message: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(message)
        #: Every broken rule, as ``Violation(code, message)``.
        self.violations: list[Violation] = list(violations)


class PasswordReused(AuthwardError):
    """PASSWORD_REUSED: the new password is the current one or one of the recent ones."""

    code: ClassVar[str] = "PASSWORD_REUSED"


class InvalidCode(AuthwardError):
    """INVALID_CODE: the TOTP or recovery code is wrong."""

    code: ClassVar[str] = "INVALID_CODE"


class CodeReused(AuthwardError):
    """CODE_REUSED: the code was already used (replay)."""

    code: ClassVar[str] = "CODE_REUSED"


class LockedOut(AuthwardError):
    """LOCKED_OUT: too many failures; ``retry_after`` is the number of seconds to wait."""

    code: ClassVar[str] = "LOCKED_OUT"

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        #: Seconds until the lockout ends.
        self.retry_after = retry_after


class NotFound(AuthwardError):
    """NOT_FOUND: no such user (sign-in never says this; it says INVALID_CREDENTIALS)."""

    code: ClassVar[str] = "NOT_FOUND"


class AlreadyExists(AuthwardError):
    """ALREADY_EXISTS: the user already exists."""

    code: ClassVar[str] = "ALREADY_EXISTS"


class TwoFactorEnforced(AuthwardError):
    """TWO_FACTOR_ENFORCED: the account enforces two-factor authentication, so it cannot be turned off."""

    code: ClassVar[str] = "TWO_FACTOR_ENFORCED"


class InvalidState(AuthwardError):
    """INVALID_STATE: the call does not fit the user's state (e.g. confirming without a pending enrolment)."""

    code: ClassVar[str] = "INVALID_STATE"


class ChallengeExpired(AuthwardError):
    """CHALLENGE_EXPIRED: the sign-in challenge is unknown, already used or older than 5 minutes."""

    code: ClassVar[str] = "CHALLENGE_EXPIRED"


class StorageError(AuthwardError):
    """STORAGE: the store failed (I/O, corruption, not a database, newer schema)."""

    code: ClassVar[str] = "STORAGE"


class CryptoError(AuthwardError):
    """CRYPTO: a cryptographic operation failed (e.g. the store was opened with the wrong key)."""

    code: ClassVar[str] = "CRYPTO"


class InternalError(AuthwardError):
    """INTERNAL: a bug in authward."""

    code: ClassVar[str] = "INTERNAL"


#: The exception class of every error code name (every code but ``OK``).
ERROR_CLASSES: dict[str, type[AuthwardError]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        InvalidCredentials,
        WrongPassword,
        PasswordMismatch,
        PolicyViolation,
        PasswordReused,
        InvalidCode,
        CodeReused,
        LockedOut,
        NotFound,
        AlreadyExists,
        TwoFactorEnforced,
        InvalidState,
        ChallengeExpired,
        StorageError,
        CryptoError,
        InternalError,
    )
}
