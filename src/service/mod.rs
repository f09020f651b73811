//! The service: the flows of the Security settings page and the sign-in form over a [`Store`].
//!
//! [`Authward`] is `Send + Sync`; share one instance across threads. Slow work (Argon2) never runs
//! inside a store transaction: a flow reads a snapshot, does the hashing, then applies its change in one
//! [`Store::update_user`] transaction that re-checks what the hashing relied on (the password hash has not
//! changed, the user is not locked, the replay step is still older).
//!
//! Choices where the design is silent, written down here:
//! * `LOCKED_OUT` is answered for a locked user before the password is checked, so a locked-out state is
//!   visible to whoever knows the user id; unknown users are never locked and get `INVALID_CREDENTIALS`.
//! * A wrong current password in `change_password`, `disable_totp` and `regenerate_recovery_codes` counts
//!   toward lockout like a failed sign-in (they are password oracles otherwise).
//! * A replayed TOTP code counts as a failure and is logged as `code_reused`.
//! * Beginning an enrolment while 2FA is on is allowed (moving to a new phone): the old secret keeps
//!   working until the new one is confirmed.
//! * An admin's `set_password` clears a lockout and resets expiry but keeps a pending
//!   `require_password_change` flag; only the user's own `change_password` clears it.

pub(crate) mod sealing;
pub mod types;

#[cfg(feature = "sqlite")]
use std::path::Path;
use std::sync::Arc;

use data_encoding::BASE64URL_NOPAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub use self::types::{Enrollment, Event, EventKind, RequiredAction, SecurityStatus, SignIn, SignInStatus};
use crate::account::{AccountPolicy, LockoutPolicy};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::password::hash::{self, HashParams, MAX_PEPPER_LEN};
use crate::password::{MAX_PASSWORD_BYTES, policy::Violation};
use crate::store::{
    AccountRecord, ChallengeRecord, Changes, MemoryStore, NewEvent, PendingTotp, Store, TotpRecord,
    UserRecord,
};
use crate::totp::{self, Check, Totp};
use crate::{qr, recovery};
use sealing::{Purpose, Sealer};

/// Life of a sign-in challenge (seconds).
pub const CHALLENGE_TTL: u64 = 300;
/// Life of a pending TOTP enrolment (seconds).
pub const PENDING_ENROLLMENT_TTL: u64 = 900;
/// Longest user, account id, issuer (bytes).
pub const MAX_ID_LEN: usize = 256;
/// Longest email (bytes).
pub const MAX_EMAIL_LEN: usize = 320;
/// How many events `events` returns when the caller gives no limit (every binding's default).
pub const DEFAULT_EVENTS_LIMIT: usize = 100;
/// Most events returned by one `events` call.
pub const MAX_EVENTS: usize = 1000;
const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const KEY_CHECK: &str = "key_check";
const KEY_CHECK_OWNER: &str = "authward-store";
const KEY_CHECK_PLAINTEXT: &[u8] = b"authward key check v1";

/// How to build an [`Authward`].
#[derive(Clone, Default)]
pub struct AuthwardOptions {
    /// The clock; `None` is the system clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// Argon2 parameters for new hashes (and rehash on sign-in). Default OWASP (m=19456, t=2, p=1).
    pub hash_params: HashParams,
    /// An optional pepper (Argon2 secret input, at most 64 bytes), kept outside the database.
    pub pepper: Option<Vec<u8>>,
}

impl std::fmt::Debug for AuthwardOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthwardOptions")
            .field("clock", &self.clock)
            .field("hash_params", &self.hash_params)
            .field("pepper", &self.pepper.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The account-security service. See the module docs.
pub struct Authward {
    store: Arc<dyn Store>,
    sealer: Sealer,
    clock: Arc<dyn Clock>,
    hash_params: HashParams,
    pepper: Option<Zeroizing<Vec<u8>>>,
    dummy_hash: String,
}

impl std::fmt::Debug for Authward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authward")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .field("hash_params", &self.hash_params)
            .finish_non_exhaustive()
    }
}

fn check_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid(format!("{what} is empty")));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::invalid(format!("{what} longer than {MAX_ID_LEN} bytes")));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(format!("{what} contains control characters")));
    }
    Ok(())
}

fn check_password_arg(what: &str, password: &str) -> Result<()> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::invalid(format!("{what} longer than {MAX_PASSWORD_BYTES} bytes")));
    }
    Ok(())
}

