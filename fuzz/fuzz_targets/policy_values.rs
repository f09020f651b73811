//! Policy values from C: `authward_account_policy` (with its nested password, TOTP and lockout
//! policies), `authward_totp_config`, `authward_hash_params` with any numbers, their `_validate`
//! functions, the setter `authward_set_account_policy` (and `authward_get_account_policy`) over an
//! in-memory service with any account id, and the clock setters.
//!
//! Invariants: C validation agrees with the core's `validate`; an invalid value or account id is
//! `INVALID_ARGUMENT` and nothing else, and leaves the stored policy as it was; a valid policy reads
//! back exactly as set; clock `set`/`advance` give the expected time (saturating).
#![no_main]

use arbitrary::Arbitrary;
use authward::{AccountPolicy, HashParams, PasswordPolicy, TotpConfig};
use authward_c::account::{
    authward_account_policy, authward_account_policy_validate, authward_clock_advance, authward_clock_now,
    authward_clock_set, authward_lockout_policy,
};
use authward_c::memory::authward_strings_free;
use authward_c::password::{
    authward_hash_params, authward_hash_params_validate, authward_password_policy,
    authward_password_policy_validate,
};
use authward_c::result::authward_result;
use authward_c::service::{authward_get_account_policy, authward_now, authward_set_account_policy};
use authward_c::totp::{
    authward_totp_config, authward_totp_config_compatibility_warnings, authward_totp_config_validate,
};
use authward_fuzz::{Service, check_failure, cstr};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    account_id: Vec<u8>,
    enforce_two_factor: bool,
    grace: u32,
    expiration: u32,
    warning: u32,
    password: (u32, u32, u8, u8, u32),
    totp: (u32, u8, u8, u64),
    lockout: (u32, u64),
    hash: (u32, u32, u32),
    clock: (u64, u64),
    /// Last, so inputs saved before the field existed decode as before (0 when the bytes run out).
    min_age_days: u32,
    /// After it, for the same reason.
    remember_device_days: u32,
    /// After `remember_device_days` for the same reason (0, invalid, when the bytes run out).
    breach_min_count: u32,
}

/// Keeps most numbers near the valid ranges, so both sides of every bound are reached.
fn near(v: u32, modulo: u32) -> u32 {
    if v > 1 << 24 { v % modulo } else { v }
}

thread_local! {
    static SERVICE: Service = Service::new(1_700_000_000);
}

