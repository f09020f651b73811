//! The one mapping from `authward::Error` to the Python exception classes of `authward._errors`.

use authward::{Error, ErrorCode};
use pyo3::PyErr;

use crate::types::PyViolation;

pyo3::import_exception!(authward._errors, ArgumentTypeError);
pyo3::import_exception!(authward._errors, InvalidArgumentError);
pyo3::import_exception!(authward._errors, InvalidCredentialsError);
pyo3::import_exception!(authward._errors, WrongPasswordError);
pyo3::import_exception!(authward._errors, PasswordMismatchError);
pyo3::import_exception!(authward._errors, PolicyViolationError);
pyo3::import_exception!(authward._errors, PasswordReusedError);
pyo3::import_exception!(authward._errors, InvalidCodeError);
pyo3::import_exception!(authward._errors, CodeReusedError);
pyo3::import_exception!(authward._errors, LockedOutError);
pyo3::import_exception!(authward._errors, NotFoundError);
pyo3::import_exception!(authward._errors, AlreadyExistsError);
pyo3::import_exception!(authward._errors, TwoFactorEnforcedError);
pyo3::import_exception!(authward._errors, InvalidStateError);
pyo3::import_exception!(authward._errors, ChallengeExpiredError);
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
            ErrorCode::InvalidCredentials => InvalidCredentialsError::new_err(message),
            ErrorCode::WrongPassword => WrongPasswordError::new_err(message),
            ErrorCode::PasswordMismatch => PasswordMismatchError::new_err(message),
            ErrorCode::PolicyViolation => {
                let violations: Vec<PyViolation> = err.violations().iter().map(PyViolation::from).collect();
                PolicyViolationError::new_err((message, violations))
            }
            ErrorCode::PasswordReused => PasswordReusedError::new_err(message),
            ErrorCode::InvalidCode => InvalidCodeError::new_err(message),
            ErrorCode::CodeReused => CodeReusedError::new_err(message),
            ErrorCode::LockedOut => LockedOutError::new_err((message, err.retry_after().unwrap_or(0))),
            ErrorCode::NotFound => NotFoundError::new_err(message),
            ErrorCode::AlreadyExists => AlreadyExistsError::new_err(message),
            ErrorCode::TwoFactorEnforced => TwoFactorEnforcedError::new_err(message),
            ErrorCode::InvalidState => InvalidStateError::new_err(message),
            ErrorCode::ChallengeExpired => ChallengeExpiredError::new_err(message),
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
