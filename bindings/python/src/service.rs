//! The service: `Authward` over an SQLite file or in memory, and the values it returns.
//!
//! Every method runs without the GIL (Argon2 and the store are slow), so threads sharing one `Authward`
//! run in parallel; the core object is `Send + Sync`.

use std::sync::{Arc, PoisonError, RwLock};

use authward::service::{DEFAULT_EVENTS_LIMIT, Enrollment, Event, SecurityStatus, SignIn};
use authward::{Authward, AuthwardOptions, Clock};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::PyManualClock;
use crate::breach::PyBreachFilter;
use crate::convert::{Bytes, Secret, Text, bool_repr, opt_repr, py_repr, u32_arg, usize_arg};
use crate::errors::{CoreError, InvalidStateError};
use crate::maintenance::{PyRekeyProgress, PyStoreInfo};
use crate::report::PyAccountReport;
use crate::types::{PyAccountPolicy, PyHashParams};

/// Adds the service's classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAuthward>()?;
    m.add_class::<PySignIn>()?;
    m.add_class::<PyEnrollment>()?;
    m.add_class::<PySecurityStatus>()?;
    m.add_class::<PyEvent>()?;
    m.add_class::<PyAuditEntry>()?;
    m.add_class::<PyRekeyProgress>()?;
    m.add_class::<PyStoreInfo>()?;
    crate::report::register(m)?;
    m.add_class::<crate::devices::PyDevice>()?;
    Ok(())
}

fn options(
    clock: Option<&Bound<'_, PyManualClock>>,
    hash_params: Option<PyHashParams>,
    pepper: Option<Bytes>,
    previous_keys: Option<Vec<Vec<u8>>>,
    breached_passwords: Option<&Bound<'_, PyBreachFilter>>,
) -> AuthwardOptions {
    AuthwardOptions {
        breached_passwords: breached_passwords.map(|f| f.get().0.clone()),
        clock: clock.map(|c| Arc::new(c.get().0.clone()) as Arc<dyn Clock>),
        hash_params: hash_params.map(|p| p.0).unwrap_or_default(),
        pepper: pepper.map(|p| p.0.to_vec()),
        previous_keys: previous_keys.unwrap_or_default(),
    }
}

/// The flows of an account's Security settings page over a store: passwords, TOTP two-factor,
/// recovery codes, account policies, lockouts and a security log.
///
/// Create one with `Authward.open(path, key)` (SQLite file) or `Authward.in_memory()` and share it:
/// it is safe to use from many threads at once, and every method releases the GIL, so from asyncio
/// call it through `await asyncio.to_thread(aw.sign_in, user_id, password)`.
///
/// Every method raises a subclass of `AuthwardError` (see each method), and `TypeError` for arguments
/// of the wrong type.
///
/// `close()` releases the store (the SQLite file); afterwards every method raises `InvalidStateError`.
/// `with Authward.open(path, key) as aw:` closes it at the end of the block.
#[pyclass(frozen, name = "Authward", module = "authward")]
pub struct PyAuthward(RwLock<Option<Arc<Authward>>>);

impl PyAuthward {
    fn new(aw: Authward) -> Self {
        PyAuthward(RwLock::new(Some(Arc::new(aw))))
    }

    /// The open service, or `InvalidStateError` once closed. Calls already running keep their own
    /// reference, so `close()` never pulls the store from under them: it closes when the last ends.
    fn service(&self) -> PyResult<Arc<Authward>> {
        let guard = self.0.read().unwrap_or_else(PoisonError::into_inner);
        guard.clone().ok_or_else(|| InvalidStateError::new_err("invalid state: this Authward is closed"))
    }
}

