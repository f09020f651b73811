//! The service (`authward_service`): users, passwords, sign-in, TOTP enrolment and the admin flows of a
//! Security settings page, over an embedded SQLite store or memory.

use std::ffi::c_char;
use std::sync::Arc;

use crate::account::{account_policy_arg, authward_account_policy, authward_clock};
use crate::boundary::{
    bytes_arg, call, handle, opt_bytes_arg, opt_str_arg, opt_struct_arg, out_arg, password_arg, str_arg,
    write_out,
};
use crate::breach::authward_breach_filter;
use crate::memory::{authward_strings, free_handle, into_handle, read};
use crate::outcome::{
    authward_enrollment, authward_event_list, authward_security_status, authward_sign_in_result,
};
use crate::password::{authward_hash_params, hash_params_arg};
use crate::result::authward_result;
use authward::error::Result;
use authward::{Authward, AuthwardOptions};

/// How to build a service (a plain struct of borrowed pointers; every field may be NULL/0). Start from
/// `authward_options_default()`; passing NULL options means all defaults.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_options {
    /// A clock from `authward_clock_new()` (the service keeps its own reference), or NULL for the system
    /// clock.
    pub clock: *const authward_clock,
    /// Argon2 parameters for new hashes, or NULL for the defaults (m=19456 KiB, t=2, p=1).
    pub hash_params: *const authward_hash_params,
    /// An optional pepper (1–64 bytes, copied), kept outside the database; NULL and 0 for none.
    pub pepper: *const u8,
    /// Length of `pepper`.
    pub pepper_len: usize,
    /// A breached-password filter (`authward_breach_filter_*`; the service keeps its own reference, so
    /// the caller may free its handle at once), or NULL for none. While attached and the account's
    /// `reject_breached` is on, listed passwords are `AUTHWARD_VIOLATION_CODE_BREACHED` at creation,
    /// change and admin reset, and a listed current password makes a sign-in `ACTION_REQUIRED` with
    /// `CHANGE_PASSWORD`.
    pub breached_passwords: *const authward_breach_filter,
}

/// Options with every default (system clock, default hash parameters, no pepper).
#[unsafe(no_mangle)]
pub extern "C" fn authward_options_default() -> authward_options {
    authward_options {
        clock: std::ptr::null(),
        hash_params: std::ptr::null(),
        pepper: std::ptr::null(),
        pepper_len: 0,
        breached_passwords: std::ptr::null(),
    }
}

/// # Safety
/// `p` is NULL or a readable `authward_options` whose pointers are NULL or valid.
unsafe fn options_arg(p: *const authward_options) -> Result<AuthwardOptions> {
    // SAFETY: forwarded caller promise.
    let Some(o) = (unsafe { opt_struct_arg(p) }) else { return Ok(AuthwardOptions::default()) };
    // SAFETY: the fields are NULL or valid (the caller's promise).
    let (clock, pepper, filter) = unsafe {
        (o.clock.as_ref(), opt_bytes_arg(o.pepper, o.pepper_len, "pepper")?, o.breached_passwords.as_ref())
    };
    Ok(AuthwardOptions {
        clock: clock.map(|c| Arc::new(c.clock.clone()) as Arc<dyn authward::Clock>),
        // SAFETY: NULL or readable (the caller's promise).
        hash_params: unsafe { hash_params_arg(o.hash_params) },
        pepper: pepper.map(<[u8]>::to_vec),
        previous_keys: Vec::new(),
        breached_passwords: filter.map(|f| f.inner.clone()),
    })
}

/// The account-security service. **Thread-safe**: share one handle across threads and call any
/// function on it concurrently (two concurrent uses of one code: exactly one wins). Free it with
/// `authward_service_free()` once no thread uses it any more.
#[allow(non_camel_case_types)]
pub struct authward_service {
    inner: Authward,
}

/// Opens (creating if needed) a service over the store at `path` (UTF-8): a SQLite file path, or a
/// `postgres://` / `postgresql://` URL for a PostgreSQL database shared by many app servers (see
/// docs/postgres.md). `key`: exactly 32 bytes that encrypt TOTP secrets at rest (a different key than
/// the store was created with is `AUTHWARD_RESULT_CRYPTO`; a file that is not an authward database, an
/// unreachable server or bad credentials are `AUTHWARD_RESULT_STORAGE`).
/// `options`: NULL for the defaults. On success `*out_service` receives the handle.
/// During a key rotation, use `authward_service_open_with_previous_keys()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_open(
    path: *const c_char,
    key: *const u8,
    key_len: usize,
    options: *const authward_options,
    out_service: *mut *mut authward_service,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract); NULL and 0: no previous keys.
    unsafe { open(path, key, key_len, std::ptr::null(), 0, options, out_service) }
}

