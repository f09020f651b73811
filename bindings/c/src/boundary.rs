//! The panic boundary and the conversion of C arguments.
//!
//! Every exported function runs its body inside `call` (functions returning `authward_result`) or
//! `boundary` (accessors returning a value): a panic is caught there and becomes
//! `AUTHWARD_RESULT_INTERNAL` (or the `Fallback` value of an accessor) instead of unwinding into C.
//! The helpers below turn C pointers into Rust values with every check the ABI promises: NULL, length
//! bound, UTF-8.

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::result::{authward_result, set_last_error};
use authward::error::{Error, Result};

/// Longest C string or byte buffer accepted by any function (64 KiB), checked before any work.
/// The core applies tighter bounds where it has them (a password is at most 4096 bytes).
pub const AUTHWARD_MAX_INPUT_BYTES: usize = 65_536;

/// The value an accessor returns when it catches a panic or gets a NULL handle.
pub(crate) trait Fallback {
    /// The neutral value: NULL, 0, false, `AUTHWARD_RESULT_INTERNAL`.
    fn fallback() -> Self;
}

impl Fallback for authward_result {
    fn fallback() -> Self {
        authward_result::Internal
    }
}

impl<T> Fallback for *const T {
    fn fallback() -> Self {
        std::ptr::null()
    }
}

impl Fallback for () {
    fn fallback() -> Self {}
}

macro_rules! zero_fallback {
    ($($t:ty),*) => { $(impl Fallback for $t { fn fallback() -> Self { <$t>::default() } })* };
}
zero_fallback!(bool, u32, u64, i64, usize);

/// Runs `f`, turning a panic into [`Fallback::fallback`] and recording an `INTERNAL` last error.
pub(crate) fn boundary<T: Fallback>(f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(_) => {
            // The payload is not formatted: it could quote an argument.
            set_last_error(&Error::Internal("a panic was caught at the C boundary".into()));
            T::fallback()
        }
    }
}

/// Runs a fallible body: `Ok` is `AUTHWARD_RESULT_OK`; an error is recorded as this thread's last error
/// and its code returned; a panic is `AUTHWARD_RESULT_INTERNAL`.
pub(crate) fn call(f: impl FnOnce() -> Result<()>) -> authward_result {
    boundary(|| match f() {
        Ok(()) => authward_result::Ok,
        Err(e) => {
            set_last_error(&e);
            authward_result::from(e.code())
        }
    })
}

fn null(name: &str) -> Error {
    Error::InvalidArgument(format!("{name} is NULL"))
}

fn too_long(name: &str) -> Error {
    Error::InvalidArgument(format!("{name} is longer than {AUTHWARD_MAX_INPUT_BYTES} bytes"))
}

/// Checks an out-parameter is not NULL (before any work is done).
pub(crate) fn out_arg<T>(out: *mut T, name: &str) -> Result<*mut T> {
    if out.is_null() { Err(null(name)) } else { Ok(out) }
}

/// Writes an out-parameter checked by [`out_arg`].
///
/// # Safety
/// `out` is non-NULL (checked by `out_arg`) and points to writable memory for a `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    // SAFETY: the caller promises `out` is valid for writes; `write` does not read or drop the old value
    // (which may be uninitialised memory on the C side).
    unsafe { out.write(value) }
}

/// Borrows a handle; NULL is `INVALID_ARGUMENT`.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` made by this library.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: the caller promises `p` is NULL or valid; NULL is rejected by `as_ref`.
    unsafe { p.as_ref() }.ok_or_else(|| null(name))
}

/// Borrows a NUL-terminated UTF-8 string, scanning at most [`AUTHWARD_MAX_INPUT_BYTES`] + 1 bytes.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string (or to at least `AUTHWARD_MAX_INPUT_BYTES + 1`
/// readable bytes).
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(null(name));
    }
    let mut len = 0;
    // SAFETY: bytes are read one at a time up to the NUL or the bound, both within the caller's promise.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
        if len > AUTHWARD_MAX_INPUT_BYTES {
            return Err(too_long(name));
        }
    }
    // SAFETY: `len` bytes before the NUL were just read, so they are readable and initialised.
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|_| Error::InvalidArgument(format!("{name} is not valid UTF-8")))
}

