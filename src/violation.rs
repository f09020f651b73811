//! Password-policy violations: the stable [`ViolationCode`]s and the [`Violation`] a check reports.
//!
//! They sit below both [`crate::error`] (whose `PolicyViolation` error carries them) and
//! [`crate::password::policy`] (which produces them and re-exports them), so neither imports upwards.

use std::fmt;

/// Why a password breaks the policy. Stable names for UIs and bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViolationCode {
    /// Fewer than `min_length` characters.
    TooShort,
    /// More than `max_length` characters.
    TooLong,
    /// No lower-case letter while one is required.
    MissingLowercase,
    /// No upper-case letter while one is required.
    MissingUppercase,
    /// No digit while one is required.
    MissingDigit,
    /// No symbol while one is required.
    MissingSymbol,
    /// zxcvbn score below `min_strength`.
    TooWeak,
    /// Contains the user's name, email or another user input.
    ContainsUserInput,
    /// The user changed their password less than the policy's `min_age_days` ago (reported by
    /// `change_password`, never by the stateless check).
    TooRecent,
    /// The password is in the breached-password list the app attached (a `BreachFilter`), or a
    /// range API's response judged it breached.
    Breached,
}

impl ViolationCode {
    /// Every code, in declaration order.
    pub const ALL: [ViolationCode; 10] = [
        ViolationCode::TooShort,
        ViolationCode::TooLong,
        ViolationCode::MissingLowercase,
        ViolationCode::MissingUppercase,
        ViolationCode::MissingDigit,
        ViolationCode::MissingSymbol,
        ViolationCode::TooWeak,
        ViolationCode::ContainsUserInput,
        ViolationCode::TooRecent,
        ViolationCode::Breached,
    ];

    /// The stable name, e.g. `"TOO_SHORT"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ViolationCode::TooShort => "TOO_SHORT",
            ViolationCode::TooLong => "TOO_LONG",
            ViolationCode::MissingLowercase => "MISSING_LOWERCASE",
            ViolationCode::MissingUppercase => "MISSING_UPPERCASE",
            ViolationCode::MissingDigit => "MISSING_DIGIT",
            ViolationCode::MissingSymbol => "MISSING_SYMBOL",
            ViolationCode::TooWeak => "TOO_WEAK",
            ViolationCode::ContainsUserInput => "CONTAINS_USER_INPUT",
            ViolationCode::TooRecent => "TOO_RECENT",
            ViolationCode::Breached => "BREACHED",
        }
    }

    /// The code with this stable name.
    pub fn parse(name: &str) -> Option<ViolationCode> {
        ViolationCode::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule: a stable code and a message for the user (never containing the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The stable code.
    pub code: ViolationCode,
    /// A human-readable English message.
    pub message: String,
}
