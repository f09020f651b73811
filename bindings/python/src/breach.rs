//! Breached passwords: `BreachFilter` (the offline filter), `range_prefix` and `judge_range` (the
//! k-anonymity helper for range APIs of the HIBP kind). Thin wrappers of `authward::password::breach`.

use std::sync::Arc;

use authward::password::breach::{self, BreachFilter};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{Bytes, Secret, Text, opt_repr};
use crate::errors::CoreError;
use crate::types::{PyPasswordPolicy, PyViolation};

/// An offline filter of breached passwords (a binary fuse filter of SHA-1 keys, ~18 bits per entry).
///
/// Build it from the app's list with `BreachFilter.from_text(text)` or `BreachFilter.from_list_file(path)`
/// (one entry per line: a password, or the SHA-1 of one as exactly 40 hex digits; HIBP's `SHA1:COUNT`
/// lines too; empty lines skipped, duplicates harmless), save it with `to_bytes()`, load it with
/// `BreachFilter.from_bytes(data)` or `BreachFilter.load(path)`, and attach it with
/// `Authward.open(…, breached_passwords=f)`. `password in f` (or `f.contains(password)`) has no false
/// negatives and about 1 false positive in 65536 (`BreachFilter.FALSE_POSITIVE_RATE`). Immutable and
/// thread-safe. A file that is not a valid filter raises `InvalidArgumentError`.
#[pyclass(frozen, name = "BreachFilter", module = "authward")]
pub struct PyBreachFilter(pub Arc<BreachFilter>);

fn wrap(f: authward::Result<BreachFilter>) -> PyResult<PyBreachFilter> {
    Ok(PyBreachFilter(Arc::new(f.map_err(CoreError)?)))
}

#[pymethods]
impl PyBreachFilter {
    /// The stated false-positive rate (1/65536).
    #[classattr]
    const FALSE_POSITIVE_RATE: f64 = BreachFilter::FALSE_POSITIVE_RATE;

    /// A filter of the lines of `text`.
    #[staticmethod]
    fn from_text(py: Python<'_>, text: Text) -> PyResult<PyBreachFilter> {
        wrap(py.detach(|| BreachFilter::from_text(&text)))
    }

    /// A filter of the lines of a list file (bytes that are not UTF-8 are keyed as they are).
    #[staticmethod]
    fn from_list_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyBreachFilter> {
        wrap(py.detach(|| BreachFilter::from_list_file(&path)))
    }

    /// Reads the output of `to_bytes()`; anything else raises `InvalidArgumentError`.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Bytes) -> PyResult<PyBreachFilter> {
        wrap(py.detach(|| BreachFilter::from_bytes(&data.0)))
    }

    /// Loads a saved filter from a file (as written by `to_bytes()` or `authward-breach build`).
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyBreachFilter> {
        wrap(py.detach(|| BreachFilter::load(&path)))
    }

    /// The serialized filter (versioned header, fingerprints, SHA-256 checksum).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_bytes())
    }

    /// Whether the filter lists `password` (tried as given and in NFKC form).
    fn contains(&self, password: Secret) -> bool {
        self.0.contains(password.as_str())
    }

    fn __contains__(&self, password: Secret) -> bool {
        self.0.contains(password.as_str())
    }

    fn __len__(&self) -> usize {
        usize::try_from(self.0.len()).unwrap_or(usize::MAX)
    }

    /// The size of `to_bytes()` in bytes.
    #[getter]
    fn size_bytes(&self) -> usize {
        self.0.size_bytes()
    }

    fn __repr__(&self) -> String {
        format!("BreachFilter(entries={}, size_bytes={})", self.0.len(), self.0.size_bytes())
    }
}

/// The judgement of a range response: `count` (how often it lists the password; `None` without a
/// response), `breached` (whether to refuse it under the policy) and `violation` (the `BREACHED`
/// `Violation` to show, or `None`).
#[pyclass(frozen, eq, name = "RangeVerdict", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyRangeVerdict {
    count: Option<u64>,
    breached: bool,
}

#[pymethods]
impl PyRangeVerdict {
    /// How often the response lists the password (0: absent); `None` when there was no response.
    #[getter]
    fn count(&self) -> Option<u64> {
        self.count
    }
    /// Whether to refuse the password.
    #[getter]
    fn breached(&self) -> bool {
        self.breached
    }
    /// The `BREACHED` violation when `breached`, else `None`.
    #[getter]
    fn violation(&self) -> Option<PyViolation> {
        self.breached.then(|| PyViolation::from(&breach::breached_violation()))
    }

    fn __repr__(&self) -> String {
        let breached = if self.breached { "True" } else { "False" };
        format!("RangeVerdict(count={}, breached={breached})", opt_repr(self.count))
    }
}

/// The 5 upper-case hex digits of the password's SHA-1 to fetch from a range API
/// (`https://api.pwnedpasswords.com/range/{prefix}`); only this prefix leaves the server.
#[pyfunction]
pub fn range_prefix(password: Secret) -> String {
    breach::range_prefix(password.as_str())
}

/// Judges the app's fetched range response for `password`: `response` is the body fetched for
/// `range_prefix(password)` (lines `SUFFIX:COUNT`, LF or CRLF; counts of 0 are padding), or `None` when
/// the fetch failed. `policy` (default `PasswordPolicy()`) gives `breach_min_count`,
/// `breach_fail_closed` and `reject_breached`. A malformed response raises `InvalidArgumentError`.
#[pyfunction]
#[pyo3(signature = (password, response, policy = None))]
pub fn judge_range(
    password: Secret,
    response: Option<Text>,
    policy: Option<PyPasswordPolicy>,
) -> PyResult<PyRangeVerdict> {
    let policy = policy.map(|p| p.0).unwrap_or_default();
    let v = breach::judge_range(password.as_str(), response.as_deref(), &policy).map_err(CoreError)?;
    Ok(PyRangeVerdict { count: v.count, breached: v.breached })
}
