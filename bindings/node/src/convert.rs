//! Options objects (camelCase fields, every one optional with the DESIGN default) and number checks.
//!
//! JS numbers arrive as `f64` and are checked here (finite, whole, in range) so that `-1`, `1.5`, `NaN`
//! or `Infinity` give `INVALID_ARGUMENT` instead of wrapping around.

use authward::{Algorithm, Error, Result};
use napi_derive::napi;

/// Largest integer a JS number holds exactly (2^53 − 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A whole, non-negative JS number up to `max`.
pub fn whole(what: &str, value: f64, max: u64) -> Result<u64> {
    if !value.is_finite() || value.fract() != 0.0 || !(0.0..=MAX_SAFE).contains(&value) {
        return Err(Error::InvalidArgument(format!("{what} must be a whole number ≥ 0")));
    }
    let n = value as u64;
    if n > max {
        return Err(Error::InvalidArgument(format!("{what} must be at most {max}")));
    }
    Ok(n)
}

/// `whole` for `u32` fields.
pub fn whole_u32(what: &str, value: f64) -> Result<u32> {
    Ok(whole(what, value, u64::from(u32::MAX))? as u32)
}

/// An optional unix time; absent means now (the system clock).
pub fn time_or_now(at: Option<f64>) -> Result<u64> {
    match at {
        Some(at) => whole("at", at, MAX_SAFE as u64),
        None => Ok(authward::clock::at_or_now(None)),
    }
}

/// A `u64` (time, counter, step) as a JS number.
pub fn number(value: u64) -> f64 {
    value as f64
}

/// Argon2id cost parameters. Defaults (OWASP): `memoryKib` 19456, `iterations` 2, `parallelism` 1.
#[napi(object)]
#[derive(Clone, Default)]
pub struct HashParams {
    /// Memory in KiB (`m`). Default 19456 (19 MiB).
    pub memory_kib: Option<f64>,
    /// Passes over memory (`t`). Default 2.
    pub iterations: Option<f64>,
    /// Lanes (`p`). Default 1.
    pub parallelism: Option<f64>,
}

impl HashParams {
    /// The core params, defaults filled in and validated.
    pub fn to_core(params: Option<&HashParams>) -> Result<authward::HashParams> {
        let d = authward::HashParams::DEFAULT;
        let Some(p) = params else { return Ok(d) };
        let out = authward::HashParams {
            memory_kib: p.memory_kib.map_or(Ok(d.memory_kib), |v| whole_u32("memoryKib", v))?,
            iterations: p.iterations.map_or(Ok(d.iterations), |v| whole_u32("iterations", v))?,
            parallelism: p.parallelism.map_or(Ok(d.parallelism), |v| whole_u32("parallelism", v))?,
        };
        out.validate()?;
        Ok(out)
    }
}

/// How TOTP codes are made and checked. Defaults: `"SHA1"`, 6 digits, 30 s period, window ±1 step.
#[napi(object)]
#[derive(Clone, Default)]
pub struct TotpConfig {
    /// `"SHA1"` (default), `"SHA256"` or `"SHA512"`.
    #[napi(ts_type = "TotpAlgorithm")]
    pub algorithm: Option<String>,
    /// Code length, 6–8. Default 6.
    pub digits: Option<f64>,
    /// Seconds per step, 1–3600. Default 30.
    pub period: Option<f64>,
    /// Steps accepted before and after the current one, 0–10. Default 1.
    pub window: Option<f64>,
}

impl TotpConfig {
    /// The core config, defaults filled in and validated.
    pub fn to_core(config: Option<&TotpConfig>) -> Result<authward::TotpConfig> {
        let d = authward::TotpConfig::DEFAULT;
        let Some(c) = config else { return Ok(d) };
        let out = authward::TotpConfig {
            algorithm: c.algorithm.as_deref().map_or(Ok(d.algorithm), Algorithm::parse)?,
            digits: c.digits.map_or(Ok(u64::from(d.digits)), |v| whole("digits", v, 255))? as u8,
            period: c.period.map_or(Ok(d.period), |v| whole("period", v, u64::MAX))?,
            window: c.window.map_or(Ok(u64::from(d.window)), |v| whole("window", v, 255))? as u8,
        };
        out.validate()?;
        Ok(out)
    }

    /// Every field set.
    pub fn from_core(c: &authward::TotpConfig) -> TotpConfig {
        TotpConfig {
            algorithm: Some(c.algorithm.as_str().to_string()),
            digits: Some(f64::from(c.digits)),
            period: Some(number(c.period)),
            window: Some(f64::from(c.window)),
        }
    }
}

