//! Python bindings of authward: the native module `authward._authward`, re-exported by the pure-Python
//! package `authward` (python/authward). A thin adapter: argument conversion in, one core call (without
//! the GIL when it is slow), conversion out, and the one error mapping of [`errors`].

mod breach;
mod convert;
mod devices;
mod errors;
mod maintenance;
mod primitives;
mod report;
mod service;
mod types;

use authward::ErrorCode;
use pyo3::prelude::*;

use crate::convert::Unsigned;

/// A clock that only moves when told to, for tests and demos (expiry, grace periods, TOTP steps,
/// lockouts): `ManualClock(unix_seconds)`. Pass it to `Authward.in_memory(clock=…)` or
/// `Authward.open(…, clock=…)`; moving it moves the service's time.
#[pyclass(frozen, name = "ManualClock", module = "authward")]
pub struct PyManualClock(pub authward::ManualClock);

#[pymethods]
impl PyManualClock {
    #[new]
    fn new(unix_seconds: Unsigned) -> Self {
        PyManualClock(authward::ManualClock::new(unix_seconds.0))
    }

    /// The current time of this clock (unix seconds).
    fn now(&self) -> u64 {
        self.0.now()
    }

    /// Sets the time (unix seconds).
    fn set(&self, unix_seconds: Unsigned) {
        self.0.set(unix_seconds.0);
    }

    /// Moves the time forward by `seconds`.
    fn advance(&self, seconds: Unsigned) {
        self.0.advance(seconds.0);
    }

    fn __repr__(&self) -> String {
        format!("ManualClock({})", self.0.now())
    }
}

/// Every error code as `(name, number)`, in numeric order: the stable table shared with C and Node.
#[pyfunction]
fn error_codes() -> Vec<(&'static str, u32)> {
    ErrorCode::ALL.iter().map(|c| (c.as_str(), c.as_u32())).collect()
}

/// The native module `authward._authward`.
#[pymodule]
fn _authward(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", authward::VERSION)?;
    m.add("DEFAULT_EVENTS_LIMIT", authward::service::DEFAULT_EVENTS_LIMIT)?;
    let kinds: Vec<&str> = authward::EventKind::ALL.iter().map(|k| k.as_str()).collect();
    m.add("EVENT_KINDS", pyo3::types::PyTuple::new(m.py(), kinds)?)?;
    m.add_function(wrap_pyfunction!(error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::hash_password, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::verify_password, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::needs_rehash, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::generate_totp_secret, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::totp_code, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::verify_totp, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::totp_uri, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::parse_totp_uri, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::qr_svg, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::qr_png, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::qr_terminal, m)?)?;
    m.add_class::<types::PyHashParams>()?;
    m.add_class::<types::PyPasswordPolicy>()?;
    m.add_class::<types::PyViolation>()?;
    m.add_class::<types::PyRule>()?;
    m.add_class::<types::PyTotpConfig>()?;
    m.add_class::<types::PyTotpUri>()?;
    m.add_class::<types::PyLockoutPolicy>()?;
    m.add_class::<types::PyAccountPolicy>()?;
    m.add_class::<PyManualClock>()?;
    m.add_class::<breach::PyBreachFilter>()?;
    m.add_class::<breach::PyRangeVerdict>()?;
    m.add_function(wrap_pyfunction!(breach::range_prefix, m)?)?;
    m.add_function(wrap_pyfunction!(breach::judge_range, m)?)?;
    service::register(m)?;
    Ok(())
}
