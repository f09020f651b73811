//! The service: the flows of the Security settings page and the sign-in form over a [`Store`].
//!
//! [`Authward`] is `Send + Sync`; share one instance across threads. Slow work (Argon2) never runs
//! inside a store transaction. A flow that checks a password first *reserves* the attempt in one
//! [`Store::update_user`] transaction (the lock is checked and the attempt counted as a failure, see
//! [`crate::account::lockout`]), then hashes, then judges in a second transaction that re-checks what
//! the hashing relied on (the password hash has not changed) and gives the attempt back on success.
//! So no number of threads, processes or app servers gets more guesses than the budget.
//!
//! Choices where the design is silent, written down here:
//! * Sign-in answers the same for a known and an unknown id, also once locked: unknown ids get failure
//!   state of their own (under a keyed hash of the id, forgotten an hour after their last failure) under
//!   the *default* lockout policy, and every answer, `LOCKED_OUT` included, costs one Argon2 verification
//!   at today's parameters at least. An account with a non-default lockout policy is distinguishable
//!   from an unknown id by *how many* failures lock it, not by any single answer.
//! * A wrong current password in `change_password`, `disable_totp`, `regenerate_recovery_codes` and a
//!   replacement enrolment counts toward lockout like a failed sign-in (they are password oracles
//!   otherwise), in the bucket of calls without a client.
//! * A replayed TOTP code counts as a failure and is logged as `code_reused`, except the code that just
//!   completed the same user's sign-in replayed from the same client (a form posted twice), which is
//!   answered `CODE_REUSED` without spending the budget. The same challenge posted twice after its
//!   success answers `CHALLENGE_EXPIRED` (the challenge is gone), also without spending it.
//! * Replacing an active authenticator needs proof (the password or a current code); a first enrolment
//!   does not (the user is signed in and has no second factor to protect yet).
//! * An admin's `set_password` and `unlock_user` clear every lock; `set_password` keeps a pending
//!   `require_password_change` flag; only the user's own `change_password` clears it.
//! * Remembered devices (see the `devices` module): a token is minted only by a successful second
//!   factor that asked for one, under a policy with `remember_device_days`; it never skips the
//!   password; every change of `credential_version` forgets all of them, and so does a key rotation.
//! * `credential_version` starts at a random value below 2^48 (so a recreated user id never repeats an
//!   old one, and JavaScript numbers hold it exactly) and increases by one with every password or 2FA
//!   change.

mod accounts;
mod challenge_cache;
mod devices;
pub mod keys;
mod passwords;
pub mod report;
mod retention;
pub(crate) mod sealing;
mod sign_in;
mod status;
mod two_factor;
pub mod types;
mod users;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
use std::path::Path;
use std::sync::Arc;

use data_encoding::BASE64URL_NOPAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub use self::devices::{MAX_DEVICE_LABEL_LEN, MAX_DEVICES};
pub use self::keys::{MAX_REKEY_BATCH, RekeyProgress};
pub use self::types::{Device, Enrollment, RequiredAction, SecurityStatus, SignIn, SignInStatus};
use crate::account::LockoutPolicy;
use crate::account::expiry::{enrollment_deadline, expiry};
use crate::account::lockout::{LockReason, Locked, Reservation};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
pub use crate::event::{Event, EventKind};
use crate::password::MAX_PASSWORD_BYTES;
use crate::password::breach::BreachFilter;
use crate::password::hash::{self, HashParams, MAX_PEPPER_LEN, VerifyLimits};
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
const KEY_CHECK: &str = "key_check";
const KEY_CHECK_OWNER: &str = "authward-store";
/// The key check of a store whose rows may lack integrity tags (authward 0.1).
const KEY_CHECK_PLAINTEXT: &[u8] = b"authward key check v1";
/// The key check of a store whose every row carries an integrity tag.
const KEY_CHECK_TAGGED: &[u8] = b"authward key check v2: rows tagged";

/// How to build an [`Authward`].
#[derive(Clone, Default)]
pub struct AuthwardOptions {
    /// The clock; `None` is the system clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// Argon2 parameters for new hashes (and rehash on sign-in). Default OWASP (m=19456, t=2, p=1).
    pub hash_params: HashParams,
    /// An optional pepper (Argon2 secret input, at most 64 bytes), kept outside the database.
    pub pepper: Option<Vec<u8>>,
    /// Keys used before the current one (32 bytes each), during a key rotation: secrets and row tags
    /// made under them still open and verify, and the store's key check may be under one of them.
    /// New secrets and tags always use the current key; [`Authward::rekey`] moves the old ones.
    pub previous_keys: Vec<Vec<u8>>,
    /// The breached-password filter the app built from its list ([`BreachFilter`]); `None` checks
    /// nothing. While attached and the account's `reject_breached` is on, a listed password is
    /// `BREACHED` at creation, change and admin reset, and a listed current password makes a sign-in
    /// `ActionRequired` with `change_password`.
    pub breached_passwords: Option<Arc<BreachFilter>>,
}

