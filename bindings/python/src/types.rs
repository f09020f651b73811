//! The value types of the contract: immutable Python objects wrapping the core's structs, built with
//! keyword arguments whose defaults are the core's, validated on construction, with a readable `repr`.

use authward::totp::Algorithm;
use authward::{
    AccountPolicy, HashParams, LockoutPolicy, PasswordPolicy, Rule, TotpConfig, TotpUri, Violation,
};
use pyo3::prelude::*;

use crate::convert::{bool_repr, opt_repr, opt_u32_arg, opt_u64_arg, py_repr, u8_arg, u32_arg, u64_arg};
use crate::errors::CoreError;

/// Argon2id cost parameters: `HashParams(memory_kib=19456, iterations=2, parallelism=1)`.
///
/// The defaults are OWASP's recommendation (19 MiB, 2 passes, 1 lane). Out-of-range values raise
/// `InvalidArgumentError` (negative and huge integers too), non-integers `TypeError`.
#[pyclass(frozen, eq, from_py_object, name = "HashParams", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyHashParams(pub HashParams);

#[pymethods]
impl PyHashParams {
    #[new]
    #[pyo3(signature = (
        memory_kib = HashParams::DEFAULT_MEMORY_KIB,
        iterations = HashParams::DEFAULT_ITERATIONS,
        parallelism = HashParams::DEFAULT_PARALLELISM,
    ),
    text_signature = "(memory_kib=19456, iterations=2, parallelism=1)"
    )]
    fn new(
        #[pyo3(from_py_with = u32_arg)] memory_kib: u32,
        #[pyo3(from_py_with = u32_arg)] iterations: u32,
        #[pyo3(from_py_with = u32_arg)] parallelism: u32,
    ) -> PyResult<Self> {
        let params = HashParams { memory_kib, iterations, parallelism };
        params.validate().map_err(CoreError)?;
        Ok(PyHashParams(params))
    }

    /// Memory in KiB (`m`).
    #[getter]
    fn memory_kib(&self) -> u32 {
        self.0.memory_kib
    }

    /// Passes over memory (`t`).
    #[getter]
    fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// Lanes (`p`).
    #[getter]
    fn parallelism(&self) -> u32 {
        self.0.parallelism
    }

    fn __repr__(&self) -> String {
        format!(
            "HashParams(memory_kib={}, iterations={}, parallelism={})",
            self.0.memory_kib, self.0.iterations, self.0.parallelism
        )
    }
}

/// One broken password rule: `code` (e.g. `"TOO_SHORT"`) and a human `message` (never the password).
#[pyclass(frozen, eq, from_py_object, name = "Violation", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyViolation {
    code: &'static str,
    message: String,
}

impl From<&Violation> for PyViolation {
    fn from(v: &Violation) -> Self {
        PyViolation { code: v.code.as_str(), message: v.message.clone() }
    }
}

#[pymethods]
impl PyViolation {
    /// The stable code: `TOO_SHORT`, `TOO_LONG`, `MISSING_LOWERCASE`, `MISSING_UPPERCASE`,
    /// `MISSING_DIGIT`, `MISSING_SYMBOL`, `TOO_WEAK`, `CONTAINS_USER_INPUT`, `TOO_RECENT` or `BREACHED`.
    #[getter]
    fn code(&self) -> &'static str {
        self.code
    }

    /// A human-readable English message for the user.
    #[getter]
    fn message(&self) -> &str {
        &self.message
    }

    fn __repr__(&self) -> String {
        format!("Violation(code={}, message={})", py_repr(self.code), py_repr(&self.message))
    }
}

/// One active rule of a password policy, for a UI checklist: the violation `code` it produces when
/// broken and a `description` such as "At least 12 characters".
#[pyclass(frozen, eq, name = "Rule", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyRule {
    code: &'static str,
    description: String,
}

