//! Argon2id hashing (slow: Promise + `…Sync`) and the password policy (fast: sync).

use napi::Env;
use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::breach::BreachFilter;
use crate::convert::{HashParams, PasswordPolicyOptions};
use crate::error::Violation;
use crate::task::{Job, call};

/// Options of `hashPassword`.
#[napi(object)]
pub struct HashOptions {
    /// Argon2id cost; default OWASP (m=19456 KiB, t=2, p=1).
    pub params: Option<HashParams>,
    /// A secret pepper (Argon2's `K`, at most 64 bytes); hashes made with one verify only with it.
    /// Default none.
    pub pepper: Option<Buffer>,
}

/// Options of `verifyPassword`.
#[napi(object)]
pub struct VerifyOptions {
    /// The pepper the hash was made with. Default none.
    pub pepper: Option<Buffer>,
}

/// Options of `needsRehash`.
#[napi(object)]
pub struct RehashOptions {
    /// Today's parameters; default OWASP (m=19456 KiB, t=2, p=1).
    pub params: Option<HashParams>,
}

fn pepper(p: Option<Buffer>) -> Option<Zeroizing<Vec<u8>>> {
    p.map(|b| Zeroizing::new(b.to_vec()))
}

fn hash_work(
    password: String,
    options: Option<HashOptions>,
) -> impl FnOnce() -> authward::Result<String> + Send + 'static {
    let password = Zeroizing::new(password);
    let params = options.as_ref().and_then(|o| o.params.clone());
    let pepper = pepper(options.and_then(|o| o.pepper));
    move || {
        let params = HashParams::to_core(params.as_ref())?;
        authward::password::hash::hash(&password, &params, pepper.as_deref().map(Vec::as_slice))
    }
}

fn verify_work(
    password: String,
    phc: String,
    options: Option<VerifyOptions>,
) -> impl FnOnce() -> authward::Result<bool> + Send + 'static {
    let password = Zeroizing::new(password);
    let pepper = pepper(options.and_then(|o| o.pepper));
    move || authward::password::hash::verify(&password, &phc, pepper.as_deref().map(Vec::as_slice))
}

/// Hashes `password` with Argon2id and a fresh random salt, on the libuv thread pool. Resolves with a
/// PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash` that other Argon2 libraries verify (unless a
/// pepper is used). Rejects with `INVALID_ARGUMENT` for an empty password, one over 4096 bytes or bad
/// params.
#[napi(strict, ts_return_type = "Promise<string>")]
pub fn hash_password(password: String, options: Option<HashOptions>) -> AsyncTask<Job<String>> {
    Job::spawn(hash_work(password, options))
}

/// `hashPassword` on the calling thread (blocks the event loop for one hash).
#[napi(strict)]
pub fn hash_password_sync(env: Env, password: String, options: Option<HashOptions>) -> napi::Result<String> {
    call(&env, hash_work(password, options))
}

/// Checks `password` against a PHC string (argon2id/argon2i/argon2d, from authward or any Argon2
/// library), on the libuv thread pool. Resolves `false` for a wrong password; rejects with
/// `INVALID_ARGUMENT` for a malformed PHC string.
#[napi(strict, ts_return_type = "Promise<boolean>")]
pub fn verify_password(
    password: String,
    phc: String,
    options: Option<VerifyOptions>,
) -> AsyncTask<Job<bool>> {
    Job::spawn(verify_work(password, phc, options))
}

/// `verifyPassword` on the calling thread.
#[napi(strict)]
pub fn verify_password_sync(
    env: Env,
    password: String,
    phc: String,
    options: Option<VerifyOptions>,
) -> napi::Result<bool> {
    call(&env, verify_work(password, phc, options))
}

/// Whether `phc` should be replaced by a fresh hash at `params` (another algorithm or version, other
/// parameters, a short salt or output). Fast: parses only.
#[napi(strict)]
pub fn needs_rehash(env: Env, phc: String, options: Option<RehashOptions>) -> napi::Result<bool> {
    call(&env, || {
        let params = HashParams::to_core(options.as_ref().and_then(|o| o.params.as_ref()))?;
        authward::password::hash::needs_rehash(&phc, &params)
    })
}

/// One active rule of a policy, for a UI checklist.
#[napi(object)]
pub struct Rule {
    /// The violation code this rule produces when broken (`"TOO_SHORT"`, …).
    #[napi(ts_type = "ViolationCode")]
    pub code: String,
    /// What the rule asks for, in English ("At least 12 characters").
    pub description: String,
}