fn challenge_hash(token: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"authward challenge v1");
    h.update(token);
    h.finalize().into()
}

fn event(rec: &UserRecord, kind: EventKind, at: u64, detail: impl Into<String>) -> NewEvent {
    NewEvent {
        account_id: rec.account_id.clone(),
        user_id: Some(rec.user_id.clone()),
        kind,
        at,
        detail: detail.into(),
    }
}

fn locked_for(rec: &UserRecord, now: u64) -> Option<u64> {
    (rec.locked_until > now).then(|| rec.locked_until - now)
}

/// Counts a failure, locking the user out when the policy (or the hourly cap) says so.
fn record_failure(
    rec: &mut UserRecord,
    lockout: &LockoutPolicy,
    now: u64,
    changes: &mut Changes,
    detail: &str,
) {
    if now >= rec.failure_window_start.saturating_add(HOUR) || now < rec.failure_window_start {
        rec.failure_window_start = now;
        rec.failures_in_window = 0;
    }
    rec.failures_in_window = rec.failures_in_window.saturating_add(1);
    rec.failed_count = rec.failed_count.saturating_add(1);
    changes.events.push(event(rec, EventKind::SignInFailed, now, detail));
    let mut until = 0;
    if rec.failed_count >= lockout.max_failures {
        until = now.saturating_add(lockout.lockout_seconds);
        rec.failed_count = 0;
    }
    if rec.failures_in_window >= LockoutPolicy::MAX_FAILURES_PER_HOUR {
        until = until.max(rec.failure_window_start.saturating_add(HOUR));
    }
    if until > rec.locked_until && until > now {
        rec.locked_until = until;
        changes.events.push(event(rec, EventKind::LockedOut, now, format!("locked for {} s", until - now)));
    }
}

/// Expiry facts of a user's password under a policy.
struct Expiry {
    expires_at: Option<u64>,
    in_days: Option<i64>,
    warning: bool,
    expired: bool,
}

fn expiry(rec: &UserRecord, policy: &AccountPolicy, now: u64) -> Expiry {
    let Some(days) = policy.password_expiration_days else {
        return Expiry { expires_at: None, in_days: None, warning: false, expired: false };
    };
    let expires_at = rec.password_changed_at.saturating_add(u64::from(days) * DAY);
    let in_days = if now >= expires_at {
        -i64::try_from((now - expires_at) / DAY).unwrap_or(i64::MAX)
    } else {
        i64::try_from((expires_at - now).div_ceil(DAY)).unwrap_or(i64::MAX)
    };
    Expiry {
        expires_at: Some(expires_at),
        in_days: Some(in_days),
        warning: in_days <= i64::from(policy.password_expiry_warning_days),
        expired: now >= expires_at,
    }
}

fn required_actions(rec: &UserRecord, account: &AccountRecord, now: u64) -> Vec<RequiredAction> {
    let policy = &account.policy;
    let mut out = Vec::new();
    if policy.enforce_two_factor && rec.totp.is_none() {
        let start = rec.created_at.max(account.enforced_since.unwrap_or(0));
        if now >= start.saturating_add(u64::from(policy.two_factor_grace_days) * DAY) {
            out.push(RequiredAction::EnrollTwoFactor);
        }
    }
    if rec.must_change_password || expiry(rec, policy, now).expired {
        out.push(RequiredAction::ChangePassword);
    }
    out
}

fn complete(rec: &UserRecord, account: &AccountRecord, now: u64) -> SignIn {
    let e = expiry(rec, &account.policy, now);
    SignIn {
        status: SignInStatus::Complete,
        challenge: None,
        required_actions: required_actions(rec, account, now),
        password_expires_in_days: if e.warning { e.in_days } else { None },
        credential_version: rec.credential_version,
    }
}

fn generate_recovery_codes() -> Result<(Vec<String>, Vec<String>)> {
    let codes = recovery::generate(recovery::COUNT)?;
    let hashes = codes.iter().map(|c| recovery::hash(c)).collect::<Result<Vec<_>>>()?;
    Ok((codes, hashes))
}