impl From<Rule> for PyRule {
    fn from(r: Rule) -> Self {
        PyRule { code: r.code.as_str(), description: r.description }
    }
}

#[pymethods]
impl PyRule {
    /// The violation code of this rule (as in `Violation.code`).
    #[getter]
    fn code(&self) -> &'static str {
        self.code
    }

    /// What the rule asks for, in English.
    #[getter]
    fn description(&self) -> &str {
        &self.description
    }

    fn __repr__(&self) -> String {
        format!("Rule(code={}, description={})", py_repr(self.code), py_repr(&self.description))
    }
}

/// The rules a new password must meet.
///
/// `PasswordPolicy(min_length=12, max_length=128, require_lowercase=False, require_uppercase=False,
/// require_digit=False, require_symbol=False, min_strength=3, forbid_user_inputs=True, history=5,
/// min_age_days=1)`. Length counts Unicode code points after NFKC; `min_strength` is a zxcvbn score 0–4;
/// `history` is how many previous passwords may not be reused (0–24); `min_age_days` (0–365) is the
/// minimum password age: a user changes their own password at most once in that many days (while
/// `history` is on; not when a change is required; admin resets exempt), refused with a `TOO_RECENT`
/// violation. `reject_breached=True` refuses passwords a `BreachFilter` attached to the service lists
/// (`BREACHED`) and requires a change at sign-in when the current one is listed; `breach_min_count=1` and
/// `breach_fail_closed=False` apply to `judge_range` (range APIs of the HIBP kind). Invalid values raise
/// `InvalidArgumentError`.
#[pyclass(frozen, eq, from_py_object, name = "PasswordPolicy", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyPasswordPolicy(pub PasswordPolicy);

