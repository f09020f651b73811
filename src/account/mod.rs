//! Account (tenant) policies set by an admin for all users of an account, and the rules that apply
//! them to a user at a given time ([`expiry`]: password expiry and the 2FA enrolment deadline;
//! [`lockout`]: the failure budget).

pub mod expiry;
pub mod lockout;

pub use lockout::LockoutPolicy;

use crate::error::{Error, Result};
use crate::password::policy::PasswordPolicy;
use crate::totp::TotpConfig;

/// The policies of one account: two-factor enforcement, password expiration, and the password, TOTP
/// and lockout settings of its users.
///
/// Password expiration is off by default: NIST SP 800-63B §5.1.1.2 advises against periodic changes.
/// It exists because some regulated environments still require it; turn it on knowingly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPolicy {
    /// Users without 2FA must enrol before they get in. Default false.
    pub enforce_two_factor: bool,
    /// Days users may still sign in without 2FA after enforcement starts (or after their creation, if
    /// later). Default 0.
    pub two_factor_grace_days: u32,
    /// When enforcement starts (unix seconds), for "on from a date" as in Google Workspace: until then
    /// (plus the grace days) users are only told to enrol, with the deadline. `None` (default): from
    /// the moment `enforce_two_factor` is switched on.
    pub enforce_two_factor_from: Option<u64>,
    /// Days after which a password must be changed; `None` (default) never.
    pub password_expiration_days: Option<u32>,
    /// Days before expiry during which sign-ins report the days left. Default 14.
    pub password_expiry_warning_days: u32,
    /// "Remember this device": days a device token (asked for after a second factor) lets the user skip
    /// the code at sign-in; `None` (default) offers no tokens and ignores the ones handed out before.
    /// 1..=365.
    pub remember_device_days: Option<u32>,
    /// Rules for new passwords.
    pub password: PasswordPolicy,
    /// TOTP settings for new enrolments.
    pub totp: TotpConfig,
    /// Lockout after failures.
    pub lockout: LockoutPolicy,
}

impl AccountPolicy {
    /// Default `password_expiry_warning_days`.
    pub const DEFAULT_EXPIRY_WARNING_DAYS: u32 = 14;
    /// Largest number of days accepted for grace, expiration and warning (100 years).
    pub const MAX_DAYS: u32 = 36_500;
    /// Latest time accepted for `enforce_two_factor_from` (9999-12-31, unix seconds).
    pub const MAX_TIME: u64 = 253_402_300_799;
    /// Largest `remember_device_days`.
    pub const MAX_REMEMBER_DEVICE_DAYS: u32 = 365;

    /// A policy with every default.
    pub fn new() -> AccountPolicy {
        AccountPolicy {
            enforce_two_factor: false,
            two_factor_grace_days: 0,
            enforce_two_factor_from: None,
            password_expiration_days: None,
            password_expiry_warning_days: Self::DEFAULT_EXPIRY_WARNING_DAYS,
            remember_device_days: None,
            password: PasswordPolicy::default(),
            totp: TotpConfig::default(),
            lockout: LockoutPolicy::default(),
        }
    }

    /// Checks every value, including the nested policies.
    pub fn validate(&self) -> Result<()> {
        if self.two_factor_grace_days > Self::MAX_DAYS {
            return Err(Error::invalid("two_factor_grace_days must be 0..=36500"));
        }
        if self.enforce_two_factor_from.is_some_and(|t| t > Self::MAX_TIME) {
            return Err(Error::invalid("enforce_two_factor_from must be a unix time before the year 9999"));
        }
        if let Some(days) = self.password_expiration_days
            && (days == 0 || days > Self::MAX_DAYS)
        {
            return Err(Error::invalid(format!("password_expiration_days must be 1..=36500, got {days}")));
        }
        if self.password_expiry_warning_days > Self::MAX_DAYS {
            return Err(Error::invalid("password_expiry_warning_days must be 0..=36500"));
        }
        if let Some(days) = self.remember_device_days
            && (days == 0 || days > Self::MAX_REMEMBER_DEVICE_DAYS)
        {
            return Err(Error::invalid(format!("remember_device_days must be 1..=365, got {days}")));
        }
        self.password.validate()?;
        self.totp.validate()?;
        self.lockout.validate()
    }
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_design_and_validate() {
        let p = AccountPolicy::new();
        assert!(!p.enforce_two_factor);
        assert_eq!(p.two_factor_grace_days, 0);
        assert_eq!(p.password_expiration_days, None);
        assert_eq!(p.password_expiry_warning_days, 14);
        assert_eq!(p.remember_device_days, None);
        assert_eq!(p.lockout, LockoutPolicy::new(5, 300));
        assert_eq!(p.totp, TotpConfig::default());
        assert!(p.validate().is_ok());
    }

    #[test]
    fn out_of_range_values_are_invalid_argument() {
        let bad = [
            AccountPolicy { totp: TotpConfig { digits: 9, ..TotpConfig::default() }, ..AccountPolicy::new() },
            AccountPolicy { totp: TotpConfig { digits: 5, ..TotpConfig::default() }, ..AccountPolicy::new() },
            AccountPolicy { password_expiration_days: Some(0), ..AccountPolicy::new() },
            AccountPolicy { lockout: LockoutPolicy::new(0, 1), ..AccountPolicy::new() },
            AccountPolicy { lockout: LockoutPolicy::new(101, 1), ..AccountPolicy::new() },
            AccountPolicy { two_factor_grace_days: 40_000, ..AccountPolicy::new() },
            AccountPolicy { remember_device_days: Some(0), ..AccountPolicy::new() },
            AccountPolicy { remember_device_days: Some(366), ..AccountPolicy::new() },
        ];
        for p in bad {
            assert_eq!(p.validate().unwrap_err().code(), crate::ErrorCode::InvalidArgument, "{p:?}");
        }
    }
}
