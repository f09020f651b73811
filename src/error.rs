//! Errors and their stable codes.
//!
//! Every binding maps [`Error`] through [`Error::code`] to one [`ErrorCode`]; the numbers and names are
//! part of the public contract (C `authward_result`, Python exception classes, Node `err.code`) and are
//! never renumbered. Messages never contain a secret: no password, TOTP secret, code, recovery code or
//! challenge token is ever formatted into an error.

use crate::violation::Violation;

/// The stable numbering of every outcome, shared by C, Python and Node.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Success (C only).
    Ok = 0,
    /// An argument is malformed, out of range, too long or missing.
    InvalidArgument = 1,
    /// Sign-in failed: unknown user or wrong password (deliberately indistinguishable).
    InvalidCredentials = 2,
    /// The current password given to a change is wrong.
    WrongPassword = 3,
    /// The new password and its confirmation differ.
    PasswordMismatch = 4,
    /// The new password breaks the account's password policy.
    PolicyViolation = 5,
    /// The new password is the current one or one of the recent ones.
    PasswordReused = 6,
    /// The one-time code (TOTP or recovery) is wrong.
    InvalidCode = 7,
    /// The one-time code was already used (replay).
    CodeReused = 8,
    /// Too many failures: the user must wait.
    LockedOut = 9,
    /// No such user (never returned by sign-in, which says `InvalidCredentials`).
    NotFound = 10,
    /// The user already exists.
    AlreadyExists = 11,
    /// The account enforces two-factor authentication, so it cannot be turned off.
    TwoFactorEnforced = 12,
    /// The operation does not fit the user's current state (e.g. confirm without a pending enrolment).
    InvalidState = 13,
    /// The sign-in challenge is unknown, used or older than its lifetime.
    ChallengeExpired = 14,
    /// The store failed (I/O, corruption, not a database, newer schema).
    Storage = 15,
    /// A cryptographic operation failed (e.g. the store key is wrong).
    Crypto = 16,
    /// A bug in authward (e.g. a caught panic).
    Internal = 17,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: [ErrorCode; 18] = [
        ErrorCode::Ok,
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidCredentials,
        ErrorCode::WrongPassword,
        ErrorCode::PasswordMismatch,
        ErrorCode::PolicyViolation,
        ErrorCode::PasswordReused,
        ErrorCode::InvalidCode,
        ErrorCode::CodeReused,
        ErrorCode::LockedOut,
        ErrorCode::NotFound,
        ErrorCode::AlreadyExists,
        ErrorCode::TwoFactorEnforced,
        ErrorCode::InvalidState,
        ErrorCode::ChallengeExpired,
        ErrorCode::Storage,
        ErrorCode::Crypto,
        ErrorCode::Internal,
    ];

    /// The stable name, e.g. `"POLICY_VIOLATION"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Ok => "OK",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidCredentials => "INVALID_CREDENTIALS",
            ErrorCode::WrongPassword => "WRONG_PASSWORD",
            ErrorCode::PasswordMismatch => "PASSWORD_MISMATCH",
            ErrorCode::PolicyViolation => "POLICY_VIOLATION",
            ErrorCode::PasswordReused => "PASSWORD_REUSED",
            ErrorCode::InvalidCode => "INVALID_CODE",
            ErrorCode::CodeReused => "CODE_REUSED",
            ErrorCode::LockedOut => "LOCKED_OUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::AlreadyExists => "ALREADY_EXISTS",
            ErrorCode::TwoFactorEnforced => "TWO_FACTOR_ENFORCED",
            ErrorCode::InvalidState => "INVALID_STATE",
            ErrorCode::ChallengeExpired => "CHALLENGE_EXPIRED",
            ErrorCode::Storage => "STORAGE",
            ErrorCode::Crypto => "CRYPTO",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The code's number (`authward_result` in C).
    pub const fn as_u32(self) -> u32 {
        self as u32
    }

    /// The code with this number, if any.
    pub fn from_u32(value: u32) -> Option<ErrorCode> {
        ErrorCode::ALL.get(usize::try_from(value).ok()?).copied()
    }

    /// A short, static English description (C `authward_result_str`).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorCode::Ok => "success",
            ErrorCode::InvalidArgument => "invalid argument",
            ErrorCode::InvalidCredentials => "invalid user or password",
            ErrorCode::WrongPassword => "the current password is wrong",
            ErrorCode::PasswordMismatch => "the new password and its confirmation differ",
            ErrorCode::PolicyViolation => "the password does not meet the password policy",
            ErrorCode::PasswordReused => "the password was used recently",
            ErrorCode::InvalidCode => "the code is not valid",
            ErrorCode::CodeReused => "the code was already used",
            ErrorCode::LockedOut => "too many failed attempts; try again later",
            ErrorCode::NotFound => "not found",
            ErrorCode::AlreadyExists => "already exists",
            ErrorCode::TwoFactorEnforced => "the account enforces two-factor authentication",
            ErrorCode::InvalidState => "the operation does not fit the current state",
            ErrorCode::ChallengeExpired => "the sign-in challenge expired or was already used",
            ErrorCode::Storage => "storage error",
            ErrorCode::Crypto => "cryptographic error",
            ErrorCode::Internal => "internal error",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authward error. Use [`Error::code`] for the stable code; the message is for humans.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument is malformed or out of range; the message says which and why.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Unknown user or wrong password at sign-in.
    #[error("invalid user or password")]
    InvalidCredentials,
    /// The current password is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// New password and confirmation differ.
    #[error("the new password and its confirmation differ")]
    PasswordMismatch,
    /// The password breaks the policy; every violation is listed.
    #[error("the password does not meet the policy: {}", summary(.0))]
    PolicyViolation(Vec<Violation>),
    /// The password is the current one or a recent one.
    #[error("the password was used recently; choose a different one")]
    PasswordReused,
    /// The code is wrong.
    #[error("the code is not valid")]
    InvalidCode,
    /// The code was already used.
    #[error("the code was already used")]
    CodeReused,
    /// Locked out for `retry_after` more seconds.
    #[error("too many failed attempts; try again in {retry_after} s")]
    LockedOut {
        /// Seconds until the lockout ends.
        retry_after: u64,
    },
    /// Something is missing; the message names what (never a secret).
    #[error("not found: {0}")]
    NotFound(String),
    /// Something exists already.
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// The account enforces 2FA.
    #[error("the account enforces two-factor authentication")]
    TwoFactorEnforced,
    /// The call does not fit the current state.
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// The challenge is unknown, used or expired.
    #[error("the sign-in challenge expired or was already used")]
    ChallengeExpired,
    /// The store failed.
    #[error("storage error: {0}")]
    Storage(String),
    /// A cryptographic operation failed.
    #[error("cryptographic error: {0}")]
    Crypto(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

fn summary(violations: &[Violation]) -> String {
    violations.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; ")
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidArgument(_) => ErrorCode::InvalidArgument,
            Error::InvalidCredentials => ErrorCode::InvalidCredentials,
            Error::WrongPassword => ErrorCode::WrongPassword,
            Error::PasswordMismatch => ErrorCode::PasswordMismatch,
            Error::PolicyViolation(_) => ErrorCode::PolicyViolation,
            Error::PasswordReused => ErrorCode::PasswordReused,
            Error::InvalidCode => ErrorCode::InvalidCode,
            Error::CodeReused => ErrorCode::CodeReused,
            Error::LockedOut { .. } => ErrorCode::LockedOut,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::AlreadyExists(_) => ErrorCode::AlreadyExists,
            Error::TwoFactorEnforced => ErrorCode::TwoFactorEnforced,
            Error::InvalidState(_) => ErrorCode::InvalidState,
            Error::ChallengeExpired => ErrorCode::ChallengeExpired,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Crypto(_) => ErrorCode::Crypto,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The policy violations of a [`Error::PolicyViolation`], else empty.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Error::PolicyViolation(v) => v,
            _ => &[],
        }
    }

    /// Seconds to wait for a [`Error::LockedOut`], else `None`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::LockedOut { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Error {
        Error::InvalidArgument(msg.into())
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_positions_and_round_trip() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(code.as_u32() as usize, i);
            assert_eq!(ErrorCode::from_u32(code.as_u32()), Some(*code));
        }
        assert_eq!(ErrorCode::from_u32(18), None);
    }
}