/// Length of a store key and of each previous key (bytes); the core refuses any other length.
pub const AUTHWARD_KEY_BYTES: usize = 32;

/// `authward_service_open()` during a key rotation: `key` is the new (current) key, and
/// `previous_keys` holds `previous_keys_count` older keys of `AUTHWARD_KEY_BYTES` (32) bytes each, back
/// to back (`previous_keys_count * AUTHWARD_KEY_BYTES` readable bytes, copied). TOTP secrets and row
/// tags made under a previous key still open and verify, and the store may have been created under one
/// of them; new ones always use `key`. Call `authward_service_rekey()` until it reports `finished`, then
/// open with `key` alone. NULL and 0 mean no previous keys; NULL with a count, or more than
/// `AUTHWARD_MAX_INPUT_BYTES` bytes of keys, is `AUTHWARD_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_open_with_previous_keys(
    path: *const c_char,
    key: *const u8,
    key_len: usize,
    previous_keys: *const u8,
    previous_keys_count: usize,
    options: *const authward_options,
    out_service: *mut *mut authward_service,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { open(path, key, key_len, previous_keys, previous_keys_count, options, out_service) }
}

/// The body of both open functions.
///
/// # Safety
/// Every pointer is NULL or valid for what it names; `previous_keys` for `count * 32` bytes.
unsafe fn open(
    path: *const c_char,
    key: *const u8,
    key_len: usize,
    previous_keys: *const u8,
    count: usize,
    options: *const authward_options,
    out_service: *mut *mut authward_service,
) -> authward_result {
    call(|| {
        let out = out_arg(out_service, "out_service")?;
        // SAFETY: every pointer is NULL or valid (the function's contract).
        let (path, key, mut options) =
            unsafe { (str_arg(path, "path")?, bytes_arg(key, key_len, "key")?, options_arg(options)?) };
        // SAFETY: NULL or `count * 32` readable bytes (the function's contract).
        options.previous_keys = unsafe { previous_keys_arg(previous_keys, count) }?;
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        {
            let inner = Authward::open(path, key, options)?;
            // SAFETY: checked non-NULL, writable.
            unsafe { write_out(out, into_handle(authward_service { inner })) };
            Ok(())
        }
        #[cfg(not(any(feature = "sqlite", feature = "postgres")))]
        {
            let _ = (out, path, key, options);
            Err(authward::Error::InvalidState(
                "authward was built without the sqlite and postgres features".into(),
            ))
        }
    })
}

/// Copies the `count` keys of [`AUTHWARD_KEY_BYTES`] bytes laid back to back at `p`; NULL and 0: none.
///
/// # Safety
/// `p` is NULL or points to `count * AUTHWARD_KEY_BYTES` readable bytes.
unsafe fn previous_keys_arg(p: *const u8, count: usize) -> Result<Vec<Vec<u8>>> {
    let len = count
        .checked_mul(AUTHWARD_KEY_BYTES)
        .ok_or_else(|| authward::Error::InvalidArgument("previous_keys_count is too large".into()))?;
    // SAFETY: forwarded caller promise; the length is bounded by `opt_bytes_arg`.
    let bytes = unsafe { opt_bytes_arg(p, len, "previous_keys") }?;
    Ok(bytes.map_or_else(Vec::new, |b| b.chunks_exact(AUTHWARD_KEY_BYTES).map(<[u8]>::to_vec).collect()))
}

/// Makes a service over an in-memory store with a random key (for tests and demos; nothing persists).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_open_in_memory(
    options: *const authward_options,
    out_service: *mut *mut authward_service,
) -> authward_result {
    call(|| {
        let out = out_arg(out_service, "out_service")?;
        // SAFETY: NULL or valid (the function's contract).
        let options = unsafe { options_arg(options) }?;
        let inner = Authward::in_memory(options)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, into_handle(authward_service { inner })) };
        Ok(())
    })
}

/// Closes a service. NULL is a no-op. No other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_service_free(service: *mut authward_service) {
    // SAFETY: NULL or owned, not freed yet, not in use (the function's contract).
    unsafe { free_handle(service) }
}