impl Authward {
    /// Opens (creating if needed) a SQLite store at `path`. `key` (32 bytes) encrypts TOTP secrets at
    /// rest; a key other than the one the file was created with is `CRYPTO`. A file that is not an
    /// authward database is `STORAGE` and is left untouched.
    #[cfg(feature = "sqlite")]
    pub fn open(path: impl AsRef<Path>, key: &[u8], options: AuthwardOptions) -> Result<Authward> {
        let sealer = Sealer::new(key)?;
        Self::check_options(&options)?;
        let store = crate::store::SqliteStore::open(path)?;
        Self::build(Arc::new(store), sealer, options)
    }

    /// A service over a [`MemoryStore`] with a random key: for tests and demos.
    pub fn in_memory(options: AuthwardOptions) -> Result<Authward> {
        Self::check_options(&options)?;
        Self::build(Arc::new(MemoryStore::new()), Sealer::random()?, options)
    }

    /// A service over any [`Store`], with a 32-byte key for TOTP secrets.
    pub fn with_store(store: Arc<dyn Store>, key: &[u8], options: AuthwardOptions) -> Result<Authward> {
        let sealer = Sealer::new(key)?;
        Self::check_options(&options)?;
        Self::build(store, sealer, options)
    }

    fn check_options(options: &AuthwardOptions) -> Result<()> {
        options.hash_params.validate()?;
        if options.pepper.as_ref().is_some_and(|p| p.is_empty() || p.len() > MAX_PEPPER_LEN) {
            return Err(Error::invalid(format!("pepper must be 1..={MAX_PEPPER_LEN} bytes")));
        }
        Ok(())
    }

    fn build(store: Arc<dyn Store>, sealer: Sealer, options: AuthwardOptions) -> Result<Authward> {
        let check = sealer.seal(KEY_CHECK_OWNER, Purpose::KeyCheck, KEY_CHECK_PLAINTEXT)?;
        let stored = store.init_meta(KEY_CHECK, &check)?;
        sealer.open(KEY_CHECK_OWNER, Purpose::KeyCheck, &stored).map_err(|_| {
            Error::Crypto("the key does not match the one this database was created with".into())
        })?;
        let pepper = options.pepper.map(Zeroizing::new);
        // Unknown users are checked against this hash, so they cost the same as a wrong password.
        let dummy_password = Zeroizing::new(BASE64URL_NOPAD.encode(&crate::random::bytes::<18>()?));
        let dummy_hash =
            hash::hash(&dummy_password, &options.hash_params, pepper.as_deref().map(Vec::as_slice))?;
        Ok(Authward {
            store,
            sealer,
            clock: options.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            hash_params: options.hash_params,
            pepper,
            dummy_hash,
        })
    }

    /// The service's current time (unix seconds).
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    fn pepper(&self) -> Option<&[u8]> {
        self.pepper.as_deref().map(Vec::as_slice)
    }

    fn account(&self, account_id: &str) -> Result<AccountRecord> {
        Ok(self.store.get_account(account_id)?.unwrap_or_else(|| AccountRecord {
            account_id: account_id.to_string(),
            policy: AccountPolicy::default(),
            enforced_since: None,
        }))
    }

    fn user(&self, user_id: &str) -> Result<UserRecord> {
        check_id("user id", user_id)?;
        self.store.get_user(user_id)?.ok_or_else(|| Error::NotFound(format!("user {user_id:?}")))
    }

    // ---------------------------------------------------------------- accounts

    /// Sets the account's policy (validated). Turning on `enforce_two_factor` starts the grace period now.
    pub fn set_account_policy(&self, account_id: &str, policy: &AccountPolicy) -> Result<()> {
        check_id("account id", account_id)?;
        policy.validate()?;
        let now = self.now();
        let old = self.store.get_account(account_id)?;
        let enforced_since = match (&old, policy.enforce_two_factor) {
            (_, false) => None,
            (Some(o), true) if o.policy.enforce_two_factor => o.enforced_since.or(Some(now)),
            (_, true) => Some(now),
        };
        let record =
            AccountRecord { account_id: account_id.to_string(), policy: policy.clone(), enforced_since };
        let detail = format!(
            "enforce_two_factor={}, two_factor_grace_days={}, password_expiration_days={}",
            policy.enforce_two_factor,
            policy.two_factor_grace_days,
            policy.password_expiration_days.map_or("off".to_string(), |d| d.to_string())
        );
        let event = NewEvent {
            account_id: account_id.to_string(),
            user_id: None,
            kind: EventKind::PolicyChanged,
            at: now,
            detail,
        };
        self.store.put_account(&record, &event)
    }

