//! Remembered devices as Python sees them (`Authward.list_devices`).

use authward::Device;
use pyo3::prelude::*;

use crate::convert::py_repr;

/// A remembered device ("remember this device") as the user sees it in their settings: `id` (for
/// `Authward.revoke_device`), the app's `label`, and `created_at`, `last_used_at`, `expires_at` (unix
/// seconds). Never the token.
#[pyclass(frozen, name = "Device", module = "authward")]
pub struct PyDevice(pub Device);

#[pymethods]
impl PyDevice {
    /// Its public id (16 hex characters).
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// The label the app gave when it was remembered (e.g. the browser).
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }
    /// When it was remembered (unix seconds).
    #[getter]
    fn created_at(&self) -> u64 {
        self.0.created_at
    }
    /// When it last skipped the second factor (`created_at` until then).
    #[getter]
    fn last_used_at(&self) -> u64 {
        self.0.last_used_at
    }
    /// When its token stops working (unix seconds).
    #[getter]
    fn expires_at(&self) -> u64 {
        self.0.expires_at
    }

    fn __repr__(&self) -> String {
        format!(
            "Device(id={}, label={}, created_at={}, last_used_at={}, expires_at={})",
            py_repr(&self.0.id),
            py_repr(&self.0.label),
            self.0.created_at,
            self.0.last_used_at,
            self.0.expires_at
        )
    }
}