/// Runs `f` with the service and writes its output to `out` (checked first).
///
/// # Safety
/// `svc` is NULL or live; `out` is NULL or writable.
pub(crate) unsafe fn with_out<T>(
    svc: *const authward_service,
    out: *mut T,
    out_name: &str,
    f: impl FnOnce(&Authward) -> Result<T>,
) -> authward_result {
    call(|| {
        let out = out_arg(out, out_name)?;
        // SAFETY: forwarded caller promise.
        let value = f(&unsafe { handle(svc, "service") }?.inner)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, value) };
        Ok(())
    })
}

/// Runs `f` with the service.
///
/// # Safety
/// `svc` is NULL or live.
pub(crate) unsafe fn with(
    svc: *const authward_service,
    f: impl FnOnce(&Authward) -> Result<()>,
) -> authward_result {
    // SAFETY: forwarded caller promise.
    call(|| f(&unsafe { handle(svc, "service") }?.inner))
}

/// The service's current time (unix seconds, from its clock); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_now(service: *const authward_service) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(service, |s| s.inner.now()) }
}

/// Sets the policy of account `account_id` (validated). Turning on 2FA enforcement starts the grace
/// period now.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_set_account_policy(
    service: *const authward_service,
    account_id: *const c_char,
    policy: *const authward_account_policy,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.set_account_policy(str_arg(account_id, "account_id")?, &account_policy_arg(policy)?)
        })
    }
}

/// Writes the policy of account `account_id` (the defaults if none was set) to `*out_policy`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_get_account_policy(
    service: *const authward_service,
    account_id: *const c_char,
    out_policy: *mut authward_account_policy,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_policy, "out_policy", |s| {
            Ok((&s.account_policy(str_arg(account_id, "account_id")?)?).into())
        })
    }
}

/// Creates user `user_id` in account `account_id`. The password (`password_len` bytes of UTF-8) must
/// pass the account's policy (`AUTHWARD_RESULT_POLICY_VIOLATION`, every violation in
/// `authward_last_error_violations()`); `email` may be NULL. `AUTHWARD_RESULT_ALREADY_EXISTS` if taken.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_create_user(
    service: *const authward_service,
    user_id: *const c_char,
    account_id: *const c_char,
    password: *const u8,
    password_len: usize,
    email: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.create_user(
                str_arg(user_id, "user_id")?,
                str_arg(account_id, "account_id")?,
                password_arg(password, password_len, "password")?,
                opt_str_arg(email, "email")?,
            )
        })
    }
}

/// Deletes a user with every secret and event of theirs. `AUTHWARD_RESULT_NOT_FOUND` if absent.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_delete_user(
    service: *const authward_service,
    user_id: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with(service, |s| s.delete_user(str_arg(user_id, "user_id")?)) }
}

/// Writes the sorted ids of an account's users to `*out_users` (free with `authward_strings_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_list_users(
    service: *const authward_service,
    account_id: *const c_char,
    out_users: *mut *mut authward_strings,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_users, "out_users", |s| {
            Ok(into_handle(authward_strings::new(&s.list_users(str_arg(account_id, "account_id")?)?)?))
        })
    }
}

/// The user changes their password. Errors: `WRONG_PASSWORD` (counts toward lockout),
/// `PASSWORD_MISMATCH`, `POLICY_VIOLATION` (see `authward_last_error_violations()`), `PASSWORD_REUSED`.
/// On success expiry restarts and the credential version grows.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_change_password(
    service: *const authward_service,
    user_id: *const c_char,
    current: *const u8,
    current_len: usize,
    new_password: *const u8,
    new_password_len: usize,
    confirm: *const u8,
    confirm_len: usize,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.change_password(
                str_arg(user_id, "user_id")?,
                password_arg(current, current_len, "current")?,
                password_arg(new_password, new_password_len, "new_password")?,
                password_arg(confirm, confirm_len, "confirm")?,
            )
        })
    }
}

/// Admin reset of a user's password: the policy and history apply; a lockout is cleared.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_set_password(
    service: *const authward_service,
    user_id: *const c_char,
    new_password: *const u8,
    new_password_len: usize,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.set_password(
                str_arg(user_id, "user_id")?,
                password_arg(new_password, new_password_len, "new_password")?,
            )
        })
    }
}