#[pymethods]
impl PyPasswordPolicy {
    #[new]
    #[pyo3(signature = (
        min_length = PasswordPolicy::DEFAULT_MIN_LENGTH,
        max_length = PasswordPolicy::DEFAULT_MAX_LENGTH,
        require_lowercase = PasswordPolicy::default().require_lowercase,
        require_uppercase = PasswordPolicy::default().require_uppercase,
        require_digit = PasswordPolicy::default().require_digit,
        require_symbol = PasswordPolicy::default().require_symbol,
        min_strength = PasswordPolicy::DEFAULT_MIN_STRENGTH,
        forbid_user_inputs = PasswordPolicy::default().forbid_user_inputs,
        history = PasswordPolicy::DEFAULT_HISTORY,
        min_age_days = PasswordPolicy::DEFAULT_MIN_AGE_DAYS,
        reject_breached = PasswordPolicy::default().reject_breached,
        breach_min_count = PasswordPolicy::DEFAULT_BREACH_MIN_COUNT,
        breach_fail_closed = PasswordPolicy::default().breach_fail_closed,
    ),
    text_signature = "(min_length=12, max_length=128, require_lowercase=False, require_uppercase=False, require_digit=False, require_symbol=False, min_strength=3, forbid_user_inputs=True, history=5, min_age_days=1, reject_breached=True, breach_min_count=1, breach_fail_closed=False)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = u32_arg)] min_length: u32,
        #[pyo3(from_py_with = u32_arg)] max_length: u32,
        require_lowercase: bool,
        require_uppercase: bool,
        require_digit: bool,
        require_symbol: bool,
        #[pyo3(from_py_with = u8_arg)] min_strength: u8,
        forbid_user_inputs: bool,
        #[pyo3(from_py_with = u32_arg)] history: u32,
        #[pyo3(from_py_with = u32_arg)] min_age_days: u32,
        reject_breached: bool,
        #[pyo3(from_py_with = u32_arg)] breach_min_count: u32,
        breach_fail_closed: bool,
    ) -> PyResult<Self> {
        let policy = PasswordPolicy {
            min_length,
            max_length,
            require_lowercase,
            require_uppercase,
            require_digit,
            require_symbol,
            min_strength,
            forbid_user_inputs,
            history,
            min_age_days,
            reject_breached,
            breach_min_count,
            breach_fail_closed,
        };
        policy.validate().map_err(CoreError)?;
        Ok(PyPasswordPolicy(policy))
    }

    /// Every violation of `password`, all at once (an empty list when it passes).
    ///
    /// `user_inputs` are the user's own strings (username, email, display name) that the password must
    /// not contain and that make it weaker. With `breached` (a `BreachFilter`) a listed password also
    /// gets `BREACHED` (while `reject_breached` is on). Raises `TypeError` for non-`str` arguments.
    #[pyo3(signature = (password, user_inputs = None, breached = None))]
    fn check(
        &self,
        py: Python<'_>,
        password: crate::convert::Secret,
        user_inputs: Option<crate::convert::StrList>,
        breached: Option<PyRef<'_, crate::breach::PyBreachFilter>>,
    ) -> Vec<PyViolation> {
        let inputs = user_inputs.map(|l| l.0).unwrap_or_default();
        let policy = &self.0;
        let filter = breached.map(|f| f.0.clone());
        py.detach(|| {
            let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            policy
                .check_with_filter(password.as_str(), &refs, filter.as_deref())
                .iter()
                .map(PyViolation::from)
                .collect()
        })
    }

    /// The active rules, in the order `check` reports them, for a UI checklist. With
    /// `breach_check=True` (the app attached a `BreachFilter` or judges range responses) and
    /// `reject_breached` on, `BREACHED` is listed too.
    #[pyo3(signature = (breach_check = false))]
    fn rules(&self, breach_check: bool) -> Vec<PyRule> {
        self.0.rules_with_breach_check(breach_check).into_iter().map(PyRule::from).collect()
    }

    /// Fewest characters.
    #[getter]
    fn min_length(&self) -> u32 {
        self.0.min_length
    }
    /// Most characters.
    #[getter]
    fn max_length(&self) -> u32 {
        self.0.max_length
    }
    /// Whether a lower-case letter is required.
    #[getter]
    fn require_lowercase(&self) -> bool {
        self.0.require_lowercase
    }
    /// Whether an upper-case letter is required.
    #[getter]
    fn require_uppercase(&self) -> bool {
        self.0.require_uppercase
    }
    /// Whether a digit is required.
    #[getter]
    fn require_digit(&self) -> bool {
        self.0.require_digit
    }
    /// Whether a symbol is required.
    #[getter]
    fn require_symbol(&self) -> bool {
        self.0.require_symbol
    }
    /// Lowest zxcvbn score accepted (0–4).
    #[getter]
    fn min_strength(&self) -> u8 {
        self.0.min_strength
    }
    /// Whether passwords containing the user's inputs are refused.
    #[getter]
    fn forbid_user_inputs(&self) -> bool {
        self.0.forbid_user_inputs
    }
    /// How many previous passwords may not be reused.
    #[getter]
    fn history(&self) -> u32 {
        self.0.history
    }
    /// Minimum password age in days (in force only while `history` is on).
    #[getter]
    fn min_age_days(&self) -> u32 {
        self.0.min_age_days
    }
    /// Whether breached passwords are refused (where a filter is attached or a range response judged).
    #[getter]
    fn reject_breached(&self) -> bool {
        self.0.reject_breached
    }
    /// For range APIs: how often a password must be listed to count as breached.
    #[getter]
    fn breach_min_count(&self) -> u32 {
        self.0.breach_min_count
    }
    /// For range APIs: whether a failed fetch refuses the password.
    #[getter]
    fn breach_fail_closed(&self) -> bool {
        self.0.breach_fail_closed
    }

    fn __repr__(&self) -> String {
        let p = &self.0;
        format!(
            "PasswordPolicy(min_length={}, max_length={}, require_lowercase={}, require_uppercase={}, \
             require_digit={}, require_symbol={}, min_strength={}, forbid_user_inputs={}, history={}, \
             min_age_days={}, reject_breached={}, breach_min_count={}, breach_fail_closed={})",
            p.min_length,
            p.max_length,
            bool_repr(p.require_lowercase),
            bool_repr(p.require_uppercase),
            bool_repr(p.require_digit),
            bool_repr(p.require_symbol),
            p.min_strength,
            bool_repr(p.forbid_user_inputs),
            p.history,
            p.min_age_days,
            bool_repr(p.reject_breached),
            p.breach_min_count,
            bool_repr(p.breach_fail_closed)
        )
    }
}

