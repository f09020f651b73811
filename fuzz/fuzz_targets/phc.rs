//! PHC strings: `verify` and `needs_rehash` in the core and through the C ABI, on raw text and on
//! structured PHC strings (algorithm, version, m/t/p, salt and hash lengths chosen by the fuzzer), plus
//! hash → verify round trips at cheap parameters.
//!
//! Invariants: a malformed PHC string is `INVALID_ARGUMENT` and nothing else; the core and the C ABI
//! agree; `verify` fails exactly when the string does not parse or the password/pepper is out of bounds
//! (every string the parser accepts is one Argon2 can run); a fresh hash verifies (also in NFKC form),
//! does not need a rehash at its own parameters, and does not contain the password.
//!
//! Argon2 cost: `verify` refuses PHC strings over `VerifyLimits::DEFAULT` (m ≤ 77824 KiB, t ≤ 8,
//! p ≤ 16) before hashing; `needs_rehash` at larger params accepts up to 4× them. Parsing is fuzzed
//! at any parameters; Argon2 itself only runs when m·t ≤ `ARGON2_BUDGET_KIB` (`authward_fuzz::phc_cost`),
//! so the run measures the parser and the checks rather than Argon2's speed.
#![no_main]

use std::ffi::CString;

use arbitrary::Arbitrary;
use authward::password::hash::{self, MAX_PEPPER_LEN};
use authward::password::{MAX_PASSWORD_BYTES, normalize};
use authward::{ErrorCode, HashParams};
use authward_c::password::{authward_hash_params, authward_needs_rehash, authward_verify_password};
use authward_c::result::authward_result;
use authward_fuzz::{ARGON2_BUDGET_KIB, assert_no_leak, check_failure, cstr, phc_cost};
use data_encoding::BASE64_NOPAD;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Input {
    /// Any bytes as the PHC string.
    Raw { password: Vec<u8>, phc: Vec<u8>, pepper: Vec<u8>, params: (u32, u32, u32) },
    /// A PHC string assembled from fields, most of them plausible.
    Built {
        password: String,
        algorithm: u8,
        version: Option<u32>,
        m: u32,
        t: u32,
        p: u32,
        extra_param: Option<(String, String)>,
        salt: Vec<u8>,
        hash: Vec<u8>,
        pepper: Vec<u8>,
        params: (u32, u32, u32),
    },
    /// hash → verify at cheap parameters.
    RoundTrip { password: String, pepper: Vec<u8>, m: u8, t: bool, p: bool },
}

fn params_of((m, t, p): (u32, u32, u32)) -> HashParams {
    HashParams { memory_kib: m, iterations: t, parallelism: p }
}

/// `needs_rehash` in the core and in C; they must agree. Returns whether the string parsed.
fn needs_rehash_both(phc: &[u8], params: HashParams) -> bool {
    let c_phc = cstr(phc);
    let c_params = authward_hash_params {
        memory_kib: params.memory_kib,
        iterations: params.iterations,
        parallelism: params.parallelism,
    };
    let mut out = true;
    // SAFETY: valid NUL-terminated string, readable params, writable out-parameter.
    let rc = unsafe { authward_needs_rehash(c_phc.as_ptr(), &c_params, &mut out) };
    let core = std::str::from_utf8(c_phc.as_bytes()).ok().map(|s| hash::needs_rehash(s, &params));
    match (&core, rc) {
        (Some(Ok(v)), authward_result::Ok) => assert_eq!(*v, out),
        (Some(Err(e)), rc) => {
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
            assert_eq!(rc, authward_result::InvalidArgument);
            assert!(out, "out-parameter written on failure");
            check_failure(rc, &[]);
        }
        (None, authward_result::InvalidArgument) => assert!(out),
        (core, rc) => panic!("core {core:?} vs C {rc:?}"),
    }
    // Parsed under the default verify limits (what `verify` applies). Valid `params` only ever raise
    // the limits (`VerifyLimits::for_params` ≥ the default), so what parses here parses there too, and
    // what parses there but not here is over the default limits.
    let parsed = std::str::from_utf8(c_phc.as_bytes())
        .is_ok_and(|s| hash::needs_rehash(s, &HashParams::DEFAULT).is_ok());
    if params.validate().is_ok() {
        let at_params = matches!(core, Some(Ok(_)));
        assert!(at_params || !parsed, "parses at the default limits but not at {params:?}");
        if at_params && !parsed {
            let text = std::str::from_utf8(c_phc.as_bytes()).unwrap_or_default();
            let e = hash::verify("x", text, None).expect_err("over the default limits");
            assert!(e.to_string().contains("verify limit"), "{e}");
        }
    }
    parsed
}

