//! Memory handed to C: owned strings and byte buffers (`authward_string_free`, `authward_bytes_free`),
//! lists of strings (`authward_strings`), and the NUL-terminated text kept inside handles.
//!
//! An owned string or buffer is allocated with a small hidden header holding its size, so the free
//! functions need nothing but the pointer (a wrong length cannot be passed) and can wipe the whole
//! allocation: what the library hands out may be a secret (a TOTP secret, a recovery code).

use std::alloc::{Layout, alloc, dealloc};
use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use zeroize::{Zeroize, Zeroizing};

use crate::boundary::{Fallback, boundary, handle};
use authward::error::{Error, Result};

const HEADER: usize = std::mem::size_of::<usize>();

/// The static, NUL-terminated name of `number` in a table built once from the core's names (`names()[0]`
/// names 0 and every number out of range). Never freed. So the C name functions hold no copy of a
/// core table.
pub(crate) fn static_name(
    table: &'static OnceLock<Vec<CString>>,
    names: impl FnOnce() -> Vec<&'static str>,
    number: u32,
) -> *const c_char {
    let table =
        table.get_or_init(|| names().into_iter().map(|n| CString::new(n).unwrap_or_default()).collect());
    let index = usize::try_from(number).ok().filter(|&i| i < table.len()).unwrap_or(0);
    table.get(index).map_or(std::ptr::null(), |n| n.as_ptr())
}

fn layout(payload: usize) -> Result<Layout> {
    let size = payload.checked_add(HEADER).ok_or_else(|| Error::Internal("allocation too large".into()))?;
    Layout::from_size_align(size, std::mem::align_of::<usize>())
        .map_err(|_| Error::Internal("allocation too large".into()))
}

/// Copies `data` (plus a NUL when `nul` is set) into a fresh allocation with a size header.
fn alloc_owned(data: &[u8], nul: bool) -> Result<*mut u8> {
    let payload = data.len() + usize::from(nul);
    let layout = layout(payload)?;
    // SAFETY: the layout has a non-zero size (at least HEADER bytes).
    let base = unsafe { alloc(layout) };
    if base.is_null() {
        return Err(Error::Internal("out of memory".into()));
    }
    // SAFETY: `base` is a fresh allocation of HEADER + payload bytes aligned for usize: the header and the
    // payload are in bounds and do not overlap `data`.
    unsafe {
        base.cast::<usize>().write(payload);
        let body = base.add(HEADER);
        std::ptr::copy_nonoverlapping(data.as_ptr(), body, data.len());
        if nul {
            body.add(data.len()).write(0);
        }
        Ok(body)
    }
}

/// Wipes and frees an allocation made by [`alloc_owned`]; NULL is a no-op.
///
/// # Safety
/// `body` is NULL or came from `alloc_owned` and was not freed yet.
unsafe fn free_owned(body: *mut u8) {
    if body.is_null() {
        return;
    }
    // SAFETY: per the caller, the header sits HEADER bytes before `body`, inside the same allocation.
    unsafe {
        let base = body.sub(HEADER);
        let payload = base.cast::<usize>().read();
        std::slice::from_raw_parts_mut(body, payload).zeroize();
        if let Ok(layout) = layout(payload) {
            dealloc(base, layout);
        }
    }
}

/// A string for C, freed by `authward_string_free`. Fails (`INTERNAL`) on an interior NUL.
pub(crate) fn owned_string(s: &str) -> Result<*mut c_char> {
    if s.as_bytes().contains(&0) {
        return Err(Error::Internal("string with an interior NUL".into()));
    }
    alloc_owned(s.as_bytes(), true).map(|p| p.cast())
}

/// A byte buffer for C, freed by `authward_bytes_free`.
pub(crate) fn owned_bytes(b: &[u8]) -> Result<*mut u8> {
    alloc_owned(b, false)
}

/// Frees a string returned by this library (e.g. by `authward_hash_password`), wiping it first.
/// NULL is a no-op. Never pass such a string to libc `free()`, and never pass anything else here (not
/// the `const char *` that accessors and `authward_last_error_message()` lend).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_string_free(s: *mut c_char) {
    // SAFETY: the caller passes NULL or a string from `owned_string` that was not freed yet.
    boundary(|| unsafe { free_owned(s.cast()) })
}

/// Frees a byte buffer returned by this library (e.g. by `authward_qr_png`), wiping it first. The
/// length is not needed (the library remembers it). NULL is a no-op. Never pass it to libc `free()`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_bytes_free(bytes: *mut u8) {
    // SAFETY: the caller passes NULL or a buffer from `owned_bytes` that was not freed yet.
    boundary(|| unsafe { free_owned(bytes) })
}

/// NUL-terminated text kept inside a handle and lent to C as `const char *`; wiped when dropped.
#[derive(Clone)]
pub(crate) struct CText(Zeroizing<Vec<u8>>);

impl CText {
    /// The text with a NUL appended; an interior NUL is `INTERNAL`.
    pub(crate) fn new(s: &str) -> Result<CText> {
        if s.as_bytes().contains(&0) {
            return Err(Error::Internal("string with an interior NUL".into()));
        }
        Ok(CText::lossy(s))
    }

