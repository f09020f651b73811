//! `authward_result`, the static texts of the codes, the version, and this thread's last error.

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use crate::boundary::boundary;
use crate::memory::CText;
use crate::password::{authward_violation_list, violations_from};
use authward::error::{Error, ErrorCode};

/// The library's major version (semver); compare with `authward_version()` at run time.
pub const AUTHWARD_VERSION_MAJOR: u32 = 0;
/// The library's minor version.
pub const AUTHWARD_VERSION_MINOR: u32 = 1;
/// The library's patch version.
pub const AUTHWARD_VERSION_PATCH: u32 = 0;

/// The outcome of every fallible function. The numbers are stable and never renumbered; they are the
/// same codes as Python's exception classes and Node's `err.code`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum authward_result {
    /// Success.
    Ok = 0,
    /// An argument is NULL, malformed, out of range, too long or not UTF-8.
    InvalidArgument = 1,
    /// Sign-in failed: unknown user or wrong password (deliberately indistinguishable).
    InvalidCredentials = 2,
    /// The current password given to a change is wrong.
    WrongPassword = 3,
    /// The new password and its confirmation differ.
    PasswordMismatch = 4,
    /// The new password breaks the password policy (see `authward_last_error_violations()`).
    PolicyViolation = 5,
    /// The new password is the current one or a recent one.
    PasswordReused = 6,
    /// The one-time code (TOTP or recovery) is wrong.
    InvalidCode = 7,
    /// The one-time code was already used (replay).
    CodeReused = 8,
    /// Too many failures (see `authward_last_error_retry_after()`).
    LockedOut = 9,
    /// No such user.
    NotFound = 10,
    /// The user already exists.
    AlreadyExists = 11,
    /// The account enforces two-factor authentication.
    TwoFactorEnforced = 12,
    /// The operation does not fit the current state.
    InvalidState = 13,
    /// The sign-in challenge is unknown, used or expired.
    ChallengeExpired = 14,
    /// The store failed.
    Storage = 15,
    /// A cryptographic operation failed (e.g. a wrong store key).
    Crypto = 16,
    /// A bug in authward, e.g. a panic caught at the C boundary.
    Internal = 17,
}

impl From<ErrorCode> for authward_result {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::Ok => authward_result::Ok,
            ErrorCode::InvalidArgument => authward_result::InvalidArgument,
            ErrorCode::InvalidCredentials => authward_result::InvalidCredentials,
            ErrorCode::WrongPassword => authward_result::WrongPassword,
            ErrorCode::PasswordMismatch => authward_result::PasswordMismatch,
            ErrorCode::PolicyViolation => authward_result::PolicyViolation,
            ErrorCode::PasswordReused => authward_result::PasswordReused,
            ErrorCode::InvalidCode => authward_result::InvalidCode,
            ErrorCode::CodeReused => authward_result::CodeReused,
            ErrorCode::LockedOut => authward_result::LockedOut,
            ErrorCode::NotFound => authward_result::NotFound,
            ErrorCode::AlreadyExists => authward_result::AlreadyExists,
            ErrorCode::TwoFactorEnforced => authward_result::TwoFactorEnforced,
            ErrorCode::InvalidState => authward_result::InvalidState,
            ErrorCode::ChallengeExpired => authward_result::ChallengeExpired,
            ErrorCode::Storage => authward_result::Storage,
            ErrorCode::Crypto => authward_result::Crypto,
            ErrorCode::Internal => authward_result::Internal,
        }
    }
}

/// The detail of the last failed call on one thread.
struct LastError {
    code: authward_result,
    message: CText,
    violations: Box<authward_violation_list>,
    retry_after: u64,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Records `e` as this thread's last error (called by the boundary on every failure).
pub(crate) fn set_last_error(e: &Error) {
    let last = LastError {
        code: e.code().into(),
        message: CText::lossy(&e.to_string()),
        violations: Box::new(violations_from(e.violations())),
        retry_after: e.retry_after().unwrap_or(0),
    };
    // A failure while the thread is being torn down has nowhere to go; ignore it.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = Some(last);
        }
    });
}

fn with_last<T: Default>(f: impl FnOnce(&LastError) -> T) -> T {
    LAST_ERROR
        .try_with(|cell| cell.try_borrow().ok().and_then(|slot| slot.as_ref().map(f)))
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn static_text(s: &'static str) -> *const c_char {
    s.as_ptr().cast()
}

/// The library version, e.g. `"0.1.0"`: a static string, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn authward_version() -> *const c_char {
    static_text(concat!(env!("CARGO_PKG_VERSION"), "\0"))
}

/// A short, static English description of a result code (`"invalid argument"`), or `"unknown result
/// code"` for a number that is not an `authward_result`. Never freed (like `sqlite3_errstr`).
#[unsafe(no_mangle)]
pub extern "C" fn authward_result_str(code: u32) -> *const c_char {
    boundary(|| describe(code).map_or(static_text("unknown result code\0"), |(_, d)| d.as_ptr()))
}

/// The stable name of a result code (`"POLICY_VIOLATION"`), or `"UNKNOWN"`. Static, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn authward_result_name(code: u32) -> *const c_char {
    boundary(|| describe(code).map_or(static_text("UNKNOWN\0"), |(n, _)| n.as_ptr()))
}

