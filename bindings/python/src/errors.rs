//! The one mapping from `authward::Error` to the Python exception classes of `authward._errors`.

use authward::{Error, ErrorCode};
use pyo3::PyErr;

use crate::types::PyViolation;

pyo3::import_exception!(authward._errors, InvalidArgumentError);
pyo3::import_exception!(authward._errors, InvalidCredentials);
pyo3::import_exception!(authward._errors, WrongPassword);
pyo3::import_exception!(authward._errors, PasswordMismatch);
pyo3::import_exception!(authward._errors, PolicyViolation);
pyo3::import_exception!(authward._errors, PasswordReused);
pyo3::import_exception!(authward._errors, InvalidCode);
pyo3::import_exception!(authward._errors, CodeReused);
pyo3::import_exception!(authward._errors, LockedOut);
pyo3::import_exception!(authward._errors, NotFound);
pyo3::import_exception!(authward._errors, AlreadyExists);
pyo3::import_exception!(authward._errors, TwoFactorEnforced);
pyo3::import_exception!(authward._errors, InvalidState);
pyo3::import_exception!(authward._errors, ChallengeExpired);
pyo3::import_exception!(authward._errors, StorageError);
pyo3::import_exception!(authward._errors, CryptoError);
pyo3::import_exception!(authward._errors, InternalError);

/// A core error on its way to Python: `.map_err(CoreError)?` inside a `PyResult` function.
#[derive(Debug)]
pub struct CoreError(pub Error);

impl From<CoreError> for PyErr {
    fn from(CoreError(err): CoreError) -> PyErr {
        // The core's messages never contain a secret (its contract), so they are passed on as they are.
        let message = err.to_string();
        match err.code() {
            ErrorCode::InvalidArgument => InvalidArgumentError::new_err(message),
            ErrorCode::InvalidCredentials => InvalidCredentials::new_err(message),
            ErrorCode::WrongPassword => WrongPassword::new_err(message),
            ErrorCode::PasswordMismatch => PasswordMismatch::new_err(message),
            ErrorCode::PolicyViolation => {
                let violations: Vec<PyViolation> = err.violations().iter().map(PyViolation::from).collect();
                PolicyViolation::new_err((message, violations))
            }
            ErrorCode::PasswordReused => PasswordReused::new_err(message),
            ErrorCode::InvalidCode => InvalidCode::new_err(message),
            ErrorCode::CodeReused => CodeReused::new_err(message),
            ErrorCode::LockedOut => LockedOut::new_err((message, err.retry_after().unwrap_or(0))),
            ErrorCode::NotFound => NotFound::new_err(message),
            ErrorCode::AlreadyExists => AlreadyExists::new_err(message),
            ErrorCode::TwoFactorEnforced => TwoFactorEnforced::new_err(message),
            ErrorCode::InvalidState => InvalidState::new_err(message),
            ErrorCode::ChallengeExpired => ChallengeExpired::new_err(message),
            ErrorCode::Storage => StorageError::new_err(message),
            ErrorCode::Crypto => CryptoError::new_err(message),
            // `Ok` is never an error; treat a core bug that produced one as internal.
            ErrorCode::Internal | ErrorCode::Ok => InternalError::new_err(message),
        }
    }
}

/// An `INVALID_ARGUMENT` raised by the binding itself (e.g. a negative number where a count is expected).
pub fn invalid(message: impl Into<String>) -> PyErr {
    InvalidArgumentError::new_err(message.into())
}
