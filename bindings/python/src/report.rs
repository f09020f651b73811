//! The admin's view: `AccountReport` and its `UserReport` rows (`Authward.account_report`).

use authward::{AccountReport, UserReport};
use pyo3::prelude::*;

use crate::convert::{bool_repr, opt_repr, py_repr};

/// Adds the report's classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAccountReport>()?;
    m.add_class::<PyUserReport>()?;
    Ok(())
}

/// One user of an `AccountReport` (times in unix seconds).
#[pyclass(frozen, name = "UserReport", module = "authward")]
#[derive(Clone)]
pub struct PyUserReport(pub UserReport);

#[pymethods]
impl PyUserReport {
    /// The user's id.
    #[getter]
    fn user_id(&self) -> &str {
        &self.0.user_id
    }
    /// `"overdue"` (deadline passed, password expired or change required, locked), `"due"` (a deadline
    /// ahead, the expiry warning) or `"fine"`.
    #[getter]
    fn attention(&self) -> &'static str {
        self.0.attention.as_str()
    }
    /// Whether 2FA is on.
    #[getter]
    fn two_factor_enabled(&self) -> bool {
        self.0.two_factor_enabled
    }
    /// Whether an admin exempted the user from enforced 2FA.
    #[getter]
    fn two_factor_exempt(&self) -> bool {
        self.0.two_factor_exempt
    }
    /// When the user must have enrolled (enforced, not exempt, 2FA off); may be past.
    #[getter]
    fn two_factor_deadline(&self) -> Option<u64> {
        self.0.two_factor_deadline
    }
    /// Last password change.
    #[getter]
    fn password_changed_at(&self) -> u64 {
        self.0.password_changed_at
    }
    /// Whole days since the last password change.
    #[getter]
    fn password_age_days(&self) -> u64 {
        self.0.password_age_days
    }
    /// When the password expires, if the account sets expiration.
    #[getter]
    fn password_expires_at(&self) -> Option<u64> {
        self.0.password_expires_at
    }
    /// What the next sign-in will require (`"enroll_two_factor"`, `"change_password"`).
    #[getter]
    fn required_actions(&self) -> Vec<&'static str> {
        self.0.required_actions.iter().map(|a| a.as_str()).collect()
    }
    /// End of the longest current lockout, if one holds.
    #[getter]
    fn locked_until(&self) -> Option<u64> {
        self.0.locked_until
    }
    /// The last complete sign-in (every factor given), if any was recorded.
    #[getter]
    fn last_sign_in_at(&self) -> Option<u64> {
        self.0.last_sign_in_at
    }

    fn __repr__(&self) -> String {
        let u = &self.0;
        format!(
            "UserReport(user_id={}, attention={}, two_factor_enabled={}, two_factor_exempt={}, \
             two_factor_deadline={}, password_age_days={}, password_expires_at={}, required_actions={}, \
             locked_until={}, last_sign_in_at={})",
            py_repr(&u.user_id),
            py_repr(u.attention.as_str()),
            bool_repr(u.two_factor_enabled),
            bool_repr(u.two_factor_exempt),
            opt_repr(u.two_factor_deadline),
            u.password_age_days,
            opt_repr(u.password_expires_at),
            crate::service::actions_repr(&self.required_actions()),
            opt_repr(u.locked_until),
            opt_repr(u.last_sign_in_at),
        )
    }
}

/// A page of `Authward.account_report`: the rows asked for and the counts of the whole account.
#[pyclass(frozen, name = "AccountReport", module = "authward")]
pub struct PyAccountReport(pub AccountReport);

#[pymethods]
impl PyAccountReport {
    /// The rows of this page, in the order asked for.
    #[getter]
    fn users(&self) -> Vec<PyUserReport> {
        self.0.users.iter().cloned().map(PyUserReport).collect()
    }
    /// Users in the account.
    #[getter]
    fn total(&self) -> usize {
        self.0.total
    }
    /// Of them, overdue.
    #[getter]
    fn overdue(&self) -> usize {
        self.0.overdue
    }
    /// Of them, with something due.
    #[getter]
    fn due(&self) -> usize {
        self.0.due
    }
    /// When the report judged (unix seconds).
    #[getter]
    fn at(&self) -> u64 {
        self.0.at
    }

    fn __repr__(&self) -> String {
        let r = &self.0;
        format!(
            "AccountReport(total={}, overdue={}, due={}, at={}, users=[{} rows])",
            r.total,
            r.overdue,
            r.due,
            r.at,
            r.users.len()
        )
    }
}
