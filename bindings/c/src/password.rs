//! Passwords: Argon2id hashing (`authward_hash_password`, `authward_verify_password`,
//! `authward_needs_rehash`) and the password policy (`authward_password_policy_check`, rules), whose
//! violations and rules share one list type (`authward_violation_list`).

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use crate::boundary::{
    Fallback, boundary, call, opt_bytes_arg, opt_struct_arg, out_arg, password_arg, str_arg, write_out,
};
use crate::breach::authward_breach_filter;
use crate::memory::{CText, free_handle, into_handle, owned_string, read, static_name};
use crate::result::authward_result;
use authward::HashParams;
use authward::error::Result;
use authward::password::hash;
use authward::password::policy::{PasswordPolicy, Rule, Violation, ViolationCode};

/// Argon2 cost parameters (a plain struct; copy it freely). Get the defaults (OWASP: m=19456 KiB, t=2,
/// p=1) from `authward_hash_params_default()`; functions taking `const authward_hash_params *` use the
/// defaults when it is NULL.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_hash_params {
    /// Memory in KiB (`m`), at least 8 × parallelism, at most 4 GiB.
    pub memory_kib: u32,
    /// Passes over memory (`t`), 1–1024.
    pub iterations: u32,
    /// Lanes (`p`), 1–64.
    pub parallelism: u32,
}

impl From<authward_hash_params> for HashParams {
    fn from(p: authward_hash_params) -> Self {
        HashParams { memory_kib: p.memory_kib, iterations: p.iterations, parallelism: p.parallelism }
    }
}

impl From<HashParams> for authward_hash_params {
    fn from(p: HashParams) -> Self {
        authward_hash_params {
            memory_kib: p.memory_kib,
            iterations: p.iterations,
            parallelism: p.parallelism,
        }
    }
}

/// Reads optional hash params (NULL: the defaults).
///
/// # Safety
/// `p` is NULL or points to a readable `authward_hash_params`.
pub(crate) unsafe fn hash_params_arg(p: *const authward_hash_params) -> HashParams {
    // SAFETY: forwarded caller promise.
    unsafe { opt_struct_arg(p) }.map_or(HashParams::DEFAULT, HashParams::from)
}

/// The default hash parameters (m=19456 KiB, t=2, p=1).
#[unsafe(no_mangle)]
pub extern "C" fn authward_hash_params_default() -> authward_hash_params {
    HashParams::DEFAULT.into()
}

/// `AUTHWARD_RESULT_OK` if the parameters are within bounds, else `AUTHWARD_RESULT_INVALID_ARGUMENT`
/// (NULL is invalid here).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_hash_params_validate(
    params: *const authward_hash_params,
) -> authward_result {
    call(|| {
        // SAFETY: `params` is NULL or readable (the function's contract).
        let params = unsafe { opt_struct_arg(params) };
        let params = params.ok_or_else(|| authward::Error::InvalidArgument("params is NULL".into()))?;
        HashParams::from(params).validate()
    })
}

/// Hashes a password with Argon2id and a fresh random salt into a PHC string
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) that other Argon2 libraries verify.
///
/// `password`: `password_len` bytes of UTF-8 (not NUL-terminated; at most 4096 bytes; empty is
/// invalid). `params`: NULL for the defaults. `pepper`: an optional server secret (`pepper_len` ≤ 64
/// bytes; NULL and 0 for none). On success `*out_phc` receives a string to free with
/// `authward_string_free()`. Thread-safe. Slow by design (tens of milliseconds at the defaults).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_hash_password(
    password: *const u8,
    password_len: usize,
    params: *const authward_hash_params,
    pepper: *const u8,
    pepper_len: usize,
    out_phc: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_phc, "out_phc")?;
        // SAFETY: every pointer is NULL or valid for its length (the function's contract).
        let (password, params, pepper) = unsafe {
            (
                password_arg(password, password_len, "password")?,
                hash_params_arg(params),
                opt_bytes_arg(pepper, pepper_len, "pepper")?,
            )
        };
        let phc = hash::hash(password, &params, pepper)?;
        // SAFETY: `out` was checked non-NULL and is writable (the function's contract).
        unsafe { write_out(out, owned_string(&phc)?) };
        Ok(())
    })
}

