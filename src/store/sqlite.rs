//! The SQLite store: one file, WAL mode, foreign keys on, a busy timeout, a versioned schema.
//!
//! * Every change is one transaction; [`Store::update_user`] uses `BEGIN IMMEDIATE`, which takes the
//!   database's write lock up front, so read-check-write sequences (replay step, challenge consumption,
//!   failure counters) are serialized across threads *and* processes sharing the file. The row is then
//!   written with `… WHERE user_id = ? AND revision = ?`, a compare-and-set that would refuse a lost update
//!   even if the lock were somehow bypassed.
//! * `synchronous = NORMAL` in WAL mode: a process crash (even SIGKILL) loses nothing committed; a power
//!   loss may roll back the last commits but never corrupts the file. `FULL` would fsync every commit and
//!   cap second-factor verifications at the disk's fsync rate.
//! * Threads: one connection behind a mutex. Every store call is short (Argon2 never runs inside one),
//!   so threads take turns on the connection; measured with `cargo bench --bench service` on 2 cores:
//!   10,816 second-factor verifications/s with 1 thread, 10,601/s with 2 (writes are serialized by
//!   SQLite anyway; a reader pool would only help read-heavy loads). Several processes may open the same
//!   file: each has its own connection, and `BEGIN IMMEDIATE` plus the busy timeout serialize them.
//! * The schema version lives in `PRAGMA user_version`; migrations run on open; a file from a newer
//!   authward is refused with `STORAGE` rather than silently downgraded. A file that is not a SQLite
//!   database is refused with `STORAGE` before anything is written to it.
//! * Files are private (0600; looser modes of an authward database are tightened on open) and deleted
//!   rows are overwritten (`PRAGMA secure_delete`). The WAL keeps page images until the next checkpoint
//!   (every 1000 pages, and when the last connection closes), so a deleted user's data can sit in the
//!   `-wal` file until then.
//! * **One SQLite per file in a process.** Every authward binding carries its own copy of SQLite. If the
//!   host process also opens the same file with another copy (Python's `sqlite3` for a health check or a
//!   backup) and closes it, that copy's POSIX locks and WAL clean-up work against authward's connection:
//!   seen here, another process then accepted a replayed TOTP code and the file was corrupted for good.
//!   Use [`crate::Authward::backup`] and [`crate::Authward::store_info`] instead; never open the file
//!   with another SQLite while authward has it open.

use std::path::Path;
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::codec::{
    devices_value, parse_devices, parse_policy, parse_totp_config, policy_json, totp_config_json,
};
use super::{
    AccountRecord, ChallengeRecord, Changes, NewEvent, PendingTotp, Store, StoreInfo, TotpRecord, UnknownFn,
    UpdateFn, UserIdPage, UserRecord,
};
use crate::account::lockout::LockoutState;
use crate::error::{Error, Result};
use crate::event::{AuditEntry, Event, EventKind};

/// The schema version this code writes.
pub const SCHEMA_VERSION: i64 = 7;

