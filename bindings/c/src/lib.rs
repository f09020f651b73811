//! The C ABI of authward (`include/authward.h`, generated from this crate by cbindgen, see
//! `gen-header/`): a thin adapter over the core crate, the only place with `unsafe` and `extern "C"`.
//! One module per C noun; no logic of its own (every rule lives in the core).
//!
//! Conventions, shared by every function (rustls-ffi's discipline):
//! * Fallible functions return `authward_result` (0 is success) and are `#[must_use]`; outputs go
//!   through out-parameters written only on success. The detail of a failure (message, policy
//!   violations, lockout seconds) is kept per thread: `authward_last_error_*`.
//! * Every pointer is checked for NULL, every string for UTF-8, every length against a bound; a panic
//!   never crosses the boundary (it becomes `AUTHWARD_RESULT_INTERNAL`).
//! * Handles come from `authward_<noun>_new`/`_open`/a producing call and are released by
//!   `authward_<noun>_free` (NULL is a no-op). Strings and buffers handed out are released only by
//!   `authward_string_free` / `authward_bytes_free`, never by libc `free()`. Pointers returned by
//!   accessors are lent: valid while their handle lives, never freed.
//!
//! # Safety
//! The `unsafe extern "C"` functions share one contract, so their docs do not repeat it: every pointer
//! argument is NULL or valid for what the function reads or writes (a NUL-terminated string, `len`
//! bytes, a live handle of the named type, a writable out-parameter); a handle is not freed while
//! another thread uses it and is freed at most once.
#![allow(clippy::missing_safety_doc)]

pub mod account;
pub mod boundary;
pub mod breach;
pub mod device;
pub mod memory;
pub mod outcome;
pub mod password;
pub mod qr;
pub mod report;
pub mod result;
pub mod service;
pub mod store;
pub mod totp;
