//! One mapping from `authward::Error` to a JS `Error` with `code`, `violations` and `retryAfter`.

use napi::bindgen_prelude::{JsObjectValue, JsValue};
use napi::{Env, Status};
use napi_derive::napi;

/// One broken password rule: its stable code (`"TOO_SHORT"`, …) and a message for the user.
#[napi(object)]
pub struct Violation {
    /// `TOO_SHORT`, `TOO_LONG`, `MISSING_LOWERCASE`, `MISSING_UPPERCASE`, `MISSING_DIGIT`,
    /// `MISSING_SYMBOL`, `TOO_WEAK`, `CONTAINS_USER_INPUT`, `TOO_RECENT` or `BREACHED`.
    #[napi(ts_type = "ViolationCode")]
    pub code: String,
    /// A human-readable English message (never containing the password).
    pub message: String,
}

impl From<&authward::Violation> for Violation {
    fn from(v: &authward::Violation) -> Self {
        Violation { code: v.code.as_str().to_string(), message: v.message.clone() }
    }
}

/// An entry of the stable error-code table.
#[napi(object)]
pub struct ErrorCodeInfo {
    /// The name set as `err.code`, e.g. `"POLICY_VIOLATION"`.
    #[napi(ts_type = "ErrorCode | 'OK'")]
    pub name: String,
    /// The number shared with the C ABI (`authward_result`) and Python.
    pub value: u32,
    /// A short English description.
    pub description: String,
}

/// Every error code, in numeric order: `{ name, value, description }` (`OK` is 0 and never thrown).
#[napi(strict)]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    authward::ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeInfo {
            name: c.as_str().to_string(),
            value: c.as_u32(),
            description: c.description().to_string(),
        })
        .collect()
}

/// The JS error for `e`: an `Error` with `message` (never a secret), `code` (the `ErrorCode` name),
/// `errno` (its number), `violations` for `POLICY_VIOLATION` and `retryAfter` (seconds) for `LOCKED_OUT`.
pub fn to_napi_error(env: &Env, e: &authward::Error) -> napi::Error {
    build(env, e).unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, e.to_string()))
}

fn build(env: &Env, e: &authward::Error) -> napi::Result<napi::Error> {
    let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.to_string()))?;
    obj.set_named_property("code", e.code().as_str())?;
    obj.set_named_property("errno", e.code().as_u32())?;
    if !e.violations().is_empty() {
        let list: Vec<Violation> = e.violations().iter().map(Violation::from).collect();
        obj.set_named_property("violations", list)?;
    }
    if let Some(seconds) = e.retry_after() {
        obj.set_named_property("retryAfter", seconds as f64)?;
    }
    Ok(napi::Error::from(obj.to_unknown()))
}