const SCHEMA_V1: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    enforced_since INTEGER
);
CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    email TEXT,
    created_at INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    password_changed_at INTEGER NOT NULL,
    must_change_password INTEGER NOT NULL,
    password_history TEXT NOT NULL,
    credential_version INTEGER NOT NULL,
    failed_count INTEGER NOT NULL,
    failure_window_start INTEGER NOT NULL,
    failures_in_window INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    totp_secret BLOB,
    totp_config TEXT,
    totp_last_step INTEGER,
    totp_enabled_at INTEGER,
    pending_secret BLOB,
    pending_config TEXT,
    pending_expires_at INTEGER,
    recovery_codes TEXT NOT NULL,
    revision INTEGER NOT NULL
);
CREATE INDEX users_by_account ON users (account_id, user_id);
CREATE TABLE challenges (
    token_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX challenges_by_user ON challenges (user_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    user_id TEXT,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX events_by_user ON events (user_id, id);
CREATE INDEX events_by_account ON events (account_id, id) WHERE user_id IS NULL;
";

/// Version 2: the lockout state becomes one JSON value (per-client buckets, the sliding hourly
/// ceiling, familiar clients), and unknown ids get failure state of their own.
const SCHEMA_V2: &str = "
ALTER TABLE users ADD COLUMN lockout TEXT NOT NULL DEFAULT '{}';
UPDATE users SET lockout = json_object('clients', json_array(json_object(
        'c', '', 'f', failed_count, 'u', locked_until, 'l', 0, 't', failure_window_start)))
    WHERE failed_count > 0 OR locked_until > 0;
ALTER TABLE users DROP COLUMN failed_count;
ALTER TABLE users DROP COLUMN failure_window_start;
ALTER TABLE users DROP COLUMN failures_in_window;
ALTER TABLE users DROP COLUMN locked_until;
CREATE TABLE unknown_ids (key TEXT PRIMARY KEY, state TEXT NOT NULL, idle_at INTEGER NOT NULL);
CREATE INDEX unknown_ids_by_idle ON unknown_ids (idle_at);
";

/// Version 3: each user row carries an integrity tag (made by the service, which tags the rows that
/// have none when it opens the store; see `Authward::open`).
const SCHEMA_V3: &str = "ALTER TABLE users ADD COLUMN integrity_tag BLOB;";

/// Version 4: events can be purged by age (retention) without scanning the log.
const SCHEMA_V4: &str = "CREATE INDEX events_by_time ON events (at);";

/// Version 5: remembered devices, one JSON array per user (see `codec::devices_value`).
const SCHEMA_V5: &str = "ALTER TABLE users ADD COLUMN devices TEXT NOT NULL DEFAULT '[]';";

/// Version 6: events name who did it (admin actions), and an account's audit log (its account-wide
/// events and every event with an actor) is an index scan.
const SCHEMA_V6: &str = "
ALTER TABLE events ADD COLUMN actor TEXT;
CREATE INDEX events_audit ON events (account_id, id) WHERE user_id IS NULL OR actor IS NOT NULL;
";

/// Version 7: a challenge that completed a sign-in is marked used and kept until its end (it was
/// deleted, and a marker row inserted under another hash of its token).
const SCHEMA_V7: &str = "ALTER TABLE challenges ADD COLUMN used INTEGER NOT NULL DEFAULT 0;";

/// A [`Store`] in a SQLite file (SQLite compiled in via rusqlite's `bundled`).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

/// Creates `path` empty with mode 0600 if it does not exist (SQLite then makes its `-wal` and `-shm` files
/// with the same mode).
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Storage(format!("cannot create {}: {e}", path.display()))),
    }
}