/// Admin: the user's next sign-in reports `AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_require_password_change(
    service: *const authward_service,
    user_id: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with(service, |s| s.require_password_change(str_arg(user_id, "user_id")?)) }
}

/// First step of signing in. Unknown user or wrong password: `INVALID_CREDENTIALS` (same work either
/// way); too many failures: `LOCKED_OUT` (`authward_last_error_retry_after()`). On success
/// `*out_result` receives a result (free with `authward_sign_in_result_free()`): complete, or second
/// factor required with a challenge.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_sign_in(
    service: *const authward_service,
    user_id: *const c_char,
    password: *const u8,
    password_len: usize,
    out_result: *mut *mut authward_sign_in_result,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_result, "out_result", |s| {
            let sign_in =
                s.sign_in(str_arg(user_id, "user_id")?, password_arg(password, password_len, "password")?)?;
            Ok(into_handle(authward_sign_in_result::new(&sign_in)?))
        })
    }
}

/// `authward_sign_in()` from `client` (NULL: none): an opaque string the app passes (the IP address, a
/// device-cookie id; only a keyed hash is stored). Failures are counted per client, and failures from
/// clients the user never signed in from cannot lock out one they did (see docs/security.md).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_sign_in_from(
    service: *const authward_service,
    user_id: *const c_char,
    password: *const u8,
    password_len: usize,
    client: *const c_char,
    out_result: *mut *mut authward_sign_in_result,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_result, "out_result", |s| {
            let sign_in = s.sign_in_from(
                str_arg(user_id, "user_id")?,
                password_arg(password, password_len, "password")?,
                opt_str_arg(client, "client")?,
            )?;
            Ok(into_handle(authward_sign_in_result::new(&sign_in)?))
        })
    }
}

/// `authward_verify_second_factor()` from `client` (NULL: the client the password came from).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_verify_second_factor_from(
    service: *const authward_service,
    challenge: *const c_char,
    code: *const c_char,
    client: *const c_char,
    out_result: *mut *mut authward_sign_in_result,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_result, "out_result", |s| {
            let sign_in = s.verify_second_factor_from(
                str_arg(challenge, "challenge")?,
                str_arg(code, "code")?,
                opt_str_arg(client, "client")?,
            )?;
            Ok(into_handle(authward_sign_in_result::new(&sign_in)?))
        })
    }
}

/// Admin: lifts every lockout of the user (logged as `unlocked`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_unlock_user(
    service: *const authward_service,
    user_id: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with(service, |s| s.unlock_user(str_arg(user_id, "user_id")?)) }
}

/// Second step: a TOTP code or a recovery code for the challenge of `authward_sign_in()`. Errors:
/// `INVALID_CODE` (the challenge stays valid), `CODE_REUSED`, `CHALLENGE_EXPIRED`, `LOCKED_OUT`. On
/// success `*out_result` receives a complete result (free with `authward_sign_in_result_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_verify_second_factor(
    service: *const authward_service,
    challenge: *const c_char,
    code: *const c_char,
    out_result: *mut *mut authward_sign_in_result,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_result, "out_result", |s| {
            let sign_in = s.verify_second_factor(str_arg(challenge, "challenge")?, str_arg(code, "code")?)?;
            Ok(into_handle(authward_sign_in_result::new(&sign_in)?))
        })
    }
}

/// Starts a TOTP enrolment (a pending secret for 15 minutes) with its URI and QR codes, into
/// `*out_enrollment` (free with `authward_enrollment_free()`). `issuer` is the name the app shows.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_begin_totp_enrollment(
    service: *const authward_service,
    user_id: *const c_char,
    issuer: *const c_char,
    out_enrollment: *mut *mut authward_enrollment,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_enrollment, "out_enrollment", |s| {
            let e = s.begin_totp_enrollment(str_arg(user_id, "user_id")?, str_arg(issuer, "issuer")?)?;
            Ok(into_handle(authward_enrollment::new(&e)?))
        })
    }
}

/// `authward_begin_totp_enrollment()` with a proof: replacing an active authenticator needs the current
/// password (or a current code from it) in `proof`/`proof_len` (NULL: none). A missing or wrong proof is
/// `WRONG_PASSWORD`, counted toward lockout; a first enrolment needs none.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_begin_totp_enrollment_with_proof(
    service: *const authward_service,
    user_id: *const c_char,
    issuer: *const c_char,
    proof: *const u8,
    proof_len: usize,
    out_enrollment: *mut *mut authward_enrollment,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_enrollment, "out_enrollment", |s| {
            let proof = if proof.is_null() { None } else { Some(password_arg(proof, proof_len, "proof")?) };
            let e = s.begin_totp_enrollment_with_proof(
                str_arg(user_id, "user_id")?,
                str_arg(issuer, "issuer")?,
                proof,
            )?;
            Ok(into_handle(authward_enrollment::new(&e)?))
        })
    }
}

