//! Fuzzes the C entry points that parse untrusted input, through the C ABI itself (raw pointers and
//! lengths, as a C caller passes them): PHC verification, TOTP verification, `otpauth://` URI parsing
//! and base32 secret decoding. The first byte picks the entry point; the rest is the input, passed as a
//! NUL-terminated string (cut at the first NUL, like C would) and, for the password, as pointer + length
//! (any bytes, invalid UTF-8 included). Every call must return a code, never crash, and leave
//! out-parameters untouched on failure.
#![no_main]

use std::ffi::{CString, c_char};

use authward_c::memory::{authward_bytes_free, authward_string_free};
use authward_c::password::{authward_hash_params, authward_needs_rehash, authward_verify_password};
use authward_c::result::authward_result;
use authward_c::totp::{
    authward_decode_totp_secret, authward_parse_totp_uri, authward_parsed_totp_uri, authward_totp_uri_free,
    authward_totp_uri_secret, authward_verify_totp,
};
use authward_fuzz::{ARGON2_BUDGET_KIB, phc_cost};
use libfuzzer_sys::fuzz_target;

const SENTINEL: usize = 0x5a5a;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = CString::new(rest.split(|&b| b == 0).next().unwrap_or_default()).unwrap_or_default();
    let p: *const c_char = text.as_ptr();
    // SAFETY: every pointer passed is valid for what the function reads (a NUL-terminated string, `len`
    // bytes) or writes (a local out-parameter).
    unsafe {
        match selector % 4 {
            0 => {
                // Password = the whole input (any bytes); PHC string = the same input as text. A string
                // asking for more Argon2 work than the budget is only parsed (`authward_needs_rehash`):
                // the core would run it (up to 4 GiB × 1024 passes, see README.md), the fuzz loop cannot.
                if std::str::from_utf8(text.as_bytes()).is_ok_and(|s| phc_cost(s) > ARGON2_BUDGET_KIB) {
                    let mut needs = true;
                    let rc = authward_needs_rehash(p, std::ptr::null(), &mut needs);
                    assert!(rc == authward_result::Ok || rc == authward_result::InvalidArgument, "{rc:?}");
                    assert!(rc == authward_result::Ok || needs);
                    return;
                }
                let mut matches = true;
                let rc =
                    authward_verify_password(rest.as_ptr(), rest.len(), p, std::ptr::null(), 0, &mut matches);
                assert!(rc == authward_result::Ok || rc == authward_result::InvalidArgument, "{rc:?}");
                assert!(rc == authward_result::Ok || matches);
                let _ = authward_hash_params { memory_kib: 0, iterations: 0, parallelism: 0 };
            }
            1 => {
                // Secret and code split at the first '|'.
                let (secret, code) = match text.as_bytes().iter().position(|&b| b == b'|') {
                    Some(i) => (&text.as_bytes()[..i], &text.as_bytes()[i + 1..]),
                    None => (text.as_bytes(), &b"123456"[..]),
                };
                let (secret, code) =
                    (CString::new(secret).unwrap_or_default(), CString::new(code).unwrap_or_default());
                let (mut valid, mut step) = (true, SENTINEL as u64);
                let last = 5u64;
                let rc = authward_verify_totp(
                    secret.as_ptr(),
                    code.as_ptr(),
                    59,
                    &last,
                    std::ptr::null(),
                    &mut valid,
                    &mut step,
                );
                assert!(rc == authward_result::Ok || rc == authward_result::InvalidArgument, "{rc:?}");
                if rc != authward_result::Ok {
                    assert!(valid && step == SENTINEL as u64);
                }
            }
            2 => {
                let mut out = SENTINEL as *mut authward_parsed_totp_uri;
                let rc = authward_parse_totp_uri(p, &mut out);
                if rc == authward_result::Ok {
                    assert!(!authward_totp_uri_secret(out).is_null());
                    authward_totp_uri_free(out);
                } else {
                    assert_eq!(rc, authward_result::InvalidArgument);
                    assert_eq!(out as usize, SENTINEL);
                }
            }
            _ => {
                let (mut out, mut len) = (SENTINEL as *mut u8, SENTINEL);
                let rc = authward_decode_totp_secret(p, &mut out, &mut len);
                if rc == authward_result::Ok {
                    assert!((10..=128).contains(&len));
                    authward_bytes_free(out);
                } else {
                    assert_eq!(rc, authward_result::InvalidArgument);
                    assert_eq!((out as usize, len), (SENTINEL, SENTINEL));
                }
                authward_string_free(std::ptr::null_mut());
            }
        }
    }
});