/// Tightens the database file and its `-wal`/`-shm` companions to 0600 where the group or others have
/// any access.
fn tighten(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut files = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            files.push(name.into());
        }
        for f in files {
            let Ok(meta) = std::fs::metadata(&f) else { continue };
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| Error::Storage(format!("cannot make {} private: {e}", f.display())))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn storage(e: rusqlite::Error) -> Error {
    Error::Storage(e.to_string())
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    ///
    /// The file is private: created with mode 0600, and an existing authward database (with its `-wal`
    /// and `-shm` files) whose mode lets the group or others in is tightened to 0600 on open. SQLite
    /// creates `-wal` and `-shm` with the database file's mode. Deleted rows are overwritten
    /// (`PRAGMA secure_delete`); until a checkpoint the WAL may still hold the pages as they were
    /// before (SQLite checkpoints every 1000 pages and when the last connection closes).
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref();
        create_private(path)?;
        let conn = Connection::open(path)
            .map_err(|e| Error::Storage(format!("cannot open {}: {e}", path.display())))?;
        let store = Self::init(conn).map_err(|e| match e {
            Error::Storage(msg) => Error::Storage(format!("{}: {msg}", path.display())),
            other => other,
        })?;
        // Only once the file is known to be ours: a foreign file is left untouched.
        tighten(path)?;
        Ok(store)
    }

    /// Copies the whole database to `path` (a new private file) with SQLite's online backup, while
    /// other threads and processes go on using it. Use this, never a second SQLite library on the same
    /// file (see the module docs).
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        // Created here with O_CREAT|O_EXCL (0600): an existing file or a symlink planted at `path`
        // (even between a check and the create) is refused, never written through.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::AlreadyExists(format!("backup target {}", path.display())));
            }
            Err(e) => return Err(Error::Storage(format!("cannot create {}: {e}", path.display()))),
        }
        let conn = self.lock();
        conn.backup(rusqlite::MAIN_DB, path, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| Error::Storage(format!("backup to {}: {e}", path.display())))
    }

    /// A private in-memory SQLite database (tests, benchmarks).
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::init(Connection::open_in_memory().map_err(storage)?)
    }

    fn init(conn: Connection) -> Result<SqliteStore> {
        conn.busy_timeout(Duration::from_secs(10)).map_err(storage)?;
        // Read before writing anything: a file that is not a database fails here, untouched.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .and_then(|v| conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(v)))
            .map_err(|e| Error::Storage(format!("not an authward database: {e}")))?;
        if version > SCHEMA_VERSION {
            return Err(Error::Storage(format!(
                "database schema version {version} is newer than this authward supports ({SCHEMA_VERSION})"
            )));
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(storage)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(storage)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(storage)?;
        conn.pragma_update(None, "secure_delete", "ON").map_err(storage)?;
        let mut conn = conn;
        Self::migrate(&mut conn)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn migrate(conn: &mut Connection) -> Result<()> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(storage)?;
        if version > SCHEMA_VERSION {
            return Err(Error::Storage(format!(
                "database schema version {version} is newer than this authward supports ({SCHEMA_VERSION})"
            )));
        }
        if version < 1 {
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
                .map_err(storage)?;
            if tables > 0 {
                return Err(Error::Storage("the database belongs to another application".into()));
            }
            tx.execute_batch(SCHEMA_V1).map_err(storage)?;
            tx.pragma_update(None, "user_version", 1).map_err(storage)?;
        }
        if version < 2 {
            tx.execute_batch(SCHEMA_V2).map_err(storage)?;
            tx.pragma_update(None, "user_version", 2).map_err(storage)?;
        }
        if version < 3 {
            tx.execute_batch(SCHEMA_V3).map_err(storage)?;
            tx.pragma_update(None, "user_version", 3).map_err(storage)?;
        }
        if version < 4 {
            tx.execute_batch(SCHEMA_V4).map_err(storage)?;
            tx.pragma_update(None, "user_version", 4).map_err(storage)?;
        }
        if version < 5 {
            tx.execute_batch(SCHEMA_V5).map_err(storage)?;
            tx.pragma_update(None, "user_version", 5).map_err(storage)?;
        }
        if version < 6 {
            tx.execute_batch(SCHEMA_V6).map_err(storage)?;
            tx.pragma_update(None, "user_version", 6).map_err(storage)?;
        }
        if version < 7 {
            tx.execute_batch(SCHEMA_V7).map_err(storage)?;
            tx.pragma_update(None, "user_version", 7).map_err(storage)?;
        }
        tx.commit().map_err(storage)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // Transactions roll back when dropped during a panic, so a poisoned connection is consistent.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn insert_event(conn: &Connection, e: &NewEvent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (account_id, user_id, kind, at, detail, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![e.account_id, e.user_id, e.kind.as_str(), to_i64(e.at), e.detail, e.actor])
    })
    .map(|_| ())
    .map_err(storage)
}

fn split_lines(text: String) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

const USER_COLUMNS: &str = "user_id, account_id, email, created_at, password_hash, password_changed_at, \
    must_change_password, password_history, credential_version, lockout, totp_secret, totp_config, \
    totp_last_step, totp_enabled_at, pending_secret, pending_config, pending_expires_at, recovery_codes, \
    revision, integrity_tag, devices";