/// `verify` in the core and in C; they must agree, and fail exactly for bad input.
fn verify_both(password: &[u8], phc: &[u8], pepper: &[u8], parsed: bool) -> Option<bool> {
    let c_phc = cstr(phc);
    let phc_text = std::str::from_utf8(c_phc.as_bytes()).ok();
    if parsed && phc_text.is_some_and(|s| phc_cost(s) > ARGON2_BUDGET_KIB) {
        return None;
    }
    let pepper_opt = (!pepper.is_empty()).then_some(pepper);
    let mut out = true;
    // SAFETY: `password`/`pepper` valid for their lengths, NUL-terminated PHC, writable out-parameter.
    let rc = unsafe {
        authward_verify_password(
            password.as_ptr(),
            password.len(),
            c_phc.as_ptr(),
            if pepper.is_empty() { std::ptr::null() } else { pepper.as_ptr() },
            pepper.len(),
            &mut out,
        )
    };
    let pw_text = std::str::from_utf8(password).ok();
    let should_fail = !parsed
        || pw_text.is_none()
        || password.len() > MAX_PASSWORD_BYTES
        || pepper.len() > MAX_PEPPER_LEN
        || phc_text.is_none();
    if should_fail {
        assert_eq!(rc, authward_result::InvalidArgument);
        assert!(out, "out-parameter written on failure");
        check_failure(rc, &[password]);
        if let (Some(pw), Some(phc)) = (pw_text, phc_text) {
            let e = hash::verify(pw, phc, pepper_opt).expect_err("C failed, core must too");
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
        }
        return None;
    }
    assert_eq!(rc, authward_result::Ok, "a parsed PHC string must verify without error");
    let core = hash::verify(pw_text.unwrap_or_default(), phc_text.unwrap_or_default(), pepper_opt);
    assert_eq!(core.ok(), Some(out), "core and C disagree");
    Some(out)
}

fn built_phc(
    algorithm: u8,
    version: Option<u32>,
    (m, t, p): (u32, u32, u32),
    extra: &Option<(String, String)>,
    salt: &[u8],
    hash: &[u8],
) -> String {
    let algorithm = ["argon2id", "argon2i", "argon2d", "argon2", "scrypt"][usize::from(algorithm % 5)];
    let mut s = format!("${algorithm}");
    if let Some(v) = version {
        s.push_str(&format!("$v={}", [0x13, 0x10, v][(v % 3) as usize]));
    }
    // Keep most parameters small enough for Argon2 to run; the rest tests the bounds.
    let m = if m % 4 == 0 { m } else { m % 64 };
    let t = if t % 8 == 0 { t } else { t % 3 };
    let p = if p % 8 == 0 { p } else { p % 3 };
    s.push_str(&format!("$m={m},t={t},p={p}"));
    if let Some((k, v)) = extra {
        s.push_str(&format!(",{k}={v}"));
    }
    s.push('$');
    s.push_str(&BASE64_NOPAD.encode(salt));
    s.push('$');
    s.push_str(&BASE64_NOPAD.encode(hash));
    s
}

fuzz_target!(|input: Input| {
    match input {
        Input::Raw { password, phc, pepper, params } => {
            let parsed = needs_rehash_both(&phc, params_of(params));
            verify_both(&password, &phc, &pepper, parsed);
        }
        Input::Built { password, algorithm, version, m, t, p, extra_param, salt, hash, pepper, params } => {
            let phc = built_phc(algorithm, version, (m, t, p), &extra_param, &salt, &hash);
            let parsed = needs_rehash_both(phc.as_bytes(), params_of(params));
            verify_both(password.as_bytes(), phc.as_bytes(), &pepper, parsed);
        }
        Input::RoundTrip { password, pepper, m, t, p } => {
            let params = HashParams {
                memory_kib: 16 + u32::from(m % 48),
                iterations: 1 + u32::from(t),
                parallelism: 1 + u32::from(p),
            };
            let pepper_opt = (!pepper.is_empty()).then_some(pepper.as_slice());
            let phc = match hash::hash(&password, &params, pepper_opt) {
                Ok(phc) => phc,
                Err(e) => {
                    assert_eq!(e.code(), ErrorCode::InvalidArgument);
                    assert!(
                        password.is_empty()
                            || password.len() > MAX_PASSWORD_BYTES
                            || pepper.len() > MAX_PEPPER_LEN
                    );
                    assert_no_leak(&e.to_string(), password.as_bytes());
                    return;
                }
            };
            assert!(!password.is_empty() && password.len() <= MAX_PASSWORD_BYTES);
            assert_no_leak(&phc, password.as_bytes());
            assert!(!hash::needs_rehash(&phc, &params).expect("own hash parses"));
            assert_eq!(verify_both(password.as_bytes(), phc.as_bytes(), &pepper, true), Some(true));
            let normalized = normalize(&password);
            if normalized.len() <= MAX_PASSWORD_BYTES {
                assert!(hash::verify(&normalized, &phc, pepper_opt).expect("valid"), "NFKC form must verify");
            }
            let mut wrong = password.clone();
            wrong.push('\u{1}');
            if wrong.len() <= MAX_PASSWORD_BYTES {
                assert_eq!(verify_both(wrong.as_bytes(), phc.as_bytes(), &pepper, true), Some(false));
            }
            let c = CString::new(phc.clone()).expect("no NUL in a PHC string");
            assert_eq!(c.as_bytes(), phc.as_bytes());
        }
    }
});