    /// The text up to its first NUL (for messages, which must never fail).
    pub(crate) fn lossy(s: &str) -> CText {
        let end = s.find('\0').unwrap_or(s.len());
        let mut v = Zeroizing::new(Vec::with_capacity(end + 1));
        v.extend_from_slice(&s.as_bytes()[..end]);
        v.push(0);
        CText(v)
    }

    /// The borrowed C string, valid while `self` lives.
    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

/// A list of strings (recovery codes, user ids). Read it with `authward_strings_len` and
/// `authward_strings_get`; free it once with `authward_strings_free`, which wipes every string.
/// Immutable: may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct authward_strings {
    items: Vec<CText>,
}

impl authward_strings {
    /// A list of copies of `items`.
    pub(crate) fn new<S: AsRef<str>>(items: &[S]) -> Result<authward_strings> {
        Ok(authward_strings { items: items.iter().map(|s| CText::new(s.as_ref())).collect::<Result<_>>()? })
    }
}

/// Reads a handle's field with the panic boundary; NULL gives the fallback. Shared by the accessors,
/// which do not touch the last error.
///
/// # Safety
/// `p` is NULL or a live handle of type `H`.
pub(crate) unsafe fn read<T: Fallback, H>(p: *const H, f: impl FnOnce(&H) -> T) -> T {
    // SAFETY: forwarded caller promise.
    boundary(|| unsafe { handle(p, "handle") }.map(f).unwrap_or_else(|_| T::fallback()))
}

/// The number of strings; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_strings_len(list: *const authward_strings) -> usize {
    // SAFETY: `list` is NULL or a live list (the function's contract).
    unsafe { read(list, |l| l.items.len()) }
}

/// The string at `index` (borrowed: valid until the list is freed; do not free it), or NULL when `list`
/// is NULL or `index` is out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_strings_get(list: *const authward_strings, index: usize) -> *const c_char {
    // SAFETY: `list` is NULL or a live list (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(std::ptr::null(), CText::as_ptr)) }
}

/// Frees a list and wipes its strings. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_strings_free(list: *mut authward_strings) {
    // SAFETY: `list` is NULL or a live list not freed yet (the function's contract).
    unsafe { free_handle(list) }
}

/// Drops a boxed handle handed out by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or a pointer from `into_handle` that was not freed yet.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    boundary(|| {
        if !p.is_null() {
            // SAFETY: per the caller, `p` came from `Box::into_raw` and is freed only here, once.
            drop(unsafe { Box::from_raw(p) });
        }
    })
}

/// Boxes a handle for C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    // Small enough for Miri (`cargo +nightly miri test --lib ffi::`): it checks the header arithmetic,
    // the alignment, the wipe-then-free and that nothing leaks or is freed twice.

    #[test]
    fn owned_strings_round_trip_and_free() {
        for text in ["", "a", "caf\u{e9} \u{1f511}", &"x".repeat(1000)] {
            let p = owned_string(text).unwrap();
            // SAFETY: a NUL-terminated string from `owned_string`, freed once below.
            unsafe {
                assert_eq!(CStr::from_ptr(p).to_str().unwrap(), text);
                authward_string_free(p);
            }
        }
        assert!(owned_string("a\0b").is_err());
        // SAFETY: NULL is a no-op.
        unsafe {
            authward_string_free(std::ptr::null_mut());
            authward_bytes_free(std::ptr::null_mut());
        }
    }

    #[test]
    fn owned_bytes_round_trip_and_free() {
        for data in [&[][..], &[0u8][..], &[1, 2, 3, 0, 5][..], &[0xff; 333][..]] {
            let p = owned_bytes(data).unwrap();
            // SAFETY: `p` holds `data.len()` bytes from `owned_bytes`, freed once below.
            unsafe {
                assert_eq!(std::slice::from_raw_parts(p, data.len()), data);
                authward_bytes_free(p);
            }
        }
    }

    #[test]
    fn ctext_is_nul_terminated_and_cut_at_a_nul_when_lossy() {
        let t = CText::new("hello").unwrap();
        // SAFETY: `t` lives for the borrow.
        assert_eq!(unsafe { CStr::from_ptr(t.as_ptr()) }.to_str().unwrap(), "hello");
        assert!(CText::new("a\0b").is_err());
        let l = CText::lossy("ab\0cd");
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(l.as_ptr()) }.to_str().unwrap(), "ab");
        let copy = t.clone();
        drop(t);
        // SAFETY: the clone owns its own buffer.
        assert_eq!(unsafe { CStr::from_ptr(copy.as_ptr()) }.to_str().unwrap(), "hello");
    }

    #[test]
    fn string_lists() {
        let list = into_handle(authward_strings::new(&["one", "two"]).unwrap());
        // SAFETY: a live list, freed once; accessors lend strings while it lives.
        unsafe {
            assert_eq!(authward_strings_len(list), 2);
            assert_eq!(CStr::from_ptr(authward_strings_get(list, 1)).to_str().unwrap(), "two");
            assert!(authward_strings_get(list, 2).is_null());
            assert!(authward_strings_get(list, usize::MAX).is_null());
            authward_strings_free(list);
            assert_eq!(authward_strings_len(std::ptr::null()), 0);
            assert!(authward_strings_get(std::ptr::null(), 0).is_null());
            authward_strings_free(std::ptr::null_mut());
        }
        assert!(authward_strings::new(&["ok", "n\0ul"]).is_err());
    }
}
