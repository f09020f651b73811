"""authward: the security core behind an account's Security settings page.

* Passwords: :func:`hash_password` (Argon2id, PHC strings), :func:`verify_password`, :func:`needs_rehash`,
  :class:`PasswordPolicy` (every violation at once), breached-password checks with :class:`BreachFilter`
  (offline) and :func:`range_prefix` / :func:`judge_range` (range APIs of the HIBP kind, the app fetches).
* Two-factor (TOTP): :func:`generate_totp_secret`, :func:`totp_code`, :func:`verify_totp` (window and
  replay step), :func:`totp_uri` / :func:`parse_totp_uri` (``otpauth://``), QR codes with :func:`qr_svg`,
  :func:`qr_png` and :func:`qr_terminal`.
* The service: :class:`Authward` (SQLite file or in memory) runs change password, sign-in with a second
  factor, TOTP enrolment, recovery codes, account policies (enforce 2FA, password expiration), lockouts
  and a security log. :class:`ManualClock` moves its time in tests and demos. Looking after the store:
  :meth:`Authward.backup` (never open the live file with a second SQLite such as :mod:`sqlite3`),
  :meth:`Authward.store_info` (:class:`StoreInfo`), :meth:`Authward.purge_events` and :meth:`Authward.rekey`.
* Errors: every failure is a subclass of :class:`AuthwardError` whose ``code`` is a stable name.

Slow calls (Argon2, the store) release the GIL; an :class:`Authward` may be shared by threads and used
from asyncio with ``await asyncio.to_thread(aw.sign_in, user_id, password)``.
"""

from __future__ import annotations

import enum

from authward._authward import (
    DEFAULT_EVENTS_LIMIT,
    EVENT_KINDS,
    AccountPolicy,
    AccountReport,
    AuditEntry,
    Authward,
    BreachFilter,
    Device,
    Enrollment,
    Event,
    HashParams,
    LockoutPolicy,
    ManualClock,
    PasswordPolicy,
    RangeVerdict,
    RekeyProgress,
    Rule,
    SecurityStatus,
    SignIn,
    StoreInfo,
    TotpConfig,
    TotpUri,
    UserReport,
    Violation,
    __version__,
    error_codes,
    generate_totp_secret,
    hash_password,
    judge_range,
    needs_rehash,
    parse_totp_uri,
    qr_png,
    qr_svg,
    qr_terminal,
    range_prefix,
    totp_code,
    totp_uri,
    verify_password,
    verify_totp,
)
from authward._errors import (
    ERROR_CLASSES,
    AlreadyExists,
    ArgumentTypeError,
    AlreadyExistsError,
    AuthwardError,
    ChallengeExpired,
    ChallengeExpiredError,
    CodeReused,
    CodeReusedError,
    CryptoError,
    InternalError,
    InvalidArgumentError,
    InvalidCode,
    InvalidCodeError,
    InvalidCredentials,
    InvalidCredentialsError,
    InvalidState,
    InvalidStateError,
    LockedOut,
    LockedOutError,
    NotFound,
    NotFoundError,
    PasswordMismatch,
    PasswordMismatchError,
    PasswordReused,
    PasswordReusedError,
    PolicyViolation,
    PolicyViolationError,
    StorageError,
    TwoFactorEnforced,
    TwoFactorEnforcedError,
    WrongPassword,
    WrongPasswordError,
)


class ErrorCode(enum.IntEnum):
    """The stable numbering of every outcome, shared with C (``authward_result``) and Node (``err.code``).

    ``ErrorCode[err.code]`` gives the number of an exception's code.
    """

    OK = 0
    INVALID_ARGUMENT = 1
    INVALID_CREDENTIALS = 2
    WRONG_PASSWORD = 3
    PASSWORD_MISMATCH = 4
    POLICY_VIOLATION = 5
    PASSWORD_REUSED = 6
    INVALID_CODE = 7
    CODE_REUSED = 8
    LOCKED_OUT = 9
    NOT_FOUND = 10
    ALREADY_EXISTS = 11
    TWO_FACTOR_ENFORCED = 12
    INVALID_STATE = 13
    CHALLENGE_EXPIRED = 14
    STORAGE = 15
    CRYPTO = 16
    INTERNAL = 17


__all__ = [
    "__version__",
    "DEFAULT_EVENTS_LIMIT",
    "EVENT_KINDS",
    # primitives
    "hash_password",
    "verify_password",
    "needs_rehash",
    "generate_totp_secret",
    "totp_code",
    "verify_totp",
    "totp_uri",
    "parse_totp_uri",
    "qr_svg",
    "qr_png",
    "qr_terminal",
    "error_codes",
    # breached passwords
    "BreachFilter",
    "RangeVerdict",
    "range_prefix",
    "judge_range",
    # types
    "HashParams",
    "PasswordPolicy",
    "Violation",
    "RekeyProgress",
    "Rule",
    "TotpConfig",
    "TotpUri",
    "LockoutPolicy",
    "AccountPolicy",
    # the service
    "Authward",
    "ManualClock",
    "SignIn",
    "Enrollment",
    "SecurityStatus",
    "Event",
    "Device",
    "StoreInfo",
    "AccountReport",
    "UserReport",
    "AuditEntry",
    # errors
    "ErrorCode",
    "ERROR_CLASSES",
    "AuthwardError",
    "ArgumentTypeError",
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
    # 0.1 names, aliases of the classes above
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
