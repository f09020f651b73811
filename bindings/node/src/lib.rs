//! Node.js bindings for authward (napi-rs).
//!
//! A thin adapter over the `authward` core crate: argument conversion in, one core call, conversion out.
//! Slow work (Argon2, the store) runs on the libuv thread pool behind a Promise ([`task::Job`]), with a
//! `…Sync` twin running the very same closure on the calling thread. Errors become JS `Error`s whose
//! `code` is the stable `ErrorCode` name ([`error::to_napi_error`]).
//!
//! The JavaScript loader (`binding.js`) and the TypeScript declarations (`index.d.ts`) are generated
//! from this crate by `napi build` and committed; `index.js` adds the argument-type checks that turn
//! napi's conversion failures into `TypeError`s.

// napi-derive registers the exports only outside `cfg(test)`, so a test build sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod breach;
mod clock;
mod convert;
mod error;
mod password;
mod qr;
mod records;
mod service;
mod task;
mod totp;

use napi_derive::napi;

/// The version of the native addon (the core's version). `index.js` checks it against the package's
/// `version` so that a stale or foreign `.node` file is reported instead of misbehaving.
#[napi]
pub const ADDON_VERSION: &str = authward::VERSION;

/// How many events `events` returns when no `limit` is given (the core's default).
#[napi]
pub const DEFAULT_EVENTS_LIMIT: u32 = authward::service::DEFAULT_EVENTS_LIMIT as u32;

/// Every kind of security-log entry (`Event.kind`), in the core's order.
#[napi(strict, ts_return_type = "Array<EventKind>")]
pub fn event_kinds() -> Vec<&'static str> {
    authward::EventKind::ALL.iter().map(|k| k.as_str()).collect()
}