static SELECT_USER_SQL: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {USER_COLUMNS} FROM users WHERE user_id = ?1"));

static INSERT_USER_SQL: LazyLock<String> = LazyLock::new(|| {
    let placeholders = (1..=21).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    format!("INSERT INTO users ({USER_COLUMNS}) VALUES ({placeholders})")
});

/// Every column but `user_id` (?1) set from its position; the old revision is ?22 (compare-and-set).
static UPDATE_USER_SQL: LazyLock<String> = LazyLock::new(|| {
    let sets = USER_COLUMNS
        .split(", ")
        .enumerate()
        .skip(1)
        .map(|(i, c)| format!("{} = ?{}", c.trim(), i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    format!("UPDATE users SET {sets} WHERE user_id = ?1 AND revision = ?22")
});

/// Raw columns of a user row; parsed outside rusqlite's row callback so errors keep their codes.
struct RawUser {
    ints: [i64; 4],
    texts: [String; 6],
    email: Option<String>,
    totp: (Option<Vec<u8>>, Option<String>, Option<i64>, Option<i64>),
    pending: (Option<Vec<u8>>, Option<String>, Option<i64>),
    revision: i64,
    integrity_tag: Option<Vec<u8>>,
    devices: String,
}

fn raw_user(r: &Row<'_>) -> rusqlite::Result<RawUser> {
    Ok(RawUser {
        texts: [r.get(0)?, r.get(1)?, r.get(4)?, r.get(7)?, r.get(17)?, r.get(9)?],
        email: r.get(2)?,
        ints: [r.get(3)?, r.get(5)?, r.get(6)?, r.get(8)?],
        totp: (r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?),
        pending: (r.get(14)?, r.get(15)?, r.get(16)?),
        revision: r.get(18)?,
        integrity_tag: r.get(19)?,
        devices: r.get(20)?,
    })
}

fn parse_user(raw: RawUser) -> Result<UserRecord> {
    let RawUser { ints, texts, email, totp, pending, revision, integrity_tag, devices } = raw;
    let [user_id, account_id, password_hash, history, recovery, lockout] = texts;
    let totp = match totp {
        (Some(sealed_secret), Some(config), last_step, enabled_at) => Some(TotpRecord {
            sealed_secret,
            config: parse_totp_config(&config)?,
            last_step: last_step.map(to_u64),
            enabled_at: enabled_at.map(to_u64).unwrap_or(0),
        }),
        _ => None,
    };
    let pending_totp = match pending {
        (Some(sealed_secret), Some(config), expires_at) => Some(PendingTotp {
            sealed_secret,
            config: parse_totp_config(&config)?,
            expires_at: expires_at.map(to_u64).unwrap_or(0),
        }),
        _ => None,
    };
    Ok(UserRecord {
        user_id,
        account_id,
        email,
        created_at: to_u64(ints[0]),
        password_hash,
        password_changed_at: to_u64(ints[1]),
        must_change_password: ints[2] != 0,
        password_history: split_lines(history),
        credential_version: to_u64(ints[3]),
        lockout: LockoutState::from_json(&lockout)?,
        totp,
        pending_totp,
        recovery_codes: split_lines(recovery),
        devices: parse_devices(&devices)?,
        revision: to_u64(revision),
        integrity_tag,
    })
}

fn load_user(conn: &Connection, user_id: &str) -> Result<Option<UserRecord>> {
    let raw = conn
        .prepare_cached(&SELECT_USER_SQL)
        .and_then(|mut s| s.query_row([user_id], raw_user).optional())
        .map_err(storage)?;
    raw.map(parse_user).transpose()
}

/// Binds every column of `u` in `USER_COLUMNS` order (revision as given).
fn user_params(u: &UserRecord) -> Vec<Box<dyn rusqlite::ToSql + '_>> {
    let totp = u.totp.as_ref();
    let pending = u.pending_totp.as_ref();
    vec![
        Box::new(&u.user_id),
        Box::new(&u.account_id),
        Box::new(&u.email),
        Box::new(to_i64(u.created_at)),
        Box::new(&u.password_hash),
        Box::new(to_i64(u.password_changed_at)),
        Box::new(i64::from(u.must_change_password)),
        Box::new(u.password_history.join("\n")),
        Box::new(to_i64(u.credential_version)),
        Box::new(u.lockout.to_json()),
        Box::new(totp.map(|t| t.sealed_secret.clone())),
        Box::new(totp.map(|t| totp_config_json(&t.config))),
        Box::new(totp.and_then(|t| t.last_step).map(to_i64)),
        Box::new(totp.map(|t| to_i64(t.enabled_at))),
        Box::new(pending.map(|p| p.sealed_secret.clone())),
        Box::new(pending.map(|p| totp_config_json(&p.config))),
        Box::new(pending.map(|p| to_i64(p.expires_at))),
        Box::new(u.recovery_codes.join("\n")),
        Box::new(to_i64(u.revision)),
        Box::new(&u.integrity_tag),
        Box::new(devices_value(&u.devices).to_string()),
    ]
}

impl Store for SqliteStore {
    fn get_account(&self, account_id: &str) -> Result<Option<AccountRecord>> {
        let conn = self.lock();
        let row: Option<(String, Option<i64>)> = conn
            .prepare_cached("SELECT policy, enforced_since FROM accounts WHERE account_id = ?1")
            .and_then(|mut s| s.query_row([account_id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .map_err(storage)?;
        row.map(|(policy, since)| {
            Ok(AccountRecord {
                account_id: account_id.to_string(),
                policy: parse_policy(&policy)?,
                enforced_since: since.map(to_u64),
            })
        })
        .transpose()
    }

    fn put_account(&self, record: &AccountRecord, event: &NewEvent) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        tx.execute(
            "INSERT INTO accounts (account_id, policy, enforced_since) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id) DO UPDATE SET policy = excluded.policy, enforced_since = excluded.enforced_since",
            params![record.account_id, policy_json(&record.policy), record.enforced_since.map(to_i64)],
        )
        .map_err(storage)?;
        insert_event(&tx, event)?;
        tx.commit().map_err(storage)
    }

    fn insert_user(&self, user: &UserRecord, events: &[NewEvent]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        let exists: bool = tx
            .query_row("SELECT 1 FROM users WHERE user_id = ?1", [&user.user_id], |_| Ok(true))
            .optional()
            .map_err(storage)?
            .unwrap_or(false);
        if exists {
            return Err(Error::AlreadyExists(format!("user {:?}", user.user_id)));
        }
        let p = user_params(user);
        tx.execute(&INSERT_USER_SQL, rusqlite::params_from_iter(p.iter())).map_err(storage)?;
        for e in events {
            insert_event(&tx, e)?;
        }
        tx.commit().map_err(storage)
    }

    fn get_user(&self, user_id: &str) -> Result<Option<UserRecord>> {
        load_user(&self.lock(), user_id)
    }

    fn delete_user(&self, user_id: &str) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        tx.execute("DELETE FROM challenges WHERE user_id = ?1", [user_id]).map_err(storage)?;
        tx.execute("DELETE FROM events WHERE user_id = ?1", [user_id]).map_err(storage)?;
        let n = tx.execute("DELETE FROM users WHERE user_id = ?1", [user_id]).map_err(storage)?;
        tx.commit().map_err(storage)?;
        Ok(n > 0)
    }

    fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT user_id FROM users WHERE account_id = ?1 ORDER BY user_id")
            .map_err(storage)?;
        let rows = stmt.query_map([account_id], |r| r.get(0)).map_err(storage)?;
        rows.collect::<rusqlite::Result<Vec<String>>>().map_err(storage)
    }

    fn user_ids_after(&self, after: Option<&str>, limit: usize) -> Result<UserIdPage> {
        let conn = self.lock();
        // '' sorts before every id (ids are never empty), so one statement serves both cases.
        let after = after.unwrap_or("");
        let mut stmt = conn
            .prepare_cached("SELECT user_id FROM users WHERE user_id > ?1 ORDER BY user_id LIMIT ?2")
            .map_err(storage)?;
        let rows = stmt.query_map(params![after, to_i64(limit as u64)], |r| r.get(0)).map_err(storage)?;
        let ids = rows.collect::<rusqlite::Result<Vec<String>>>().map_err(storage)?;
        let remaining: i64 = conn
            .query_row("SELECT count(*) FROM users WHERE user_id > ?1", [after], |r| r.get(0))
            .map_err(storage)?;
        Ok(UserIdPage { ids, remaining: to_u64(remaining) })
    }

    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        let mut record =
            load_user(&tx, user_id)?.ok_or_else(|| Error::NotFound(format!("user {user_id:?}")))?;
        let expected_revision = record.revision;
        let mut changes = Changes::default();
        f(&mut record, &mut changes)?;
        if let Some(hash) = changes.consume_challenge {
            let n = tx
                .prepare_cached("DELETE FROM challenges WHERE token_hash = ?1 AND user_id = ?2 AND used = 0")
                .and_then(|mut s| s.execute(params![&hash[..], user_id]))
                .map_err(storage)?;
            if n == 0 {
                return Err(Error::ChallengeExpired);
            }
        }
        if let Some(hash) = changes.use_challenge {
            let n = tx
                .prepare_cached(
                    "UPDATE challenges SET used = 1 WHERE token_hash = ?1 AND user_id = ?2 AND used = 0",
                )
                .and_then(|mut s| s.execute(params![&hash[..], user_id]))
                .map_err(storage)?;
            if n == 0 {
                return Err(Error::ChallengeExpired);
            }
        }
        if changes.drop_user_challenges {
            tx.execute("DELETE FROM challenges WHERE user_id = ?1", [user_id]).map_err(storage)?;
        }
        if let Some(before) = changes.purge_challenges_before {
            tx.prepare_cached("DELETE FROM challenges WHERE expires_at < ?1")
                .and_then(|mut s| s.execute([to_i64(before)]))
                .map_err(storage)?;
        }
        if let Some(c) = &changes.new_challenge {
            tx.prepare_cached("INSERT INTO challenges (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(params![&c.token_hash[..], c.user_id, to_i64(c.expires_at)]))
                .map_err(storage)?;
        }
        record.user_id = user_id.to_string();
        record.revision = expected_revision + 1;
        let mut p = user_params(&record);
        p.push(Box::new(to_i64(expected_revision)));
        let n = tx
            .prepare_cached(&UPDATE_USER_SQL)
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(p.iter())))
            .map_err(storage)?;
        drop(p);
        if n != 1 {
            return Err(Error::Storage("the user record changed concurrently".into()));
        }
        for e in &changes.events {
            insert_event(&tx, e)?;
        }
        tx.commit().map_err(storage)?;
        Ok(record)
    }

    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        // Bounded housekeeping: a few idle entries per call keep the table at about an hour of ids.
        tx.prepare_cached(
            "DELETE FROM unknown_ids WHERE key IN
             (SELECT key FROM unknown_ids WHERE idle_at <= ?1 ORDER BY idle_at LIMIT 16)",
        )
        .and_then(|mut s| s.execute([to_i64(now)]))
        .map_err(storage)?;
        let text: Option<String> = tx
            .prepare_cached("SELECT state FROM unknown_ids WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
            .map_err(storage)?;
        let mut state = match text {
            Some(t) => LockoutState::from_json(&t)?,
            None => LockoutState::default(),
        };
        f(&mut state)?;
        let idle_at = state.idle_at();
        if idle_at > now {
            tx.prepare_cached(
                "INSERT INTO unknown_ids (key, state, idle_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET state = excluded.state, idle_at = excluded.idle_at",
            )
            .and_then(|mut s| s.execute(params![key, state.to_json(), to_i64(idle_at)]))
            .map_err(storage)?;
        } else {
            tx.prepare_cached("DELETE FROM unknown_ids WHERE key = ?1")
                .and_then(|mut s| s.execute([key]))
                .map_err(storage)?;
        }
        tx.commit().map_err(storage)
    }

    fn get_challenge(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeRecord>> {
        let conn = self.lock();
        conn.prepare_cached("SELECT user_id, expires_at, used FROM challenges WHERE token_hash = ?1")
            .and_then(|mut s| {
                s.query_row([&token_hash[..]], |r| {
                    Ok(ChallengeRecord {
                        token_hash: *token_hash,
                        user_id: r.get(0)?,
                        expires_at: to_u64(r.get(1)?),
                        used: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(storage)
    }

    fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
        let conn = self.lock();
        let user: Option<(String, i64)> = conn
            .query_row("SELECT account_id, created_at FROM users WHERE user_id = ?1", [user_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(storage)?;
        let Some((account_id, created_at)) = user else {
            return Err(Error::NotFound(format!("user {user_id:?}")));
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT kind, at, detail, actor FROM events
                 WHERE user_id = ?1 OR (user_id IS NULL AND account_id = ?2 AND at >= ?3)
                 ORDER BY id DESC LIMIT ?4",
            )
            .map_err(storage)?;
        let rows = stmt
            .query_map(params![user_id, account_id, created_at, to_i64(limit as u64)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get(3)?))
            })
            .map_err(storage)?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, at, detail, actor) = row.map_err(storage)?;
            let kind = EventKind::parse(&kind)
                .ok_or_else(|| Error::Storage(format!("unknown event kind {kind:?}")))?;
            out.push(Event { kind, at: to_u64(at), detail, actor });
        }
        Ok(out)
    }

    fn account_events(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT user_id, kind, at, detail, actor FROM events INDEXED BY events_audit
                 WHERE account_id = ?1 AND (user_id IS NULL OR actor IS NOT NULL)
                 ORDER BY id DESC LIMIT ?2",
            )
            .map_err(storage)?;
        let rows = stmt
            .query_map(params![account_id, to_i64(limit as u64)], |r| {
                Ok((r.get(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(storage)?;
        let mut out = Vec::new();
        for row in rows {
            let (user_id, kind, at, detail, actor) = row.map_err(storage)?;
            let kind = EventKind::parse(&kind)
                .ok_or_else(|| Error::Storage(format!("unknown event kind {kind:?}")))?;
            out.push(AuditEntry { user_id, event: Event { kind, at: to_u64(at), detail, actor } });
        }
        Ok(out)
    }

    fn append_event(&self, event: &NewEvent) -> Result<()> {
        insert_event(&self.lock(), event)
    }

    fn purge_events(&self, before: u64) -> Result<u64> {
        let n = self
            .lock()
            .prepare_cached("DELETE FROM events WHERE at < ?1")
            .and_then(|mut s| s.execute([to_i64(before)]))
            .map_err(storage)?;
        Ok(n as u64)
    }

    fn backup(&self, path: &Path) -> Result<()> {
        self.backup_to(path)
    }

    fn info(&self) -> Result<StoreInfo> {
        let conn = self.lock();
        let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(storage)?;
        let users: i64 = conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).map_err(storage)?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(storage)?;
        Ok(StoreInfo {
            backend: "sqlite",
            schema_version: u32::try_from(schema_version).unwrap_or(0),
            users: to_u64(users),
            healthy: check == "ok",
        })
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.lock()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(storage)
    }

    fn init_meta(&self, key: &str, value: &[u8]) -> Result<Vec<u8>> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
        tx.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", params![key, value])
            .map_err(storage)?;
        let stored: Vec<u8> =
            tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).map_err(storage)?;
        tx.commit().map_err(storage)?;
        Ok(stored)
    }

    fn set_meta(&self, key: &str, value: Option<&[u8]>) -> Result<()> {
        let conn = self.lock();
        match value {
            Some(v) => conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            ),
            None => conn.execute("DELETE FROM meta WHERE key = ?1", [key]),
        }
        .map(|_| ())
        .map_err(storage)
    }
}
