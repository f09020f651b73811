//! Where the service keeps its state: the [`Store`] trait and its implementations, [`MemoryStore`],
//! (feature `sqlite`, on by default) [`SqliteStore`] and (feature `postgres`) `PostgresStore`.
//!
//! A store is deliberately dumb: it keeps records and applies each change to a user atomically. All
//! decisions (policy, lockout, replay, expiry) are the service's. TOTP secrets reach the store already
//! sealed (encrypted), recovery codes and challenges only as hashes.
//!
//! **Atomicity.** [`Store::update_user`] runs the service's closure inside one exclusive transaction
//! (SQLite: `BEGIN IMMEDIATE`, which also serializes writers across processes; memory: a mutex), writes
//! the record back with a compare-and-set on its `revision`, and applies the closure's [`Changes`]
//! (events, challenge consumed or created) in the same transaction. So of two concurrent uses of one
//! TOTP code exactly one advances `last_step`, and a crash leaves either the old record or the new one.
//!
//! **Other databases.** The trait names records, not SQL, so a PostgreSQL (or any transactional) store
//! fits without touching the flows: `PostgresStore`'s `update_user` is a snapshot read, the closure and
//! one all-or-nothing write with a compare-and-set on `revision` (again with the row locked if another
//! server won), the other methods single statements.
//!
//! **Retention.** [`Store::purge_events`] deletes the security log's entries older than a moment; the
//! service's `purge_events` calls it with the app's retention period.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod codec;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{
    PostgresOptions, PostgresStore, SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION, SslMode, is_postgres_url,
    migration_sql as postgres_migration_sql,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::account::AccountPolicy;
use crate::account::lockout::LockoutState;
use crate::error::Result;
pub use crate::event::NewEvent;
use crate::event::{AuditEntry, Event};
use crate::totp::TotpConfig;

/// An account (tenant): its policy and when 2FA enforcement was switched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// The account's id.
    pub account_id: String,
    /// The policy.
    pub policy: AccountPolicy,
    /// When `enforce_two_factor` last went from off to on (unix seconds); `None` while off.
    pub enforced_since: Option<u64>,
}

impl AccountRecord {
    /// An account never given a policy: the default policy, enforcement never switched on.
    pub fn unset(account_id: &str) -> AccountRecord {
        AccountRecord {
            account_id: account_id.to_string(),
            policy: AccountPolicy::default(),
            enforced_since: None,
        }
    }
}

/// An active TOTP enrolment.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpRecord {
    /// The secret, sealed by the service (never plaintext).
    pub sealed_secret: Vec<u8>,
    /// Its configuration (fixed at enrolment, so later policy changes do not break the user's app).
    pub config: TotpConfig,
    /// The newest time step accepted so far (replay protection).
    pub last_step: Option<u64>,
    /// When 2FA was enabled.
    pub enabled_at: u64,
}

/// An enrolment begun but not yet confirmed.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingTotp {
    /// The secret, sealed by the service.
    pub sealed_secret: Vec<u8>,
    /// Its configuration.
    pub config: TotpConfig,
    /// After this moment the pending secret can no longer be confirmed.
    pub expires_at: u64,
}

macro_rules! redacted_debug {
    ($ty:ty, $($field:ident),*) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("sealed_secret", &"<redacted>")
                    $(.field(stringify!($field), &self.$field))*
                    .finish()
            }
        }
    };
}
redacted_debug!(TotpRecord, config, last_step, enabled_at);

/// A remembered device ("remember this device"): a token handed to the app once, kept here only as a
/// keyed hash. Valid while `expires_at` is ahead and `credential_version` is the user's.
#[derive(Clone, PartialEq, Eq)]
pub struct RememberedDevice {
    /// Public id (16 hex characters) for listing and revoking.
    pub id: String,
    /// Key id (8 bytes) and HMAC-SHA256 of the token under a key derived from the service key; never the
    /// token or a plain hash of it.
    pub token_hash: Vec<u8>,
    /// The app-given label (e.g. the browser).
    pub label: String,
    /// When it was remembered (unix seconds).
    pub created_at: u64,
    /// When its token last skipped the second factor (unix seconds; `created_at` until then).
    pub last_used_at: u64,
    /// End of its life (unix seconds).
    pub expires_at: u64,
    /// The user's credential version when it was remembered.
    pub credential_version: u64,
}