/// Checks a password against a PHC string (argon2id/argon2i/argon2d, from authward or any Argon2
/// library). A wrong password is not an error: `*out_matches` is set to false. A malformed PHC string is
/// `AUTHWARD_RESULT_INVALID_ARGUMENT`. `pepper` as in `authward_hash_password`. Thread-safe.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_verify_password(
    password: *const u8,
    password_len: usize,
    phc: *const c_char,
    pepper: *const u8,
    pepper_len: usize,
    out_matches: *mut bool,
) -> authward_result {
    call(|| {
        let out = out_arg(out_matches, "out_matches")?;
        // SAFETY: every pointer is NULL or valid (the function's contract).
        let (password, phc, pepper) = unsafe {
            (
                password_arg(password, password_len, "password")?,
                str_arg(phc, "phc")?,
                opt_bytes_arg(pepper, pepper_len, "pepper")?,
            )
        };
        let matches = hash::verify(password, phc, pepper)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, matches) };
        Ok(())
    })
}

/// Sets `*out_needs_rehash` to whether a PHC string should be replaced by a new hash at `params` (NULL:
/// the defaults): another algorithm, version or parameters, or a short salt or output.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_needs_rehash(
    phc: *const c_char,
    params: *const authward_hash_params,
    out_needs_rehash: *mut bool,
) -> authward_result {
    call(|| {
        let out = out_arg(out_needs_rehash, "out_needs_rehash")?;
        // SAFETY: every pointer is NULL or valid (the function's contract).
        let (phc, params) = unsafe { (str_arg(phc, "phc")?, hash_params_arg(params)) };
        let needs = hash::needs_rehash(phc, &params)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, needs) };
        Ok(())
    })
}

/// Why a password breaks the policy. `AUTHWARD_VIOLATION_CODE_NONE` (0) is only returned by accessors
/// given a NULL list or an index out of range. The numbers follow the core's `ViolationCode::ALL` (code n
/// is its entry n - 1).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum authward_violation_code {
    /// Not a violation (bad list or index).
    None = 0,
    /// Fewer than `min_length` characters.
    TooShort = 1,
    /// More than `max_length` characters.
    TooLong = 2,
    /// No lower-case letter while one is required.
    MissingLowercase = 3,
    /// No upper-case letter while one is required.
    MissingUppercase = 4,
    /// No digit while one is required.
    MissingDigit = 5,
    /// No symbol while one is required.
    MissingSymbol = 6,
    /// Too easy to guess (zxcvbn score below `min_strength`).
    TooWeak = 7,
    /// Contains the user's name, email or another user input.
    ContainsUserInput = 8,
    /// The user changed their password less than `min_age_days` ago (from a password change only).
    TooRecent = 9,
    /// The password is in the attached breached-password filter (`authward_breach_filter`), or a range
    /// response was judged breached (`authward_breach_judge_range()`).
    Breached = 10,
}

impl Fallback for authward_violation_code {
    fn fallback() -> Self {
        authward_violation_code::None
    }
}

impl From<ViolationCode> for authward_violation_code {
    fn from(c: ViolationCode) -> Self {
        match c {
            ViolationCode::TooShort => authward_violation_code::TooShort,
            ViolationCode::TooLong => authward_violation_code::TooLong,
            ViolationCode::MissingLowercase => authward_violation_code::MissingLowercase,
            ViolationCode::MissingUppercase => authward_violation_code::MissingUppercase,
            ViolationCode::MissingDigit => authward_violation_code::MissingDigit,
            ViolationCode::MissingSymbol => authward_violation_code::MissingSymbol,
            ViolationCode::TooWeak => authward_violation_code::TooWeak,
            ViolationCode::ContainsUserInput => authward_violation_code::ContainsUserInput,
            ViolationCode::TooRecent => authward_violation_code::TooRecent,
            ViolationCode::Breached => authward_violation_code::Breached,
        }
    }
}

/// The stable name of a violation code (`"TOO_SHORT"`), or `"NONE"` for 0 and unknown numbers.
/// Static, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn authward_violation_code_name(code: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    let names = || std::iter::once("NONE").chain(ViolationCode::ALL.iter().map(|c| c.as_str())).collect();
    boundary(|| static_name(&NAMES, names, code))
}

