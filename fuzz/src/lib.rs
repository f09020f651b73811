//! Helpers shared by the fuzz targets: C strings from fuzzer bytes, reading and freeing what the C ABI
//! hands out, an in-memory service with cheap Argon2 parameters, and the checks every target repeats.
#![allow(clippy::missing_safety_doc)]

use std::ffi::{CStr, CString, c_char};

use authward_c::account::{authward_clock, authward_clock_free, authward_clock_new};
use authward_c::memory::{
    authward_string_free, authward_strings, authward_strings_free, authward_strings_get, authward_strings_len,
};
use authward_c::password::authward_hash_params;
use authward_c::result::{authward_last_error_code, authward_last_error_message, authward_result};
use authward_c::service::{
    authward_options, authward_service, authward_service_free, authward_service_open_in_memory,
};

/// Cheapest Argon2 parameters the core accepts (m = 8 KiB, t = 1, p = 1): the service flows are fuzzed,
/// not Argon2.
pub const CHEAP: authward_hash_params = authward_hash_params { memory_kib: 8, iterations: 1, parallelism: 1 };

/// A C string of `bytes` up to the first NUL (as a C caller would pass it).
pub fn cstr(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap_or_default()
}

/// A C string of `s` up to the first NUL.
pub fn cstr_of(s: &str) -> CString {
    cstr(s.as_bytes())
}

/// Copies a library-owned string and frees it with `authward_string_free`.
///
/// # Safety
/// `p` is a string returned by the library and not freed yet.
pub unsafe fn take_string(p: *mut c_char) -> String {
    assert!(!p.is_null(), "the library returned NULL on success");
    // SAFETY: a NUL-terminated string owned by the library.
    let s = unsafe { CStr::from_ptr(p) }.to_str().expect("library strings are UTF-8").to_string();
    // SAFETY: freed once, by the library's own function.
    unsafe { authward_string_free(p) };
    s
}

/// Copies a lent C string (NULL is `None`).
///
/// # Safety
/// `p` is NULL or a live NUL-terminated string.
pub unsafe fn lent(p: *const c_char) -> Option<String> {
    // SAFETY: per the caller.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// Copies and frees a list of strings.
///
/// # Safety
/// `list` is a live list from the library.
pub unsafe fn take_strings(list: *mut authward_strings) -> Vec<String> {
    // SAFETY: per the caller; each item is lent until the list is freed below.
    unsafe {
        let n = authward_strings_len(list);
        let v = (0..n).map(|i| lent(authward_strings_get(list, i)).expect("item in range")).collect();
        assert!(authward_strings_get(list, n).is_null(), "index past the end must be NULL");
        authward_strings_free(list);
        v
    }
}

/// The message of this thread's last error.
pub fn last_message() -> String {
    // SAFETY: the library lends a valid string until the next failing call on this thread.
    unsafe { lent(authward_last_error_message()) }.unwrap_or_default()
}

/// Asserts a failed call recorded its code as the thread's last error, and that the message does not
/// quote any of `secrets` (the checks are skipped for secrets shorter than 4 bytes, which can occur in
/// any English text).
pub fn check_failure(rc: authward_result, secrets: &[&[u8]]) {
    assert_ne!(rc, authward_result::Ok);
    assert_eq!(authward_last_error_code(), rc, "last error code differs from the returned code");
    let msg = last_message();
    for s in secrets {
        assert_no_leak(&msg, s);
    }
}

/// Asserts `text` does not contain `secret` when `secret` could not appear in a fixed English
/// message by chance: at least 4 bytes and at least one byte outside `[A-Za-z0-9 .,:;'()-]`.
pub fn assert_no_leak(text: &str, secret: &[u8]) {
    let distinctive = secret.len() >= 4
        && secret.iter().any(|b| !(b.is_ascii_alphanumeric() || b" .,:;'()-=_/\"".contains(b)));
    if distinctive {
        assert!(
            !text.as_bytes().windows(secret.len()).any(|w| w == secret),
            "a secret appears in a message: {text:?}"
        );
    }
}

/// Asserts `text` does not contain `secret`, for secrets the harness made (random codes, challenges,
/// its own passwords of at least 12 bytes), which cannot occur in a message by chance. Skipped when
/// `secret` is inside one of `public` (an argument the message may legitimately quote, such as a user
/// id the fuzzer set to the same text).
pub fn assert_secret_absent(text: &str, secret: &[u8], public: &[&[u8]]) {
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    if secret.len() >= 12 && !public.iter().any(|p| contains(p, secret)) {
        assert!(!contains(text.as_bytes(), secret), "a secret appears in a message: {text:?}");
    }
}

/// Largest m·t (KiB × passes) for which the targets let Argon2 run: above it they only parse.
pub const ARGON2_BUDGET_KIB: u64 = 4096;

/// m·t of a PHC string as the core would read it (`u64::MAX` when absent or not a number). The core's
/// own parser decides validity; this only decides whether running Argon2 on it is cheap enough for a
/// fuzz loop (`verify` accepts up to m = 77824 KiB and t = 8 by default, see README.md).
pub fn phc_cost(phc: &str) -> u64 {
    let (mut m, mut t) = (u64::MAX, u64::MAX);
    for part in phc.split('$').filter(|s| s.contains("m=")) {
        for kv in part.split(',') {
            match kv.split_once('=') {
                Some(("m", v)) => m = v.parse::<u32>().map_or(u64::MAX, u64::from),
                Some(("t", v)) => t = v.parse::<u32>().map_or(u64::MAX, u64::from),
                _ => {}
            }
        }
    }
    m.saturating_mul(t)
}

/// An in-memory service over a manual clock, freed on drop.
pub struct Service {
    /// The service handle.
    pub svc: *mut authward_service,
    /// Its clock (the service holds its own reference).
    pub clock: *mut authward_clock,
}

impl Service {
    /// A service at unix time `now` with [`CHEAP`] hash parameters.
    pub fn new(now: u64) -> Service {
        let mut clock = std::ptr::null_mut();
        let mut svc = std::ptr::null_mut();
        // SAFETY: valid out-parameters; the options point to live locals for the duration of the call.
        unsafe {
            assert_eq!(authward_clock_new(now, &mut clock), authward_result::Ok);
            let options = authward_options {
                clock,
                hash_params: &CHEAP,
                pepper: std::ptr::null(),
                pepper_len: 0,
                breached_passwords: std::ptr::null(),
            };
            assert_eq!(authward_service_open_in_memory(&options, &mut svc), authward_result::Ok);
        }
        Service { svc, clock }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // SAFETY: both were made by `new` and are freed once.
        unsafe {
            authward_service_free(self.svc);
            authward_clock_free(self.clock);
        }
    }
}