#[pymethods]
impl PyAuthward {
    /// Opens (or creates) the store at `path`: a SQLite file, or a `postgres://` / `postgresql://` URL
    /// (a PostgreSQL database shared by many app servers; see docs/postgres.md).
    ///
    /// `key` is 32 bytes (keep it outside the database) that encrypt TOTP secrets at rest; a different
    /// key later makes TOTP checks raise `CryptoError`. `clock` (a `ManualClock`) replaces the system
    /// clock; `hash_params` sets the Argon2 cost of new hashes (older ones are upgraded at sign-in);
    /// `pepper` (at most 64 bytes) is an extra secret mixed into every password hash.
    /// `previous_keys` (a list of 32-byte keys) are the keys used before `key` during a rotation:
    /// secrets and row tags made under them still work until `rekey` has moved them to `key`.
    /// `breached_passwords` (a `BreachFilter`) refuses listed passwords with `BREACHED` at creation,
    /// change and admin reset, and makes a sign-in with a listed password `action_required` with
    /// `change_password` (while the account's `reject_breached` is on).
    ///
    /// Raises `InvalidArgumentError` (bad key length, parameters or URL), `CryptoError` (neither `key`
    /// nor a previous key is the store's), `StorageError` (not a database, I/O, server unreachable, bad
    /// credentials).
    #[staticmethod]
    #[pyo3(signature = (
        path, key, clock = None, hash_params = None, pepper = None, previous_keys = None,
        breached_passwords = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn open(
        py: Python<'_>,
        path: std::path::PathBuf,
        key: Bytes,
        clock: Option<&Bound<'_, PyManualClock>>,
        hash_params: Option<PyHashParams>,
        pepper: Option<Bytes>,
        previous_keys: Option<Vec<Vec<u8>>>,
        breached_passwords: Option<&Bound<'_, PyBreachFilter>>,
    ) -> PyResult<PyAuthward> {
        let key = key.0;
        let options = options(clock, hash_params, pepper, previous_keys, breached_passwords);
        let aw = py.detach(|| Authward::open(&path, &key, options)).map_err(CoreError)?;
        Ok(PyAuthward::new(aw))
    }

    /// A service whose state lives in memory only (tests, demos). Options as for `open`.
    #[staticmethod]
    #[pyo3(signature = (clock = None, hash_params = None, pepper = None, breached_passwords = None))]
    fn in_memory(
        py: Python<'_>,
        clock: Option<&Bound<'_, PyManualClock>>,
        hash_params: Option<PyHashParams>,
        pepper: Option<Bytes>,
        breached_passwords: Option<&Bound<'_, PyBreachFilter>>,
    ) -> PyResult<PyAuthward> {
        let options = options(clock, hash_params, pepper, None, breached_passwords);
        let aw = py.detach(|| Authward::in_memory(options)).map_err(CoreError)?;
        Ok(PyAuthward::new(aw))
    }

    /// The service's current time (unix seconds): its clock's.
    fn now(&self) -> PyResult<u64> {
        let aw = self.service()?;
        Ok(aw.now())
    }

