//! TOTP codes: `Totp::check`/`verify` with any code text, time, last step and configuration, and the C
//! entry points `authward_verify_totp`, `authward_totp_code`, `authward_hotp`,
//! `authward_totp_config_validate`.
//!
//! Invariants: a bad configuration or secret is `INVALID_ARGUMENT` (C) and nothing else; a wrong or
//! malformed code is "not valid", never an error; a matched step lies in the window and is newer than
//! the last step (else it is a replay); a code the library made for a step in the window verifies, and
//! still verifies with spaces inserted; anything but ASCII digits and spaces never matches; C and the
//! core agree.
#![no_main]

use arbitrary::Arbitrary;
use authward::totp::{self, Check, Totp, TotpConfig, encode_secret};
use authward_c::result::authward_result;
use authward_c::totp::{
    authward_hotp, authward_totp_code, authward_totp_config, authward_totp_config_validate,
    authward_verify_totp,
};
use authward_fuzz::{check_failure, cstr, cstr_of, take_string};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    secret: Vec<u8>,
    algorithm: u32,
    digits: u8,
    window: u8,
    period: u64,
    at: u64,
    last_step: Option<u64>,
    /// A step offset from the current one, for a code the library made.
    offset: i8,
    /// Where to insert spaces into that code.
    spaces: Vec<u8>,
    /// Any code text.
    code: Vec<u8>,
}

