//! Breached passwords: the offline filter (`authward_breach_filter`) and the k-anonymity helper for
//! range APIs of the HIBP kind (`authward_breach_range_prefix`, `authward_breach_judge_range`).

use std::ffi::c_char;
use std::sync::Arc;

use crate::boundary::{call, handle, out_arg, password_arg, str_arg, write_out};
use crate::memory::{free_handle, into_handle, owned_bytes, owned_string, read};
use crate::password::{authward_password_policy, policy_arg};
use crate::result::authward_result;
use authward::error::{Error, Result};
use authward::password::breach::{self, BreachFilter};

/// Most bytes accepted as a list or a serialized filter by pointer and length (1 GiB; larger lists are
/// built from a file with `authward_breach_filter_from_list_file()`).
pub const AUTHWARD_MAX_FILTER_INPUT_BYTES: usize = 1 << 30;

/// The stated false-positive rate of a breach filter: 1 in 65536 passwords not listed is reported as
/// listed (16-bit fingerprints).
pub const AUTHWARD_BREACH_FALSE_POSITIVE_DENOMINATOR: u32 = 65_536;

/// A breached-password filter (a binary fuse filter of SHA-1 keys): build it from the app's list or
/// load a saved one, attach it through `authward_options.breached_passwords`, free it with
/// `authward_breach_filter_free()`. Immutable and **thread-safe**.
#[allow(non_camel_case_types)]
pub struct authward_breach_filter {
    pub(crate) inner: Arc<BreachFilter>,
}

/// Borrows `len` bytes (NULL with 0 is empty) up to [`AUTHWARD_MAX_FILTER_INPUT_BYTES`].
///
/// # Safety
/// `p` is NULL or valid for `len` bytes.
unsafe fn big_bytes_arg<'a>(p: *const u8, len: usize, name: &str) -> Result<&'a [u8]> {
    if p.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(Error::InvalidArgument(format!("{name} is NULL"))) };
    }
    if len > AUTHWARD_MAX_FILTER_INPUT_BYTES {
        return Err(Error::InvalidArgument(format!(
            "{name} is longer than {AUTHWARD_MAX_FILTER_INPUT_BYTES} bytes"
        )));
    }
    // SAFETY: non-NULL and, per the caller, valid for `len` bytes; `len` is bounded so it fits `isize`.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

fn hand_out(filter: BreachFilter, out: *mut *mut authward_breach_filter) {
    // SAFETY: `out` was checked non-NULL by the caller and is writable (the function's contract).
    unsafe { write_out(out, into_handle(authward_breach_filter { inner: Arc::new(filter) })) };
}

/// Builds a filter from a list: `list_len` bytes, one entry per line (`\n` or `\r\n`): a password, or
/// the SHA-1 of one as exactly 40 hex digits (any case; HIBP's `SHA1:COUNT` lines too). Empty lines are
/// skipped, duplicates are harmless. NULL with 0 is an empty list. On success `*out_filter` receives a
/// handle to free with `authward_breach_filter_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_filter_from_list(
    list: *const u8,
    list_len: usize,
    out_filter: *mut *mut authward_breach_filter,
) -> authward_result {
    call(|| {
        let out = out_arg(out_filter, "out_filter")?;
        // SAFETY: NULL or valid for `list_len` bytes (the function's contract).
        let list = unsafe { big_bytes_arg(list, list_len, "list") }?;
        let mut builder = BreachFilter::builder();
        for line in list.split(|b| *b == b'\n') {
            builder.add_line(line);
        }
        hand_out(builder.build()?, out);
        Ok(())
    })
}

/// Builds a filter from a list file (UTF-8 path; the format of `authward_breach_filter_from_list()`).
/// A file that cannot be read is `AUTHWARD_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_filter_from_list_file(
    path: *const c_char,
    out_filter: *mut *mut authward_breach_filter,
) -> authward_result {
    // SAFETY: the function's contract, passed on.
    unsafe { filter_from_path(path, out_filter, |p| BreachFilter::from_list_file(p)) }
}

/// A filter read from the file at `path` by `read`, handed out through `out_filter`.
///
/// # Safety
/// `path`: NULL or a NUL-terminated string; `out_filter`: NULL or writable.
unsafe fn filter_from_path(
    path: *const c_char,
    out_filter: *mut *mut authward_breach_filter,
    read: impl Fn(&str) -> authward::Result<BreachFilter>,
) -> authward_result {
    call(|| {
        let out = out_arg(out_filter, "out_filter")?;
        // SAFETY: NULL or a NUL-terminated string (the caller's contract).
        let path = unsafe { str_arg(path, "path") }?;
        hand_out(read(path)?, out);
        Ok(())
    })
}

/// Reads a filter saved by `authward_breach_filter_to_bytes()` (or `authward-breach build`). Anything
/// else (truncated, corrupted, another format) is `AUTHWARD_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_filter_from_bytes(
    bytes: *const u8,
    bytes_len: usize,
    out_filter: *mut *mut authward_breach_filter,
) -> authward_result {
    call(|| {
        let out = out_arg(out_filter, "out_filter")?;
        // SAFETY: NULL or valid for `bytes_len` bytes (the function's contract).
        let bytes = unsafe { big_bytes_arg(bytes, bytes_len, "bytes") }?;
        hand_out(BreachFilter::from_bytes(bytes)?, out);
        Ok(())
    })
}