impl std::fmt::Debug for RememberedDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedDevice")
            .field("id", &self.id)
            .field("token_hash", &"<redacted>")
            .field("label", &self.label)
            .field("created_at", &self.created_at)
            .field("last_used_at", &self.last_used_at)
            .field("expires_at", &self.expires_at)
            .field("credential_version", &self.credential_version)
            .finish()
    }
}
redacted_debug!(PendingTotp, config, expires_at);

/// Everything the service knows about one user.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user's id (the app's).
    pub user_id: String,
    /// The account the user belongs to.
    pub account_id: String,
    /// Optional email (used in the otpauth label and as a policy user input).
    pub email: Option<String>,
    /// Creation time.
    pub created_at: u64,
    /// Current password's PHC string.
    pub password_hash: String,
    /// When the password last changed.
    pub password_changed_at: u64,
    /// An admin asked for a password change at next sign-in.
    pub must_change_password: bool,
    /// Previous password hashes, newest first (at most the policy's `history`).
    pub password_history: Vec<String>,
    /// Increases with every password change or reset.
    pub credential_version: u64,
    /// The failure budget and locks ([`crate::account::lockout`]); stores keep it as one value.
    pub lockout: LockoutState,
    /// The active TOTP enrolment.
    pub totp: Option<TotpRecord>,
    /// A pending TOTP enrolment.
    pub pending_totp: Option<PendingTotp>,
    /// Hashes of the unused recovery codes.
    pub recovery_codes: Vec<String>,
    /// Remembered devices (at most 10; expired ones are dropped whenever the record is written).
    pub devices: Vec<RememberedDevice>,
    /// Bumped by the store on every write (compare-and-set guard): a store writes the revision it read
    /// plus one, whatever the closure left in this field (the integrity tag is made over that value).
    pub revision: u64,
    /// The row's integrity tag, made by the service over the fields above (see
    /// `docs/security.md`); `None` only in rows written before authward 0.2. Stores keep it as given.
    pub integrity_tag: Option<Vec<u8>>,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("user_id", &self.user_id)
            .field("account_id", &self.account_id)
            .field("created_at", &self.created_at)
            .field("password_hash", &"<redacted>")
            .field("password_changed_at", &self.password_changed_at)
            .field("credential_version", &self.credential_version)
            .field("lockout", &self.lockout)
            .field("totp", &self.totp)
            .field("pending_totp", &self.pending_totp)
            .field("recovery_codes_left", &self.recovery_codes.len())
            .field("devices", &self.devices)
            .field("revision", &self.revision)
            .field("integrity_tag", &self.integrity_tag.as_ref().map(|_| "<tag>"))
            .finish()
    }
}

/// A sign-in challenge awaiting its second factor. Only the SHA-256 of the token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRecord {
    /// SHA-256 of the token handed to the app.
    pub token_hash: [u8; 32],
    /// Whose sign-in it is.
    pub user_id: String,
    /// End of its life.
    pub expires_at: u64,
    /// Consumed by a completed sign-in ([`Changes::use_challenge`]): never usable again, kept until its
    /// end so that the same form posted again can be told from an unknown challenge.
    pub used: bool,
}

/// What [`Store::challenge_with_user`] returns: a challenge, its user and their account.
#[derive(Debug, Clone)]
pub struct ChallengeContext {
    /// The challenge.
    pub challenge: ChallengeRecord,
    /// Its user (`None` if the user is gone).
    pub user: Option<UserRecord>,
    /// The user's account, if it was ever given a policy.
    pub account: Option<AccountRecord>,
}

/// What a [`Store::update_user`] closure asks for besides the record itself.
#[derive(Debug, Default)]
pub struct Changes {
    /// Events to append.
    pub events: Vec<NewEvent>,
    /// A challenge of the user's to consume (delete); if it no longer exists or is
    /// [used](ChallengeRecord::used) the whole update fails with `CHALLENGE_EXPIRED`.
    pub consume_challenge: Option<[u8; 32]>,
    /// A challenge of the user's to consume by marking it [used](ChallengeRecord::used), left in place
    /// until it expires (one write to a column no index covers); if it no longer exists or is already
    /// used the whole update fails with `CHALLENGE_EXPIRED`.
    pub use_challenge: Option<[u8; 32]>,
    /// A challenge to create.
    pub new_challenge: Option<ChallengeRecord>,
    /// Delete every challenge of the user (2FA reset, password change).
    pub drop_user_challenges: bool,
    /// Delete challenges of any user (used ones too) that expired before this moment (housekeeping).
    pub purge_challenges_before: Option<u64>,
}

