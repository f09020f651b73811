//! The password policy: NIST SP 800-63B style length and strength rules, optional composition rules, and
//! a check that reports *every* violation at once so a form can show them together.
//!
//! Length is counted in Unicode code points after NFKC normalization (so "é" is one character however it
//! was typed); spaces and every printable character are allowed and nothing is truncated. Strength is
//! zxcvbn's score (0–4), computed with the user's own inputs (username, email, account name) as a
//! dictionary, so a password built from them scores low.

use crate::error::{Error, Result};
use crate::password::breach::{BreachFilter, breached_violation};
use crate::password::normalize;
// The violation types live in crate::violation, below `error` (which carries them) and this module
// (which produces them); this is their public path.
pub use crate::violation::{Violation, ViolationCode};

/// One active rule of a policy, for a UI checklist: the violation `code` it would produce and a
/// description ("At least 12 characters"). A UI ticks the rules whose code is absent from `check()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The violation code this rule produces when broken.
    pub code: ViolationCode,
    /// What the rule asks for, in English.
    pub description: String,
}

/// The rules a new password must meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters (code points after NFKC). Default 12.
    pub min_length: u32,
    /// Most characters. Default 128.
    pub max_length: u32,
    /// Require a lower-case letter. Default false (NIST advises against composition rules).
    pub require_lowercase: bool,
    /// Require an upper-case letter. Default false.
    pub require_uppercase: bool,
    /// Require a digit. Default false.
    pub require_digit: bool,
    /// Require a symbol (anything not a letter, digit or whitespace). Default false.
    pub require_symbol: bool,
    /// Lowest zxcvbn score accepted, 0–4. Default 3.
    pub min_strength: u8,
    /// Refuse passwords containing the user's inputs (name, email, …). Default true.
    pub forbid_user_inputs: bool,
    /// How many previous passwords may not be reused (0–24). Default 5.
    pub history: u32,
    /// Minimum password age: a user may change their own password at most once in this many days
    /// (0–365), so `history` cannot be cycled by changing the password `history + 1` times in a row.
    /// Default 1. It applies only while `history` is on (without history there is nothing to cycle),
    /// never to an admin's `set_password`, and not when a change is required (the password expired or
    /// an admin asked for a change). A change refused by it is a `POLICY_VIOLATION` with `TOO_RECENT`.
    pub min_age_days: u32,
    /// Refuse breached passwords (`BREACHED`) and require a change at sign-in when the current one is
    /// breached. Default true; it acts only where the app attached a [`BreachFilter`] (the service's
    /// `breached_passwords` option) or judges a range response ([`crate::password::breach::judge_range`]).
    pub reject_breached: bool,
    /// For range APIs: how often a password must be listed to count as breached (1–1,000,000,000).
    /// Default 1.
    pub breach_min_count: u32,
    /// For range APIs: whether a failed fetch (no response) refuses the password. Default false
    /// (fail open: an outage of the range API does not block sign-ups).
    pub breach_fail_closed: bool,
}

impl PasswordPolicy {
    /// Default `min_length`.
    pub const DEFAULT_MIN_LENGTH: u32 = 12;
    /// Default `max_length`.
    pub const DEFAULT_MAX_LENGTH: u32 = 128;
    /// Default `min_strength`.
    pub const DEFAULT_MIN_STRENGTH: u8 = 3;
    /// Default `history`.
    pub const DEFAULT_HISTORY: u32 = 5;
    /// Default `min_age_days`.
    pub const DEFAULT_MIN_AGE_DAYS: u32 = 1;
    /// Default `breach_min_count`.
    pub const DEFAULT_BREACH_MIN_COUNT: u32 = 1;
    /// Largest `breach_min_count`.
    pub const MAX_BREACH_MIN_COUNT: u32 = 1_000_000_000;
    /// Largest `min_age_days`.
    pub const MAX_MIN_AGE_DAYS: u32 = 365;
    /// Largest `max_length` allowed; with at most 4 bytes per code point it stays within
    /// [`crate::password::MAX_PASSWORD_BYTES`].
    pub const MAX_MAX_LENGTH: u32 = 1024;
    /// Largest `history`.
    pub const MAX_HISTORY: u32 = 24;
    /// User inputs shorter than this many characters are not searched for in the password.
    pub const MIN_USER_INPUT_LEN: usize = 3;

