"""The exceptions of authward: one class per stable error code, all under :class:`AuthwardError`.

The native module raises these classes (it imports them from here), so ``except authward.PolicyViolationError``
works and ``err.code`` is the code's stable name, e.g. ``"POLICY_VIOLATION"``, the same name as C's
``AUTHWARD_RESULT_POLICY_VIOLATION`` and Node's ``err.code``. Messages never contain a secret.

Every class name ends in ``Error`` (PEP 8); the 0.1 names without it (``PolicyViolation``, ``LockedOut``, …)
remain as aliases of the same classes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Sequence

if TYPE_CHECKING:
    from authward._authward import Violation

__all__ = [
    "ArgumentTypeError",
    "AuthwardError",
    "InvalidArgumentError",
    "InvalidCredentialsError",
    "WrongPasswordError",
    "PasswordMismatchError",
    "PolicyViolationError",
    "PasswordReusedError",
    "InvalidCodeError",
    "CodeReusedError",
    "LockedOutError",
    "NotFoundError",
    "AlreadyExistsError",
    "TwoFactorEnforcedError",
    "InvalidStateError",
    "ChallengeExpiredError",
    "StorageError",
    "CryptoError",
    "InternalError",
    "ERROR_CLASSES",
    # the names before 0.2 (PEP 8 asks for the Error suffix), kept as aliases of the same classes
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
]


class ArgumentTypeError(TypeError):
    """A ``TypeError`` for an argument of the wrong type, raised by the native module.

    Its message names the argument and the expected type: ``argument 'key': expected bytes, not str``.
    (The native layer learns the argument's name only after the error is made, and passes it as the
    note ``while processing 'key'``; this class folds that note into the message.)
    """

    def add_note(self, note: str, /) -> None:
        match = re.fullmatch(r"while processing '([^']+)'", note)
        if match and len(self.args) == 1 and not str(self.args[0]).startswith("argument "):
            self.args = (f"argument '{match.group(1)}': {self.args[0]}",)
        elif hasattr(TypeError, "add_note"):  # Python >= 3.11
            super().add_note(note)


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


class InvalidCredentialsError(AuthwardError):
    """INVALID_CREDENTIALS: sign-in failed; unknown user or wrong password (deliberately the same)."""

    code: ClassVar[str] = "INVALID_CREDENTIALS"


class WrongPasswordError(AuthwardError):
    """WRONG_PASSWORD: the current password given to a change (or a confirmation) is wrong."""

    code: ClassVar[str] = "WRONG_PASSWORD"


class PasswordMismatchError(AuthwardError):
    """PASSWORD_MISMATCH: the new password and its confirmation differ."""

    code: ClassVar[str] = "PASSWORD_MISMATCH"


class PolicyViolationError(AuthwardError):
    """POLICY_VIOLATION: the new password breaks the policy; ``violations`` lists every broken rule."""

    code: ClassVar[str] = "POLICY_VIOLATION"

    def __init__(self, message: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(message)
        #: Every broken rule, as ``Violation(code, message)``.
        self.violations: list[Violation] = list(violations)


class PasswordReusedError(AuthwardError):
    """PASSWORD_REUSED: the new password is the current one or one of the recent ones."""

    code: ClassVar[str] = "PASSWORD_REUSED"


class InvalidCodeError(AuthwardError):
    """INVALID_CODE: the TOTP or recovery code is wrong."""

    code: ClassVar[str] = "INVALID_CODE"


class CodeReusedError(AuthwardError):
    """CODE_REUSED: the code was already used (replay)."""

    code: ClassVar[str] = "CODE_REUSED"


class LockedOutError(AuthwardError):
    """LOCKED_OUT: too many failures; ``retry_after`` is the number of seconds to wait."""

    code: ClassVar[str] = "LOCKED_OUT"

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        #: Seconds until the lockout ends.
        self.retry_after = retry_after


class NotFoundError(AuthwardError):
    """NOT_FOUND: no such user (sign-in never says this; it says INVALID_CREDENTIALS)."""

    code: ClassVar[str] = "NOT_FOUND"


class AlreadyExistsError(AuthwardError):
    """ALREADY_EXISTS: the user already exists."""

    code: ClassVar[str] = "ALREADY_EXISTS"


class TwoFactorEnforcedError(AuthwardError):
    """TWO_FACTOR_ENFORCED: the account enforces two-factor authentication, so it cannot be turned off."""

    code: ClassVar[str] = "TWO_FACTOR_ENFORCED"


class InvalidStateError(AuthwardError):
    """INVALID_STATE: the call does not fit the user's state (e.g. confirming without a pending enrolment)."""

    code: ClassVar[str] = "INVALID_STATE"


class ChallengeExpiredError(AuthwardError):
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
        InvalidCredentialsError,
        WrongPasswordError,
        PasswordMismatchError,
        PolicyViolationError,
        PasswordReusedError,
        InvalidCodeError,
        CodeReusedError,
        LockedOutError,
        NotFoundError,
        AlreadyExistsError,
        TwoFactorEnforcedError,
        InvalidStateError,
        ChallengeExpiredError,
        StorageError,
        CryptoError,
        InternalError,
    )
}


# The names of 0.1, before every class ended in ``Error`` (PEP 8); each is the same class object, so
# ``except authward.LockedOut`` still catches ``LockedOutError``.
InvalidCredentials = InvalidCredentialsError
WrongPassword = WrongPasswordError
PasswordMismatch = PasswordMismatchError
PolicyViolation = PolicyViolationError
PasswordReused = PasswordReusedError
InvalidCode = InvalidCodeError
CodeReused = CodeReusedError
LockedOut = LockedOutError
NotFound = NotFoundError
AlreadyExists = AlreadyExistsError
TwoFactorEnforced = TwoFactorEnforcedError
InvalidState = InvalidStateError
ChallengeExpired = ChallengeExpiredError