impl std::fmt::Debug for AuthwardOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthwardOptions")
            .field("clock", &self.clock)
            .field("hash_params", &self.hash_params)
            .field("pepper", &self.pepper.as_ref().map(|_| "<redacted>"))
            .field("previous_keys", &format_args!("<{} redacted>", self.previous_keys.len()))
            .field("breached_passwords", &self.breached_passwords)
            .finish()
    }
}

/// The account-security service. See the module docs.
pub struct Authward {
    store: Arc<dyn Store>,
    sealer: Sealer,
    clock: Arc<dyn Clock>,
    hash_params: HashParams,
    /// The most a stored hash may ask a verification to spend (default: from `hash_params`).
    verify_limits: VerifyLimits,
    pepper: Option<Zeroizing<Vec<u8>>>,
    dummy_hash: String,
    breached_passwords: Option<Arc<BreachFilter>>,
    /// What sign-ins wrote with their challenges, for stores that want it (`challenge_cache`).
    challenge_cache: Option<challenge_cache::ChallengeCache>,
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

/// The sealer holds its own (zeroizing) copies of the keys: the raw bytes the options carried are
/// wiped once it is built (copies the caller kept are the caller's to wipe).
fn wipe_previous_keys(options: &mut AuthwardOptions) {
    for k in &mut options.previous_keys {
        zeroize::Zeroize::zeroize(k);
    }
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
        actor: None,
    }
}

/// An admin's event: [`event`] with the actor (`"admin"` when the app named none).
fn admin_event(
    rec: &UserRecord,
    kind: EventKind,
    at: u64,
    detail: impl Into<String>,
    actor: Option<&str>,
) -> NewEvent {
    NewEvent { actor: Some(actor.unwrap_or(DEFAULT_ACTOR).to_string()), ..event(rec, kind, at, detail) }
}

/// The actor of admin events when the app names none.
pub const DEFAULT_ACTOR: &str = "admin";

/// Checks an `actor` argument: like an id (1–256 bytes, no control characters).
fn check_actor(actor: Option<&str>) -> Result<()> {
    actor.map_or(Ok(()), |a| check_id("actor", a))
}

/// The `LockedOut` error for a lock.
fn locked_out(locked: Locked, now: u64) -> Error {
    Error::LockedOut { retry_after: locked.until.saturating_sub(now).max(1) }
}

/// Logs the lock a reservation started, if any.
fn log_lock(rec: &UserRecord, r: &Reservation, now: u64, changes: &mut Changes) {
    if let Some((until, reason)) = r.locked {
        let scope = match reason {
            LockReason::TooManyFailures if r.client.is_empty() => "too many failures",
            LockReason::TooManyFailures => "too many failures from one client",
            LockReason::UnfamiliarClients => "too many failures from unfamiliar clients",
            LockReason::HourlyLimit => "hourly limit of failures reached, every client",
        };
        let detail = format!("{scope}: locked for {} s", until.saturating_sub(now));
        changes.events.push(event(rec, EventKind::LockedOut, now, detail));
    }
}

/// Reserves an attempt in the user's record and judges it at once (for checks that need no hashing:
/// codes). Returns the lock instead when one applies (nothing is counted then).
fn count_failure(
    rec: &mut UserRecord,
    policy: &LockoutPolicy,
    client: &str,
    now: u64,
    changes: &mut Changes,
    kind: EventKind,
    detail: &str,
) -> std::result::Result<(), Locked> {
    let r = rec.lockout.reserve(policy, client, now)?;
    changes.events.push(event(rec, kind, now, detail));
    log_lock(rec, &r, now, changes);
    Ok(())
}

fn required_actions(rec: &UserRecord, account: &AccountRecord, now: u64) -> Vec<RequiredAction> {
    let policy = &account.policy;
    let mut out = Vec::new();
    if rec.totp.is_none()
        && enrollment_deadline(rec.created_at, account.enforced_since, rec.lockout.two_factor_exempt, policy)
            .is_some_and(|d| now >= d)
    {
        out.push(RequiredAction::EnrollTwoFactor);
    }
    if rec.must_change_password || expiry(rec.password_changed_at, policy, now).expired {
        out.push(RequiredAction::ChangePassword);
    }
    out
}

/// The 2FA enrolment deadline of a user without 2FA, under enforcement.
fn two_factor_deadline(rec: &UserRecord, account: &AccountRecord) -> Option<u64> {
    if rec.totp.is_some() {
        return None;
    }
    enrollment_deadline(
        rec.created_at,
        account.enforced_since,
        rec.lockout.two_factor_exempt,
        &account.policy,
    )
}