    /// Sets the policy (an `AccountPolicy`) of every user of `account_id`; `actor` (the admin, e.g. their
    /// email) is recorded in the `policy_changed` event (`"admin"` when `None`).
    /// Raises `InvalidArgumentError`, `StorageError`.
    #[pyo3(signature = (account_id, policy, *, actor = None))]
    fn set_account_policy(
        &self,
        py: Python<'_>,
        account_id: Text,
        policy: PyAccountPolicy,
        actor: Option<Text>,
    ) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py
            .detach(|| aw.set_account_policy_by(&account_id, &policy.0, actor.as_deref()))
            .map_err(CoreError)?)
    }

    /// The policy of `account_id` (the defaults if none was set).
    fn account_policy(&self, py: Python<'_>, account_id: Text) -> PyResult<PyAccountPolicy> {
        let aw = self.service()?;
        let policy = py.detach(|| aw.account_policy(&account_id)).map_err(CoreError)?;
        Ok(PyAccountPolicy(policy))
    }

    /// Creates user `user_id` in `account_id` with `password`, which must pass the account's policy.
    ///
    /// Raises `AlreadyExistsError`, `PolicyViolationError` (its `.violations` lists every broken rule),
    /// `InvalidArgumentError`, `StorageError`.
    #[pyo3(signature = (user_id, account_id, password, email = None))]
    fn create_user(
        &self,
        py: Python<'_>,
        user_id: Text,
        account_id: Text,
        password: Secret,
        email: Option<Text>,
    ) -> PyResult<()> {
        let aw = self.service()?;
        let result = py.detach(|| aw.create_user(&user_id, &account_id, password.as_str(), email.as_deref()));
        Ok(result.map_err(CoreError)?)
    }

    /// Deletes user `user_id` and everything stored about them. Raises `NotFoundError`, `StorageError`.
    fn delete_user(&self, py: Python<'_>, user_id: Text) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.delete_user(&user_id)).map_err(CoreError)?)
    }

    /// The user ids of `account_id`, sorted.
    fn list_users(&self, py: Python<'_>, account_id: Text) -> PyResult<Vec<String>> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.list_users(&account_id)).map_err(CoreError)?)
    }

    /// Changes the password of `user_id`: pass the `current` password, the `new` one and its `confirm`ation.
    ///
    /// On success the password's age restarts (expiry) and `credential_version` increases, so the app
    /// can end the user's other sessions.
    ///
    /// Raises `WrongPasswordError` (current is wrong; counts toward lockout), `PasswordMismatchError` (new !=
    /// confirm), `PolicyViolationError` (`.violations` lists every broken rule), `PasswordReusedError` (the current
    /// or a recent password), `LockedOutError` (`.retry_after` seconds), `NotFoundError`, `InvalidArgumentError`,
    /// `StorageError`.
    fn change_password(
        &self,
        py: Python<'_>,
        user_id: Text,
        current: Secret,
        new: Secret,
        confirm: Secret,
    ) -> PyResult<()> {
        let aw = self.service()?;
        let result =
            py.detach(|| aw.change_password(&user_id, current.as_str(), new.as_str(), confirm.as_str()));
        Ok(result.map_err(CoreError)?)
    }

    /// Admin reset: sets `new` as the password of `user_id` (the policy applies, history is kept).
    /// Raises `PolicyViolationError`, `PasswordReusedError`, `NotFoundError`, `StorageError`.
    #[pyo3(signature = (user_id, new, *, actor = None))]
    fn set_password(&self, py: Python<'_>, user_id: Text, new: Secret, actor: Option<Text>) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.set_password_by(&user_id, new.as_str(), actor.as_deref())).map_err(CoreError)?)
    }

    /// Admin: the next sign-in of `user_id` gets the required action `"change_password"`.
    /// Raises `NotFoundError`, `StorageError`.
    #[pyo3(signature = (user_id, *, actor = None))]
    fn require_password_change(&self, py: Python<'_>, user_id: Text, actor: Option<Text>) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.require_password_change_by(&user_id, actor.as_deref())).map_err(CoreError)?)
    }

    /// Signs `user_id` in with `password` from `client` (optional: the IP address or a device-cookie
    /// id, for client-aware lockout; only a keyed hash of it is stored); returns a `SignIn`.
    ///
    /// `status` is `"complete"` (a full session; `required_actions` may list what is due later),
    /// `"action_required"` (give a session limited to `required_actions`: `"enroll_two_factor"`,
    /// `"change_password"`), or `"second_factor_required"`: then pass `challenge` and the user's code to
    /// `verify_second_factor`.
    ///
    /// `device_token` (optional: the `SignIn.device_token` a `verify_second_factor(...,
    /// remember_device=...)` gave) skips the code for a user with 2FA while it is valid (not expired,
    /// credentials unchanged, the policy's `remember_device_days` still set): the status is then
    /// `"complete"` or `"action_required"`. The password is checked all the same. A wrong, expired or
    /// revoked token is ignored (`"second_factor_required"` as without one), never an error.
    ///
    /// Raises `InvalidCredentialsError` (unknown user or wrong password, indistinguishable by design),
    /// `LockedOutError` (`.retry_after` seconds), `InvalidArgumentError`, `StorageError`.
    #[pyo3(signature = (user_id, password, client = None, device_token = None))]
    fn sign_in(
        &self,
        py: Python<'_>,
        user_id: Text,
        password: Secret,
        client: Option<Text>,
        device_token: Option<Secret>,
    ) -> PyResult<PySignIn> {
        let aw = self.service()?;
        let token = device_token.as_ref().map(Secret::as_str);
        let result = py
            .detach(|| aw.sign_in_with_device(&user_id, password.as_str(), client.as_deref(), token))
            .map_err(CoreError)?;
        Ok(PySignIn(result))
    }

    /// Completes a sign-in with the `challenge` from `sign_in` and a TOTP `code` or a recovery code;
    /// returns a `SignIn` with status `"complete"` or `"action_required"`. `client` as for `sign_in`
    /// (default: the client the password came from). With `remember_device` (a label for the device,
    /// e.g. the browser: at most 200 bytes, no control characters) and an account policy with
    /// `remember_device_days`, the result carries `device_token` (given once) for later `sign_in(...,
    /// device_token=...)`; with the policy off there is no token (not an error).
    ///
    /// Raises `InvalidCodeError` (the challenge stays valid; failures count toward lockout), `CodeReusedError`
    /// (replay), `ChallengeExpiredError` (unknown, used or older than 5 minutes), `LockedOutError`, `CryptoError`
    /// (the store key is wrong), `StorageError`.
    #[pyo3(signature = (challenge, code, client = None, remember_device = None))]
    fn verify_second_factor(
        &self,
        py: Python<'_>,
        challenge: Secret,
        code: Secret,
        client: Option<Text>,
        remember_device: Option<Text>,
    ) -> PyResult<PySignIn> {
        let aw = self.service()?;
        let result = py
            .detach(|| match remember_device.as_deref() {
                Some(label) => aw.verify_second_factor_remember(
                    challenge.as_str(),
                    code.as_str(),
                    client.as_deref(),
                    label,
                ),
                None => aw.verify_second_factor_from(challenge.as_str(), code.as_str(), client.as_deref()),
            })
            .map_err(CoreError)?;
        Ok(PySignIn(result))
    }

    /// The remembered devices of `user_id` not expired under the account's policy now, most recently
    /// used first, each with the expiry that applies (`Device`s, never a token); listed while the policy
    /// is off too. Raises `NotFoundError`, `StorageError`.
    fn list_devices(&self, py: Python<'_>, user_id: Text) -> PyResult<Vec<crate::devices::PyDevice>> {
        let aw = self.service()?;
        let devices = py.detach(|| aw.list_devices(&user_id)).map_err(CoreError)?;
        Ok(devices.into_iter().map(crate::devices::PyDevice).collect())
    }

    /// Forgets the remembered device `device_id` of `user_id` (its token asks for the code again).
    /// Raises `NotFoundError` (unknown user or device), `StorageError`.
    fn revoke_device(&self, py: Python<'_>, user_id: Text, device_id: Text) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.revoke_device(&user_id, &device_id)).map_err(CoreError)?)
    }

    /// Forgets every remembered device of `user_id`; returns how many there were.
    /// Raises `NotFoundError`, `StorageError`.
    fn revoke_all_devices(&self, py: Python<'_>, user_id: Text) -> PyResult<usize> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.revoke_all_devices(&user_id)).map_err(CoreError)?)
    }

    /// Starts TOTP enrolment for `user_id`: returns an `Enrollment` with the pending secret, its
    /// `otpauth://` URI (`issuer` is your service's name) and the QR code as SVG, PNG and terminal text.
    /// Replacing an active authenticator needs `password` (or a current code from it): missing or
    /// wrong raises `WrongPasswordError` (counted toward lockout).
    /// Raises `NotFoundError`, `InvalidArgumentError`, `LockedOutError`, `StorageError`.
    #[pyo3(signature = (user_id, issuer, password = None))]
    fn begin_totp_enrollment(
        &self,
        py: Python<'_>,
        user_id: Text,
        issuer: Text,
        password: Option<Secret>,
    ) -> PyResult<PyEnrollment> {
        let aw = self.service()?;
        let result = py
            .detach(|| {
                aw.begin_totp_enrollment_with_proof(&user_id, &issuer, password.as_ref().map(|p| p.as_str()))
            })
            .map_err(CoreError)?;
        Ok(PyEnrollment(result))
    }

    /// Confirms the pending enrolment of `user_id` with a `code` from the authenticator app: enables
    /// 2FA and returns 10 single-use recovery codes (show them once).
    /// Raises `InvalidCodeError`, `InvalidStateError` (no pending enrolment), `NotFoundError`, `StorageError`.
    fn confirm_totp_enrollment<'py>(
        &self,
        py: Python<'py>,
        user_id: Text,
        code: Secret,
    ) -> PyResult<Bound<'py, PyList>> {
        let aw = self.service()?;
        let codes = py.detach(|| aw.confirm_totp_enrollment(&user_id, code.as_str())).map_err(CoreError)?;
        // Straight from the wiping buffer into Python strings: no unwiped Rust copy in between.
        PyList::new(py, codes.iter().map(String::as_str))
    }

    /// Turns 2FA off for `user_id` after checking their `password`.
    /// Raises `WrongPasswordError`, `TwoFactorEnforcedError` (the account requires 2FA), `InvalidStateError`,
    /// `LockedOutError`, `NotFoundError`, `StorageError`.
    fn disable_totp(&self, py: Python<'_>, user_id: Text, password: Secret) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.disable_totp(&user_id, password.as_str())).map_err(CoreError)?)
    }

    /// Replaces the recovery codes of `user_id` (after checking their `password`) with 10 new ones.
    /// Raises `WrongPasswordError`, `InvalidStateError` (2FA is off), `LockedOutError`, `NotFoundError`, `StorageError`.
    fn regenerate_recovery_codes<'py>(
        &self,
        py: Python<'py>,
        user_id: Text,
        password: Secret,
    ) -> PyResult<Bound<'py, PyList>> {
        let aw = self.service()?;
        let codes =
            py.detach(|| aw.regenerate_recovery_codes(&user_id, password.as_str())).map_err(CoreError)?;
        PyList::new(py, codes.iter().map(String::as_str))
    }

    /// Admin: lifts every lockout of `user_id`. Raises `NotFoundError`, `StorageError`.
    #[pyo3(signature = (user_id, *, actor = None))]
    fn unlock_user(&self, py: Python<'_>, user_id: Text, actor: Option<Text>) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.unlock_user_by(&user_id, actor.as_deref())).map_err(CoreError)?)
    }

    /// Admin: exempts `user_id` from the account's enforced 2FA (`True`: no enrolment deadline, and
    /// they may turn 2FA off; e.g. a service account or an SSO user) or ends the exemption (`False`).
    /// Logged as `policy_changed`. Raises `NotFoundError`, `StorageError`.
    #[pyo3(signature = (user_id, exempt, *, actor = None))]
    fn set_two_factor_exempt(
        &self,
        py: Python<'_>,
        user_id: Text,
        exempt: bool,
        actor: Option<Text>,
    ) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py
            .detach(|| aw.set_two_factor_exempt_by(&user_id, exempt, actor.as_deref()))
            .map_err(CoreError)?)
    }

    /// Admin: the audit log of `account_id`, newest first, at most `limit` `AuditEntry`s: its policy
    /// changes and every admin action on its users, each with its `actor`. Raises `StorageError`.
    #[pyo3(signature = (account_id, limit = DEFAULT_EVENTS_LIMIT))]
    fn audit_log(
        &self,
        py: Python<'_>,
        account_id: Text,
        #[pyo3(from_py_with = usize_arg)] limit: usize,
    ) -> PyResult<Vec<PyAuditEntry>> {
        let aw = self.service()?;
        let entries = py.detach(|| aw.audit_log(&account_id, limit)).map_err(CoreError)?;
        Ok(entries.into_iter().map(PyAuditEntry).collect())
    }

    /// Admin: every user of `account_id` judged against its policy now, one page in the order `sort`
    /// (`"attention"`: overdue first, then due, nearest deadline first; `"user_id"`; `"password_age"`:
    /// oldest first; `"last_sign_in"`: longest ago first), skipping `offset` rows, at most `limit`
    /// (1–1000). Raises `InvalidArgumentError`, `CryptoError` (a row changed outside authward),
    /// `StorageError`.
    #[pyo3(signature = (account_id, sort = "attention", offset = 0, limit = 100))]
    fn account_report(
        &self,
        py: Python<'_>,
        account_id: Text,
        sort: &str,
        #[pyo3(from_py_with = usize_arg)] offset: usize,
        #[pyo3(from_py_with = usize_arg)] limit: usize,
    ) -> PyResult<PyAccountReport> {
        let aw = self.service()?;
        let query = authward::ReportQuery {
            sort: authward::ReportSort::parse(sort).map_err(CoreError)?,
            offset,
            limit,
        };
        Ok(PyAccountReport(py.detach(|| aw.account_report(&account_id, &query)).map_err(CoreError)?))
    }

    /// Admin (lost phone): turns 2FA off for `user_id` and deletes their recovery codes.
    /// Raises `NotFoundError`, `StorageError`.
    #[pyo3(signature = (user_id, *, actor = None))]
    fn reset_two_factor(&self, py: Python<'_>, user_id: Text, actor: Option<Text>) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.reset_two_factor_by(&user_id, actor.as_deref())).map_err(CoreError)?)
    }

    /// The security log of `user_id`, newest first, at most `limit` `Event`s.
    /// Raises `NotFoundError`, `StorageError`.
    #[pyo3(signature = (user_id, limit = DEFAULT_EVENTS_LIMIT), text_signature = "($self, user_id, limit=100)")]
    fn events(
        &self,
        py: Python<'_>,
        user_id: Text,
        #[pyo3(from_py_with = usize_arg)] limit: usize,
    ) -> PyResult<Vec<PyEvent>> {
        let aw = self.service()?;
        let events = py.detach(|| aw.events(&user_id, limit)).map_err(CoreError)?;
        Ok(events.into_iter().map(PyEvent).collect())
    }

    /// The `SecurityStatus` of `user_id` for the Security settings page. Raises `NotFoundError`, `StorageError`.
    fn status(&self, py: Python<'_>, user_id: Text) -> PyResult<PySecurityStatus> {
        let aw = self.service()?;
        Ok(PySecurityStatus(py.detach(|| aw.status(&user_id)).map_err(CoreError)?))
    }

    /// Re-seals the TOTP secrets of up to `batch_size` (1–10000) users under the current key and
    /// re-tags their rows; returns a `RekeyProgress`. Call it until `.finished` (the cursor is kept in
    /// the store, so calls may be spread over time and processes), then drop `previous_keys`.
    /// Raises `CryptoError` (a row failed its integrity check), `InvalidArgumentError`, `StorageError`.
    #[pyo3(signature = (batch_size = 1000))]
    fn rekey(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = usize_arg)] batch_size: usize,
    ) -> PyResult<PyRekeyProgress> {
        let aw = self.service()?;
        Ok(PyRekeyProgress(py.detach(|| aw.rekey(batch_size)).map_err(CoreError)?))
    }

    /// Copies the store to a new file at `path` (SQLite's online backup) while the service stays in use;
    /// the copy is private (0600) and opens with the same key (and previous keys). This is the supported
    /// way to back up: never open the live file with another SQLite (Python's `sqlite3` included), see
    /// the README. Runs without the GIL.
    /// Raises `AlreadyExistsError` (`path` exists; it is never overwritten), `InvalidStateError` (a
    /// store without files: in memory or PostgreSQL), `StorageError`.
    fn backup(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.backup(&path)).map_err(CoreError)?)
    }

    /// A read-only look at the store for a health endpoint: a `StoreInfo` with the backend, schema
    /// version, user count and the backend's consistency check (SQLite `PRAGMA quick_check`), so no
    /// second SQLite needs to open the file. Raises `StorageError`.
    fn store_info(&self, py: Python<'_>) -> PyResult<PyStoreInfo> {
        let aw = self.service()?;
        Ok(PyStoreInfo(py.detach(|| aw.store_info()).map_err(CoreError)?))
    }

    /// Deletes the security-log events older than `retention_days` (at least 1) days, of users and
    /// accounts alike, and returns how many were deleted. Call it from a periodic job (any one app
    /// server). Raises `InvalidArgumentError` (0, negative or too large), `StorageError`.
    fn purge_events(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = u32_arg)] retention_days: u32,
    ) -> PyResult<u64> {
        let aw = self.service()?;
        Ok(py.detach(|| aw.purge_events(retention_days)).map_err(CoreError)?)
    }

    /// Releases the store (for SQLite, the file). Idempotent; afterwards every other method raises
    /// `InvalidStateError`. A call running in another thread finishes first, with the store it started with.
    fn close(&self) {
        let closed = self.0.write().unwrap_or_else(PoisonError::into_inner).take();
        drop(closed);
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.0.read().unwrap_or_else(PoisonError::into_inner).is_none()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (_exc_type = None, _exc = None, _tb = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        if self.closed() { "Authward(closed)".to_string() } else { "Authward(...)".to_string() }
    }
}

