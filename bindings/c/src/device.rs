//! Remembered devices ("remember this device"): the sign-in with a device token, the second factor
//! that mints one, and the user's list of devices (`authward_device_list`).

use std::ffi::c_char;

use crate::boundary::{opt_str_arg, password_arg, str_arg};
use crate::memory::{CText, free_handle, into_handle, read};
use crate::outcome::authward_sign_in_result;
use crate::result::authward_result;
use crate::service::{authward_service, with, with_out};
use authward::Device;

/// `authward_sign_in_from()` with a remembered-device token (NULL: none). The password is checked as
/// always (a token never skips it); then a valid token of this user (not expired, credentials
/// unchanged, the policy still on) gives what a completed second factor gives: `COMPLETE` or
/// `ACTION_REQUIRED`, no challenge. A wrong, expired, revoked or malformed token is ignored (second
/// factor required, as without one): never an error.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_sign_in_with_device(
    service: *const authward_service,
    user_id: *const c_char,
    password: *const u8,
    password_len: usize,
    client: *const c_char,
    device_token: *const c_char,
    out_result: *mut *mut authward_sign_in_result,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_result, "out_result", |s| {
            let sign_in = s.sign_in_with_device(
                str_arg(user_id, "user_id")?,
                password_arg(password, password_len, "password")?,
                opt_str_arg(client, "client")?,
                opt_str_arg(device_token, "device_token").ok().flatten(),
            )?;
            Ok(into_handle(authward_sign_in_result::new(&sign_in)?))
        })
    }
}

/// `authward_verify_second_factor_from()` asking to remember the device under `label` (the app's name
/// for it, e.g. the browser: at most 200 bytes, no control characters, else `INVALID_ARGUMENT`). On
/// success under a policy with `remember_device_days`, `authward_sign_in_result_device_token()` gives
/// the token (once); with the policy off the result is the same without a token.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_verify_second_factor_remember(
    service: *const authward_service,
    challenge: *const c_char,
    code: *const c_char,
    client: *const c_char,
    label: *const c_char,
    out_result: *mut *mut authward_sign_in_result,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_result, "out_result", |s| {
            let sign_in = s.verify_second_factor_remember(
                str_arg(challenge, "challenge")?,
                str_arg(code, "code")?,
                opt_str_arg(client, "client")?,
                str_arg(label, "label")?,
            )?;
            Ok(into_handle(authward_sign_in_result::new(&sign_in)?))
        })
    }
}

/// A user's remembered devices from `authward_list_devices()`, most recently used first (no tokens).
/// Immutable; readable from several threads. Free with `authward_device_list_free()`.
#[allow(non_camel_case_types)]
pub struct authward_device_list {
    items: Vec<(CText, CText, Device)>,
}

/// Writes the user's remembered devices not expired under the account's policy now (listed while the
/// policy is off too; each with the expiry that applies) to `*out_devices` (free with
/// `authward_device_list_free()`). `NOT_FOUND` for an unknown user.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_list_devices(
    service: *const authward_service,
    user_id: *const c_char,
    out_devices: *mut *mut authward_device_list,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_devices, "out_devices", |s| {
            let items = s
                .list_devices(str_arg(user_id, "user_id")?)?
                .into_iter()
                .map(|d| (CText::lossy(&d.id), CText::lossy(&d.label), d))
                .collect();
            Ok(into_handle(authward_device_list { items }))
        })
    }
}

/// Forgets one remembered device (logged as `device_revoked`). `NOT_FOUND` for an unknown user or id.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_revoke_device(
    service: *const authward_service,
    user_id: *const c_char,
    device_id: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| s.revoke_device(str_arg(user_id, "user_id")?, str_arg(device_id, "device_id")?))
    }
}

/// Forgets every remembered device of the user; `*out_count` receives how many there were.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_revoke_all_devices(
    service: *const authward_service,
    user_id: *const c_char,
    out_count: *mut usize,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_count, "out_count", |s| s.revoke_all_devices(str_arg(user_id, "user_id")?))
    }
}

/// The number of devices; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_len(list: *const authward_device_list) -> usize {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.len()) }
}

/// The id of device `index` (16 hex characters, for `authward_revoke_device()`; lent), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_id(
    list: *const authward_device_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(std::ptr::null(), |d| d.0.as_ptr())) }
}

/// The label of device `index` (lent), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_label(
    list: *const authward_device_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(std::ptr::null(), |d| d.1.as_ptr())) }
}

/// When device `index` was remembered (unix seconds), or 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_created_at(
    list: *const authward_device_list,
    index: usize,
) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(0, |d| d.2.created_at)) }
}

/// When device `index` last skipped the second factor (its creation until then), or 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_last_used_at(
    list: *const authward_device_list,
    index: usize,
) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(0, |d| d.2.last_used_at)) }
}

/// When the token of device `index` stops working, or 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_expires_at(
    list: *const authward_device_list,
    index: usize,
) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(0, |d| d.2.expires_at)) }
}

/// Frees a device list. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_device_list_free(list: *mut authward_device_list) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(list) }
}