/// The answer to a sign-in whose credentials were all right: `ActionRequired` when something is due
/// now, otherwise `Complete` listing what is due later.
fn signed_in(rec: &UserRecord, account: &AccountRecord, now: u64) -> SignIn {
    let e = expiry(rec.password_changed_at, &account.policy, now);
    let due = required_actions(rec, account, now);
    let deadline = two_factor_deadline(rec, account);
    let mut listed = due.clone();
    if deadline.is_some_and(|d| now < d) {
        listed.push(RequiredAction::EnrollTwoFactor);
    }
    if e.warning && !listed.contains(&RequiredAction::ChangePassword) {
        listed.push(RequiredAction::ChangePassword);
    }
    SignIn {
        status: if due.is_empty() { SignInStatus::Complete } else { SignInStatus::ActionRequired },
        challenge: None,
        required_actions: listed,
        password_expires_in_days: if e.warning { e.in_days } else { None },
        password_expires_at: e.expires_at,
        two_factor_deadline: deadline,
        credential_version: rec.credential_version,
        device_token: None,
    }
}

fn generate_recovery_codes() -> Result<(Zeroizing<Vec<String>>, Vec<String>)> {
    let codes = recovery::generate(recovery::COUNT)?;
    let hashes = codes.iter().map(|c| recovery::hash(c)).collect::<Result<Vec<_>>>()?;
    Ok((codes, hashes))
}

impl Authward {
    /// Opens (creating if needed) the store at `location`: a file path (SQLite, feature `sqlite`) or a
    /// `postgres://` / `postgresql://` URL (PostgreSQL, feature `postgres`; see `PostgresStore::open` in
    /// `store` for the URL's parameters). `key` (32 bytes) encrypts TOTP secrets at rest and keys the
    /// rows' integrity tags; a key other than the one the store was created with (or one of
    /// [`AuthwardOptions::previous_keys`]) is `CRYPTO`. A file that is not an authward database is
    /// `STORAGE` and is left untouched. A store from before row integrity gets its rows tagged here,
    /// once (see [`keys`]).
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub fn open(location: impl AsRef<Path>, key: &[u8], mut options: AuthwardOptions) -> Result<Authward> {
        let sealer = Sealer::with_previous(key, &options.previous_keys);
        wipe_previous_keys(&mut options);
        let sealer = sealer?;
        Self::check_options(&options)?;
        let location = location.as_ref();
        #[cfg(feature = "postgres")]
        if let Some(url) = location.to_str().filter(|l| crate::store::is_postgres_url(l)) {
            let store = crate::store::PostgresStore::open(url)?;
            return Self::build(Arc::new(store), sealer, options);
        }
        #[cfg(feature = "sqlite")]
        {
            let store = crate::store::SqliteStore::open(location)?;
            Self::build(Arc::new(store), sealer, options)
        }
        #[cfg(not(feature = "sqlite"))]
        Err(Error::invalid("this build of authward opens only postgres:// URLs (feature sqlite is off)"))
    }

    /// A service over a [`MemoryStore`] with a random key: for tests and demos.
    pub fn in_memory(options: AuthwardOptions) -> Result<Authward> {
        Self::check_options(&options)?;
        Self::build(Arc::new(MemoryStore::new()), Sealer::random()?, options)
    }

    /// A service over any [`Store`], with a 32-byte key for TOTP secrets and row integrity tags (and
    /// the previous keys of the options).
    pub fn with_store(store: Arc<dyn Store>, key: &[u8], mut options: AuthwardOptions) -> Result<Authward> {
        let sealer = Sealer::with_previous(key, &options.previous_keys);
        wipe_previous_keys(&mut options);
        let sealer = sealer?;
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
        // A new store has no rows: it is born "tagged".
        let check = sealer.seal(KEY_CHECK_OWNER, Purpose::KeyCheck, KEY_CHECK_TAGGED)?;
        let stored = store.init_meta(KEY_CHECK, &check)?;
        let pepper = options.pepper.map(Zeroizing::new);
        // Unknown users are checked against this hash, so they cost the same as a wrong password.
        let dummy_password = Zeroizing::new(BASE64URL_NOPAD.encode(&crate::random::bytes::<18>()?));
        let dummy_hash =
            hash::hash(&dummy_password, &options.hash_params, pepper.as_deref().map(Vec::as_slice))?;
        let challenge_cache = store.wants_challenge_cache().then(challenge_cache::ChallengeCache::default);
        let service = Authward {
            store,
            sealer,
            clock: options.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            hash_params: options.hash_params,
            verify_limits: VerifyLimits::for_params(&options.hash_params),
            pepper,
            dummy_hash,
            breached_passwords: options.breached_passwords,
            challenge_cache,
        };
        if !service.read_key_check(&stored)? {
            service.migrate_tags()?;
        }
        Ok(service)
    }