pub(crate) fn actions_repr(actions: &[&'static str]) -> String {
    let items: Vec<String> = actions.iter().map(|a| py_repr(a)).collect();
    format!("[{}]", items.join(", "))
}

/// The result of `sign_in` and `verify_second_factor`. The `repr` hides the challenge.
#[pyclass(frozen, name = "SignIn", module = "authward")]
pub struct PySignIn(SignIn);

#[pymethods]
impl PySignIn {
    /// `"complete"`, `"second_factor_required"` or `"action_required"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    /// With `"second_factor_required"`: the single-use token for `verify_second_factor` (5-minute life).
    #[getter]
    fn challenge(&self) -> Option<&str> {
        self.0.challenge.as_ref().map(|c| c.as_str())
    }
    /// With `"action_required"`: what the user must do before getting in; with `"complete"`: what is
    /// due later (`"enroll_two_factor"`, `"change_password"`).
    #[getter]
    fn required_actions(&self) -> Vec<&'static str> {
        self.0.required_actions.iter().map(|a| a.as_str()).collect()
    }
    /// Days until the password expires, once the warning window has begun (0 or less: expired).
    #[getter]
    fn password_expires_in_days(&self) -> Option<i64> {
        self.0.password_expires_in_days
    }
    /// When the password expires (unix seconds), if the account sets expiration.
    #[getter]
    fn password_expires_at(&self) -> Option<u64> {
        self.0.password_expires_at
    }
    /// The 2FA enrolment deadline (unix seconds) of a user without 2FA under enforcement.
    #[getter]
    fn two_factor_deadline(&self) -> Option<u64> {
        self.0.two_factor_deadline
    }
    /// The user's credential version (increases with every password or 2FA change).
    #[getter]
    fn credential_version(&self) -> u64 {
        self.0.credential_version
    }
    /// After `verify_second_factor(..., remember_device=...)` under a policy with
    /// `remember_device_days`: the new device token (given once; keep it in the device's cookie and
    /// pass it to `sign_in(..., device_token=...)`). `None` otherwise.
    #[getter]
    fn device_token(&self) -> Option<&str> {
        self.0.device_token.as_ref().map(|t| t.as_str())
    }

    fn __repr__(&self) -> String {
        format!(
            "SignIn(status={}, challenge={}, required_actions={}, password_expires_in_days={}, \
             password_expires_at={}, two_factor_deadline={}, credential_version={}, device_token={})",
            py_repr(self.0.status.as_str()),
            if self.0.challenge.is_some() { "<redacted>" } else { "None" },
            actions_repr(&self.required_actions()),
            opt_repr(self.0.password_expires_in_days),
            opt_repr(self.0.password_expires_at),
            opt_repr(self.0.two_factor_deadline),
            self.0.credential_version,
            if self.0.device_token.is_some() { "<redacted>" } else { "None" }
        )
    }
}