/// How TOTP codes are made and checked:
/// `TotpConfig(algorithm="SHA1", digits=6, period=30, window=1)`.
///
/// `algorithm` is `"SHA1"`, `"SHA256"` or `"SHA512"`; `digits` 6–8; `period` 1–3600 seconds; `window`
/// the steps accepted before and after the current one (0–10). Invalid values raise
/// `InvalidArgumentError`.
#[pyclass(frozen, eq, from_py_object, name = "TotpConfig", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyTotpConfig(pub TotpConfig);

#[pymethods]
impl PyTotpConfig {
    #[new]
    #[pyo3(signature = (
        algorithm = crate::convert::Text(TotpConfig::DEFAULT.algorithm.as_str().to_owned()),
        digits = TotpConfig::DEFAULT_DIGITS,
        period = TotpConfig::DEFAULT_PERIOD,
        window = TotpConfig::DEFAULT_WINDOW,
    ),
    text_signature = "(algorithm='SHA1', digits=6, period=30, window=1)"
    )]
    fn new(
        algorithm: crate::convert::Text,
        #[pyo3(from_py_with = u8_arg)] digits: u8,
        #[pyo3(from_py_with = u64_arg)] period: u64,
        #[pyo3(from_py_with = u8_arg)] window: u8,
    ) -> PyResult<Self> {
        let config = TotpConfig {
            algorithm: Algorithm::parse(&algorithm).map_err(CoreError)?,
            digits,
            period,
            window,
        };
        config.validate().map_err(CoreError)?;
        Ok(PyTotpConfig(config))
    }

    /// `"SHA1"`, `"SHA256"` or `"SHA512"`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.0.algorithm.as_str()
    }
    /// Code length (6–8).
    #[getter]
    fn digits(&self) -> u8 {
        self.0.digits
    }
    /// Seconds per step.
    #[getter]
    fn period(&self) -> u64 {
        self.0.period
    }
    /// Steps accepted before and after the current one.
    #[getter]
    fn window(&self) -> u8 {
        self.0.window
    }

    fn __repr__(&self) -> String {
        config_repr(&self.0)
    }
}

fn config_repr(c: &TotpConfig) -> String {
    format!(
        "TotpConfig(algorithm={}, digits={}, period={}, window={})",
        py_repr(c.algorithm.as_str()),
        c.digits,
        c.period,
        c.window
    )
}

/// A parsed `otpauth://totp/` URI (from `parse_totp_uri`): `secret` (base32), `issuer`,
/// `account_name` and `config`. The `repr` hides the secret.
#[pyclass(frozen, eq, name = "TotpUri", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyTotpUri(pub TotpUri);

#[pymethods]
impl PyTotpUri {
    /// The base32 secret, canonical (upper case, no padding).
    #[getter]
    fn secret(&self) -> &str {
        self.0.secret.as_str()
    }
    /// The service name (empty when the URI had none).
    #[getter]
    fn issuer(&self) -> &str {
        &self.0.issuer
    }
    /// The user's account name.
    #[getter]
    fn account_name(&self) -> &str {
        &self.0.account_name
    }
    /// Algorithm, digits and period from the URI (window is the default).
    #[getter]
    fn config(&self) -> PyTotpConfig {
        PyTotpConfig(self.0.config)
    }