/// Options of `PasswordPolicy.check`.
#[napi(object, object_to_js = false)]
pub struct CheckOptions {
    /// The user's own strings (user id, email, name, account name): a password containing them is
    /// refused (with `forbidUserInputs`) and scores lower. Default none.
    pub user_inputs: Option<Vec<String>>,
    /// A breached-password filter: a listed password also gets `BREACHED` (with `rejectBreached`).
    /// Default none.
    pub breached: Option<&'static BreachFilter>,
}

/// Options of `PasswordPolicy.rules`.
#[napi(object)]
pub struct RulesOptions {
    /// List `BREACHED` too (with `rejectBreached`): the app attached a `BreachFilter` or judges range
    /// responses. Default false.
    pub breach_check: Option<bool>,
}

/// The rules a new password must meet; `check` reports every violation at once.
#[napi]
pub struct PasswordPolicy {
    inner: authward::PasswordPolicy,
}

#[napi]
impl PasswordPolicy {
    /// A policy from options (every field optional, see `PasswordPolicyOptions` for the defaults).
    /// Throws `INVALID_ARGUMENT` for inconsistent values (e.g. `maxLength < minLength`).
    #[napi(constructor, strict)]
    pub fn new(env: Env, options: Option<PasswordPolicyOptions>) -> napi::Result<Self> {
        let inner = call(&env, || PasswordPolicyOptions::to_core(options.as_ref()))?;
        Ok(PasswordPolicy { inner })
    }

    /// Every violation of `password` (an empty array when it passes). Length counts Unicode code
    /// points after NFKC; nothing is truncated.
    #[napi(strict)]
    pub fn check(&self, password: String, options: Option<CheckOptions>) -> Vec<Violation> {
        let password = Zeroizing::new(password);
        let filter = options.as_ref().and_then(|o| o.breached).map(|f| f.inner.clone());
        let inputs = options.and_then(|o| o.user_inputs).unwrap_or_default();
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        self.inner
            .check_with_filter(&password, &refs, filter.as_deref())
            .iter()
            .map(Violation::from)
            .collect()
    }

    /// The active rules, in the order `check` reports them (`BREACHED` only with `breachCheck`).
    #[napi(strict)]
    pub fn rules(&self, options: Option<RulesOptions>) -> Vec<Rule> {
        let breach_check = options.and_then(|o| o.breach_check).unwrap_or(false);
        self.inner
            .rules_with_breach_check(breach_check)
            .into_iter()
            .map(|r| Rule { code: r.code.as_str().to_string(), description: r.description })
            .collect()
    }

    /// Every setting, as a plain object (also what `JSON.stringify` prints).
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> PasswordPolicyOptions {
        PasswordPolicyOptions::from_core(&self.inner)
    }

    /// Fewest characters.
    #[napi(getter)]
    pub fn min_length(&self) -> u32 {
        self.inner.min_length
    }

    /// Most characters.
    #[napi(getter)]
    pub fn max_length(&self) -> u32 {
        self.inner.max_length
    }

    /// Whether a lower-case letter is required.
    #[napi(getter)]
    pub fn require_lowercase(&self) -> bool {
        self.inner.require_lowercase
    }

    /// Whether an upper-case letter is required.
    #[napi(getter)]
    pub fn require_uppercase(&self) -> bool {
        self.inner.require_uppercase
    }

    /// Whether a digit is required.
    #[napi(getter)]
    pub fn require_digit(&self) -> bool {
        self.inner.require_digit
    }

    /// Whether a symbol is required.
    #[napi(getter)]
    pub fn require_symbol(&self) -> bool {
        self.inner.require_symbol
    }

    /// Lowest zxcvbn score accepted (0–4).
    #[napi(getter)]
    pub fn min_strength(&self) -> u32 {
        u32::from(self.inner.min_strength)
    }

    /// Whether passwords containing the user's inputs are refused.
    #[napi(getter)]
    pub fn forbid_user_inputs(&self) -> bool {
        self.inner.forbid_user_inputs
    }

    /// Recent passwords that may not be reused.
    #[napi(getter)]
    pub fn history(&self) -> u32 {
        self.inner.history
    }

    /// Whether breached passwords are refused (where a filter is attached or a range response judged).
    #[napi(getter)]
    pub fn reject_breached(&self) -> bool {
        self.inner.reject_breached
    }

    /// For range APIs: how often a password must be listed to count as breached.
    #[napi(getter)]
    pub fn breach_min_count(&self) -> u32 {
        self.inner.breach_min_count
    }

    /// For range APIs: whether a failed fetch refuses the password.
    #[napi(getter)]
    pub fn breach_fail_closed(&self) -> bool {
        self.inner.breach_fail_closed
    }
}

impl PasswordPolicy {
    /// The core policy.
    pub fn core(&self) -> &authward::PasswordPolicy {
        &self.inner
    }
}