/// Like [`str_arg`], but NULL is `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded caller promise.
    unsafe { str_arg(p, name) }.map(Some)
}

/// Borrows `len` bytes at `p`; NULL is `INVALID_ARGUMENT`.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes.
pub(crate) unsafe fn bytes_arg<'a>(p: *const u8, len: usize, name: &str) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(null(name));
    }
    if len > AUTHWARD_MAX_INPUT_BYTES {
        return Err(too_long(name));
    }
    // SAFETY: non-NULL and, per the caller, valid for `len` bytes; `len` is bounded so it fits `isize`.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Optional bytes: NULL with length 0 is `None`; NULL with a length is `INVALID_ARGUMENT`.
///
/// # Safety
/// As [`bytes_arg`].
pub(crate) unsafe fn opt_bytes_arg<'a>(p: *const u8, len: usize, name: &str) -> Result<Option<&'a [u8]>> {
    if p.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded caller promise.
    unsafe { bytes_arg(p, len, name) }.map(Some)
}

/// A password given as pointer + length. It must be UTF-8 (any other byte sequence is
/// `INVALID_ARGUMENT`); NULL is always `INVALID_ARGUMENT`, so a missing argument is never mistaken for an
/// empty password.
///
/// # Safety
/// As [`bytes_arg`].
pub(crate) unsafe fn password_arg<'a>(p: *const u8, len: usize, name: &str) -> Result<&'a str> {
    // SAFETY: forwarded caller promise.
    let bytes = unsafe { bytes_arg(p, len, name) }?;
    std::str::from_utf8(bytes).map_err(|_| Error::InvalidArgument(format!("{name} is not valid UTF-8")))
}