    /// Replaces the cost limits for stored hashes, by default [`VerifyLimits::for_params`] of the
    /// service's hash parameters (4× their memory and passes). Raise them while users still have hashes
    /// from parameters over 4× today's; they are rehashed at today's on their next sign-in. A stored
    /// hash over the limits is refused with `INVALID_ARGUMENT` before any memory is allocated.
    #[must_use]
    pub fn with_verify_limits(mut self, limits: VerifyLimits) -> Authward {
        self.verify_limits = limits;
        self
    }

    /// The keyed hash under which a client is counted (empty for none). `INVALID_ARGUMENT` for a
    /// client longer than 256 bytes or with control characters.
    fn client_key(&self, client: Option<&str>) -> Result<String> {
        match client {
            None => Ok(String::new()),
            Some(c) => {
                check_id("client", c)?;
                Ok(self.sealer.keyed_hash("client", c.as_bytes()))
            }
        }
    }

    /// The keyed hash under which an unknown id's failures are kept.
    fn unknown_key(&self, user_id: &str) -> String {
        self.sealer.keyed_hash("unknown-id", user_id.as_bytes())
    }

    /// The keyed form of a wrong password's Argon2 output (see `LockoutState::seen_wrong`).
    fn wrong_tag(&self, output: &[u8]) -> String {
        self.sealer.keyed_hash("wrong-password", output)
    }

    /// One Argon2 verification at today's parameters, for answers that must cost what a real check
    /// costs (unknown ids, locked users, outdated hashes). Returns the keyed tag of its output.
    fn dummy_verify(&self, password: &str) -> String {
        match hash::verify_with_output(password, &self.dummy_hash, self.pepper(), &self.verify_limits) {
            Ok((_, out)) => self.wrong_tag(&out),
            Err(_) => String::new(),
        }
    }

    /// Checks a password with a reservation: the attempt is counted before the hash is computed and
    /// given back when it is right. `kind` names the failure in the log. Errors: `LOCKED_OUT`, the
    /// `wrong` error (counted), `NOT_FOUND`.
    pub(super) fn checked_password(
        &self,
        snapshot: &UserRecord,
        policy: &LockoutPolicy,
        password: &str,
        client: &str,
        kind: EventKind,
        wrong: Error,
    ) -> Result<()> {
        let now = self.now();
        let mut reservation = None;
        let reserved = self.update(&snapshot.user_id, &mut |rec, changes| {
            let r = rec.lockout.reserve(policy, client, now).map_err(|l| locked_out(l, now))?;
            log_lock(rec, &r, now, changes);
            reservation = Some(r);
            Ok(())
        });
        if let Err(e) = reserved {
            if e.code() == crate::ErrorCode::LockedOut {
                let _ = self.dummy_verify(password);
            }
            return Err(e);
        }
        let Some(r) = reservation else {
            return Err(Error::Internal("no reservation".into()));
        };
        let (ok, output) =
            hash::verify_with_output(password, &snapshot.password_hash, self.pepper(), &self.verify_limits)?;
        let tag = self.wrong_tag(&output);
        drop(output);
        let now = self.now();
        let mut right = false;
        self.update(&snapshot.user_id, &mut |rec, changes| {
            // A password changed meanwhile makes the check void: it stays counted.
            right = ok && rec.password_hash == snapshot.password_hash;
            if right {
                rec.lockout.give_back(&r);
            } else if rec.lockout.seen_wrong(&tag, now) {
                rec.lockout.give_back(&r);
                changes.events.push(event(
                    rec,
                    kind,
                    now,
                    "wrong password, the same as just before (not counted again)",
                ));
            } else {
                changes.events.push(event(rec, kind, now, "wrong password"));
            }
            Ok(())
        })?;
        if right { Ok(()) } else { Err(wrong) }
    }

    /// The service's current time (unix seconds).
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The breached-password filter attached to the service, if any.
    pub fn breached_passwords(&self) -> Option<&Arc<BreachFilter>> {
        self.breached_passwords.as_ref()
    }

    fn breach_filter(&self) -> Option<&BreachFilter> {
        self.breached_passwords.as_deref()
    }

    fn pepper(&self) -> Option<&[u8]> {
        self.pepper.as_deref().map(Vec::as_slice)
    }

    fn account(&self, account_id: &str) -> Result<AccountRecord> {
        Ok(self.store.get_account(account_id)?.unwrap_or_else(|| AccountRecord::unset(account_id)))
    }

    fn user(&self, user_id: &str) -> Result<UserRecord> {
        check_id("user id", user_id)?;
        self.find_user(user_id)?.ok_or_else(|| Error::NotFound(format!("user {user_id:?}")))
    }
}