    /// Checks the policy's own values: `1 ≤ min_length ≤ max_length ≤ 1024`, `min_strength ≤ 4`,
    /// `history ≤ 24`, `min_age_days ≤ 365`, `1 ≤ breach_min_count ≤ 1,000,000,000`.
    pub fn validate(&self) -> Result<()> {
        if self.min_length == 0 {
            return Err(Error::invalid("min_length must be at least 1"));
        }
        if self.max_length < self.min_length || self.max_length > Self::MAX_MAX_LENGTH {
            return Err(Error::invalid(format!(
                "max_length must be between min_length ({}) and {}, got {}",
                self.min_length,
                Self::MAX_MAX_LENGTH,
                self.max_length
            )));
        }
        if self.min_strength > 4 {
            return Err(Error::invalid(format!("min_strength must be 0..=4, got {}", self.min_strength)));
        }
        if self.history > Self::MAX_HISTORY {
            return Err(Error::invalid(format!(
                "history must be 0..={}, got {}",
                Self::MAX_HISTORY,
                self.history
            )));
        }
        if self.min_age_days > Self::MAX_MIN_AGE_DAYS {
            return Err(Error::invalid(format!(
                "min_age_days must be 0..={}, got {}",
                Self::MAX_MIN_AGE_DAYS,
                self.min_age_days
            )));
        }
        if self.breach_min_count == 0 || self.breach_min_count > Self::MAX_BREACH_MIN_COUNT {
            return Err(Error::invalid(format!(
                "breach_min_count must be 1..={}, got {}",
                Self::MAX_BREACH_MIN_COUNT,
                self.breach_min_count
            )));
        }
        Ok(())
    }

    /// The `BREACHED` violation of `password`, if `reject_breached` is on, a filter is given and it
    /// lists the password.
    pub fn breach_violation(&self, password: &str, filter: Option<&BreachFilter>) -> Option<Violation> {
        (self.reject_breached && filter.is_some_and(|f| f.contains(password))).then(breached_violation)
    }

    /// [`PasswordPolicy::check`], plus `BREACHED` (last) when `filter` lists the password and
    /// `reject_breached` is on.
    pub fn check_with_filter(
        &self,
        password: &str,
        user_inputs: &[&str],
        filter: Option<&BreachFilter>,
    ) -> Vec<Violation> {
        let mut out = self.check(password, user_inputs);
        out.extend(self.breach_violation(password, filter));
        out
    }

    /// The minimum password age in force, in days: `min_age_days`, or 0 while `history` is off.
    pub fn effective_min_age_days(&self) -> u32 {
        if self.history == 0 { 0 } else { self.min_age_days }
    }

