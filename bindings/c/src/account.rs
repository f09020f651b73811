//! Account policies (a plain struct) and clocks (`authward_clock`, a settable clock for tests and demos).

use crate::boundary::{call, handle, opt_struct_arg, out_arg, write_out};
use crate::memory::{free_handle, into_handle, read};
use crate::password::authward_password_policy;
use crate::result::authward_result;
use crate::totp::authward_totp_config;
use authward::account::{AccountPolicy, LockoutPolicy};
use authward::clock::ManualClock;
use authward::error::{Error, Result};
use authward::totp::TotpConfig;

/// How many failures lock a user out, and for how long (failed passwords and failed codes both count).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_lockout_policy {
    /// Failures in a row that lock the user out, 1–100. Default 5.
    pub max_failures: u32,
    /// Lockout length in seconds, 1–86400. Default 300.
    pub lockout_seconds: u64,
    /// Longest lockout: each further lock of a client doubles up to it; 0 means `lockout_seconds` (no
    /// growth, the default).
    pub max_lockout_seconds: u64,
}

/// The policies an admin sets for all users of an account (a plain struct; copy it freely). Start from
/// `authward_account_policy_default()` and change what you need.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_account_policy {
    /// Users without 2FA must enrol before they get in. Default false.
    pub enforce_two_factor: bool,
    /// Days users may still sign in without 2FA once enforcement starts, 0–36500. Default 0.
    pub two_factor_grace_days: u32,
    /// Days after which a password must be changed, 1–36500; 0 (the default) means never.
    pub password_expiration_days: u32,
    /// Days before expiry during which sign-ins report the days left. Default 14.
    pub password_expiry_warning_days: u32,
    /// Rules for new passwords.
    pub password: authward_password_policy,
    /// TOTP settings for new enrolments.
    pub totp: authward_totp_config,
    /// Lockout after failures.
    pub lockout: authward_lockout_policy,
    /// When 2FA enforcement starts (unix seconds; the grace days count from then); 0 (the default):
    /// from the moment `enforce_two_factor` is switched on. Last, so the fields before keep their
    /// offsets.
    pub enforce_two_factor_from: u64,
    /// "Remember this device": days a device token from `authward_verify_second_factor_remember()`
    /// skips the code, 1–365; 0 (the default) means off (no tokens, old ones ignored). After
    /// `enforce_two_factor_from`, so the fields before keep their offsets.
    pub remember_device_days: u32,
}

impl From<&AccountPolicy> for authward_account_policy {
    fn from(p: &AccountPolicy) -> Self {
        authward_account_policy {
            enforce_two_factor: p.enforce_two_factor,
            two_factor_grace_days: p.two_factor_grace_days,
            password_expiration_days: p.password_expiration_days.unwrap_or(0),
            password_expiry_warning_days: p.password_expiry_warning_days,
            password: (&p.password).into(),
            totp: (&p.totp).into(),
            lockout: authward_lockout_policy {
                max_failures: p.lockout.max_failures,
                lockout_seconds: p.lockout.lockout_seconds,
                max_lockout_seconds: p.lockout.max_lockout_seconds,
            },
            enforce_two_factor_from: p.enforce_two_factor_from.unwrap_or(0),
            remember_device_days: p.remember_device_days.unwrap_or(0),
        }
    }
}

impl TryFrom<authward_account_policy> for AccountPolicy {
    type Error = Error;
    fn try_from(p: authward_account_policy) -> Result<AccountPolicy> {
        let policy = AccountPolicy {
            enforce_two_factor: p.enforce_two_factor,
            two_factor_grace_days: p.two_factor_grace_days,
            enforce_two_factor_from: (p.enforce_two_factor_from != 0).then_some(p.enforce_two_factor_from),
            password_expiration_days: (p.password_expiration_days != 0).then_some(p.password_expiration_days),
            password_expiry_warning_days: p.password_expiry_warning_days,
            remember_device_days: (p.remember_device_days != 0).then_some(p.remember_device_days),
            password: p.password.into(),
            totp: TotpConfig::try_from(p.totp)?,
            lockout: LockoutPolicy {
                max_failures: p.lockout.max_failures,
                lockout_seconds: p.lockout.lockout_seconds,
                max_lockout_seconds: match p.lockout.max_lockout_seconds {
                    0 => p.lockout.lockout_seconds,
                    m => m,
                },
            },
        };
        policy.validate()?;
        Ok(policy)
    }
}

/// Reads a required account policy and validates it.
///
/// # Safety
/// `p` is NULL or readable.
pub(crate) unsafe fn account_policy_arg(p: *const authward_account_policy) -> Result<AccountPolicy> {
    // SAFETY: forwarded caller promise.
    let p = unsafe { opt_struct_arg(p) }.ok_or_else(|| Error::InvalidArgument("policy is NULL".into()))?;
    AccountPolicy::try_from(p)
}