/// A list of password-policy items, each a violation code and an English text. It holds either the
/// violations of a password (from `authward_password_policy_check()`, owned, or
/// `authward_last_error_violations()`, lent: never free it; the text is the message for the user, never
/// containing the password) or the active rules of a policy (from `authward_password_policy_rules()`,
/// owned; the code is the violation the rule produces when broken, the text its description). Free an
/// owned list with `authward_violation_list_free()`. Immutable; readable from several threads.
#[allow(non_camel_case_types)]
pub struct authward_violation_list {
    items: Vec<(authward_violation_code, CText)>,
}

impl authward_violation_list {
    pub(crate) const EMPTY: authward_violation_list = authward_violation_list { items: Vec::new() };
}

/// The list for `violations` (messages never contain the password).
pub(crate) fn violations_from(violations: &[Violation]) -> authward_violation_list {
    authward_violation_list {
        items: violations.iter().map(|v| (v.code.into(), CText::lossy(&v.message))).collect(),
    }
}

/// The number of items (for violations, 0: the password passes); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_violation_list_len(list: *const authward_violation_list) -> usize {
    // SAFETY: `list` is NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.len()) }
}

/// The violation code of item `index`, or `AUTHWARD_VIOLATION_CODE_NONE` for NULL or an index out of
/// range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_violation_list_code(
    list: *const authward_violation_list,
    index: usize,
) -> authward_violation_code {
    // SAFETY: `list` is NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(authward_violation_code::None, |v| v.0)) }
}

/// The text of item `index`: a violation's message or a rule's description ("At least 12 characters").
/// Lent: valid while the list lives. NULL for NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_violation_list_text(
    list: *const authward_violation_list,
    index: usize,
) -> *const c_char {
    // SAFETY: `list` is NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(std::ptr::null(), |v| v.1.as_ptr())) }
}

/// Frees a list from `authward_password_policy_check()` or `authward_password_policy_rules()`. NULL is a
/// no-op. Never pass the list of `authward_last_error_violations()`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_violation_list_free(list: *mut authward_violation_list) {
    // SAFETY: NULL or an owned list not freed yet (the function's contract).
    unsafe { free_handle(list) }
}

/// The rules a new password must meet (a plain struct; copy it freely). Start from
/// `authward_password_policy_default()`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_password_policy {
    /// Fewest characters (Unicode code points after NFKC), ≥ 1. Default 12.
    pub min_length: u32,
    /// Most characters, ≤ 1024. Default 128.
    pub max_length: u32,
    /// Require a lower-case letter. Default false.
    pub require_lowercase: bool,
    /// Require an upper-case letter. Default false.
    pub require_uppercase: bool,
    /// Require a digit. Default false.
    pub require_digit: bool,
    /// Require a symbol. Default false.
    pub require_symbol: bool,
    /// Lowest zxcvbn strength score accepted, 0–4. Default 3.
    pub min_strength: u8,
    /// Refuse passwords containing the user's inputs. Default true.
    pub forbid_user_inputs: bool,
    /// Previous passwords that may not be reused, 0–24. Default 5.
    pub history: u32,
    /// Minimum password age in days, 0–365: a user changes their own password at most once in this
    /// many days (while `history` is on; not when a change is required; admin resets exempt). Default 1.
    pub min_age_days: u32,
    /// Refuse breached passwords (`AUTHWARD_VIOLATION_CODE_BREACHED`) and require a change at sign-in
    /// when the current one is breached. Default true; acts only where a breach filter is attached
    /// (`authward_options.breached_passwords`) or a range response is judged.
    pub reject_breached: bool,
    /// For range APIs: how often a password must be listed to count as breached, 1–1,000,000,000.
    /// Default 1.
    pub breach_min_count: u32,
    /// For range APIs: whether a failed fetch (no response) refuses the password. Default false.
    pub breach_fail_closed: bool,
}

impl From<authward_password_policy> for PasswordPolicy {
    fn from(p: authward_password_policy) -> Self {
        PasswordPolicy {
            min_length: p.min_length,
            max_length: p.max_length,
            require_lowercase: p.require_lowercase,
            require_uppercase: p.require_uppercase,
            require_digit: p.require_digit,
            require_symbol: p.require_symbol,
            min_strength: p.min_strength,
            forbid_user_inputs: p.forbid_user_inputs,
            history: p.history,
            min_age_days: p.min_age_days,
            reject_breached: p.reject_breached,
            breach_min_count: p.breach_min_count,
            breach_fail_closed: p.breach_fail_closed,
        }
    }
}