/// The NUL-terminated (name, description) of a code, built once from the core's table.
fn describe(code: u32) -> Option<&'static (CString, CString)> {
    static TABLE: OnceLock<Vec<(CString, CString)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        ErrorCode::ALL
            .iter()
            .map(|c| {
                (
                    CString::new(c.as_str()).unwrap_or_default(),
                    CString::new(c.description()).unwrap_or_default(),
                )
            })
            .collect()
    });
    table.get(usize::try_from(code).ok()?)
}

/// The code of the last call that failed on this thread, or `AUTHWARD_RESULT_OK` if none has.
/// Successful calls leave the last error as it was.
#[unsafe(no_mangle)]
pub extern "C" fn authward_last_error_code() -> authward_result {
    boundary(|| with_last(|l| Some(l.code)).unwrap_or(authward_result::Ok))
}

/// The message of the last call that failed on this thread (`""` if none), in English, never containing
/// a secret. Owned by the library: valid until the next failing call on this thread; do not free.
#[unsafe(no_mangle)]
pub extern "C" fn authward_last_error_message() -> *const c_char {
    boundary(|| with_last(|l| Some(l.message.as_ptr())).unwrap_or(static_text("\0")))
}

/// With `AUTHWARD_RESULT_LOCKED_OUT`: the seconds to wait; otherwise 0.
#[unsafe(no_mangle)]
pub extern "C" fn authward_last_error_retry_after() -> u64 {
    boundary(|| with_last(|l| l.retry_after))
}

/// With `AUTHWARD_RESULT_POLICY_VIOLATION`: every violation of the password (read them with
/// `authward_violation_list_len/_code/_text`); otherwise an empty list. Never NULL. Owned by the
/// library: valid until the next failing call on this thread; do not free.
#[unsafe(no_mangle)]
pub extern "C" fn authward_last_error_violations() -> *const authward_violation_list {
    boundary(|| {
        let p = with_last(|l| Some(&*l.violations as *const authward_violation_list));
        p.unwrap_or(&EMPTY_VIOLATIONS as *const authward_violation_list)
    })
}

static EMPTY_VIOLATIONS: authward_violation_list = authward_violation_list::EMPTY;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn codes_match_the_core_and_versions_match_cargo() {
        for code in ErrorCode::ALL {
            let (name, description) = describe(code.as_u32()).unwrap();
            assert_eq!(name.to_str().unwrap(), code.as_str());
            assert_eq!(description.to_str().unwrap(), code.description());
            assert_eq!(authward_result::from(code) as u32, code.as_u32());
        }
        assert!(describe(18).is_none());
        assert_eq!(AUTHWARD_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(AUTHWARD_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(AUTHWARD_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
        // The C crate's version (SONAME, authward_version()) is the core's.
        assert_eq!(env!("CARGO_PKG_VERSION"), authward::VERSION);
    }

    fn text(p: *const c_char) -> String {
        // SAFETY: the library returns static or thread-owned NUL-terminated strings.
        unsafe { std::ffi::CStr::from_ptr(p) }.to_str().unwrap().to_string()
    }

    #[test]
    fn static_texts_are_nul_terminated() {
        assert_eq!(text(authward_version()), env!("CARGO_PKG_VERSION"));
        assert_eq!(text(authward_result_name(5)), "POLICY_VIOLATION");
        assert_eq!(text(authward_result_name(999)), "UNKNOWN");
        assert_eq!(text(authward_result_str(u32::MAX)), "unknown result code");
        assert_eq!(text(authward_result_str(0)), ErrorCode::Ok.description());
    }

    #[test]
    fn last_error_is_per_thread_and_replaced_by_the_next_failure() {
        // A fresh thread has no last error.
        std::thread::spawn(|| {
            assert_eq!(authward_last_error_code(), authward_result::Ok);
            assert_eq!(text(authward_last_error_message()), "");
            assert_eq!(authward_last_error_retry_after(), 0);
            // SAFETY: never NULL; lent.
            assert_eq!(
                unsafe { crate::password::authward_violation_list_len(authward_last_error_violations()) },
                0
            );
        })
        .join()
        .unwrap();
        set_last_error(&Error::LockedOut { retry_after: 42 });
        assert_eq!(authward_last_error_code(), authward_result::LockedOut);
        assert_eq!(authward_last_error_retry_after(), 42);
        let v =
            vec![authward::Violation { code: authward::ViolationCode::TooShort, message: "use more".into() }];
        set_last_error(&Error::PolicyViolation(v));
        assert_eq!(authward_last_error_code(), authward_result::PolicyViolation);
        assert_eq!(authward_last_error_retry_after(), 0);
        let list = authward_last_error_violations();
        // SAFETY: lent until the next failure on this thread, which happens after these reads.
        unsafe {
            assert_eq!(crate::password::authward_violation_list_len(list), 1);
            assert_eq!(text(crate::password::authward_violation_list_text(list, 0)), "use more");
        }
        // A message with a NUL is cut there, never lost.
        set_last_error(&Error::InvalidArgument("a\0b".into()));
        assert!(text(authward_last_error_message()).ends_with('a'));
        // Another thread's failures do not touch this one.
        std::thread::spawn(|| set_last_error(&Error::Internal("elsewhere".into()))).join().unwrap();
        assert_eq!(authward_last_error_code(), authward_result::InvalidArgument);
    }
}
