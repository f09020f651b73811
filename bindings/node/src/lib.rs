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

mod clock;
mod convert;
mod error;
mod password;
mod qr;
mod records;
mod service;
mod task;
mod totp;
