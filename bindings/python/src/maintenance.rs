//! Looking after the store: the progress of a key rotation (`Authward.rekey`) and a read-only look at
//! the store (`Authward.store_info`).

use authward::service::RekeyProgress;
use authward::store::StoreInfo;
use pyo3::prelude::*;

use crate::convert::{bool_repr, py_repr};

/// How far a key rotation (`Authward.rekey`) has come: `done` of `total` users, `finished` once every
/// row and the key check are under the current key.
#[pyclass(frozen, name = "RekeyProgress", module = "authward")]
pub struct PyRekeyProgress(pub RekeyProgress);

#[pymethods]
impl PyRekeyProgress {
    /// Users this pass has brought under the current key.
    #[getter]
    fn done(&self) -> u64 {
        self.0.done
    }
    /// Users this pass covers.
    #[getter]
    fn total(&self) -> u64 {
        self.0.total
    }
    /// Everything is under the current key: previous keys may be dropped.
    #[getter]
    fn finished(&self) -> bool {
        self.0.finished
    }

    fn __repr__(&self) -> String {
        format!(
            "RekeyProgress(done={}, total={}, finished={})",
            self.0.done,
            self.0.total,
            bool_repr(self.0.finished)
        )
    }
}

/// A read-only look at the store (`Authward.store_info`), for a health endpoint: which backend, its
/// schema version, how many users it holds and whether its consistency check passed.
#[pyclass(frozen, name = "StoreInfo", module = "authward")]
pub struct PyStoreInfo(pub StoreInfo);

#[pymethods]
impl PyStoreInfo {
    /// `"memory"`, `"sqlite"` or `"postgres"`.
    #[getter]
    fn backend(&self) -> &'static str {
        self.0.backend
    }
    /// The schema version the store is at (0 in memory).
    #[getter]
    fn schema_version(&self) -> u32 {
        self.0.schema_version
    }
    /// How many users the store holds (every account).
    #[getter]
    fn users(&self) -> u64 {
        self.0.users
    }
    /// The backend's own consistency check passed (SQLite `PRAGMA quick_check`).
    #[getter]
    fn healthy(&self) -> bool {
        self.0.healthy
    }

    fn __repr__(&self) -> String {
        format!(
            "StoreInfo(backend={}, schema_version={}, users={}, healthy={})",
            py_repr(self.0.backend),
            self.0.schema_version,
            self.0.users,
            bool_repr(self.0.healthy)
        )
    }
}