    /// Every violation of `password` (empty when it passes). `user_inputs` are the user's own strings
    /// (username, email, display name, account name); an email also contributes its local part.
    pub fn check(&self, password: &str, user_inputs: &[&str]) -> Vec<Violation> {
        let normalized = normalize(password);
        let length = normalized.chars().count();
        let mut out = Vec::new();
        let mut push = |code, message: String| out.push(Violation { code, message });
        if length < self.min_length as usize {
            push(
                ViolationCode::TooShort,
                format!("use at least {} characters (this has {length})", self.min_length),
            );
        }
        if length > self.max_length as usize {
            push(
                ViolationCode::TooLong,
                format!("use at most {} characters (this has {length})", self.max_length),
            );
        }
        if self.require_lowercase && !normalized.chars().any(char::is_lowercase) {
            push(ViolationCode::MissingLowercase, "add a lower-case letter".into());
        }
        if self.require_uppercase && !normalized.chars().any(char::is_uppercase) {
            push(ViolationCode::MissingUppercase, "add an upper-case letter".into());
        }
        if self.require_digit && !normalized.chars().any(|c| c.is_numeric()) {
            push(ViolationCode::MissingDigit, "add a digit".into());
        }
        if self.require_symbol && !normalized.chars().any(is_symbol) {
            push(ViolationCode::MissingSymbol, "add a symbol such as ! or #".into());
        }
        let inputs = expand_inputs(user_inputs);
        if self.forbid_user_inputs {
            let lower = normalized.to_lowercase();
            if inputs.iter().any(|input| lower.contains(input.as_str())) {
                push(
                    ViolationCode::ContainsUserInput,
                    "do not use your name, email or other personal details in the password".into(),
                );
            }
        }
        if self.min_strength > 0 {
            // zxcvbn only looks at the first 100 characters (its own DoS bound).
            let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            let entropy = zxcvbn::zxcvbn(normalized.as_str(), &refs);
            let score = u8::from(entropy.score());
            if score < self.min_strength {
                let hint = entropy
                    .feedback()
                    .and_then(|f| f.warning())
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                push(
                    ViolationCode::TooWeak,
                    format!(
                        "the password is too easy to guess: strength {score} of 4, at least {} needed{hint}",
                        self.min_strength
                    ),
                );
            }
        }
        out
    }

    /// The active rules, in the order `check` reports them, for a UI checklist. `BREACHED` is not
    /// among them, as `check` alone never reports it: see [`PasswordPolicy::rules_with_breach_check`].
    pub fn rules(&self) -> Vec<Rule> {
        self.rules_with_breach_check(false)
    }

    /// The active rules; with `breach_check` (the app attached a filter or judges range responses) and
    /// `reject_breached` on, `BREACHED` is listed after the strength rule.
    pub fn rules_with_breach_check(&self, breach_check: bool) -> Vec<Rule> {
        let mut rules = vec![
            Rule {
                code: ViolationCode::TooShort,
                description: format!("At least {} characters", self.min_length),
            },
            Rule {
                code: ViolationCode::TooLong,
                description: format!("At most {} characters", self.max_length),
            },
        ];
        let optional = [
            (self.require_lowercase, ViolationCode::MissingLowercase, "A lower-case letter"),
            (self.require_uppercase, ViolationCode::MissingUppercase, "An upper-case letter"),
            (self.require_digit, ViolationCode::MissingDigit, "A digit"),
            (self.require_symbol, ViolationCode::MissingSymbol, "A symbol"),
            (self.forbid_user_inputs, ViolationCode::ContainsUserInput, "Not your name or email"),
        ];
        for (on, code, text) in optional {
            if on {
                rules.push(Rule { code, description: text.to_string() });
            }
        }
        if self.min_strength > 0 {
            rules.push(Rule {
                code: ViolationCode::TooWeak,
                description: format!("Hard to guess (strength {} of 4 or more)", self.min_strength),
            });
        }
        if breach_check && self.reject_breached {
            rules.push(Rule {
                code: ViolationCode::Breached,
                description: "Not in a list of breached passwords".to_string(),
            });
        }
        match self.effective_min_age_days() {
            0 => {}
            1 => rules.push(Rule {
                code: ViolationCode::TooRecent,
                description: "Changed at most once a day".to_string(),
            }),
            n => rules.push(Rule {
                code: ViolationCode::TooRecent,
                description: format!("Changed at most once every {n} days"),
            }),
        }
        rules
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: Self::DEFAULT_MIN_LENGTH,
            max_length: Self::DEFAULT_MAX_LENGTH,
            require_lowercase: false,
            require_uppercase: false,
            require_digit: false,
            require_symbol: false,
            min_strength: Self::DEFAULT_MIN_STRENGTH,
            forbid_user_inputs: true,
            history: Self::DEFAULT_HISTORY,
            min_age_days: Self::DEFAULT_MIN_AGE_DAYS,
            reject_breached: true,
            breach_min_count: Self::DEFAULT_BREACH_MIN_COUNT,
            breach_fail_closed: false,
        }
    }
}

fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()
}

/// Lower-cased, NFKC-normalized user inputs of at least 3 characters; an email adds its local part.
fn expand_inputs(user_inputs: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for input in user_inputs {
        let input = normalize(input).to_lowercase();
        let input = input.trim();
        let mut candidates = vec![input.to_string()];
        if let Some((local, _domain)) = input.split_once('@') {
            candidates.push(local.to_string());
        }
        for c in candidates {
            if c.chars().count() >= PasswordPolicy::MIN_USER_INPUT_LEN && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &[Violation]) -> Vec<ViolationCode> {
        v.iter().map(|v| v.code).collect()
    }

    #[test]
    fn reports_every_violation_at_once() {
        let policy = PasswordPolicy {
            require_uppercase: true,
            require_digit: true,
            require_symbol: true,
            ..PasswordPolicy::default()
        };
        let v = policy.check("alice", &["alice@example.com"]);
        assert_eq!(
            codes(&v),
            vec![
                ViolationCode::TooShort,
                ViolationCode::MissingUppercase,
                ViolationCode::MissingDigit,
                ViolationCode::MissingSymbol,
                ViolationCode::ContainsUserInput,
                ViolationCode::TooWeak
            ]
        );
    }

    #[test]
    fn strong_passphrase_passes() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("correct horse battery staple orbit", &["alice"]).is_empty());
    }

    #[test]
    fn length_counts_code_points_after_nfkc() {
        let policy =
            PasswordPolicy { min_length: 4, max_length: 4, min_strength: 0, ..PasswordPolicy::default() };
        // four "é" typed decomposed: 8 code points raw, 4 after NFKC.
        assert!(policy.check(&"e\u{301}".repeat(4), &[]).is_empty());
        // emoji are one code point each
        assert!(policy.check("🔑🔑🔑🔑", &[]).is_empty());
        assert_eq!(codes(&policy.check("🔑🔑🔑🔑🔑", &[])), vec![ViolationCode::TooLong]);
    }

    #[test]
    fn huge_password_is_too_long_not_a_hang() {
        let v = PasswordPolicy::default().check(&"x".repeat(1 << 20), &[]);
        assert!(codes(&v).contains(&ViolationCode::TooLong));
    }

    #[test]
    fn validate_bounds() {
        assert!(PasswordPolicy::default().validate().is_ok());
        assert!(PasswordPolicy { min_length: 0, ..Default::default() }.validate().is_err());
        assert!(PasswordPolicy { max_length: 5, ..Default::default() }.validate().is_err());
        assert!(PasswordPolicy { min_strength: 5, ..Default::default() }.validate().is_err());
        assert!(PasswordPolicy { history: 25, ..Default::default() }.validate().is_err());
        assert!(PasswordPolicy { min_age_days: 365, ..Default::default() }.validate().is_ok());
        assert!(PasswordPolicy { min_age_days: 366, ..Default::default() }.validate().is_err());
    }

    #[test]
    fn rules_follow_settings() {
        let r = PasswordPolicy { require_digit: true, min_strength: 0, ..Default::default() }.rules();
        let c: Vec<_> = r.iter().map(|r| r.code).collect();
        assert_eq!(
            c,
            vec![
                ViolationCode::TooShort,
                ViolationCode::TooLong,
                ViolationCode::MissingDigit,
                ViolationCode::ContainsUserInput,
                ViolationCode::TooRecent
            ]
        );
        assert_eq!(r.last().unwrap().description, "Changed at most once a day");
        // the minimum age is a rule only while history is on
        let no_history = PasswordPolicy { history: 0, min_age_days: 3, ..Default::default() };
        assert_eq!(no_history.effective_min_age_days(), 0);
        assert!(no_history.rules().iter().all(|r| r.code != ViolationCode::TooRecent));
        let three = PasswordPolicy { min_age_days: 3, ..Default::default() }.rules();
        assert_eq!(three.last().unwrap().description, "Changed at most once every 3 days");
    }
}