/// A pending TOTP enrolment: show `qr_svg`/`qr_png` (or `secret` for typing), then confirm with a code.
/// The `repr` hides the secret and the URI.
#[pyclass(frozen, name = "Enrollment", module = "authward")]
pub struct PyEnrollment(Enrollment);

#[pymethods]
impl PyEnrollment {
    /// The base32 secret, for typing into the app by hand.
    #[getter]
    fn secret(&self) -> &str {
        self.0.secret.as_str()
    }
    /// The `otpauth://totp/…` URI the QR code holds.
    #[getter]
    fn uri(&self) -> &str {
        self.0.uri.as_str()
    }
    /// The QR code as an SVG document.
    #[getter]
    fn qr_svg(&self) -> &str {
        &self.0.qr_svg
    }
    /// The QR code as a PNG image.
    #[getter]
    fn qr_png<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.qr_png)
    }
    /// The QR code as UTF-8 blocks for a terminal.
    #[getter]
    fn qr_terminal(&self) -> &str {
        &self.0.qr_terminal
    }
    /// When the pending secret stops being confirmable (unix seconds).
    #[getter]
    fn expires_at(&self) -> u64 {
        self.0.expires_at
    }

    fn __repr__(&self) -> String {
        format!(
            "Enrollment(secret=<redacted>, uri=<redacted>, qr_png=<{} bytes>, expires_at={})",
            self.0.qr_png.len(),
            self.0.expires_at
        )
    }
}

