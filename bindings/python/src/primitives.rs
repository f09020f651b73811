//! The stateless primitives: password hashing, TOTP, `otpauth://` URIs and QR codes.
//!
//! Argon2 and QR rendering run without the GIL; TOTP is a few microseconds and keeps it.

use authward::{HashParams, TotpConfig, password, qr, totp};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::convert::{Bytes, Secret, Text, Unsigned, u32_arg};
use crate::errors::CoreError;
use crate::types::{PyHashParams, PyTotpConfig, PyTotpUri};

fn params_or_default(params: Option<PyHashParams>) -> HashParams {
    params.map(|p| p.0).unwrap_or_default()
}

fn config_or_default(config: Option<PyTotpConfig>) -> TotpConfig {
    config.map(|c| c.0).unwrap_or_default()
}

fn time_or_now(at: Option<Unsigned>) -> u64 {
    authward::clock::at_or_now(at.map(|a| a.0))
}

/// Hashes `password` with Argon2id and a fresh random salt; returns a PHC string
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) that other Argon2 libraries verify.
///
/// `params` defaults to `HashParams()` (OWASP: m=19456 KiB, t=2, p=1); `pepper` (bytes, at most 64) is
/// Argon2's secret input: hashes made with one verify only with it. Runs without the GIL.
///
/// Raises `TypeError` for non-`str` passwords and `InvalidArgumentError` for an empty one, one over
/// 4096 UTF-8 bytes, or a pepper over 64 bytes.
#[pyfunction]
#[pyo3(signature = (password, params = None, *, pepper = None))]
pub fn hash_password(
    py: Python<'_>,
    password: Secret,
    params: Option<PyHashParams>,
    pepper: Option<Bytes>,
) -> PyResult<String> {
    let params = params_or_default(params);
    let pepper = pepper.map(|p| p.0);
    let phc =
        py.detach(|| password::hash::hash(password.as_str(), &params, pepper.as_deref().map(Vec::as_slice)));
    Ok(phc.map_err(CoreError)?)
}

/// Whether `password` matches the PHC string `phc` (argon2id, argon2i or argon2d, from any library).
///
/// A wrong password is `False`, not an exception. Runs without the GIL. Raises `InvalidArgumentError`
/// for a malformed PHC string or a password over 4096 UTF-8 bytes, `TypeError` for non-`str` arguments.
#[pyfunction]
#[pyo3(signature = (password, phc, *, pepper = None))]
pub fn verify_password(py: Python<'_>, password: Secret, phc: Text, pepper: Option<Bytes>) -> PyResult<bool> {
    let pepper = pepper.map(|p| p.0);
    let ok =
        py.detach(|| password::hash::verify(password.as_str(), &phc, pepper.as_deref().map(Vec::as_slice)));
    Ok(ok.map_err(CoreError)?)
}

/// Whether the hash `phc` should be recomputed: not argon2id, an old version, or parameters other than
/// `params` (default `HashParams()`). Raises `InvalidArgumentError` for a malformed PHC string.
#[pyfunction]
#[pyo3(signature = (phc, params = None))]
pub fn needs_rehash(phc: &str, params: Option<PyHashParams>) -> PyResult<bool> {
    Ok(password::hash::needs_rehash(phc, &params_or_default(params)).map_err(CoreError)?)
}

/// A new TOTP secret: 20 random bytes (160 bits) from the OS CSPRNG, base32 without padding.
#[pyfunction]
pub fn generate_totp_secret() -> PyResult<String> {
    Ok(totp::generate_secret().map_err(CoreError)?)
}

/// The TOTP code of the base32 `secret` at unix time `at` (default: now) under `config`
/// (default `TotpConfig()`: SHA1, 6 digits, 30 s). Raises `InvalidArgumentError` for a bad secret.
#[pyfunction]
#[pyo3(signature = (secret, at = None, config = None))]
pub fn totp_code(secret: Secret, at: Option<Unsigned>, config: Option<PyTotpConfig>) -> PyResult<String> {
    Ok(totp::code(secret.as_str(), time_or_now(at), &config_or_default(config)).map_err(CoreError)?)
}

/// Checks the TOTP `code` for the base32 `secret` at unix time `at` (default: now), accepting
/// `config.window` steps either side. Returns the matched time step, or `None` when the code is wrong,
/// malformed, or its step is not newer than `last_step` (replay). Store the returned step and pass it as
/// `last_step` next time. Raises `InvalidArgumentError` for a bad secret or config.
#[pyfunction]
#[pyo3(signature = (secret, code, at = None, last_step = None, config = None))]
pub fn verify_totp(
    secret: Secret,
    code: Secret,
    at: Option<Unsigned>,
    last_step: Option<Unsigned>,
    config: Option<PyTotpConfig>,
) -> PyResult<Option<u64>> {
    let config = config_or_default(config);
    let step = totp::verify(secret.as_str(), code.as_str(), time_or_now(at), last_step.map(|s| s.0), &config);
    Ok(step.map_err(CoreError)?)
}

/// The `otpauth://totp/Issuer:account?secret=…&issuer=…` URI (Key URI Format) an authenticator app
/// reads from a QR code. Issuer and account name must be non-empty, without `:`; both are
/// percent-encoded. Raises `InvalidArgumentError` for bad input.
#[pyfunction]
#[pyo3(signature = (secret, issuer, account_name, config = None))]
pub fn totp_uri(
    secret: Secret,
    issuer: Text,
    account_name: Text,
    config: Option<PyTotpConfig>,
) -> PyResult<String> {
    let uri = totp::build_uri(secret.as_str(), &issuer, &account_name, &config_or_default(config));
    Ok(uri.map_err(CoreError)?)
}

/// Parses an `otpauth://totp/` URI (to import a secret from another system) into a `TotpUri`.
/// Raises `InvalidArgumentError` for anything that is not a valid TOTP URI.
#[pyfunction]
pub fn parse_totp_uri(uri: Secret) -> PyResult<PyTotpUri> {
    Ok(PyTotpUri(totp::parse_uri(uri.as_str()).map_err(CoreError)?))
}

/// The QR code of `text` as an SVG document (`str`).
#[pyfunction]
pub fn qr_svg<'py>(py: Python<'py>, text: Secret) -> PyResult<Bound<'py, PyString>> {
    let svg = py.detach(|| qr::svg(text.as_str())).map_err(CoreError)?;
    Ok(PyString::new(py, &svg))
}

/// The QR code of `text` as a greyscale PNG image (`bytes`), `scale` pixels per module (1–64).
#[pyfunction]
#[pyo3(signature = (text, scale = qr::DEFAULT_SCALE), text_signature = "(text, scale=8)")]
pub fn qr_png<'py>(
    py: Python<'py>,
    text: Secret,
    #[pyo3(from_py_with = u32_arg)] scale: u32,
) -> PyResult<Bound<'py, PyBytes>> {
    let png = py.detach(|| qr::png(text.as_str(), scale)).map_err(CoreError)?;
    Ok(PyBytes::new(py, &png))
}

/// The QR code of `text` as UTF-8 half blocks for a terminal with a dark background (`str`).
#[pyfunction]
pub fn qr_terminal<'py>(py: Python<'py>, text: Secret) -> PyResult<Bound<'py, PyString>> {
    let rendered = py.detach(|| qr::terminal(text.as_str())).map_err(CoreError)?;
    Ok(PyString::new(py, &rendered))
}