impl From<&PasswordPolicy> for authward_password_policy {
    fn from(p: &PasswordPolicy) -> Self {
        authward_password_policy {
            min_length: p.min_length,
            max_length: p.max_length,
            require_lowercase: p.require_lowercase,
            require_uppercase: p.require_uppercase,
            require_digit: p.require_digit,
            require_symbol: p.require_symbol,
            min_strength: p.min_strength,
            forbid_user_inputs: p.forbid_user_inputs,
            history: p.history,
            min_age_days: p.min_age_days,
            reject_breached: p.reject_breached,
            breach_min_count: p.breach_min_count,
            breach_fail_closed: p.breach_fail_closed,
        }
    }
}

/// The default password policy (12–128 characters, strength ≥ 3, no user inputs, history 5, minimum
/// age 1 day).
#[unsafe(no_mangle)]
pub extern "C" fn authward_password_policy_default() -> authward_password_policy {
    (&PasswordPolicy::default()).into()
}

/// Reads an optional policy (NULL: the default) and validates it.
///
/// # Safety
/// `p` is NULL or readable.
pub(crate) unsafe fn policy_arg(p: *const authward_password_policy) -> Result<PasswordPolicy> {
    // SAFETY: forwarded caller promise.
    let policy = unsafe { opt_struct_arg(p) }.map_or_else(PasswordPolicy::default, PasswordPolicy::from);
    policy.validate()?;
    Ok(policy)
}

/// `AUTHWARD_RESULT_OK` if the policy's values are consistent, else `AUTHWARD_RESULT_INVALID_ARGUMENT`
/// with a message naming the field. NULL means the default policy.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_password_policy_validate(
    policy: *const authward_password_policy,
) -> authward_result {
    // SAFETY: `policy` is NULL or readable (the function's contract).
    call(|| unsafe { policy_arg(policy) }.map(drop))
}

/// Checks a candidate password against `policy` (NULL: the default) and reports every violation at
/// once. `user_inputs`: `user_inputs_len` NUL-terminated UTF-8 strings (username, email, …; NULL if
/// `user_inputs_len` is 0). On success `*out_violations` receives a list (empty when the password
/// passes) to free with `authward_violation_list_free()`. Thread-safe.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_password_policy_check(
    policy: *const authward_password_policy,
    password: *const u8,
    password_len: usize,
    user_inputs: *const *const c_char,
    user_inputs_len: usize,
    out_violations: *mut *mut authward_violation_list,
) -> authward_result {
    // SAFETY: forwarded (the function's contract); a NULL filter checks no list.
    unsafe {
        authward_password_policy_check_with_filter(
            policy,
            std::ptr::null(),
            password,
            password_len,
            user_inputs,
            user_inputs_len,
            out_violations,
        )
    }
}

/// `authward_password_policy_check()` that also reports `AUTHWARD_VIOLATION_CODE_BREACHED` (last) when
/// `filter` (NULL: none) lists the password and the policy's `reject_breached` is on.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_password_policy_check_with_filter(
    policy: *const authward_password_policy,
    filter: *const authward_breach_filter,
    password: *const u8,
    password_len: usize,
    user_inputs: *const *const c_char,
    user_inputs_len: usize,
    out_violations: *mut *mut authward_violation_list,
) -> authward_result {
    call(|| {
        let out = out_arg(out_violations, "out_violations")?;
        // SAFETY: every pointer is NULL or valid for its length (the function's contract).
        let (policy, filter, password, inputs) = unsafe {
            (
                policy_arg(policy)?,
                filter.as_ref(),
                password_arg(password, password_len, "password")?,
                str_array_arg(user_inputs, user_inputs_len, "user_inputs")?,
            )
        };
        let violations = policy.check_with_filter(password, &inputs, filter.map(|f| f.inner.as_ref()));
        let list = violations_from(&violations);
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, into_handle(list)) };
        Ok(())
    })
}

/// Most strings accepted in one array argument.
const MAX_ARRAY_LEN: usize = 64;