/// A user's security state, for the Security settings page (times in unix seconds).
#[pyclass(frozen, name = "SecurityStatus", module = "authward")]
pub struct PySecurityStatus(SecurityStatus);

#[pymethods]
impl PySecurityStatus {
    /// Whether TOTP 2FA is on.
    #[getter]
    fn two_factor_enabled(&self) -> bool {
        self.0.two_factor_enabled
    }
    /// Unused recovery codes.
    #[getter]
    fn recovery_codes_left(&self) -> u32 {
        self.0.recovery_codes_left
    }
    /// Last password change.
    #[getter]
    fn password_changed_at(&self) -> u64 {
        self.0.password_changed_at
    }
    /// When the password expires, if the account sets expiration.
    #[getter]
    fn password_expires_at(&self) -> Option<u64> {
        self.0.password_expires_at
    }
    /// Days left until the password expires (0 or less: expired), if the account sets expiration.
    #[getter]
    fn password_expires_in_days(&self) -> Option<i64> {
        self.0.password_expires_in_days
    }
    /// Whether the expiry warning window has begun.
    #[getter]
    fn password_expiry_warning(&self) -> bool {
        self.0.password_expiry_warning
    }
    /// What the next sign-in will require (`"enroll_two_factor"`, `"change_password"`).
    #[getter]
    fn required_actions(&self) -> Vec<&'static str> {
        self.0.required_actions.iter().map(|a| a.as_str()).collect()
    }
    /// The 2FA enrolment deadline of a user without 2FA under enforcement (past: overdue).
    #[getter]
    fn two_factor_deadline(&self) -> Option<u64> {
        self.0.two_factor_deadline
    }
    /// End of the longest current lockout (of any client), if one holds.
    #[getter]
    fn locked_until(&self) -> Option<u64> {
        self.0.locked_until
    }
    /// Why: `"too_many_failures"`, `"unfamiliar_clients"` or `"hourly_limit"`.
    #[getter]
    fn lock_reason(&self) -> Option<&'static str> {
        self.0.lock_reason.map(|r| r.as_str())
    }
    /// Increases with every password or 2FA change.
    #[getter]
    fn credential_version(&self) -> u64 {
        self.0.credential_version
    }

    fn __repr__(&self) -> String {
        let s = &self.0;
        format!(
            "SecurityStatus(two_factor_enabled={}, recovery_codes_left={}, password_changed_at={}, \
             password_expires_at={}, password_expires_in_days={}, password_expiry_warning={}, \
             required_actions={}, two_factor_deadline={}, locked_until={}, lock_reason={}, \
             credential_version={})",
            bool_repr(s.two_factor_enabled),
            s.recovery_codes_left,
            s.password_changed_at,
            opt_repr(s.password_expires_at),
            opt_repr(s.password_expires_in_days),
            bool_repr(s.password_expiry_warning),
            actions_repr(&self.required_actions()),
            opt_repr(s.two_factor_deadline),
            opt_repr(s.locked_until),
            s.lock_reason.map_or("None".to_string(), |r| py_repr(r.as_str())),
            s.credential_version
        )
    }
}