    fn __repr__(&self) -> String {
        format!(
            "TotpUri(secret=<redacted>, issuer={}, account_name={}, config={})",
            py_repr(&self.0.issuer),
            py_repr(&self.0.account_name),
            config_repr(&self.0.config)
        )
    }
}

/// Lockout after repeated failures (wrong passwords and wrong codes, per user and client):
/// `LockoutPolicy(max_failures=5, lockout_seconds=300, max_lockout_seconds=None)`; with
/// `max_lockout_seconds` above `lockout_seconds` each further lock doubles up to it.
#[pyclass(frozen, eq, from_py_object, name = "LockoutPolicy", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyLockoutPolicy(pub LockoutPolicy);

#[pymethods]
impl PyLockoutPolicy {
    #[new]
    #[pyo3(signature = (
        max_failures = LockoutPolicy::DEFAULT_MAX_FAILURES,
        lockout_seconds = LockoutPolicy::DEFAULT_LOCKOUT_SECONDS,
        max_lockout_seconds = None,
    ),
    text_signature = "(max_failures=5, lockout_seconds=300, max_lockout_seconds=None)"
    )]
    fn new(
        #[pyo3(from_py_with = u32_arg)] max_failures: u32,
        #[pyo3(from_py_with = u64_arg)] lockout_seconds: u64,
        max_lockout_seconds: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let max_lockout_seconds = match max_lockout_seconds {
            Some(v) => u64_arg(&v)?,
            None => lockout_seconds,
        };
        let policy = LockoutPolicy { max_failures, lockout_seconds, max_lockout_seconds };
        policy.validate().map_err(CoreError)?;
        Ok(PyLockoutPolicy(policy))
    }

    /// Failures allowed before a lockout.
    #[getter]
    fn max_failures(&self) -> u32 {
        self.0.max_failures
    }
    /// How long a lockout lasts, in seconds.
    #[getter]
    fn lockout_seconds(&self) -> u64 {
        self.0.lockout_seconds
    }
    /// The longest lockout (growing locks double up to it; equal to `lockout_seconds`: no growth).
    #[getter]
    fn max_lockout_seconds(&self) -> u64 {
        self.0.max_lockout_seconds
    }

    fn __repr__(&self) -> String {
        lockout_repr(&self.0)
    }
}

fn lockout_repr(l: &LockoutPolicy) -> String {
    format!(
        "LockoutPolicy(max_failures={}, lockout_seconds={}, max_lockout_seconds={})",
        l.max_failures, l.lockout_seconds, l.max_lockout_seconds
    )
}

/// The policies an admin sets for all users of an account (tenant).
///
/// `AccountPolicy(enforce_two_factor=False, two_factor_grace_days=0, password_expiration_days=None,
/// password_expiry_warning_days=14, password=PasswordPolicy(), totp=TotpConfig(), lockout=LockoutPolicy(),
/// enforce_two_factor_from=None, remember_device_days=None)`. `enforce_two_factor_from` (unix seconds) starts enforcement on a
/// date: the grace days count from then.
/// With `enforce_two_factor`, users without 2FA get the required action `"enroll_two_factor"` once the
/// grace days are over; with `password_expiration_days`, an expired password gets `"change_password"`.
#[pyclass(frozen, eq, from_py_object, name = "AccountPolicy", module = "authward")]
#[derive(Clone, PartialEq)]
pub struct PyAccountPolicy(pub AccountPolicy);