/// Borrows an array of `len` C strings (NULL allowed when `len` is 0).
///
/// # Safety
/// `p` is NULL or points to `len` pointers, each NULL or a NUL-terminated string.
unsafe fn str_array_arg<'a>(p: *const *const c_char, len: usize, name: &str) -> Result<Vec<&'a str>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(authward::Error::InvalidArgument(format!("{name} is NULL")));
    }
    if len > MAX_ARRAY_LEN {
        return Err(authward::Error::InvalidArgument(format!("{name} has more than {MAX_ARRAY_LEN} items")));
    }
    // SAFETY: `p` is non-NULL and valid for `len` pointers; each is checked by `str_arg`.
    (0..len).map(|i| unsafe { str_arg(*p.add(i), name) }).collect()
}

/// Lists the active rules of `policy` (NULL: the default) in the order checks report them, for a UI
/// checklist: each item is the violation code the rule produces when broken and its description. On
/// success `*out_rules` receives a list to free with `authward_violation_list_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_password_policy_rules(
    policy: *const authward_password_policy,
    out_rules: *mut *mut authward_violation_list,
) -> authward_result {
    // SAFETY: forwarded (the function's contract).
    unsafe { authward_password_policy_rules_with_breach_check(policy, false, out_rules) }
}

/// `authward_password_policy_rules()`; with `breach_check` (the app attached a breach filter or judges
/// range responses) and `reject_breached` on, `AUTHWARD_VIOLATION_CODE_BREACHED` is listed too.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_password_policy_rules_with_breach_check(
    policy: *const authward_password_policy,
    breach_check: bool,
    out_rules: *mut *mut authward_violation_list,
) -> authward_result {
    call(|| {
        let out = out_arg(out_rules, "out_rules")?;
        // SAFETY: NULL or readable (the function's contract).
        let policy = unsafe { policy_arg(policy) }?;
        let items = policy
            .rules_with_breach_check(breach_check)
            .iter()
            .map(|Rule { code, description }| Ok(((*code).into(), CText::new(description)?)))
            .collect::<Result<_>>()?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, into_handle(authward_violation_list { items })) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    // Small enough for Miri (no Argon2 run, no zxcvbn): NULL checks, out-parameters written only on
    // success, the violation and rule lists.

    fn text(p: *const c_char) -> String {
        // SAFETY: a NUL-terminated string lent by the library.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
    }

    const PHC: &[u8] =
        b"$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$2GNQD1oD/eZK8E1mQQm4yA0IlTBLcxwRLy3ubSydsE4\0";

    #[test]
    fn needs_rehash_and_its_failures() {
        let mut out = false;
        let params = authward_hash_params { memory_kib: 1024, iterations: 1, parallelism: 1 };
        // SAFETY: NUL-terminated strings, readable params, writable out-parameters (or NULL on purpose).
        unsafe {
            assert_eq!(authward_needs_rehash(PHC.as_ptr().cast(), &params, &mut out), authward_result::Ok);
            assert!(!out);
            assert_eq!(
                authward_needs_rehash(PHC.as_ptr().cast(), std::ptr::null(), &mut out),
                authward_result::Ok
            );
            assert!(out, "the defaults differ from m=1024,t=1");
            let mut untouched = true;
            let bad = b"$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g\0";
            assert_eq!(
                authward_needs_rehash(bad.as_ptr().cast(), &params, &mut untouched),
                authward_result::InvalidArgument
            );
            let mut untouched2 = false;
            assert_eq!(
                authward_needs_rehash(std::ptr::null(), &params, &mut untouched2),
                authward_result::InvalidArgument
            );
            assert!(untouched && !untouched2, "out-parameters are written only on success");
            assert_eq!(
                authward_needs_rehash(PHC.as_ptr().cast(), &params, std::ptr::null_mut()),
                authward_result::InvalidArgument
            );
            // A password check that fails before any Argon2 work (malformed PHC) leaves the output alone.
            let mut matches = true;
            let rc = authward_verify_password(
                b"pw".as_ptr(),
                2,
                bad.as_ptr().cast(),
                std::ptr::null(),
                0,
                &mut matches,
            );
            assert_eq!(rc, authward_result::InvalidArgument);
            assert!(matches);
            let rc = authward_verify_password(
                std::ptr::null(),
                0,
                PHC.as_ptr().cast(),
                std::ptr::null(),
                0,
                &mut matches,
            );
            assert_eq!(rc, authward_result::InvalidArgument);
            let mut phc = std::ptr::null_mut();
            let rc = authward_hash_password(
                b"pw".as_ptr(),
                2,
                &authward_hash_params { memory_kib: 1, ..params },
                std::ptr::null(),
                0,
                &mut phc,
            );
            assert_eq!(rc, authward_result::InvalidArgument);
            assert!(phc.is_null());
            assert_eq!(authward_hash_params_validate(&params), authward_result::Ok);
            assert_eq!(authward_hash_params_validate(std::ptr::null()), authward_result::InvalidArgument);
        }
        let d = authward_hash_params_default();
        assert_eq!((d.memory_kib, d.iterations, d.parallelism), (19_456, 2, 1));
    }

    #[test]
    fn policy_check_lists_violations_and_rules() {
        let policy = authward_password_policy {
            min_length: 8,
            min_strength: 0,
            require_digit: true,
            ..authward_password_policy_default()
        };
        let inputs = [c"alice".as_ptr(), c"alice@example.com".as_ptr()];
        let mut list = std::ptr::null_mut();
        // SAFETY: readable policy and inputs, `password` valid for its length, writable out-parameter;
        // the list is freed once.
        unsafe {
            let pw = "alice";
            let rc =
                authward_password_policy_check(&policy, pw.as_ptr(), pw.len(), inputs.as_ptr(), 2, &mut list);
            assert_eq!(rc, authward_result::Ok);
            assert_eq!(authward_violation_list_len(list), 3);
            let codes: Vec<_> = (0..3).map(|i| authward_violation_list_code(list, i)).collect();
            assert_eq!(
                codes,
                [
                    authward_violation_code::TooShort,
                    authward_violation_code::MissingDigit,
                    authward_violation_code::ContainsUserInput
                ]
            );
            assert!(!text(authward_violation_list_text(list, 0)).contains(pw));
            assert_eq!(authward_violation_list_code(list, 3), authward_violation_code::None);
            assert!(authward_violation_list_text(list, 3).is_null());
            authward_violation_list_free(list);
            assert_eq!(authward_violation_list_len(std::ptr::null()), 0);
            authward_violation_list_free(std::ptr::null_mut());

            // Failures: NULL inputs with a length, invalid UTF-8, a bad policy; the output stays untouched.
            let mut untouched = std::ptr::null_mut();
            let rc = authward_password_policy_check(
                &policy,
                b"x".as_ptr(),
                1,
                std::ptr::null(),
                1,
                &mut untouched,
            );
            assert_eq!(rc, authward_result::InvalidArgument);
            let rc = authward_password_policy_check(
                &policy,
                b"\xff".as_ptr(),
                1,
                std::ptr::null(),
                0,
                &mut untouched,
            );
            assert_eq!(rc, authward_result::InvalidArgument);
            let bad = authward_password_policy { min_length: 0, ..policy };
            let rc =
                authward_password_policy_check(&bad, b"x".as_ptr(), 1, std::ptr::null(), 0, &mut untouched);
            assert_eq!(rc, authward_result::InvalidArgument);
            assert!(untouched.is_null());
            assert_eq!(authward_password_policy_validate(&bad), authward_result::InvalidArgument);
            assert_eq!(authward_password_policy_validate(std::ptr::null()), authward_result::Ok);

            let mut rules = std::ptr::null_mut();
            assert_eq!(authward_password_policy_rules(&policy, &mut rules), authward_result::Ok);
            assert_eq!(authward_violation_list_len(rules), 5);
            assert_eq!(authward_violation_list_code(rules, 2), authward_violation_code::MissingDigit);
            assert_eq!(authward_violation_list_code(rules, 4), authward_violation_code::TooRecent);
            assert_eq!(text(authward_violation_list_text(rules, 0)), "At least 8 characters");
            assert!(authward_violation_list_text(rules, 5).is_null());
            authward_violation_list_free(rules);
            authward_violation_list_free(std::ptr::null_mut());
        }
        assert_eq!(text(authward_violation_code_name(8)), "CONTAINS_USER_INPUT");
        assert_eq!(text(authward_violation_code_name(0)), "NONE");
    }
}