/// One entry of a user's security log: `kind` (e.g. `"sign_in_failed"`), `at` (unix seconds) and a
/// short English `detail` (never a secret).
#[pyclass(frozen, name = "Event", module = "authward")]
pub struct PyEvent(Event);

#[pymethods]
impl PyEvent {
    /// What happened: `sign_in`, `sign_in_failed`, `password_changed`, `password_rehashed`,
    /// `two_factor_enabled`, `two_factor_disabled`, `recovery_code_used`, `recovery_codes_regenerated`,
    /// `code_reused`, `locked_out` or `policy_changed`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }
    /// When (unix seconds).
    #[getter]
    fn at(&self) -> u64 {
        self.0.at
    }
    /// A short English detail.
    #[getter]
    fn detail(&self) -> &str {
        &self.0.detail
    }
    /// Whether to tell the user (one message per such event): password changed, 2FA enabled,
    /// disabled or replaced, a recovery code used, recovery codes regenerated, a lockout, a device
    /// remembered.
    #[getter]
    fn notify(&self) -> bool {
        self.0.kind.notifies_user()
    }
    /// Who did it, for admin actions (the `actor` the app passed, or `"admin"`); `None` otherwise.
    #[getter]
    fn actor(&self) -> Option<&str> {
        self.0.actor.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "Event(kind={}, at={}, detail={}, notify={}, actor={})",
            py_repr(self.0.kind.as_str()),
            self.0.at,
            py_repr(&self.0.detail),
            bool_repr(self.0.kind.notifies_user()),
            self.0.actor.as_deref().map_or("None".to_string(), py_repr)
        )
    }
}

/// One entry of an account's audit log (`Authward.audit_log`): the `Event` as the user's own log
/// shows it, with the user it concerned.
#[pyclass(frozen, name = "AuditEntry", module = "authward")]
pub struct PyAuditEntry(authward::AuditEntry);

#[pymethods]
impl PyAuditEntry {
    /// The user it concerned, or `None` for account-wide entries (policy changes).
    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.0.user_id.as_deref()
    }
    /// What happened, when, and who did it (`actor` is `None` only for policy changes logged before
    /// authward 0.2).
    #[getter]
    fn event(&self) -> PyEvent {
        PyEvent(self.0.event.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "AuditEntry(user_id={}, event={})",
            self.0.user_id.as_deref().map_or("None".to_string(), py_repr),
            PyEvent(self.0.event.clone()).__repr__()
        )
    }
}
