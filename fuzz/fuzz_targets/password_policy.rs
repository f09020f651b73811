//! The password policy: `PasswordPolicy::check`/`rules`/`validate` with any policy values, passwords
//! (up to 2 KiB) and user inputs, and `authward_password_policy_check` / `_rules` / `_validate` in C.
//!
//! Invariants: a bad policy is `INVALID_ARGUMENT` and nothing else; violations come in declaration
//! order, each at most once, each one of the policy's active rules; `TOO_SHORT`/`TOO_LONG` follow the
//! NFKC code-point count exactly; no message quotes the password or a user input; C and the core agree
//! (codes and messages, rules and descriptions).
#![no_main]

use std::ffi::c_char;

use arbitrary::Arbitrary;
use authward::password::normalize;
use authward::{PasswordPolicy, ViolationCode};
use authward_c::password::{
    authward_password_policy, authward_password_policy_check, authward_password_policy_rules,
    authward_password_policy_validate, authward_violation_code, authward_violation_list_code,
    authward_violation_list_free, authward_violation_list_len, authward_violation_list_text,
};
use authward_c::result::authward_result;
use authward_fuzz::{assert_no_leak, check_failure, cstr, lent};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    min_length: u32,
    max_length: u32,
    flags: u8,
    min_strength: u8,
    history: u32,
    password: Vec<u8>,
    user_inputs: Vec<Vec<u8>>,
    /// Last, so inputs saved before the field existed decode as before.
    min_age_days: u32,
    /// After `min_age_days` for the same reason (0, invalid, when the bytes run out).
    breach_min_count: u32,
}

fn c_code(c: ViolationCode) -> authward_violation_code {
    c.into()
}

fuzz_target!(|input: Input| {
    let f = |bit: u8| input.flags >> bit & 1 == 1;
    // Mostly plausible values, sometimes anything.
    let policy = authward_password_policy {
        min_length: if input.min_length > 1 << 20 { input.min_length % 40 } else { input.min_length },
        max_length: if input.max_length > 1 << 20 { input.max_length % 1100 } else { input.max_length },
        require_lowercase: f(0),
        require_uppercase: f(1),
        require_digit: f(2),
        require_symbol: f(3),
        min_strength: if input.min_strength >= 16 { input.min_strength % 5 } else { input.min_strength },
        forbid_user_inputs: f(4),
        history: if input.history > 1 << 20 { input.history % 30 } else { input.history },
        min_age_days: if input.min_age_days > 1 << 20 {
            input.min_age_days % 400
        } else {
            input.min_age_days
        },
        reject_breached: f(5),
        breach_min_count: if input.breach_min_count > 1 << 30 {
            input.breach_min_count % 5
        } else {
            input.breach_min_count
        },
        breach_fail_closed: f(6),
    };
    let password = &input.password[..input.password.len().min(2048)];
    let inputs: Vec<_> = input.user_inputs.iter().take(8).map(|u| cstr(&u[..u.len().min(300)])).collect();
    let input_ptrs: Vec<*const c_char> = inputs.iter().map(|c| c.as_ptr()).collect();

    let core_policy = PasswordPolicy::from(policy);
    // SAFETY: readable policy.
    let rc = unsafe { authward_password_policy_validate(&policy) };
    let valid = core_policy.validate();
    assert_eq!(rc == authward_result::Ok, valid.is_ok());

    let mut out = 0x5a5a as *mut _;
    // SAFETY: readable policy, password valid for its length, `input_ptrs.len()` NUL-terminated strings,
    // writable out-parameter.
    let rc = unsafe {
        authward_password_policy_check(
            &policy,
            password.as_ptr(),
            password.len(),
            input_ptrs.as_ptr(),
            input_ptrs.len(),
            &mut out,
        )
    };
    let text = std::str::from_utf8(password).ok();
    let inputs_utf8 = inputs.iter().all(|c| c.to_str().is_ok());
    if valid.is_err() || text.is_none() || !inputs_utf8 {
        assert_eq!(rc, authward_result::InvalidArgument);
        assert_eq!(out as usize, 0x5a5a, "out-parameter written on failure");
        check_failure(rc, &[password]);
        return;
    }
    assert_eq!(rc, authward_result::Ok);
    let text = text.unwrap_or_default();
    let input_strs: Vec<&str> = inputs.iter().map(|c| c.to_str().unwrap_or("")).collect();
    let violations = core_policy.check(text, &input_strs);
    // C matches the core.
    // SAFETY: `out` is a live list; messages are lent until it is freed.
    unsafe {
        assert_eq!(authward_violation_list_len(out), violations.len());
        for (i, v) in violations.iter().enumerate() {
            assert_eq!(authward_violation_list_code(out, i), c_code(v.code));
            assert_eq!(lent(authward_violation_list_text(out, i)).as_deref(), Some(v.message.as_str()));
        }
        assert_eq!(authward_violation_list_code(out, violations.len()), authward_violation_code::None);
        assert!(authward_violation_list_text(out, violations.len()).is_null());
        authward_violation_list_free(out);
    }
    // Order, uniqueness, rules.
    let codes: Vec<ViolationCode> = violations.iter().map(|v| v.code).collect();
    let order = |c: &ViolationCode| ViolationCode::ALL.iter().position(|x| x == c).unwrap_or(usize::MAX);
    let rules = core_policy.rules();
    for w in codes.windows(2) {
        // check() reports in this order: length, composition, user input, strength.
        assert_ne!(w[0], w[1], "a violation reported twice");
    }
    for c in &codes {
        assert!(rules.iter().any(|r| r.code == *c), "{c:?} is not an active rule");
    }
    let mut sorted = codes.clone();
    sorted.sort_by_key(|c| {
        let o = order(c);
        // TOO_WEAK comes after CONTAINS_USER_INPUT in check()'s order.
        if *c == ViolationCode::TooWeak { usize::MAX } else { o }
    });
    assert_eq!(codes, sorted, "violations out of order");
    let length = normalize(text).chars().count();
    assert_eq!(codes.contains(&ViolationCode::TooShort), length < core_policy.min_length as usize);
    assert_eq!(codes.contains(&ViolationCode::TooLong), length > core_policy.max_length as usize);
    for v in &violations {
        // (User inputs are not secrets; a message may contain the same words by chance.)
        assert_no_leak(&v.message, password);
    }
    // C rules match the core's.
    let mut list = std::ptr::null_mut();
    // SAFETY: readable policy, writable out-parameter.
    assert_eq!(unsafe { authward_password_policy_rules(&policy, &mut list) }, authward_result::Ok);
    // SAFETY: a live list, freed once.
    unsafe {
        assert_eq!(authward_violation_list_len(list), rules.len());
        for (i, r) in rules.iter().enumerate() {
            assert_eq!(authward_violation_list_code(list, i), c_code(r.code));
            assert_eq!(lent(authward_violation_list_text(list, i)).as_deref(), Some(r.description.as_str()));
        }
        authward_violation_list_free(list);
    }
});