/// Loads a saved filter from a file (UTF-8 path), as `authward_breach_filter_from_bytes()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_filter_load(
    path: *const c_char,
    out_filter: *mut *mut authward_breach_filter,
) -> authward_result {
    // SAFETY: the function's contract, passed on.
    unsafe { filter_from_path(path, out_filter, |p| BreachFilter::load(p)) }
}

/// Serializes the filter (header with magic, version, entry count; fingerprints; SHA-256 checksum).
/// On success `*out_bytes` receives a buffer of `*out_len` bytes to free with `authward_bytes_free()`
/// (never libc `free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_filter_to_bytes(
    filter: *const authward_breach_filter,
    out_bytes: *mut *mut u8,
    out_len: *mut usize,
) -> authward_result {
    call(|| {
        let (out, out_n) = (out_arg(out_bytes, "out_bytes")?, out_arg(out_len, "out_len")?);
        // SAFETY: NULL or a live handle (the function's contract).
        let filter = unsafe { handle(filter, "filter") }?;
        let bytes = filter.inner.to_bytes();
        let p = owned_bytes(&bytes)?;
        // SAFETY: both checked non-NULL, writable.
        unsafe {
            write_out(out, p);
            write_out(out_n, bytes.len());
        }
        Ok(())
    })
}

/// Sets `*out_listed` to whether the filter lists the password (`password_len` bytes of UTF-8; about 1
/// in 65536 unlisted passwords is a false positive).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_filter_contains(
    filter: *const authward_breach_filter,
    password: *const u8,
    password_len: usize,
    out_listed: *mut bool,
) -> authward_result {
    call(|| {
        let out = out_arg(out_listed, "out_listed")?;
        // SAFETY: NULL or valid (the function's contract).
        let (filter, password) =
            unsafe { (handle(filter, "filter")?, password_arg(password, password_len, "password")?) };
        let listed = filter.inner.contains(password);
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, listed) };
        Ok(())
    })
}

/// The number of distinct entries of the filter; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_breach_filter_len(filter: *const authward_breach_filter) -> u64 {
    // SAFETY: NULL or a live handle (the function's contract).
    unsafe { read(filter, |f| f.inner.len()) }
}

/// Frees a filter handle (a service it was attached to keeps its own reference). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_breach_filter_free(filter: *mut authward_breach_filter) {
    // SAFETY: NULL or a handle not freed yet (the function's contract).
    unsafe { free_handle(filter) }
}

/// The 5 upper-case hex digits of the password's SHA-1 to fetch from a range API
/// (`https://api.pwnedpasswords.com/range/<prefix>`). On success `*out_prefix` receives a string to
/// free with `authward_string_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_range_prefix(
    password: *const u8,
    password_len: usize,
    out_prefix: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_prefix, "out_prefix")?;
        // SAFETY: NULL or valid (the function's contract).
        let password = unsafe { password_arg(password, password_len, "password") }?;
        let prefix = owned_string(&breach::range_prefix(password))?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, prefix) };
        Ok(())
    })
}

/// The judgement of a range response (a plain struct).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct authward_range_verdict {
    /// Whether there was a response (false: the fetch failed; `count` is then 0).
    pub has_count: bool,
    /// How often the response lists the password (0: absent).
    pub count: u64,
    /// Whether to refuse the password (`AUTHWARD_VIOLATION_CODE_BREACHED`): listed at least the policy's
    /// `breach_min_count` times, or no response and the policy fails closed. Never with
    /// `reject_breached` off.
    pub breached: bool,
}

/// Judges the app's fetched range response for a password under `policy` (NULL: the default).
/// `response`: the body fetched for `authward_breach_range_prefix()` (`response_len` bytes of UTF-8,
/// lines `SUFFIX:COUNT`, LF or CRLF; counts of 0 are padding), or NULL (and 0) when the fetch failed.
/// A malformed response is `AUTHWARD_RESULT_INVALID_ARGUMENT`. On success `*out_verdict` is written.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_breach_judge_range(
    policy: *const authward_password_policy,
    password: *const u8,
    password_len: usize,
    response: *const u8,
    response_len: usize,
    out_verdict: *mut authward_range_verdict,
) -> authward_result {
    call(|| {
        let out = out_arg(out_verdict, "out_verdict")?;
        // SAFETY: every pointer is NULL or valid for its length (the function's contract).
        let (policy, password) =
            unsafe { (policy_arg(policy)?, password_arg(password, password_len, "password")?) };
        let response = if response.is_null() && response_len == 0 {
            None
        } else {
            // SAFETY: NULL or valid for `response_len` bytes (the function's contract).
            let bytes = unsafe { big_bytes_arg(response, response_len, "response") }?;
            Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| Error::InvalidArgument("response is not valid UTF-8".into()))?,
            )
        };
        let v = breach::judge_range(password, response, &policy)?;
        let verdict = authward_range_verdict {
            has_count: v.count.is_some(),
            count: v.count.unwrap_or(0),
            breached: v.breached,
        };
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, verdict) };
        Ok(())
    })
}