fuzz_target!(|input: Input| {
    let (min, max, flags, strength, history) = input.password;
    let password = authward_password_policy {
        min_length: near(min, 40),
        max_length: near(max, 1100),
        require_lowercase: flags & 1 == 1,
        require_uppercase: flags & 2 == 2,
        require_digit: flags & 4 == 4,
        require_symbol: flags & 8 == 8,
        min_strength: if strength > 16 { strength % 6 } else { strength },
        forbid_user_inputs: flags & 16 == 16,
        history: near(history, 30),
        min_age_days: near(input.min_age_days, 400),
        reject_breached: flags & 32 == 32,
        breach_min_count: if input.breach_min_count > 1 << 30 {
            input.breach_min_count % 5
        } else {
            input.breach_min_count
        },
        breach_fail_closed: flags & 64 == 64,
    };
    let (algorithm, digits, window, period) = input.totp;
    let totp = authward_totp_config {
        algorithm: near(algorithm, 4),
        digits: if digits > 32 { digits % 10 } else { digits },
        window: if window > 32 { window % 12 } else { window },
        period: if period > 1 << 40 { period % 4000 } else { period },
    };
    let policy = authward_account_policy {
        enforce_two_factor: input.enforce_two_factor,
        two_factor_grace_days: near(input.grace, 40_000),
        password_expiration_days: near(input.expiration, 40_000),
        password_expiry_warning_days: near(input.warning, 40_000),
        password,
        totp,
        lockout: authward_lockout_policy {
            max_failures: near(input.lockout.0, 120),
            lockout_seconds: if input.lockout.1 > 1 << 40 {
                input.lockout.1 % 100_000
            } else {
                input.lockout.1
            },
            // 0 (no growth) half of the time, otherwise any value near the valid range
            max_lockout_seconds: if input.lockout.1 % 2 == 0 { 0 } else { input.lockout.1 % 3_000_000 },
        },
        // 0 (from switching on) half of the time, otherwise around the largest valid time
        enforce_two_factor_from: if input.lockout.1 % 3 == 0 { 0 } else { 253_402_300_000 + input.lockout.1 % 1_600 },
        remember_device_days: near(input.remember_device_days, 400),
    };

    // Each nested value: C validation agrees with the core.
    // SAFETY: readable structs.
    unsafe {
        let rc = authward_password_policy_validate(&password);
        assert_eq!(rc == authward_result::Ok, PasswordPolicy::from(password).validate().is_ok());
        let rc = authward_totp_config_validate(&totp);
        let core_totp = TotpConfig::try_from(totp);
        assert_eq!(rc == authward_result::Ok, core_totp.is_ok());
        let mut warnings = 0x5a5a as *mut _;
        let rc = authward_totp_config_compatibility_warnings(&totp, &mut warnings);
        match &core_totp {
            Ok(c) => {
                assert_eq!(rc, authward_result::Ok);
                assert_eq!(
                    authward_c::memory::authward_strings_len(warnings),
                    c.compatibility_warnings().len()
                );
                authward_strings_free(warnings);
            }
            Err(_) => {
                assert_eq!(rc, authward_result::InvalidArgument);
                assert_eq!(warnings as usize, 0x5a5a);
                check_failure(rc, &[]);
            }
        }
        let (m, t, p) = input.hash;
        let hp = authward_hash_params { memory_kib: m, iterations: near(t, 1100), parallelism: near(p, 70) };
        let rc = authward_hash_params_validate(&hp);
        let core =
            HashParams { memory_kib: hp.memory_kib, iterations: hp.iterations, parallelism: hp.parallelism }
                .validate();
        assert_eq!(rc == authward_result::Ok, core.is_ok());
        if rc != authward_result::Ok {
            assert_eq!(rc, authward_result::InvalidArgument);
            check_failure(rc, &[]);
        }
    }
    // SAFETY: readable struct.
    let rc = unsafe { authward_account_policy_validate(&policy) };
    let core = AccountPolicy::try_from(policy);
    assert_eq!(rc == authward_result::Ok, core.is_ok(), "C {rc:?} vs core {core:?}");
    if rc != authward_result::Ok {
        assert_eq!(rc, authward_result::InvalidArgument);
        check_failure(rc, &[]);
    }

    SERVICE.with(|s| {
        let id = cstr(&input.account_id);
        let id_ok = std::str::from_utf8(id.as_bytes())
            .is_ok_and(|t| !t.is_empty() && t.len() <= 256 && !t.chars().any(char::is_control));
        // SAFETY: a live service, NUL-terminated id, readable policy, writable out-parameters.
        unsafe {
            let mut before = authward_c::account::authward_account_policy_default();
            let rc = authward_get_account_policy(s.svc, id.as_ptr(), &mut before);
            assert_eq!(rc == authward_result::Ok, id_ok);
            let rc = authward_set_account_policy(s.svc, id.as_ptr(), &policy);
            if id_ok && core.is_ok() {
                assert_eq!(rc, authward_result::Ok);
            } else {
                assert_eq!(rc, authward_result::InvalidArgument);
                check_failure(rc, &[]);
            }
            let mut after = authward_c::account::authward_account_policy_default();
            let rc2 = authward_get_account_policy(s.svc, id.as_ptr(), &mut after);
            if id_ok {
                assert_eq!(rc2, authward_result::Ok);
                // A stored policy reads back with max_lockout_seconds 0 ("no growth") spelled out.
                let mut stored = policy;
                if stored.lockout.max_lockout_seconds == 0 {
                    stored.lockout.max_lockout_seconds = stored.lockout.lockout_seconds;
                }
                let expect = if rc == authward_result::Ok { stored } else { before };
                assert_eq!(format!("{after:?}"), format!("{expect:?}"), "stored policy differs");
            }
        }
        // The clock setters move the service's time.
        let (a, b) = input.clock;
        // SAFETY: live clock and service.
        unsafe {
            assert_eq!(authward_clock_set(s.clock, a), authward_result::Ok);
            assert_eq!(authward_clock_now(s.clock), a);
            assert_eq!(authward_clock_advance(s.clock, b), authward_result::Ok);
            assert_eq!(authward_clock_now(s.clock), a.saturating_add(b));
            assert_eq!(authward_now(s.svc), a.saturating_add(b));
        }
    });
});
