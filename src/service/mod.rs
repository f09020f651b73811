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

mod accounts;
mod passwords;
pub(crate) mod sealing;
mod sign_in;
mod status;
mod two_factor;
pub mod types;
mod users;

#[cfg(feature = "sqlite")]
use std::path::Path;
use std::sync::Arc;

use data_encoding::BASE64URL_NOPAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub use self::types::{Enrollment, RequiredAction, SecurityStatus, SignIn, SignInStatus};
use crate::account::expiry::{enrollment_deadline, expiry};
use crate::account::{AccountPolicy, LockoutPolicy};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
pub use crate::event::{Event, EventKind};
use crate::password::MAX_PASSWORD_BYTES;
use crate::password::hash::{self, HashParams, MAX_PEPPER_LEN};
use crate::recovery;
use crate::store::{AccountRecord, Changes, MemoryStore, NewEvent, Store, UserRecord};
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

fn required_actions(rec: &UserRecord, account: &AccountRecord, now: u64) -> Vec<RequiredAction> {
    let policy = &account.policy;
    let mut out = Vec::new();
    if rec.totp.is_none()
        && enrollment_deadline(rec.created_at, account.enforced_since, policy).is_some_and(|d| now >= d)
    {
        out.push(RequiredAction::EnrollTwoFactor);
    }
    if rec.must_change_password || expiry(rec.password_changed_at, policy, now).expired {
        out.push(RequiredAction::ChangePassword);
    }
    out
}

fn complete(rec: &UserRecord, account: &AccountRecord, now: u64) -> SignIn {
    let e = expiry(rec.password_changed_at, &account.policy, now);
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
}