/// Reads an optional plain struct argument, `T::default()` when NULL.
///
/// # Safety
/// `p` is NULL or points to a readable `T`.
pub(crate) unsafe fn opt_struct_arg<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: the caller promises `p` is NULL or valid; `as_ref` handles NULL.
    unsafe { p.as_ref() }.copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_call_is_internal_and_recorded() {
        let code = call(|| -> Result<()> { panic!("boom") });
        assert_eq!(code, authward_result::Internal);
        assert_eq!(crate::result::authward_last_error_code(), authward_result::Internal);
        let n: usize = boundary(|| panic!("boom"));
        assert_eq!(n, 0);
    }

    // The tests below are small enough for Miri (`cargo +nightly miri test --lib ffi::`), which checks
    // the pointer reads, the lifetimes of the borrowed slices and the out-parameter writes.

    #[test]
    fn a_panic_in_every_fallback_type_gives_the_neutral_value() {
        assert!(!boundary::<bool>(|| panic!("boom")));
        assert_eq!(boundary::<u32>(|| panic!("boom")), 0);
        assert_eq!(boundary::<u64>(|| panic!("boom")), 0);
        assert_eq!(boundary::<i64>(|| panic!("boom")), 0);
        assert!(boundary::<*const u8>(|| panic!("boom")).is_null());
        boundary::<()>(|| panic!("boom"));
        assert_eq!(boundary(|| 7_u32), 7);
        // An error (not a panic) keeps its own code.
        let code = call(|| Err(Error::InvalidArgument("bad".into())));
        assert_eq!(code, authward_result::InvalidArgument);
        assert_eq!(crate::result::authward_last_error_code(), authward_result::InvalidArgument);
    }

    #[test]
    fn str_arg_checks_null_utf8_and_the_bound() {
        let ok = b"caf\xc3\xa9\0";
        let bad = b"\xff\xfe\0";
        // SAFETY: NUL-terminated buffers, or NULL.
        unsafe {
            assert_eq!(str_arg(ok.as_ptr().cast(), "s").unwrap(), "caf\u{e9}");
            assert_eq!(str_arg(c"".as_ptr(), "s").unwrap(), "");
            assert_eq!(
                str_arg(std::ptr::null(), "s").unwrap_err().code(),
                authward::ErrorCode::InvalidArgument
            );
            assert_eq!(
                str_arg(bad.as_ptr().cast(), "s").unwrap_err().code(),
                authward::ErrorCode::InvalidArgument
            );
            assert_eq!(opt_str_arg(std::ptr::null(), "s").unwrap(), None);
            assert_eq!(opt_str_arg(ok.as_ptr().cast(), "s").unwrap(), Some("caf\u{e9}"));
        }
        // Exactly the bound is accepted; one more byte is refused without reading past bound + 1.
        let mut long = vec![b'a'; AUTHWARD_MAX_INPUT_BYTES + 1];
        long.push(0);
        // SAFETY: `long` is NUL-terminated.
        let err = unsafe { str_arg(long.as_ptr().cast(), "s") }.unwrap_err();
        assert!(err.to_string().contains("longer than"));
        long.truncate(AUTHWARD_MAX_INPUT_BYTES);
        long.push(0);
        // SAFETY: as above.
        assert_eq!(unsafe { str_arg(long.as_ptr().cast(), "s") }.unwrap().len(), AUTHWARD_MAX_INPUT_BYTES);
        // An unterminated buffer of bound + 1 bytes is enough: the scan stops at the bound.
        let unterminated = vec![b'a'; AUTHWARD_MAX_INPUT_BYTES + 1];
        // SAFETY: readable for AUTHWARD_MAX_INPUT_BYTES + 1 bytes, as the contract allows.
        assert!(unsafe { str_arg(unterminated.as_ptr().cast(), "s") }.is_err());
    }

    #[test]
    fn bytes_and_password_args() {
        let data = [1u8, 2, 3];
        // SAFETY: `data` is valid for 3 bytes; NULL cases are checked before any read.
        unsafe {
            assert_eq!(bytes_arg(data.as_ptr(), 3, "b").unwrap(), &[1, 2, 3]);
            assert_eq!(bytes_arg(data.as_ptr(), 0, "b").unwrap(), &[] as &[u8]);
            assert!(bytes_arg(std::ptr::null(), 0, "b").is_err());
            assert!(bytes_arg(data.as_ptr(), AUTHWARD_MAX_INPUT_BYTES + 1, "b").is_err());
            assert_eq!(opt_bytes_arg(std::ptr::null(), 0, "b").unwrap(), None);
            assert!(opt_bytes_arg(std::ptr::null(), 3, "b").is_err());
            assert_eq!(opt_bytes_arg(data.as_ptr(), 2, "b").unwrap(), Some(&[1u8, 2][..]));
            assert_eq!(password_arg(b"pw".as_ptr(), 2, "p").unwrap(), "pw");
            assert!(password_arg(b"\xc3".as_ptr(), 1, "p").is_err());
            // NULL is never an empty password.
            assert!(password_arg(std::ptr::null(), 0, "p").is_err());
        }
    }

    #[test]
    fn out_params_handles_and_structs() {
        assert!(out_arg(std::ptr::null_mut::<u64>(), "out").is_err());
        let mut slot = std::mem::MaybeUninit::<u64>::uninit();
        let out = out_arg(slot.as_mut_ptr(), "out").unwrap();
        // SAFETY: `out` points to writable (uninitialised) memory for a u64; `write` does not read it.
        unsafe { write_out(out, 42) };
        // SAFETY: initialised just above.
        assert_eq!(unsafe { slot.assume_init() }, 42);
        let value = 9_u32;
        // SAFETY: NULL or a live u32.
        unsafe {
            assert_eq!(*handle(&value as *const u32, "h").unwrap(), 9);
            assert!(handle(std::ptr::null::<u32>(), "h").is_err());
            assert_eq!(opt_struct_arg(&value as *const u32), Some(9));
            assert_eq!(opt_struct_arg(std::ptr::null::<u32>()), None);
        }
    }
}