    /// The account's policy (the defaults if none was set).
    pub fn account_policy(&self, account_id: &str) -> Result<AccountPolicy> {
        check_id("account id", account_id)?;
        Ok(self.account(account_id)?.policy)
    }

    // ---------------------------------------------------------------- users

    fn user_inputs<'a>(user_id: &'a str, account_id: &'a str, email: Option<&'a str>) -> Vec<&'a str> {
        let mut v = vec![user_id, account_id];
        v.extend(email);
        v
    }

    fn check_policy(policy: &AccountPolicy, password: &str, inputs: &[&str]) -> Result<()> {
        let violations: Vec<Violation> = policy.password.check(password, inputs);
        if violations.is_empty() { Ok(()) } else { Err(Error::PolicyViolation(violations)) }
    }

    /// Creates a user in an account; the password must pass the account's policy.
    /// Errors: `INVALID_ARGUMENT`, `POLICY_VIOLATION`, `ALREADY_EXISTS`.
    pub fn create_user(
        &self,
        user_id: &str,
        account_id: &str,
        password: &str,
        email: Option<&str>,
    ) -> Result<()> {
        check_id("user id", user_id)?;
        check_id("account id", account_id)?;
        if let Some(e) = email
            && (e.is_empty() || e.len() > MAX_EMAIL_LEN || e.chars().any(char::is_control) || e.trim() != e)
        {
            return Err(Error::invalid(format!(
                "email must be 1..={MAX_EMAIL_LEN} bytes without control characters or surrounding spaces"
            )));
        }
        check_password_arg("password", password)?;
        let account = self.account(account_id)?;
        Self::check_policy(&account.policy, password, &Self::user_inputs(user_id, account_id, email))?;
        if self.store.get_user(user_id)?.is_some() {
            return Err(Error::AlreadyExists(format!("user {user_id:?}")));
        }
        let password_hash = hash::hash(password, &self.hash_params, self.pepper())?;
        let now = self.now();
        let record = UserRecord {
            user_id: user_id.to_string(),
            account_id: account_id.to_string(),
            email: email.map(str::to_string),
            created_at: now,
            password_hash,
            password_changed_at: now,
            must_change_password: false,
            password_history: Vec::new(),
            credential_version: 1,
            failed_count: 0,
            failure_window_start: now,
            failures_in_window: 0,
            locked_until: 0,
            totp: None,
            pending_totp: None,
            recovery_codes: Vec::new(),
            revision: 0,
        };
        self.store.insert_user(&record, &[])
    }

    /// Deletes a user with every secret, challenge and event of theirs. `NOT_FOUND` if absent.
    pub fn delete_user(&self, user_id: &str) -> Result<()> {
        check_id("user id", user_id)?;
        if self.store.delete_user(user_id)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("user {user_id:?}")))
        }
    }

    /// The ids of an account's users, sorted.
    pub fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
        check_id("account id", account_id)?;
        self.store.list_users(account_id)
    }

    // ---------------------------------------------------------------- passwords

    /// `PASSWORD_REUSED` if `new` matches the current password or one of the last `history` ones.
    fn check_reuse(&self, rec: &UserRecord, policy: &AccountPolicy, new: &str) -> Result<()> {
        let recent = std::iter::once(&rec.password_hash)
            .chain(rec.password_history.iter().take(policy.password.history as usize));
        for phc in recent {
            // A stored hash that cannot be parsed cannot match; it must not block the change.
            if hash::verify(new, phc, self.pepper()).unwrap_or(false) {
                return Err(Error::PasswordReused);
            }
        }
        Ok(())
    }

    /// Verifies `password` for a flow that needs it, counting a failure toward lockout.
    fn verify_for_flow(&self, snapshot: &UserRecord, policy: &AccountPolicy, password: &str) -> Result<()> {
        if let Some(wait) = locked_for(snapshot, self.now()) {
            return Err(Error::LockedOut { retry_after: wait });
        }
        if hash::verify(password, &snapshot.password_hash, self.pepper())? {
            return Ok(());
        }
        let now = self.now();
        self.store.update_user(&snapshot.user_id, &mut |rec, changes| {
            record_failure(rec, &policy.lockout, now, changes, "wrong password");
            Ok(())
        })?;
        Err(Error::WrongPassword)
    }

    fn store_new_password(
        &self,
        snapshot: &UserRecord,
        history: u32,
        new_hash: String,
        detail: &str,
        by_user: bool,
    ) -> Result<()> {
        let now = self.now();
        self.store.update_user(&snapshot.user_id, &mut |rec, changes| {
            if rec.password_hash != snapshot.password_hash {
                return Err(Error::InvalidState("the password was changed concurrently; try again".into()));
            }
            let old = std::mem::replace(&mut rec.password_hash, new_hash.clone());
            rec.password_history.insert(0, old);
            rec.password_history.truncate(history as usize);
            rec.password_changed_at = now;
            rec.credential_version += 1;
            if by_user {
                rec.must_change_password = false;
            } else {
                rec.locked_until = 0;
                rec.failed_count = 0;
            }
            changes.drop_user_challenges = true;
            changes.events.push(event(rec, EventKind::PasswordChanged, now, detail));
            Ok(())
        })?;
        Ok(())
    }

    /// The user changes their password: `current`, `new`, and `confirm` (must equal `new`).
    ///
    /// Errors, checked in this order: `LOCKED_OUT`, `WRONG_PASSWORD` (counts toward lockout),
    /// `PASSWORD_MISMATCH`, `POLICY_VIOLATION` (every violation), `PASSWORD_REUSED` (the current one or one
    /// of the last `history`). On success the expiry restarts and `credential_version` increases.
    pub fn change_password(&self, user_id: &str, current: &str, new: &str, confirm: &str) -> Result<()> {
        check_password_arg("current password", current)?;
        check_password_arg("new password", new)?;
        check_password_arg("confirmation", confirm)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        self.verify_for_flow(&snapshot, &account.policy, current)?;
        if new != confirm {
            return Err(Error::PasswordMismatch);
        }
        let inputs = Self::user_inputs(user_id, &snapshot.account_id, snapshot.email.as_deref());
        Self::check_policy(&account.policy, new, &inputs)?;
        self.check_reuse(&snapshot, &account.policy, new)?;
        let new_hash = hash::hash(new, &self.hash_params, self.pepper())?;
        self.store_new_password(
            &snapshot,
            account.policy.password.history,
            new_hash,
            "changed by the user",
            true,
        )
    }

    /// Admin: sets a user's password (policy and history apply; the lockout is cleared).
    /// Errors: `NOT_FOUND`, `POLICY_VIOLATION`, `PASSWORD_REUSED`.
    pub fn set_password(&self, user_id: &str, new: &str) -> Result<()> {
        check_password_arg("new password", new)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let inputs = Self::user_inputs(user_id, &snapshot.account_id, snapshot.email.as_deref());
        Self::check_policy(&account.policy, new, &inputs)?;
        self.check_reuse(&snapshot, &account.policy, new)?;
        let new_hash = hash::hash(new, &self.hash_params, self.pepper())?;
        self.store_new_password(
            &snapshot,
            account.policy.password.history,
            new_hash,
            "set by an admin",
            false,
        )
    }

    /// Admin: the next sign-in of the user carries `"change_password"` until they change it.
    pub fn require_password_change(&self, user_id: &str) -> Result<()> {
        check_id("user id", user_id)?;
        self.store.update_user(user_id, &mut |rec, _| {
            rec.must_change_password = true;
            Ok(())
        })?;
        Ok(())
    }

    // ---------------------------------------------------------------- sign-in

    /// First step of signing in.
    ///
    /// Unknown user or wrong password: `INVALID_CREDENTIALS`, with the same Argon2 work either way. Too
    /// many failures: `LOCKED_OUT`. With 2FA on: `SecondFactorRequired` and a challenge for
    /// [`Authward::verify_second_factor`]. Otherwise `Complete` with the required actions. A hash made
    /// with other parameters than today's is replaced.
    pub fn sign_in(&self, user_id: &str, password: &str) -> Result<SignIn> {
        check_id("user id", user_id)?;
        check_password_arg("password", password)?;
        let Some(snapshot) = self.store.get_user(user_id)? else {
            let _ = hash::verify(password, &self.dummy_hash, self.pepper());
            return Err(Error::InvalidCredentials);
        };
        let account = self.account(&snapshot.account_id)?;
        let now = self.now();
        if let Some(wait) = locked_for(&snapshot, now) {
            return Err(Error::LockedOut { retry_after: wait });
        }
        if !hash::verify(password, &snapshot.password_hash, self.pepper())? {
            self.store.update_user(user_id, &mut |rec, changes| {
                record_failure(rec, &account.policy.lockout, now, changes, "wrong password");
                Ok(())
            })?;
            return Err(Error::InvalidCredentials);
        }
        let rehash = if hash::needs_rehash(&snapshot.password_hash, &self.hash_params).unwrap_or(true) {
            Some(hash::hash(password, &self.hash_params, self.pepper())?)
        } else {
            None
        };
        let token = Zeroizing::new(crate::random::bytes::<32>()?);
        let now = self.now();
        let mut challenge_issued = false;
        let rec = self.store.update_user(user_id, &mut |rec, changes| {
            if let Some(wait) = locked_for(rec, now) {
                return Err(Error::LockedOut { retry_after: wait });
            }
            if rec.password_hash != snapshot.password_hash {
                return Err(Error::InvalidCredentials);
            }
            rec.failed_count = 0;
            if let Some(h) = &rehash {
                rec.password_hash.clone_from(h);
                changes.events.push(event(
                    rec,
                    EventKind::PasswordRehashed,
                    now,
                    "upgraded to current parameters",
                ));
            }
            if rec.totp.is_some() {
                changes.new_challenge = Some(ChallengeRecord {
                    token_hash: challenge_hash(token.as_ref()),
                    user_id: rec.user_id.clone(),
                    expires_at: now + CHALLENGE_TTL,
                });
                changes.purge_challenges_before = Some(now);
                challenge_issued = true;
            } else {
                changes.events.push(event(rec, EventKind::SignIn, now, "password"));
            }
            Ok(())
        })?;
        if challenge_issued {
            return Ok(SignIn {
                status: SignInStatus::SecondFactorRequired,
                challenge: Some(Zeroizing::new(BASE64URL_NOPAD.encode(token.as_ref()))),
                required_actions: Vec::new(),
                password_expires_in_days: None,
                credential_version: rec.credential_version,
            });
        }
        Ok(complete(&rec, &account, now))
    }

    /// Second step: a TOTP code or a recovery code for the challenge `sign_in` gave.
    ///
    /// Errors: `CHALLENGE_EXPIRED` (unknown, used, or older than 5 minutes), `INVALID_CODE` (the challenge
    /// stays valid; the failure counts toward lockout), `CODE_REUSED` (a code whose time step was already
    /// used), `LOCKED_OUT`. Of two concurrent uses of one code exactly one succeeds.
    pub fn verify_second_factor(&self, challenge: &str, code: &str) -> Result<SignIn> {
        if challenge.len() > 128 {
            return Err(Error::ChallengeExpired);
        }
        let token = BASE64URL_NOPAD.decode(challenge.as_bytes()).map_err(|_| Error::ChallengeExpired)?;
        let token = Zeroizing::new(token);
        if token.len() != 32 {
            return Err(Error::ChallengeExpired);
        }
        let token_hash = challenge_hash(&token);
        let now = self.now();
        let found = self.store.get_challenge(&token_hash)?.ok_or(Error::ChallengeExpired)?;
        if now > found.expires_at {
            return Err(Error::ChallengeExpired);
        }
        let snapshot = self.user(&found.user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let mut outcome: Result<()> = Err(Error::Internal("no outcome".into()));
        let rec = self.store.update_user(&found.user_id, &mut |rec, changes| {
            if let Some(wait) = locked_for(rec, now) {
                return Err(Error::LockedOut { retry_after: wait });
            }
            let Some(active) = rec.totp.clone() else {
                return Err(Error::ChallengeExpired);
            };
            let secret = self.sealer.open(&rec.user_id, Purpose::ActiveTotp, &active.sealed_secret)?;
            let totp = Totp::from_bytes(&secret, &active.config)?;
            match totp.check(code, now, active.last_step) {
                Check::Valid(step) => {
                    if let Some(t) = rec.totp.as_mut() {
                        t.last_step = Some(step);
                    }
                    rec.failed_count = 0;
                    changes.consume_challenge = Some(token_hash);
                    changes.events.push(event(
                        rec,
                        EventKind::SignIn,
                        now,
                        "password and authenticator code",
                    ));
                    outcome = Ok(());
                }
                Check::Reused(_) => {
                    changes.events.push(event(
                        rec,
                        EventKind::CodeReused,
                        now,
                        "authenticator code replayed",
                    ));
                    record_failure(rec, &account.policy.lockout, now, changes, "reused code");
                    outcome = Err(Error::CodeReused);
                }
                Check::Invalid => match recovery::find(code, &rec.recovery_codes) {
                    Some(i) => {
                        rec.recovery_codes.remove(i);
                        rec.failed_count = 0;
                        changes.consume_challenge = Some(token_hash);
                        let left = rec.recovery_codes.len();
                        changes.events.push(event(
                            rec,
                            EventKind::RecoveryCodeUsed,
                            now,
                            format!("{left} left"),
                        ));
                        changes.events.push(event(rec, EventKind::SignIn, now, "password and recovery code"));
                        outcome = Ok(());
                    }
                    None => {
                        record_failure(rec, &account.policy.lockout, now, changes, "wrong code");
                        outcome = Err(Error::InvalidCode);
                    }
                },
            }
            Ok(())
        })?;
        outcome?;
        Ok(complete(&rec, &account, now))
    }

    // ---------------------------------------------------------------- two-factor

    /// Starts a TOTP enrolment: a new secret (pending for 15 minutes, replacing any earlier pending one)
    /// with its `otpauth://` URI and QR renderings. The account name in the URI is the user's email, or
    /// their id. The account's TOTP settings apply.
    pub fn begin_totp_enrollment(&self, user_id: &str, issuer: &str) -> Result<Enrollment> {
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let config = account.policy.totp;
        let secret = Zeroizing::new(totp::generate_secret()?);
        let bytes = totp::decode_secret(&secret)?;
        let account_name = snapshot.email.as_deref().unwrap_or(user_id);
        let uri = Zeroizing::new(totp::build_uri(&secret, issuer, account_name, &config)?);
        let sealed = self.sealer.seal(user_id, Purpose::PendingTotp, &bytes)?;
        let enrollment = Enrollment {
            qr_svg: qr::svg(&uri)?,
            qr_png: qr::png(&uri, qr::DEFAULT_SCALE)?,
            qr_terminal: qr::terminal(&uri)?,
            secret,
            uri,
            expires_at: self.now() + PENDING_ENROLLMENT_TTL,
        };
        let expires_at = enrollment.expires_at;
        self.store.update_user(user_id, &mut |rec, _| {
            rec.pending_totp = Some(PendingTotp { sealed_secret: sealed.clone(), config, expires_at });
            Ok(())
        })?;
        Ok(enrollment)
    }

    /// Confirms the pending enrolment with a code from the app: 2FA is on from now, the code's time step
    /// counts as used (it cannot be replayed at the next sign-in), and 10 new recovery codes are returned
    /// (shown once; only hashes are kept). Errors: `INVALID_STATE` (nothing pending, or it expired),
    /// `INVALID_CODE` (counts toward lockout), `LOCKED_OUT`.
    pub fn confirm_totp_enrollment(&self, user_id: &str, code: &str) -> Result<Vec<String>> {
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let (codes, hashes) = generate_recovery_codes()?;
        let now = self.now();
        let mut outcome: Result<()> = Err(Error::Internal("no outcome".into()));
        self.store.update_user(user_id, &mut |rec, changes| {
            if let Some(wait) = locked_for(rec, now) {
                return Err(Error::LockedOut { retry_after: wait });
            }
            let pending = match &rec.pending_totp {
                Some(p) if now <= p.expires_at => p.clone(),
                Some(_) => return Err(Error::InvalidState("the enrolment expired; begin again".into())),
                None => return Err(Error::InvalidState("no enrolment in progress".into())),
            };
            let secret = self.sealer.open(&rec.user_id, Purpose::PendingTotp, &pending.sealed_secret)?;
            match Totp::from_bytes(&secret, &pending.config)?.check(code, now, None) {
                Check::Valid(step) => {
                    let sealed = self.sealer.seal(&rec.user_id, Purpose::ActiveTotp, &secret)?;
                    rec.totp = Some(TotpRecord {
                        sealed_secret: sealed,
                        config: pending.config,
                        last_step: Some(step),
                        enabled_at: now,
                    });
                    rec.pending_totp = None;
                    rec.recovery_codes = hashes.clone();
                    rec.failed_count = 0;
                    changes.drop_user_challenges = true;
                    changes.events.push(event(rec, EventKind::TwoFactorEnabled, now, "authenticator app"));
                    outcome = Ok(());
                }
                _ => {
                    record_failure(rec, &account.policy.lockout, now, changes, "wrong enrolment code");
                    outcome = Err(Error::InvalidCode);
                }
            }
            Ok(())
        })?;
        outcome.map(|()| codes)
    }

    /// The user turns 2FA off (password required). Errors: `TWO_FACTOR_ENFORCED` while the account
    /// enforces 2FA, `WRONG_PASSWORD`, `LOCKED_OUT`, `INVALID_STATE` if 2FA is off.
    pub fn disable_totp(&self, user_id: &str, password: &str) -> Result<()> {
        check_password_arg("password", password)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        if account.policy.enforce_two_factor {
            return Err(Error::TwoFactorEnforced);
        }
        self.verify_for_flow(&snapshot, &account.policy, password)?;
        let now = self.now();
        self.store.update_user(user_id, &mut |rec, changes| {
            if rec.totp.is_none() {
                return Err(Error::InvalidState("two-factor authentication is not enabled".into()));
            }
            rec.totp = None;
            rec.pending_totp = None;
            rec.recovery_codes.clear();
            changes.drop_user_challenges = true;
            changes.events.push(event(rec, EventKind::TwoFactorDisabled, now, "by the user"));
            Ok(())
        })?;
        Ok(())
    }

    /// New recovery codes replacing the old ones (password required). Errors: `WRONG_PASSWORD`,
    /// `LOCKED_OUT`, `INVALID_STATE` if 2FA is off.
    pub fn regenerate_recovery_codes(&self, user_id: &str, password: &str) -> Result<Vec<String>> {
        check_password_arg("password", password)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        self.verify_for_flow(&snapshot, &account.policy, password)?;
        let (codes, hashes) = generate_recovery_codes()?;
        let now = self.now();
        self.store.update_user(user_id, &mut |rec, changes| {
            if rec.totp.is_none() {
                return Err(Error::InvalidState("two-factor authentication is not enabled".into()));
            }
            rec.recovery_codes = hashes.clone();
            changes.events.push(event(rec, EventKind::RecoveryCodesRegenerated, now, "by the user"));
            Ok(())
        })?;
        Ok(codes)
    }

    /// Admin (lost phone): turns the user's 2FA off and removes the secret, pending enrolment, recovery
    /// codes and open challenges. Under enforcement the user must enrol again at the next sign-in.
    pub fn reset_two_factor(&self, user_id: &str) -> Result<()> {
        check_id("user id", user_id)?;
        let now = self.now();
        self.store.update_user(user_id, &mut |rec, changes| {
            let was_on = rec.totp.is_some();
            rec.totp = None;
            rec.pending_totp = None;
            rec.recovery_codes.clear();
            changes.drop_user_challenges = true;
            if was_on {
                changes.events.push(event(rec, EventKind::TwoFactorDisabled, now, "admin reset"));
            }
            Ok(())
        })?;
        Ok(())
    }

    // ---------------------------------------------------------------- reading

    /// The user's security log, newest first (at most `limit`, capped at 1000), including the account's
    /// policy changes since the user was created.
    pub fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
        check_id("user id", user_id)?;
        self.store.events(user_id, limit.min(MAX_EVENTS))
    }

    /// The user's security state for the Security settings page.
    pub fn status(&self, user_id: &str) -> Result<SecurityStatus> {
        let rec = self.user(user_id)?;
        let account = self.account(&rec.account_id)?;
        let now = self.now();
        let e = expiry(&rec, &account.policy, now);
        Ok(SecurityStatus {
            two_factor_enabled: rec.totp.is_some(),
            recovery_codes_left: u32::try_from(rec.recovery_codes.len()).unwrap_or(u32::MAX),
            password_changed_at: rec.password_changed_at,
            password_expires_at: e.expires_at,
            password_expires_in_days: e.in_days,
            password_expiry_warning: e.expires_at.is_some() && e.warning,
            required_actions: required_actions(&rec, &account, now),
            locked_until: (rec.locked_until > now).then_some(rec.locked_until),
            credential_version: rec.credential_version,
        })
    }
}
