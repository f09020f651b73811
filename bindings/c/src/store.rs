//! Looking after a service's store (`authward_service_*`): an online backup to a new file, a read-only
//! look for a health endpoint, the key rotation and the security log's retention. With these, nothing
//! needs to open the store's file with a second SQLite (which can delete the WAL under authward and
//! corrupt the store; see bindings/c/README.md).

use std::ffi::c_char;

use crate::boundary::str_arg;
use crate::result::authward_result;
use crate::service::{authward_service, with, with_out};
use authward::service::RekeyProgress;
use authward::store::StoreInfo;

/// A read-only look at a store, from `authward_service_store_info()` (nothing to free).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_store_info {
    /// `"memory"`, `"sqlite"` or `"postgres"`: a static string, never freed.
    pub backend: *const c_char,
    /// The schema version the store is at (0 in memory).
    pub schema_version: u32,
    /// How many users the store holds (every account).
    pub users: u64,
    /// The backend's own consistency check passed (SQLite `PRAGMA quick_check`).
    pub healthy: bool,
}

/// The static C name of a backend the core names.
fn backend_name(backend: &str) -> *const c_char {
    match backend {
        "memory" => c"memory".as_ptr(),
        "sqlite" => c"sqlite".as_ptr(),
        "postgres" => c"postgres".as_ptr(),
        _ => c"unknown".as_ptr(),
    }
}

impl From<&StoreInfo> for authward_store_info {
    fn from(i: &StoreInfo) -> Self {
        authward_store_info {
            backend: backend_name(i.backend),
            schema_version: i.schema_version,
            users: i.users,
            healthy: i.healthy,
        }
    }
}

/// How far a key rotation has come, from `authward_service_rekey()`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct authward_rekey_progress {
    /// Users this pass has brought under the current key (or found there already).
    pub done: u64,
    /// Users this pass covers: `done` plus those still to do.
    pub total: u64,
    /// Every row and the key check are under the current key: the previous keys may be dropped.
    pub finished: bool,
}

impl From<RekeyProgress> for authward_rekey_progress {
    fn from(p: RekeyProgress) -> Self {
        authward_rekey_progress { done: p.done, total: p.total, finished: p.finished }
    }
}

/// Copies the store to a new private (0600) file at `path` (UTF-8) with SQLite's online backup while
/// the service stays in use; the copy opens with the same key (and previous keys). The supported way to
/// back up: never open the live file with another SQLite. `AUTHWARD_RESULT_ALREADY_EXISTS` if `path`
/// exists (never overwritten), `AUTHWARD_RESULT_INVALID_STATE` for a store without files (in memory,
/// PostgreSQL), `AUTHWARD_RESULT_STORAGE` for I/O errors.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_backup(
    service: *const authward_service,
    path: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with(service, |s| s.backup(str_arg(path, "path")?)) }
}

/// Fills `*out_info` with a read-only look at the store (backend, schema version, user count and the
/// backend's consistency check), for a health endpoint; nothing to free.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_store_info(
    service: *const authward_service,
    out_info: *mut authward_store_info,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with_out(service, out_info, "out_info", |s| Ok((&s.store_info()?).into())) }
}

/// Re-seals under the current key the TOTP secrets of up to `batch_size` (1–10000) users and re-tags
/// their rows; `*out_progress` tells how far the rotation has come. Call it until `finished` (the
/// cursor lives in the store, so calls may be spread over time, processes and restarts), then open with
/// the current key alone. `AUTHWARD_RESULT_INVALID_ARGUMENT` for a batch size out of range,
/// `AUTHWARD_RESULT_CRYPTO` when a row fails its integrity check (delete or restore that user, then call
/// again).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_rekey(
    service: *const authward_service,
    batch_size: usize,
    out_progress: *mut authward_rekey_progress,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with_out(service, out_progress, "out_progress", |s| Ok(s.rekey(batch_size)?.into())) }
}

/// Deletes the security-log events older than `retention_days` (at least 1) days, of users and
/// accounts alike; `*out_count` receives how many were deleted. Call it from a periodic job (any one
/// app server). `AUTHWARD_RESULT_INVALID_ARGUMENT` for 0.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_service_purge_events(
    service: *const authward_service,
    retention_days: u32,
    out_count: *mut u64,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with_out(service, out_count, "out_count", |s| s.purge_events(retention_days)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_backend_has_its_static_name() {
        for backend in ["memory", "sqlite", "postgres", "other"] {
            let info = StoreInfo {
                backend: if backend == "other" { "x" } else { backend },
                schema_version: 1,
                users: 2,
                healthy: true,
            };
            let c = authward_store_info::from(&info);
            // SAFETY: backend_name returns static NUL-terminated strings.
            let name = unsafe { std::ffi::CStr::from_ptr(c.backend) }.to_str().unwrap_or_default();
            assert_eq!(name, if backend == "other" { "unknown" } else { backend });
            assert_eq!((c.schema_version, c.users, c.healthy), (1, 2, true));
        }
    }
}