/// Confirms the pending enrolment with a code from the app: 2FA is on, and `*out_recovery_codes`
/// receives 10 one-time recovery codes to show once (free with `authward_strings_free()`, which wipes
/// them). `INVALID_CODE` for a wrong code, `INVALID_STATE` without a pending enrolment.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_confirm_totp_enrollment(
    service: *const authward_service,
    user_id: *const c_char,
    code: *const c_char,
    out_recovery_codes: *mut *mut authward_strings,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_recovery_codes, "out_recovery_codes", |s| {
            let codes = s.confirm_totp_enrollment(str_arg(user_id, "user_id")?, str_arg(code, "code")?)?;
            Ok(into_handle(authward_strings::new(&codes)?))
        })
    }
}

/// Turns 2FA off after checking the password. `TWO_FACTOR_ENFORCED` while the account enforces 2FA.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_disable_totp(
    service: *const authward_service,
    user_id: *const c_char,
    password: *const u8,
    password_len: usize,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.disable_totp(str_arg(user_id, "user_id")?, password_arg(password, password_len, "password")?)
        })
    }
}

/// Replaces the recovery codes after checking the password; `*out_recovery_codes` receives the new ones
/// (free with `authward_strings_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_regenerate_recovery_codes(
    service: *const authward_service,
    user_id: *const c_char,
    password: *const u8,
    password_len: usize,
    out_recovery_codes: *mut *mut authward_strings,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_recovery_codes, "out_recovery_codes", |s| {
            let codes = s.regenerate_recovery_codes(
                str_arg(user_id, "user_id")?,
                password_arg(password, password_len, "password")?,
            )?;
            Ok(into_handle(authward_strings::new(&codes)?))
        })
    }
}

/// Admin: turns a user's 2FA off (lost phone) and drops their recovery codes.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_reset_two_factor(
    service: *const authward_service,
    user_id: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with(service, |s| s.reset_two_factor(str_arg(user_id, "user_id")?)) }
}

/// Writes the user's security log, newest first, at most `limit` events (≤ 1000), to `*out_events`
/// (free with `authward_event_list_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_events(
    service: *const authward_service,
    user_id: *const c_char,
    limit: usize,
    out_events: *mut *mut authward_event_list,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_events, "out_events", |s| {
            let user_id = str_arg(user_id, "user_id")?;
            Ok(into_handle(authward_event_list::new(user_id, &s.events(user_id, limit)?)))
        })
    }
}