/// The default account policy (no enforcement, no expiration, default password/TOTP/lockout settings).
#[unsafe(no_mangle)]
pub extern "C" fn authward_account_policy_default() -> authward_account_policy {
    (&AccountPolicy::default()).into()
}

/// `AUTHWARD_RESULT_OK` if every value (nested policies included) is in range, else
/// `AUTHWARD_RESULT_INVALID_ARGUMENT` with a message naming the field.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_account_policy_validate(
    policy: *const authward_account_policy,
) -> authward_result {
    // SAFETY: NULL or readable (the function's contract).
    call(|| unsafe { account_policy_arg(policy) }.map(drop))
}

/// A clock that only moves when told to, for tests and demos (password expiry, TOTP steps, lockouts
/// without sleeping). Give it to a service through `authward_options.clock`; the service shares it, so
/// `authward_clock_set/advance` move the service's time. Thread-safe. Free with `authward_clock_free()`
/// (the service keeps its own reference, so the order does not matter).
#[allow(non_camel_case_types)]
pub struct authward_clock {
    pub(crate) clock: ManualClock,
}

/// Makes a clock standing at `unix_seconds` into `*out_clock` (free with `authward_clock_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_clock_new(
    unix_seconds: u64,
    out_clock: *mut *mut authward_clock,
) -> authward_result {
    call(|| {
        let out = out_arg(out_clock, "out_clock")?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, into_handle(authward_clock { clock: ManualClock::new(unix_seconds) })) };
        Ok(())
    })
}

/// Sets the clock's time (unix seconds).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_clock_set(
    clock: *const authward_clock,
    unix_seconds: u64,
) -> authward_result {
    call(|| {
        // SAFETY: NULL or live (the function's contract).
        unsafe { handle(clock, "clock") }?.clock.set(unix_seconds);
        Ok(())
    })
}

/// Moves the clock forward by `seconds` (saturating).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_clock_advance(
    clock: *const authward_clock,
    seconds: u64,
) -> authward_result {
    call(|| {
        // SAFETY: NULL or live (the function's contract).
        unsafe { handle(clock, "clock") }?.clock.advance(seconds);
        Ok(())
    })
}

/// The clock's time (unix seconds); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_clock_now(clock: *const authward_clock) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(clock, |c| c.clock.now()) }
}

/// Releases the caller's reference to a clock. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_clock_free(clock: *mut authward_clock) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(clock) }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Small enough for Miri: policy conversion both ways and the clock handle.

    #[test]
    fn account_policy_round_trips_and_validates() {
        let d = authward_account_policy_default();
        // SAFETY: readable struct or NULL.
        unsafe {
            assert_eq!(authward_account_policy_validate(&d), authward_result::Ok);
            assert_eq!(authward_account_policy_validate(std::ptr::null()), authward_result::InvalidArgument);
            let bad = authward_account_policy { password_expiration_days: 40_000, ..d };
            assert_eq!(authward_account_policy_validate(&bad), authward_result::InvalidArgument);
            let bad = authward_account_policy {
                lockout: authward_lockout_policy { max_failures: 0, ..d.lockout },
                ..d
            };
            assert_eq!(authward_account_policy_validate(&bad), authward_result::InvalidArgument);
        }
        let custom = authward_account_policy { enforce_two_factor: true, password_expiration_days: 90, ..d };
        let core = AccountPolicy::try_from(custom).unwrap();
        assert_eq!(core.password_expiration_days, Some(90));
        let back = authward_account_policy::from(&core);
        assert_eq!(format!("{back:?}"), format!("{custom:?}"));
        assert_eq!(AccountPolicy::try_from(d).unwrap(), AccountPolicy::default());
    }

    #[test]
    fn clock_handle() {
        let mut clock = std::ptr::null_mut();
        // SAFETY: writable out-parameter; a live handle freed once; NULL where intended.
        unsafe {
            assert_eq!(authward_clock_new(100, &mut clock), authward_result::Ok);
            assert_eq!(authward_clock_now(clock), 100);
            assert_eq!(authward_clock_advance(clock, 5), authward_result::Ok);
            assert_eq!(authward_clock_now(clock), 105);
            assert_eq!(authward_clock_advance(clock, u64::MAX), authward_result::Ok);
            assert_eq!(authward_clock_now(clock), u64::MAX);
            assert_eq!(authward_clock_set(clock, 7), authward_result::Ok);
            assert_eq!(authward_clock_now(clock), 7);
            authward_clock_free(clock);
            assert_eq!(authward_clock_now(std::ptr::null()), 0);
            assert_eq!(authward_clock_set(std::ptr::null(), 1), authward_result::InvalidArgument);
            assert_eq!(authward_clock_new(1, std::ptr::null_mut()), authward_result::InvalidArgument);
            authward_clock_free(std::ptr::null_mut());
        }
    }
}