#[pymethods]
impl PyAccountPolicy {
    #[new]
    #[pyo3(signature = (
        enforce_two_factor = AccountPolicy::new().enforce_two_factor,
        two_factor_grace_days = AccountPolicy::new().two_factor_grace_days,
        password_expiration_days = AccountPolicy::new().password_expiration_days,
        password_expiry_warning_days = AccountPolicy::DEFAULT_EXPIRY_WARNING_DAYS,
        password = None,
        totp = None,
        lockout = None,
        enforce_two_factor_from = None,
        remember_device_days = None,
    ),
    text_signature = "(enforce_two_factor=False, two_factor_grace_days=0, password_expiration_days=None, password_expiry_warning_days=14, password=None, totp=None, lockout=None, enforce_two_factor_from=None, remember_device_days=None)"
    )]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments, one per field
    fn new(
        enforce_two_factor: bool,
        #[pyo3(from_py_with = u32_arg)] two_factor_grace_days: u32,
        #[pyo3(from_py_with = opt_u32_arg)] password_expiration_days: Option<u32>,
        #[pyo3(from_py_with = u32_arg)] password_expiry_warning_days: u32,
        password: Option<PyPasswordPolicy>,
        totp: Option<PyTotpConfig>,
        lockout: Option<PyLockoutPolicy>,
        #[pyo3(from_py_with = opt_u64_arg)] enforce_two_factor_from: Option<u64>,
        #[pyo3(from_py_with = opt_u32_arg)] remember_device_days: Option<u32>,
    ) -> PyResult<Self> {
        let policy = AccountPolicy {
            enforce_two_factor,
            two_factor_grace_days,
            enforce_two_factor_from,
            password_expiration_days,
            password_expiry_warning_days,
            remember_device_days,
            password: password.map(|p| p.0).unwrap_or_default(),
            totp: totp.map(|t| t.0).unwrap_or_default(),
            lockout: lockout.map(|l| l.0).unwrap_or_default(),
        };
        policy.validate().map_err(CoreError)?;
        Ok(PyAccountPolicy(policy))
    }

    /// Whether users without 2FA must enrol before they get in.
    #[getter]
    fn enforce_two_factor(&self) -> bool {
        self.0.enforce_two_factor
    }
    /// Days users may still sign in without 2FA after enforcement starts.
    #[getter]
    fn two_factor_grace_days(&self) -> u32 {
        self.0.two_factor_grace_days
    }
    /// When enforcement starts (unix seconds), or `None`: from the moment it was switched on.
    #[getter]
    fn enforce_two_factor_from(&self) -> Option<u64> {
        self.0.enforce_two_factor_from
    }
    /// Days after which a password must be changed, or `None` (never).
    #[getter]
    fn password_expiration_days(&self) -> Option<u32> {
        self.0.password_expiration_days
    }
    /// Days before expiry during which sign-ins report the days left.
    #[getter]
    fn password_expiry_warning_days(&self) -> u32 {
        self.0.password_expiry_warning_days
    }
    /// Rules for new passwords.
    #[getter]
    fn password(&self) -> PyPasswordPolicy {
        PyPasswordPolicy(self.0.password.clone())
    }
    /// TOTP settings for new enrolments.
    #[getter]
    fn totp(&self) -> PyTotpConfig {
        PyTotpConfig(self.0.totp)
    }
    /// Lockout after failures.
    #[getter]
    fn lockout(&self) -> PyLockoutPolicy {
        PyLockoutPolicy(self.0.lockout)
    }
    /// Days a remembered device skips the code (1–365), or `None` (off, the default).
    #[getter]
    fn remember_device_days(&self) -> Option<u32> {
        self.0.remember_device_days
    }

    fn __repr__(&self) -> String {
        let p = &self.0;
        format!(
            "AccountPolicy(enforce_two_factor={}, two_factor_grace_days={}, password_expiration_days={}, \
             password_expiry_warning_days={}, password={}, totp={}, lockout={}, enforce_two_factor_from={}, remember_device_days={})",
            bool_repr(p.enforce_two_factor),
            p.two_factor_grace_days,
            opt_repr(p.password_expiration_days),
            p.password_expiry_warning_days,
            PyPasswordPolicy(p.password.clone()).__repr__(),
            config_repr(&p.totp),
            lockout_repr(&p.lockout),
            opt_repr(p.enforce_two_factor_from),
            opt_repr(p.remember_device_days)
        )
    }
}
