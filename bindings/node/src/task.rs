//! Running core calls: on the libuv pool behind a Promise, or on the calling thread (`…Sync`).
//!
//! Both paths run the same closure, catch panics (→ `INTERNAL`, never an abort) and map errors through
//! [`to_napi_error`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName};
use napi::{Env, Task};

use crate::error::to_napi_error;

type Work<T> = Box<dyn FnOnce() -> authward::Result<T> + Send>;

/// A core call to run on the libuv thread pool; resolves with `T` or rejects with an authward error.
pub struct Job<T> {
    work: Option<Work<T>>,
}

impl<T: ToNapiValue + TypeName + Send + 'static> Job<T> {
    /// Wraps `work` for `AsyncTask` (the Promise-returning variant).
    pub fn spawn(work: impl FnOnce() -> authward::Result<T> + Send + 'static) -> AsyncTask<Job<T>> {
        AsyncTask::new(Job { work: Some(Box::new(work)) })
    }
}

/// Runs `work`, turning a panic into `INTERNAL`.
pub fn guarded<T>(work: impl FnOnce() -> authward::Result<T>) -> authward::Result<T> {
    catch_unwind(AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(authward::Error::Internal("panic in authward".to_string())))
}

/// Runs `work` on the calling thread (the `…Sync` variants and the fast calls).
pub fn call<T>(env: &Env, work: impl FnOnce() -> authward::Result<T>) -> napi::Result<T> {
    guarded(work).map_err(|e| to_napi_error(env, &e))
}

impl<T: ToNapiValue + TypeName + Send + 'static> Task for Job<T> {
    type Output = authward::Result<T>;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let work = self.work.take();
        Ok(guarded(move || match work {
            Some(work) => work(),
            None => Err(authward::Error::Internal("task ran twice".to_string())),
        }))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<T> {
        output.map_err(|e| to_napi_error(&env, &e))
    }
}