fuzz_target!(|input: Input| {
    // Mostly plausible configurations, sometimes anything.
    let config = authward_totp_config {
        algorithm: if input.algorithm >= 16 { input.algorithm % 3 } else { input.algorithm },
        digits: if input.digits >= 32 { 6 + input.digits % 3 } else { input.digits },
        window: if input.window >= 32 { input.window % 4 } else { input.window },
        period: if input.period > 1 << 40 { 1 + input.period % 120 } else { input.period },
    };
    // `AUTHWARD_NOW` (u64::MAX) means "the system clock" in C: keep the time explicit.
    let at = input.at.min(u64::MAX - 1);
    // SAFETY: readable config.
    let valid_rc = unsafe { authward_totp_config_validate(&config) };
    let core_config = TotpConfig::try_from(config);
    assert_eq!(valid_rc == authward_result::Ok, core_config.is_ok());
    if valid_rc != authward_result::Ok {
        assert_eq!(valid_rc, authward_result::InvalidArgument);
        check_failure(valid_rc, &[]);
    }

    let secret_b32 = encode_secret(&input.secret);
    let c_secret = cstr_of(&secret_b32);
    let c_code = cstr(&input.code);
    let (mut valid, mut step) = (true, 0x5a5a_u64);
    // SAFETY: NUL-terminated strings, readable last step and config, writable out-parameters.
    let rc = unsafe {
        authward_verify_totp(
            c_secret.as_ptr(),
            c_code.as_ptr(),
            at,
            input.last_step.as_ref().map_or(std::ptr::null(), |s| s as *const u64),
            &config,
            &mut valid,
            &mut step,
        )
    };
    let core_config = match core_config {
        Ok(c) => c,
        Err(_) => {
            assert_eq!(rc, authward_result::InvalidArgument);
            assert_eq!((valid, step), (true, 0x5a5a), "out-parameters written on failure");
            return;
        }
    };
    let t = match Totp::from_bytes(&input.secret, &core_config) {
        Ok(t) => t,
        Err(e) => {
            assert_eq!(e.code(), authward::ErrorCode::InvalidArgument);
            assert_eq!(rc, authward_result::InvalidArgument);
            assert_eq!((valid, step), (true, 0x5a5a));
            check_failure(rc, &[secret_b32.as_bytes()]);
            return;
        }
    };
    // The arbitrary code: C and core agree, and the step is sane. C refuses a code that is not UTF-8
    // (every C string is validated); any UTF-8 text is a code that matches or not, never an error.
    let code_text = std::str::from_utf8(c_code.as_bytes()).ok();
    if code_text.is_none() {
        assert_eq!(rc, authward_result::InvalidArgument);
        assert_eq!((valid, step), (true, 0x5a5a));
        check_failure(rc, &[]);
        (valid, step) = (false, 0);
    } else {
        assert_eq!(rc, authward_result::Ok, "a valid secret and config never fail, whatever the code");
    }
    let current = at / core_config.period;
    let window = u64::from(core_config.window);
    let in_window = |s: u64| s >= current.saturating_sub(window) && s <= current.saturating_add(window);
    match code_text.map(|c| t.check(c, at, input.last_step)) {
        None => assert!(!valid, "invalid UTF-8 never matches"),
        Some(Check::Valid(s)) => {
            assert!(valid && step == s && in_window(s));
            assert!(input.last_step.is_none_or(|l| s > l));
            let text = code_text.unwrap_or_default();
            assert!(text.bytes().all(|b| b.is_ascii_digit() || b == b' '));
            assert_eq!(text.bytes().filter(u8::is_ascii_digit).count(), usize::from(core_config.digits));
        }
        Some(Check::Reused(s)) => {
            assert!(!valid && step == 0 && in_window(s));
            assert!(input.last_step.is_some_and(|l| s <= l));
        }
        Some(Check::Invalid) => assert!(!valid && step == 0),
    }

    // A code the library makes for a step near `at`.
    let target = current.saturating_add_signed(i64::from(input.offset % 12));
    let code = t.code_for_step(target);
    assert_eq!(code.len(), usize::from(core_config.digits));
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let mut spaced = code.clone().into_bytes();
    for pos in input.spaces.iter().take(16) {
        spaced.insert(usize::from(*pos) % (spaced.len() + 1), b' ');
    }
    let spaced = String::from_utf8(spaced).expect("ASCII");
    let plain = t.check(&code, at, input.last_step);
    assert_eq!(t.check(&spaced, at, input.last_step), plain, "spaces changed the outcome of {spaced:?}");
    if in_window(target) && target <= u64::MAX / core_config.period {
        match plain {
            // The newest matching step wins: a collision with a later step is possible, never an earlier.
            Check::Valid(s) => assert!(s >= target && t.code_for_step(s) == code),
            Check::Reused(s) => {
                assert!(input.last_step.is_some_and(|l| s <= l) && t.code_for_step(s) == code);
            }
            Check::Invalid => panic!("the code of step {target} (in the window) did not match"),
        }
    }
    // A digit changed into a letter, or a full-width digit, never matches.
    if !code.is_empty() {
        let letter = format!("{}a", &code[1..]);
        assert_eq!(t.check(&letter, at, None), Check::Invalid);
        let fullwidth: String =
            code.chars().map(|d| char::from_u32(d as u32 - 0x30 + 0xFF10).unwrap_or('x')).collect();
        assert_eq!(t.check(&fullwidth, at, None), Check::Invalid);
    }

    // C code generation agrees with the core.
    let mut out = std::ptr::null_mut();
    // SAFETY: NUL-terminated secret, readable config, writable out-parameter.
    let rc = unsafe { authward_totp_code(c_secret.as_ptr(), at, &config, &mut out) };
    assert_eq!(rc, authward_result::Ok);
    // SAFETY: a string from the library, freed once.
    assert_eq!(unsafe { take_string(out) }, t.code_at(at));
    assert_eq!(totp::code(&secret_b32, at, &core_config).ok().as_deref(), Some(t.code_at(at).as_str()));
    let mut out = std::ptr::null_mut();
    // SAFETY: secret valid for its length, readable config, writable out-parameter.
    let rc = unsafe { authward_hotp(input.secret.as_ptr(), input.secret.len(), target, &config, &mut out) };
    assert_eq!(rc, authward_result::Ok);
    // SAFETY: as above.
    let hotp = unsafe { take_string(out) };
    assert_eq!(hotp, totp::hotp(&input.secret, target, &core_config).expect("valid"));
    if core_config.period == 1 {
        assert_eq!(hotp, t.code_for_step(target));
    }
});
