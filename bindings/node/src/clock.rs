//! A clock that only moves when told to, for tests and demos.

use napi::Env;
use napi_derive::napi;

use crate::convert::{number, whole};
use crate::task::call;

/// A clock standing still at a unix time until `set` or `advance` moves it. Give it to
/// `Authward.inMemory({ clock })` / `Authward.open(…, { clock })` to test expiry, grace periods,
/// TOTP steps and lockouts without waiting.
#[napi]
pub struct ManualClock {
    inner: authward::ManualClock,
}

#[napi]
impl ManualClock {
    /// A clock at `unixSeconds` (a whole number ≥ 0).
    #[napi(constructor, strict)]
    pub fn new(env: Env, unix_seconds: f64) -> napi::Result<Self> {
        let at = call(&env, || whole("unixSeconds", unix_seconds, u64::MAX))?;
        Ok(ManualClock { inner: authward::ManualClock::new(at) })
    }

    /// Sets the time (unix seconds).
    #[napi(strict)]
    pub fn set(&self, env: Env, unix_seconds: f64) -> napi::Result<()> {
        let at = call(&env, || whole("unixSeconds", unix_seconds, u64::MAX))?;
        self.inner.set(at);
        Ok(())
    }

    /// Moves the time forward by `seconds`.
    #[napi(strict)]
    pub fn advance(&self, env: Env, seconds: f64) -> napi::Result<()> {
        let s = call(&env, || whole("seconds", seconds, u64::MAX))?;
        self.inner.advance(s);
        Ok(())
    }

    /// The current time (unix seconds).
    #[napi(strict)]
    pub fn now(&self) -> f64 {
        number(authward::Clock::now(&self.inner))
    }
}

impl ManualClock {
    /// The shared core clock (clones share the time).
    pub fn core(&self) -> authward::ManualClock {
        self.inner.clone()
    }
}