/// Fills `*out_status` with the user's security state (nothing to free).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_status(
    service: *const authward_service,
    user_id: *const c_char,
    out_status: *mut authward_security_status,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_status, "out_status", |s| Ok((&s.status(str_arg(user_id, "user_id")?)?).into()))
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;
    use crate::account::{authward_clock_free, authward_clock_new};
    use crate::memory::{authward_strings_free, authward_strings_get, authward_strings_len};
    use crate::outcome::{
        authward_event_list_detail, authward_event_list_free, authward_event_list_len,
        authward_sign_in_result_challenge, authward_sign_in_result_credential_version,
        authward_sign_in_result_free, authward_sign_in_result_status, authward_sign_in_status,
    };

    // Runs under Miri with the cheapest Argon2 parameters (8 KiB, one pass): handles, out-parameters,
    // lists and the results of the service through C.

    #[test]
    fn in_memory_service_through_c() {
        let cheap = authward_hash_params { memory_kib: 8, iterations: 1, parallelism: 1 };
        let mut clock = std::ptr::null_mut();
        let mut svc = std::ptr::null_mut();
        let pw = "correct horse battery staple";
        // SAFETY: every pointer is NULL (where intended) or valid for what the function reads or writes;
        // each handle is freed once.
        unsafe {
            assert_eq!(authward_clock_new(1_700_000_000, &mut clock), authward_result::Ok);
            let options = authward_options { clock, hash_params: &cheap, ..authward_options_default() };
            assert_eq!(authward_service_open_in_memory(&options, &mut svc), authward_result::Ok);
            authward_clock_free(clock); // the service keeps its own reference
            assert_eq!(authward_now(svc), 1_700_000_000);
            // No zxcvbn (its dictionaries take minutes to build under Miri).
            let mut policy = crate::account::authward_account_policy_default();
            policy.password.min_strength = 0;
            assert_eq!(authward_set_account_policy(svc, c"acme".as_ptr(), &policy), authward_result::Ok);
            let rc = authward_create_user(
                svc,
                c"alice".as_ptr(),
                c"acme".as_ptr(),
                pw.as_ptr(),
                pw.len(),
                std::ptr::null(),
            );
            assert_eq!(rc, authward_result::Ok);
            let rc = authward_create_user(
                svc,
                c"alice".as_ptr(),
                c"acme".as_ptr(),
                pw.as_ptr(),
                pw.len(),
                std::ptr::null(),
            );
            assert_eq!(rc, authward_result::AlreadyExists);

            let mut result = std::ptr::null_mut();
            assert_eq!(
                authward_sign_in(svc, c"alice".as_ptr(), pw.as_ptr(), pw.len(), &mut result),
                authward_result::Ok
            );
            assert_eq!(authward_sign_in_result_status(result), authward_sign_in_status::Complete);
            assert!(authward_sign_in_result_challenge(result).is_null());
            // a random start below 2^48 (12.2: a recreated id never repeats an old version)
            assert!((1..1u64 << 48).contains(&authward_sign_in_result_credential_version(result)));
            authward_sign_in_result_free(result);
            let mut untouched = std::ptr::null_mut();
            let rc = authward_sign_in(svc, c"alice".as_ptr(), b"wrong".as_ptr(), 5, &mut untouched);
            assert_eq!(rc, authward_result::InvalidCredentials);
            let rc = authward_sign_in(svc, c"nobody".as_ptr(), pw.as_ptr(), pw.len(), &mut untouched);
            assert_eq!(rc, authward_result::InvalidCredentials);
            let rc = authward_verify_second_factor(svc, c"AAAA".as_ptr(), c"123456".as_ptr(), &mut untouched);
            assert_eq!(rc, authward_result::ChallengeExpired);
            assert!(untouched.is_null());
            assert_eq!(authward_sign_in_result_status(std::ptr::null()), authward_sign_in_status::None);

            let mut users = std::ptr::null_mut();
            assert_eq!(authward_list_users(svc, c"acme".as_ptr(), &mut users), authward_result::Ok);
            assert_eq!(authward_strings_len(users), 1);
            assert_eq!(CStr::from_ptr(authward_strings_get(users, 0)).to_str().unwrap(), "alice");
            authward_strings_free(users);

            let mut events = std::ptr::null_mut();
            assert_eq!(authward_events(svc, c"alice".as_ptr(), 10, &mut events), authward_result::Ok);
            assert_eq!(authward_event_list_len(events), 3); // policy change, sign-in, failed sign-in
            let detail = CStr::from_ptr(authward_event_list_detail(events, 0)).to_str().unwrap();
            assert!(!detail.contains(pw));
            authward_event_list_free(events);

            // An all-zero status (false flags, zero numbers) to be overwritten.
            let mut status: authward_security_status = std::mem::zeroed();
            assert_eq!(authward_status(svc, c"alice".as_ptr(), &mut status), authward_result::Ok);
            assert!((1..1u64 << 48).contains(&status.credential_version));
            assert!(!status.two_factor_enabled && !status.locked);
            let rc = authward_status(std::ptr::null(), c"alice".as_ptr(), &mut status);
            assert_eq!(rc, authward_result::InvalidArgument);
            let rc = authward_status(svc, c"nobody".as_ptr(), &mut status);
            assert_eq!(rc, authward_result::NotFound);

            let rc = authward_change_password(
                svc,
                c"alice".as_ptr(),
                pw.as_ptr(),
                pw.len(),
                b"x".as_ptr(),
                1,
                b"y".as_ptr(),
                1,
            );
            assert_eq!(rc, authward_result::PasswordMismatch);
            assert_eq!(authward_delete_user(svc, c"alice".as_ptr()), authward_result::Ok);
            assert_eq!(authward_delete_user(svc, c"alice".as_ptr()), authward_result::NotFound);
            authward_service_free(svc);
            authward_service_free(std::ptr::null_mut());
        }
    }
}