/// What [`Store::info`] reports: a read-only look at a store, so that nobody needs to open its file with
/// another database library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreInfo {
    /// `"memory"`, `"sqlite"` or `"postgres"`.
    pub backend: &'static str,
    /// The schema version the store is at.
    pub schema_version: u32,
    /// How many users it holds.
    pub users: u64,
    /// The backend's own consistency check passed (SQLite `PRAGMA quick_check`).
    pub healthy: bool,
}

/// A page of [`Store::user_ids_after`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserIdPage {
    /// The ids, ascending.
    pub ids: Vec<String>,
    /// How many ids after the cursor the store holds, these included.
    pub remaining: u64,
}

/// The closure type of [`Store::update_unknown`].
pub type UnknownFn<'a> = dyn FnMut(&mut LockoutState) -> Result<()> + 'a;

/// The closure type of [`Store::update_user`].
pub type UpdateFn<'a> = dyn FnMut(&mut UserRecord, &mut Changes) -> Result<()> + 'a;

/// Persistence for the service. Implementations must be safe to share across threads.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// The account, if it was ever given a policy.
    fn get_account(&self, account_id: &str) -> Result<Option<AccountRecord>>;
    /// Creates or replaces an account and logs `event`, in one transaction.
    fn put_account(&self, record: &AccountRecord, event: &NewEvent) -> Result<()>;
    /// Creates a user (`ALREADY_EXISTS` if the id is taken) and logs `events`, in one transaction.
    fn insert_user(&self, user: &UserRecord, events: &[NewEvent]) -> Result<()>;
    /// A snapshot of the user.
    fn get_user(&self, user_id: &str) -> Result<Option<UserRecord>>;
    /// Deletes the user with every secret, challenge and event of theirs; false if there was none.
    fn delete_user(&self, user_id: &str) -> Result<bool>;
    /// Ids of the account's users, sorted.
    fn list_users(&self, account_id: &str) -> Result<Vec<String>>;
    /// Every user of the account, in id order (for the admin's report): one statement where the store
    /// has them. The default reads them one by one (a user deleted meanwhile is left out).
    fn account_users(&self, account_id: &str) -> Result<Vec<UserRecord>> {
        let mut out = Vec::new();
        for id in self.list_users(account_id)? {
            // (an id deleted and created again in another account meanwhile is not this account's)
            out.extend(self.get_user(&id)?.filter(|u| u.account_id == account_id));
        }
        Ok(out)
    }
    /// A page of every user id in the store (all accounts), for work over all rows (key rotation, the
    /// integrity migration): up to `limit` ids greater than `after` (from the first id when `None`),
    /// ascending in byte order of their UTF-8 (SQLite's `BINARY` collation; PostgreSQL needs
    /// `ORDER BY user_id COLLATE "C"` and `user_id > $1 COLLATE "C"`), with how many ids greater than
    /// `after` the store holds in all (this page included), so callers can report progress.
    fn user_ids_after(&self, after: Option<&str>, limit: usize) -> Result<UserIdPage>;
    /// Atomically reads the user, runs `f`, and (if `f` succeeds) writes the record and applies the
    /// [`Changes`]. `NOT_FOUND` if the user does not exist; if `f` fails nothing is written. A store may
    /// run `f` more than once (e.g. retrying a transaction after a serialization failure): the service's
    /// closures depend only on the record they are given (tests/retrying_store.rs).
    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord>;
    /// [`Store::update_user`] for a caller that already holds a recent snapshot of the user (from
    /// [`Store::user_with_account`], [`Store::challenge_with_user`] or an earlier update): a store
    /// whose reads cost a round trip may run `f` on `snapshot` and write with a compare-and-set on its
    /// `revision`, falling back to its own read when the row moved on; it must give exactly the
    /// guarantees of `update_user`. The default ignores the snapshot. (Revisions must not repeat
    /// across a user deleted and created again under the same id: the service starts each user at a
    /// random revision below 2^48.)
    fn update_user_from(&self, snapshot: &UserRecord, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.update_user(&snapshot.user_id, f)
    }
    /// Whether the service should keep, in memory, what a sign-in just wrote with a challenge, so that
    /// the verification that follows on the same server can skip its read and write with
    /// [`Store::update_user_if_unchanged`] (`service/challenge_cache.rs`). For stores whose reads cost
    /// a round trip (PostgreSQL); the default is no.
    fn wants_challenge_cache(&self) -> bool {
        false
    }
    /// [`Store::update_user_from`] that writes only if nothing the caller judged by moved on: the user
    /// is still at `snapshot.revision`, the account's policy and enforcement date are still those of
    /// `account` (an account never given a policy counts as [`AccountRecord::unset`]), and the
    /// challenge `challenge` (a token hash) still exists, unused — all checked in the write's own
    /// transaction. `Ok(None)`: one of them moved on, or the user is gone; nothing was written, and the
    /// caller reads again and starts over (`f` may have run). Otherwise the guarantees of
    /// `update_user`. A store that answers yes to [`Store::wants_challenge_cache`] must implement it;
    /// the default writes nothing and answers `Ok(None)`, so a store that does not never writes from
    /// what the caller only remembers.
    fn update_user_if_unchanged(
        &self,
        snapshot: &UserRecord,
        account: &AccountRecord,
        challenge: &[u8; 32],
        f: &mut UpdateFn<'_>,
    ) -> Result<Option<UserRecord>> {
        let _ = (snapshot, account, challenge, f);
        Ok(None)
    }
    /// The user and their account (if it was ever given a policy), read together: one round trip
    /// where the store has them. The default makes the two reads.
    fn user_with_account(&self, user_id: &str) -> Result<Option<(UserRecord, Option<AccountRecord>)>> {
        let Some(user) = self.get_user(user_id)? else { return Ok(None) };
        let account = self.get_account(&user.account_id)?;
        Ok(Some((user, account)))
    }
    /// The challenge with this token hash (expired or used or not) with its user and their account, read
    /// together: one round trip where the store has them. The default makes the three reads.
    fn challenge_with_user(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeContext>> {
        let Some(challenge) = self.get_challenge(token_hash)? else { return Ok(None) };
        let user = self.get_user(&challenge.user_id)?;
        let account = match &user {
            Some(u) => self.get_account(&u.account_id)?,
            None => None,
        };
        Ok(Some(ChallengeContext { challenge, user, account }))
    }
    /// Atomically reads the failure state kept for an id that is no user (`key`: a keyed hash of the
    /// id, never the id), runs `f`, and writes the state back, or forgets it once
    /// [idle](LockoutState::idle_at). Unknown ids get failure state like users, so that lockouts do not
    /// tell which ids exist. Entries idle before `now` may be purged in the same transaction (bounded
    /// work per call). If `f` fails nothing is written.
    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()>;
    /// The challenge with this token hash, if it exists (expired or used or not).
    fn get_challenge(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeRecord>>;
    /// The user's events and their account's account-wide events since the user's creation, newest first.
    fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>>;
    /// The account's audit log, newest first, at most `limit`: its account-wide events (policy
    /// changes) and every event with an actor (admin actions). `delete_user` takes a user's entries
    /// with the rest of their log.
    fn account_events(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>>;
    /// Deletes the events (user and account-wide) logged before `before` (unix seconds); returns how many.
    fn purge_events(&self, before: u64) -> Result<u64>;
    /// Logs one event on its own, outside any user update (a refusal that must not touch the row, e.g.
    /// a row that failed its integrity check).
    fn append_event(&self, event: &NewEvent) -> Result<()>;
    /// Copies the store to a new file at `path` while it stays in use (SQLite's online backup).
    /// Stores without files answer `INVALID_STATE`.
    fn backup(&self, path: &std::path::Path) -> Result<()> {
        let _ = path;
        Err(crate::error::Error::InvalidState("this store cannot be backed up to a file".into()))
    }
    /// A read-only look at the store (backend, schema version, user count, consistency check).
    fn info(&self) -> Result<StoreInfo> {
        Err(crate::error::Error::InvalidState("this store gives no information".into()))
    }
    /// A store-wide value (e.g. the key check).
    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Sets a store-wide value only if it is not set yet; returns the value now stored.
    fn init_meta(&self, key: &str, value: &[u8]) -> Result<Vec<u8>>;
    /// Sets (`Some`) or removes (`None`) a store-wide value, whatever it was (the key check after a
    /// rotation, the rotation's progress).
    fn set_meta(&self, key: &str, value: Option<&[u8]>) -> Result<()>;
}