/// The rules a new password must meet. Defaults: `minLength` 12, `maxLength` 128, no composition
/// rules, `minStrength` 3, `forbidUserInputs` true, `history` 5, `minAgeDays` 1, `rejectBreached` true,
/// `breachMinCount` 1, `breachFailClosed` false.
#[napi(object)]
#[derive(Clone, Default)]
pub struct PasswordPolicyOptions {
    /// Fewest characters (Unicode code points after NFKC). Default 12.
    pub min_length: Option<f64>,
    /// Most characters. Default 128.
    pub max_length: Option<f64>,
    /// Require a lower-case letter. Default false.
    pub require_lowercase: Option<bool>,
    /// Require an upper-case letter. Default false.
    pub require_uppercase: Option<bool>,
    /// Require a digit. Default false.
    pub require_digit: Option<bool>,
    /// Require a symbol. Default false.
    pub require_symbol: Option<bool>,
    /// Lowest zxcvbn score accepted, 0–4 (computed with the user's inputs). Default 3.
    pub min_strength: Option<f64>,
    /// Refuse passwords containing the user's id, email or account name. Default true.
    pub forbid_user_inputs: Option<bool>,
    /// Recent passwords that may not be reused (0–24). Default 5.
    pub history: Option<f64>,
    /// Minimum password age in days (0–365): a user changes their own password at most once in this
    /// many days (while `history` is on; not when a change is required; admin resets exempt), refused
    /// with a `TOO_RECENT` violation. Default 1.
    pub min_age_days: Option<f64>,
    /// Refuse breached passwords (`BREACHED`) where a `BreachFilter` is attached (or a range response
    /// is judged), and require a change at sign-in when the current password is listed. Default true.
    pub reject_breached: Option<bool>,
    /// For range APIs: how often a password must be listed to count as breached (1–1,000,000,000).
    /// Default 1.
    pub breach_min_count: Option<f64>,
    /// For range APIs: whether a failed fetch (no response) refuses the password. Default false.
    pub breach_fail_closed: Option<bool>,
}

impl PasswordPolicyOptions {
    /// The core policy, defaults filled in and validated.
    pub fn to_core(p: Option<&PasswordPolicyOptions>) -> Result<authward::PasswordPolicy> {
        let d = authward::PasswordPolicy::default();
        let Some(p) = p else { return Ok(d) };
        let out = authward::PasswordPolicy {
            min_length: p.min_length.map_or(Ok(d.min_length), |v| whole_u32("minLength", v))?,
            max_length: p.max_length.map_or(Ok(d.max_length), |v| whole_u32("maxLength", v))?,
            require_lowercase: p.require_lowercase.unwrap_or(d.require_lowercase),
            require_uppercase: p.require_uppercase.unwrap_or(d.require_uppercase),
            require_digit: p.require_digit.unwrap_or(d.require_digit),
            require_symbol: p.require_symbol.unwrap_or(d.require_symbol),
            min_strength: p
                .min_strength
                .map_or(Ok(u64::from(d.min_strength)), |v| whole("minStrength", v, 255))?
                as u8,
            forbid_user_inputs: p.forbid_user_inputs.unwrap_or(d.forbid_user_inputs),
            history: p.history.map_or(Ok(d.history), |v| whole_u32("history", v))?,
            min_age_days: p.min_age_days.map_or(Ok(d.min_age_days), |v| whole_u32("minAgeDays", v))?,
            reject_breached: p.reject_breached.unwrap_or(d.reject_breached),
            breach_min_count: p
                .breach_min_count
                .map_or(Ok(d.breach_min_count), |v| whole_u32("breachMinCount", v))?,
            breach_fail_closed: p.breach_fail_closed.unwrap_or(d.breach_fail_closed),
        };
        out.validate()?;
        Ok(out)
    }

    /// Every field set.
    pub fn from_core(p: &authward::PasswordPolicy) -> PasswordPolicyOptions {
        PasswordPolicyOptions {
            min_length: Some(f64::from(p.min_length)),
            max_length: Some(f64::from(p.max_length)),
            require_lowercase: Some(p.require_lowercase),
            require_uppercase: Some(p.require_uppercase),
            require_digit: Some(p.require_digit),
            require_symbol: Some(p.require_symbol),
            min_strength: Some(f64::from(p.min_strength)),
            forbid_user_inputs: Some(p.forbid_user_inputs),
            history: Some(f64::from(p.history)),
            min_age_days: Some(f64::from(p.min_age_days)),
            reject_breached: Some(p.reject_breached),
            breach_min_count: Some(f64::from(p.breach_min_count)),
            breach_fail_closed: Some(p.breach_fail_closed),
        }
    }
}

/// Lockout after failures (failed passwords and failed codes both count). Defaults: 5 failures, 300 s.
#[napi(object)]
#[derive(Clone, Default)]
pub struct LockoutPolicy {
    /// Failures in a row that lock the user out, 1–100. Default 5.
    pub max_failures: Option<f64>,
    /// Lockout length in seconds, 1–86400. Default 300.
    pub lockout_seconds: Option<f64>,
    /// Longest lockout: each further lock of a client doubles up to it. Default `lockoutSeconds`
    /// (no growth).
    pub max_lockout_seconds: Option<f64>,
}

impl LockoutPolicy {
    fn to_core(p: Option<&LockoutPolicy>) -> Result<authward::LockoutPolicy> {
        let d = authward::LockoutPolicy::default();
        let Some(p) = p else { return Ok(d) };
        let lockout_seconds =
            p.lockout_seconds.map_or(Ok(d.lockout_seconds), |v| whole("lockoutSeconds", v, u64::MAX))?;
        Ok(authward::LockoutPolicy {
            max_failures: p.max_failures.map_or(Ok(d.max_failures), |v| whole_u32("maxFailures", v))?,
            lockout_seconds,
            max_lockout_seconds: p
                .max_lockout_seconds
                .map_or(Ok(lockout_seconds), |v| whole("maxLockoutSeconds", v, u64::MAX))?,
        })
    }
}

/// The policies an admin sets for all users of an account (tenant). Every field is optional; the
/// defaults are: `enforceTwoFactor` false, `twoFactorGraceDays` 0, `passwordExpirationDays` null
/// (never), `passwordExpiryWarningDays` 14, `rememberDeviceDays` null (off), and the defaults of
/// `password`, `totp` and `lockout`.
#[napi(object)]
#[derive(Clone, Default)]
pub struct AccountPolicy {
    /// Users without 2FA must enrol before they get in. Default false.
    pub enforce_two_factor: Option<bool>,
    /// Days users may still sign in without 2FA once enforcement applies to them. Default 0.
    pub two_factor_grace_days: Option<f64>,
    /// Days after which a password must be changed; `null`/absent (default): never.
    #[napi(ts_type = "number | null")]
    pub password_expiration_days: Option<f64>,
    /// Days before expiry during which sign-ins report the days left. Default 14.
    pub password_expiry_warning_days: Option<f64>,
    /// Rules for new passwords.
    pub password: Option<PasswordPolicyOptions>,
    /// TOTP settings for new enrolments.
    pub totp: Option<TotpConfig>,
    /// Lockout after failures.
    pub lockout: Option<LockoutPolicy>,
    /// When enforcement starts (unix seconds; the grace days count from then); `null`/absent
    /// (default): from the moment `enforceTwoFactor` is switched on.
    #[napi(ts_type = "number | null")]
    pub enforce_two_factor_from: Option<f64>,
    /// "Remember this device": days a device token (from `verifySecondFactor(…, { rememberDevice })`)
    /// skips the code, 1–365; `null`/absent (default): off.
    #[napi(ts_type = "number | null")]
    pub remember_device_days: Option<f64>,
}

impl AccountPolicy {
    /// The core policy, defaults filled in and validated.
    pub fn to_core(p: &AccountPolicy) -> Result<authward::AccountPolicy> {
        let d = authward::AccountPolicy::new();
        let out = authward::AccountPolicy {
            enforce_two_factor: p.enforce_two_factor.unwrap_or(d.enforce_two_factor),
            two_factor_grace_days: p
                .two_factor_grace_days
                .map_or(Ok(d.two_factor_grace_days), |v| whole_u32("twoFactorGraceDays", v))?,
            password_expiration_days: p
                .password_expiration_days
                .map(|v| whole_u32("passwordExpirationDays", v))
                .transpose()?,
            password_expiry_warning_days: p
                .password_expiry_warning_days
                .map_or(Ok(d.password_expiry_warning_days), |v| whole_u32("passwordExpiryWarningDays", v))?,
            remember_device_days: p
                .remember_device_days
                .map(|v| whole_u32("rememberDeviceDays", v))
                .transpose()?,
            password: PasswordPolicyOptions::to_core(p.password.as_ref())?,
            totp: TotpConfig::to_core(p.totp.as_ref())?,
            lockout: LockoutPolicy::to_core(p.lockout.as_ref())?,
            enforce_two_factor_from: p
                .enforce_two_factor_from
                .map(|v| whole("enforceTwoFactorFrom", v, authward::AccountPolicy::MAX_TIME))
                .transpose()?,
        };
        out.validate()?;
        Ok(out)
    }

    /// Every field set (`passwordExpirationDays` absent when expiration is off).
    pub fn from_core(p: &authward::AccountPolicy) -> AccountPolicy {
        AccountPolicy {
            enforce_two_factor: Some(p.enforce_two_factor),
            two_factor_grace_days: Some(f64::from(p.two_factor_grace_days)),
            password_expiration_days: p.password_expiration_days.map(f64::from),
            password_expiry_warning_days: Some(f64::from(p.password_expiry_warning_days)),
            password: Some(PasswordPolicyOptions::from_core(&p.password)),
            totp: Some(TotpConfig::from_core(&p.totp)),
            lockout: Some(LockoutPolicy {
                max_failures: Some(f64::from(p.lockout.max_failures)),
                lockout_seconds: Some(number(p.lockout.lockout_seconds)),
                max_lockout_seconds: Some(number(p.lockout.max_lockout_seconds)),
            }),
            enforce_two_factor_from: p.enforce_two_factor_from.map(number),
            remember_device_days: p.remember_device_days.map(f64::from),
        }
    }
}

/// Moves a value out of the core's wiping buffer to hand it to JavaScript (which copies it into its
/// own heap, beyond anyone's reach to wipe), without another copy in Rust memory.
pub fn unwrap_secret<T: Default + zeroize::Zeroize>(mut value: zeroize::Zeroizing<T>) -> T {
    std::mem::take(&mut *value)
}
