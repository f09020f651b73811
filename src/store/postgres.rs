//! The PostgreSQL store, for applications with many app servers: every process (and host) opens the
//! same database and gets the guarantees of the SQLite store across all of them.
//!
//! * **Client.** The synchronous `postgres` crate over an `r2d2` pool (one per [`PostgresStore`]); TLS
//!   through rustls, `sslmode` as in libpq (see [`SslMode`]). No OpenSSL and no libpq.
//! * **Atomicity.** Every write of a user is one call of the `write_user` SQL function (schema.rs): it
//!   writes the record with a compare-and-set on `revision`, consumes or creates challenges and appends
//!   the events, all or nothing (a missing challenge raises and rolls everything back).
//!   [`Store::update_user`] first reads a snapshot, runs the closure and calls `write_user` in autocommit:
//!   two round trips. If another server wrote the user in between (the compare-and-set fails), it runs
//!   again with the row locked (`BEGIN; SELECT … FOR UPDATE; write_user; COMMIT`), which cannot lose
//!   again. Serialization failures and deadlocks re-run the closure too (the [`Store`] contract allows
//!   it); a connection that broke before anything was sent is replaced and the call retried.
//! * **Challenges.** Consumed inside that transaction, by `UPDATE … SET used = true WHERE token_hash = $1
//!   AND NOT used` when a code completes the sign-in (the row stays, marked, until its end, so the same
//!   form posted again reads as `CODE_REUSED`; no index covers `used`, so it is a HOT update) or by
//!   `DELETE … AND NOT used` otherwise: of two servers the second finds no live row and gets
//!   `CHALLENGE_EXPIRED`. Expired ones (used or not) are purged with `SKIP LOCKED`, so housekeeping
//!   never waits on (or deadlocks with) another server's sign-in.
//! * **Faults.** A call whose connection fails (server restart, network) returns `STORAGE`; the pool
//!   drops the broken connection and opens a new one on the next call. A commit whose answer was lost
//!   is reported as `STORAGE`: it may or may not have happened, but never half.
//! * **Schema.** Tables live in their own schema (default `authward`), migrated on open under an advisory
//!   lock (`schema.rs`); the user record's fields other than its keys are one `jsonb` column
//!   (`codec.rs`), so new fields need no migration.

mod config;
mod schema;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use postgres::types::Type;
use postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};
use r2d2::{ManageConnection, Pool, PooledConnection};
use serde_json::Value;
use tokio_postgres_rustls::MakeRustlsConnect;

use self::config::Settings;
pub use self::config::{PostgresOptions, SslMode, is_postgres_url};
pub use self::schema::{SCHEMA_VERSION, migration_sql};
use super::codec::{parse_policy, policy_json, user_body_text, user_from_body};
use super::{
    AccountRecord, ChallengeContext, ChallengeRecord, Changes, NewEvent, Store, UnknownFn, UpdateFn,
    UserRecord,
};
use crate::account::lockout::LockoutState;
use crate::error::{Error, Result};
use crate::event::{AuditEntry, Event, EventKind};

/// How often `update_user` re-runs after a serialization failure, deadlock or lost compare-and-set.
const MAX_ATTEMPTS: u32 = 20;

/// A [`Store`] in a PostgreSQL database, shared by any number of processes and hosts.
pub struct PostgresStore {
    pool: Pool<Manager>,
    target: String,
    schema: String,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("target", &self.target).field("schema", &self.schema).finish()
    }
}

/// A pooled connection: the client and the statements prepared on it so far. The hot statements (the
/// reads of a sign-in and a verification, `write_user`) are prepared once per connection and then
/// only bound and executed: the server parses and plans them once, not on every call.
struct Conn {
    client: Client,
    prepared: HashMap<&'static str, Statement>,
}

impl Conn {
    /// The statement `sql` with parameter types `types`, prepared on this connection the first time.
    fn prepared(
        &mut self,
        sql: &'static str,
        types: &[Type],
    ) -> std::result::Result<Statement, postgres::Error> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare_typed(sql, types)?;
        self.prepared.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// Opens connections for the pool.
struct Manager {
    config: postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Manager")
    }
}

impl Manager {
    fn open(&self) -> std::result::Result<Client, postgres::Error> {
        match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(NoTls),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = postgres::Error;

    fn connect(&self) -> std::result::Result<Conn, postgres::Error> {
        Ok(Conn { client: self.open()?, prepared: HashMap::new() })
    }

    fn is_valid(&self, conn: &mut Conn) -> std::result::Result<(), postgres::Error> {
        conn.client.is_valid(Duration::from_secs(5))
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.client.is_closed()
    }
}

fn storage(e: postgres::Error) -> Error {
    // The client's messages name the server's error or the I/O failure, never the password.
    match e.as_db_error() {
        Some(db) => Error::Storage(format!("postgres: {} ({})", db.message(), db.code().code())),
        None => match std::error::Error::source(&e) {
            Some(cause) => Error::Storage(format!("postgres: {e}: {cause}")),
            None => Error::Storage(format!("postgres: {e}")),
        },
    }
}

fn transient(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    matches!(e.code(), Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Why one attempt of `update_user` did not commit.
enum Failed {
    /// The connection was gone before `BEGIN` got an answer: nothing was done; retry on another.
    Reconnect(Error),
    /// Re-run the closure on a fresh read.
    Retry(Error),
    /// Give up with this error.
    Stop(Error),
}

impl From<Error> for Failed {
    fn from(e: Error) -> Failed {
        Failed::Stop(e)
    }
}

fn db(e: postgres::Error) -> Failed {
    if transient(&e) { Failed::Retry(storage(e)) } else { Failed::Stop(storage(e)) }
}

const SELECT_USER: &str =
    "SELECT user_id, account_id, created_at, revision, body::text FROM users WHERE user_id = $1";

/// The user with their account's policy, in one statement (columns as [`parse_joined`] reads them).
const USER_WITH_ACCOUNT: &str = "SELECT u.user_id, u.account_id, u.created_at, u.revision, u.body::text,
        a.policy::text, a.enforced_since
    FROM users u LEFT JOIN accounts a ON a.account_id = u.account_id WHERE u.user_id = $1";

/// A challenge with its user and their account's policy, in one statement (columns as
/// [`parse_joined`] reads them, then the challenge's expiry and whether it is used).
const CHALLENGE_WITH_USER: &str = "SELECT c.user_id, u.account_id, u.created_at, u.revision, u.body::text,
        a.policy::text, a.enforced_since, c.expires_at, c.used
    FROM challenges c LEFT JOIN users u ON u.user_id = c.user_id
        LEFT JOIN accounts a ON a.account_id = u.account_id
    WHERE c.token_hash = $1";

/// The one write of `update_user` (schema.rs: `write_user`): 1 if written, 0 if the revision moved on
/// (or the challenge a conditional write names is gone or used), 2 if the account's policy moved on.
const WRITE_USER: &str = "SELECT write_user($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::text::jsonb, $20, $21, $22)";

/// The parameter types of [`WRITE_USER`].
const WRITE_USER_TYPES: [Type; 22] = [
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::BYTEA,
    Type::BYTEA,
    Type::BOOL,
    Type::INT8,
    Type::BYTEA,
    Type::TEXT,
    Type::INT8,
    Type::TEXT_ARRAY,
    Type::TEXT_ARRAY,
    Type::TEXT_ARRAY,
    Type::INT8_ARRAY,
    Type::TEXT_ARRAY,
    Type::TEXT_ARRAY,
    Type::TEXT,
    Type::INT8,
    Type::BOOL,
    Type::BYTEA,
];

/// The SQLSTATE `write_user` raises when the challenge to consume is gone.
const CHALLENGE_GONE: &str = "AW001";

fn parse_user(row: &Row) -> Result<UserRecord> {
    let body: String = row.get(4);
    let body: Value =
        serde_json::from_str(&body).map_err(|e| Error::Storage(format!("stored user body: {e}")))?;
    user_from_body(row.get(0), row.get(1), to_u64(row.get(2)), to_u64(row.get(3)), &body)
}

/// A row of [`USER_WITH_ACCOUNT`] or [`CHALLENGE_WITH_USER`]: the user (absent when the left join
/// found none) and their account (absent when it was never given a policy).
fn parse_joined(row: &Row) -> Result<(Option<UserRecord>, Option<AccountRecord>)> {
    if row.get::<_, Option<String>>(4).is_none() {
        return Ok((None, None));
    }
    let user = parse_user(row)?;
    let account = match row.get::<_, Option<String>>(5) {
        Some(policy) => Some(AccountRecord {
            account_id: user.account_id.clone(),
            policy: parse_policy(&policy)?,
            enforced_since: row.get::<_, Option<i64>>(6).map(to_u64),
        }),
        None => None,
    };
    Ok((Some(user), account))
}

/// The events' columns as arrays, for `unnest`.
struct EventColumns {
    account_ids: Vec<String>,
    user_ids: Vec<Option<String>>,
    kinds: Vec<String>,
    ats: Vec<i64>,
    details: Vec<String>,
    actors: Vec<Option<String>>,
}

impl EventColumns {
    fn new(events: &[NewEvent]) -> EventColumns {
        EventColumns {
            account_ids: events.iter().map(|e| e.account_id.clone()).collect(),
            user_ids: events.iter().map(|e| e.user_id.clone()).collect(),
            kinds: events.iter().map(|e| e.kind.as_str().to_string()).collect(),
            ats: events.iter().map(|e| to_i64(e.at)).collect(),
            details: events.iter().map(|e| e.detail.clone()).collect(),
            actors: events.iter().map(|e| e.actor.clone()).collect(),
        }
    }

    fn insert(&self, tx: &mut Transaction<'_>) -> std::result::Result<(), postgres::Error> {
        if self.kinds.is_empty() {
            return Ok(());
        }
        tx.query_typed(
            "INSERT INTO events (account_id, user_id, kind, at, detail, actor)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::text[])",
            &[
                (&self.account_ids, Type::TEXT_ARRAY),
                (&self.user_ids, Type::TEXT_ARRAY),
                (&self.kinds, Type::TEXT_ARRAY),
                (&self.ats, Type::INT8_ARRAY),
                (&self.details, Type::TEXT_ARRAY),
                (&self.actors, Type::TEXT_ARRAY),
            ],
        )
        .map(|_| ())
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname?sslmode=…`, libpq's
    /// URL format; authward's options may be given as parameters too, see [`PostgresOptions`]) and
    /// migrates it. Connection refused, bad credentials and a schema from a newer authward are `STORAGE`
    /// errors naming the host, database and user, never the password.
    pub fn open(url: &str) -> Result<PostgresStore> {
        Self::open_with(url, PostgresOptions::default())
    }

    /// [`PostgresStore::open`] with options (URL parameters win).
    pub fn open_with(url: &str, options: PostgresOptions) -> Result<PostgresStore> {
        let settings = Settings::parse(url, options)?;
        let target = settings.describe();
        let manager =
            Manager { config: settings.config.clone(), tls: settings.tls()?.map(MakeRustlsConnect::new) };
        let fail = |e: Error| match e {
            Error::Storage(msg) => Error::Storage(format!("{target}: {msg}")),
            other => other,
        };
        let mut first = manager.open().map_err(|e| fail(storage(e)))?;
        schema::migrate(&mut first, &settings.options.schema).map_err(fail)?;
        drop(first);
        let pool = Pool::builder()
            .max_size(settings.options.pool_size)
            .min_idle(Some(0))
            .test_on_check_out(false)
            .connection_timeout(settings.options.connect_timeout)
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        Ok(PostgresStore { pool, target, schema: settings.options.schema })
    }

    /// A pooled connection that is not known to be closed (a server restart closes the idle ones; the
    /// pool discards them when they come back).
    fn conn(&self) -> Result<PooledConnection<Manager>> {
        for _ in 0..=self.pool.max_size() {
            let conn = self
                .pool
                .get()
                .map_err(|e| Error::Storage(format!("{}: no connection: {e}", self.target)))?;
            if !conn.is_closed() {
                return Ok(conn);
            }
        }
        Err(Error::Storage(format!("{}: every pooled connection is closed", self.target)))
    }

    /// Runs a read (or a single idempotent statement), once more on a fresh connection if the pooled one
    /// turned out to be broken (e.g. the server restarted while it sat idle).
    fn run<T>(&self, mut f: impl FnMut(&mut Conn) -> std::result::Result<T, postgres::Error>) -> Result<T> {
        let mut conn = self.conn()?;
        match f(&mut conn) {
            Err(e) if e.is_closed() || conn.is_closed() => {
                drop(conn);
                let mut conn = self.conn()?;
                f(&mut conn).map_err(storage)
            }
            other => other.map_err(storage),
        }
    }

    /// The schema holding the tables.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// One optimistic attempt: a snapshot read and one autocommit `write_user` (two round trips).
    /// `Ok(None)`: the revision moved on between the two.
    fn optimistic(
        &self,
        conn: &mut Conn,
        user_id: &str,
        f: &mut UpdateFn<'_>,
    ) -> std::result::Result<Option<UserRecord>, Failed> {
        let reconnect =
            |e: postgres::Error| if e.is_closed() { Failed::Reconnect(storage(e)) } else { db(e) };
        let select = conn.prepared(SELECT_USER, &[Type::TEXT]).map_err(reconnect)?;
        let row = conn
            .query_opt(&select, &[&user_id])
            .map_err(reconnect)?
            .ok_or_else(|| Error::NotFound(format!("user {user_id:?}")))?;
        let record = parse_user(&row)?;
        let statement = conn.prepared(WRITE_USER, &WRITE_USER_TYPES).map_err(db)?;
        write(&mut conn.client, &statement, user_id, record, None, f)
    }

    /// The attempt that cannot lose the compare-and-set: the row locked for the whole transaction.
    fn locked(
        &self,
        conn: &mut Conn,
        user_id: &str,
        f: &mut UpdateFn<'_>,
    ) -> std::result::Result<UserRecord, Failed> {
        let statement = conn
            .prepared(WRITE_USER, &WRITE_USER_TYPES)
            .map_err(|e| if e.is_closed() { Failed::Reconnect(storage(e)) } else { db(e) })?;
        let mut tx = conn
            .client
            .transaction()
            .map_err(|e| if e.is_closed() { Failed::Reconnect(storage(e)) } else { db(e) })?;
        let row = tx
            .query_typed_opt(&format!("{SELECT_USER} FOR UPDATE"), &[(&user_id, Type::TEXT)])
            .map_err(db)?
            .ok_or_else(|| Error::NotFound(format!("user {user_id:?}")))?;
        let record = parse_user(&row)?;
        let written = write(&mut tx, &statement, user_id, record, None, f)?;
        tx.commit().map_err(db)?;
        written.ok_or_else(|| Failed::Retry(Error::Storage("the user record changed concurrently".into())))
    }
}

/// The statements of [`unknown_attempt`]. Each write also deletes up to 16 other ids idle before `$2`
/// (`SKIP LOCKED`: never waits on another server), so the table stays bounded with no job of its own.
const UNKNOWN_SELECT: &str = "SELECT state::text FROM unknown_ids WHERE key = $1";
const UNKNOWN_INSERT: &str = "WITH idle AS (DELETE FROM unknown_ids WHERE key IN (SELECT key FROM unknown_ids
        WHERE idle_at <= $2 AND key <> $1 ORDER BY idle_at LIMIT 16 FOR UPDATE SKIP LOCKED))
    INSERT INTO unknown_ids (key, state, idle_at) VALUES ($1, $3::text::jsonb, $4) ON CONFLICT (key) DO NOTHING";
const UNKNOWN_UPDATE: &str = "WITH idle AS (DELETE FROM unknown_ids WHERE key IN (SELECT key FROM unknown_ids
        WHERE idle_at <= $2 AND key <> $1 ORDER BY idle_at LIMIT 16 FOR UPDATE SKIP LOCKED))
    UPDATE unknown_ids SET state = $3::text::jsonb, idle_at = $4 WHERE key = $1 AND state = $5::text::jsonb";
const UNKNOWN_DELETE: &str = "WITH idle AS (DELETE FROM unknown_ids WHERE key IN (SELECT key FROM unknown_ids
        WHERE idle_at <= $2 AND key <> $1 ORDER BY idle_at LIMIT 16 FOR UPDATE SKIP LOCKED))
    DELETE FROM unknown_ids WHERE key = $1 AND state = $3::text::jsonb";

/// One optimistic attempt of `update_unknown`, like a user's: a read, the closure, then one autocommit
/// statement that writes only if the state is still the one read (a compare-and-set on the value:
/// the closure depends only on the state it is given, so a value that came back to the same state
/// in between is as good as untouched). Two round trips, as a known user's write; `Ok(false)`: another
/// server wrote the id in between, re-run. A state that stays idle and was never stored writes nothing.
fn unknown_attempt(
    conn: &mut Conn,
    key: &str,
    now: u64,
    f: &mut UnknownFn<'_>,
) -> std::result::Result<bool, Failed> {
    let reconnect = |e: postgres::Error| if e.is_closed() { Failed::Reconnect(storage(e)) } else { db(e) };
    let select = conn.prepared(UNKNOWN_SELECT, &[Type::TEXT]).map_err(reconnect)?;
    let old: Option<String> = conn.query_opt(&select, &[&key]).map_err(reconnect)?.map(|r| r.get(0));
    let mut state = LockoutState::from_json(old.as_deref().unwrap_or("{}"))?;
    f(&mut state)?;
    let idle_at = state.idle_at();
    let keep = idle_at > 0 && idle_at > now;
    let (now, idle_at) = (to_i64(now), to_i64(idle_at));
    let json = state.to_json();
    let written = match (&old, keep) {
        (None, false) => return Ok(true),
        (None, true) => {
            let insert = conn
                .prepared(UNKNOWN_INSERT, &[Type::TEXT, Type::INT8, Type::TEXT, Type::INT8])
                .map_err(db)?;
            conn.execute(&insert, &[&key, &now, &json, &idle_at]).map_err(db)?
        }
        (Some(old), true) => {
            let update = conn
                .prepared(UNKNOWN_UPDATE, &[Type::TEXT, Type::INT8, Type::TEXT, Type::INT8, Type::TEXT])
                .map_err(db)?;
            conn.execute(&update, &[&key, &now, &json, &idle_at, old]).map_err(db)?
        }
        (Some(old), false) => {
            let delete = conn.prepared(UNKNOWN_DELETE, &[Type::TEXT, Type::INT8, Type::TEXT]).map_err(db)?;
            conn.execute(&delete, &[&key, &now, old]).map_err(db)?
        }
    };
    Ok(written == 1)
}

/// The fallback of `update_unknown` after lost compare-and-sets, one transaction: the row created if missing and locked in one upsert (so two
/// servers counting the same unknown id take turns), the closure, then the state written back (or
/// forgotten once idle) together with bounded housekeeping of other idle ids (`SKIP LOCKED`: never waits).
fn unknown_locked(
    client: &mut Client,
    key: &str,
    now: u64,
    f: &mut UnknownFn<'_>,
) -> std::result::Result<(), Failed> {
    let mut tx = client
        .transaction()
        .map_err(|e| if e.is_closed() { Failed::Reconnect(storage(e)) } else { db(e) })?;
    let row = tx
        .query_typed_one(
            "INSERT INTO unknown_ids (key, state, idle_at) VALUES ($1, '{}', 0)
             ON CONFLICT (key) DO UPDATE SET idle_at = unknown_ids.idle_at RETURNING state::text",
            &[(&key, Type::TEXT)],
        )
        .map_err(db)?;
    let mut state = LockoutState::from_json(row.get(0))?;
    f(&mut state)?;
    let idle_at = state.idle_at();
    let housekeeping = "WITH idle AS (
            DELETE FROM unknown_ids WHERE key IN (SELECT key FROM unknown_ids
                WHERE idle_at <= $2 AND key <> $1 ORDER BY idle_at LIMIT 16 FOR UPDATE SKIP LOCKED))";
    let now = to_i64(now);
    if idle_at > 0 && to_i64(idle_at) > now {
        let json = state.to_json();
        tx.query_typed(
            &format!(
                "{housekeeping} UPDATE unknown_ids SET state = $3::text::jsonb, idle_at = $4 WHERE key = $1"
            ),
            &[(&key, Type::TEXT), (&now, Type::INT8), (&json, Type::TEXT), (&to_i64(idle_at), Type::INT8)],
        )
        .map_err(db)?;
    } else {
        tx.query_typed(
            &format!("{housekeeping} DELETE FROM unknown_ids WHERE key = $1"),
            &[(&key, Type::TEXT), (&now, Type::INT8)],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// What a conditional write ([`Store::update_user_if_unchanged`]) checks besides the revision.
struct Judged<'a> {
    account: &'a AccountRecord,
    challenge: &'a [u8; 32],
}

/// Runs the closure on `record` and writes the result with `write_user`; with `judged`, only if the
/// account's policy is still that one and the challenge still live (else `Ok(None)`, as when the
/// revision moved on).
fn write(
    client: &mut impl GenericClient,
    statement: &Statement,
    user_id: &str,
    mut record: UserRecord,
    judged: Option<&Judged<'_>>,
    f: &mut UpdateFn<'_>,
) -> std::result::Result<Option<UserRecord>, Failed> {
    let expected = record.revision;
    let mut changes = Changes::default();
    f(&mut record, &mut changes)?;
    record.user_id = user_id.to_string();
    let body = user_body_text(&record);
    let consume = changes.consume_challenge.as_ref().map(|h| &h[..]);
    let use_challenge = changes.use_challenge.as_ref().map(|h| &h[..]);
    let purge = changes.purge_challenges_before.map(to_i64);
    let new = changes.new_challenge.as_ref();
    let new_hash = new.map(|c| &c.token_hash[..]);
    let new_user = new.map(|c| c.user_id.as_str());
    let new_expires = new.map(|c| to_i64(c.expires_at));
    let ev = EventColumns::new(&changes.events);
    let account = judged.map(|j| j.account);
    let policy = account.map(|a| policy_json(&a.policy));
    let since = account.and_then(|a| a.enforced_since).map(to_i64);
    let unset = account.is_some_and(|a| *a == AccountRecord::unset(&a.account_id));
    let live = judged.map(|j| &j.challenge[..]);
    let row = client
        .query_one(
            statement,
            &[
                &user_id,
                &record.account_id,
                &to_i64(record.created_at),
                &to_i64(expected),
                &body,
                &consume,
                &use_challenge,
                &changes.drop_user_challenges,
                &purge,
                &new_hash,
                &new_user,
                &new_expires,
                &ev.account_ids,
                &ev.user_ids,
                &ev.kinds,
                &ev.ats,
                &ev.details,
                &ev.actors,
                &policy,
                &since,
                &unset,
                &live,
            ],
        )
        .map_err(|e| {
            if e.code().is_some_and(|c| c.code() == CHALLENGE_GONE) {
                Failed::Stop(Error::ChallengeExpired)
            } else {
                db(e)
            }
        })?;
    let written: i32 = row.get(0);
    if written != 1 {
        return Ok(None);
    }
    record.revision = expected + 1;
    Ok(Some(record))
}

impl Store for PostgresStore {
    fn get_account(&self, account_id: &str) -> Result<Option<AccountRecord>> {
        const SQL: &str = "SELECT policy::text, enforced_since FROM accounts WHERE account_id = $1";
        let row = self.run(|c| {
            let statement = c.prepared(SQL, &[Type::TEXT])?;
            c.query_opt(&statement, &[&account_id])
        })?;
        row.map(|r| {
            Ok(AccountRecord {
                account_id: account_id.to_string(),
                policy: parse_policy(r.get(0))?,
                enforced_since: r.get::<_, Option<i64>>(1).map(to_u64),
            })
        })
        .transpose()
    }

    fn put_account(&self, record: &AccountRecord, event: &NewEvent) -> Result<()> {
        let policy = policy_json(&record.policy);
        let since = record.enforced_since.map(to_i64);
        let ev = EventColumns::new(std::slice::from_ref(event));
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(storage)?;
        tx.query_typed(
            "INSERT INTO accounts (account_id, policy, enforced_since) VALUES ($1, $2::text::jsonb, $3)
             ON CONFLICT (account_id) DO UPDATE SET policy = excluded.policy, enforced_since = excluded.enforced_since",
            &[(&record.account_id, Type::TEXT), (&policy, Type::TEXT), (&since, Type::INT8)],
        )
        .map_err(storage)?;
        ev.insert(&mut tx).map_err(storage)?;
        tx.commit().map_err(storage)
    }

    fn insert_user(&self, user: &UserRecord, events: &[NewEvent]) -> Result<()> {
        let body = user_body_text(user);
        let ev = EventColumns::new(events);
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(storage)?;
        let n = tx
            .query_typed(
                "INSERT INTO users (user_id, account_id, created_at, revision, body)
                 VALUES ($1, $2, $3, $4, $5::text::jsonb) ON CONFLICT (user_id) DO NOTHING RETURNING 1",
                &[
                    (&user.user_id, Type::TEXT),
                    (&user.account_id, Type::TEXT),
                    (&to_i64(user.created_at), Type::INT8),
                    (&to_i64(user.revision), Type::INT8),
                    (&body, Type::TEXT),
                ],
            )
            .map_err(storage)?
            .len();
        if n == 0 {
            return Err(Error::AlreadyExists(format!("user {:?}", user.user_id)));
        }
        ev.insert(&mut tx).map_err(storage)?;
        tx.commit().map_err(storage)
    }

    fn get_user(&self, user_id: &str) -> Result<Option<UserRecord>> {
        let row = self.run(|c| {
            let statement = c.prepared(SELECT_USER, &[Type::TEXT])?;
            c.query_opt(&statement, &[&user_id])
        })?;
        row.as_ref().map(parse_user).transpose()
    }

    fn user_with_account(&self, user_id: &str) -> Result<Option<(UserRecord, Option<AccountRecord>)>> {
        let row = self.run(|c| {
            let statement = c.prepared(USER_WITH_ACCOUNT, &[Type::TEXT])?;
            c.query_opt(&statement, &[&user_id])
        })?;
        let Some(row) = row else { return Ok(None) };
        match parse_joined(&row)? {
            (Some(user), account) => Ok(Some((user, account))),
            (None, _) => Ok(None),
        }
    }

    fn challenge_with_user(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeContext>> {
        let hash = &token_hash[..];
        let row = self.run(|c| {
            let statement = c.prepared(CHALLENGE_WITH_USER, &[Type::BYTEA])?;
            c.query_opt(&statement, &[&hash])
        })?;
        let Some(row) = row else { return Ok(None) };
        let (user, account) = parse_joined(&row)?;
        let challenge = ChallengeRecord {
            token_hash: *token_hash,
            user_id: row.get(0),
            expires_at: to_u64(row.get(7)),
            used: row.get(8),
        };
        Ok(Some(ChallengeContext { challenge, user, account }))
    }

    fn delete_user(&self, user_id: &str) -> Result<bool> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(storage)?;
        tx.query_typed("DELETE FROM events WHERE user_id = $1", &[(&user_id, Type::TEXT)])
            .map_err(storage)?;
        // Challenges go with the user (ON DELETE CASCADE).
        let n = tx
            .query_typed("DELETE FROM users WHERE user_id = $1 RETURNING 1", &[(&user_id, Type::TEXT)])
            .map_err(storage)?
            .len();
        tx.commit().map_err(storage)?;
        Ok(n > 0)
    }

    fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
        let rows = self.run(|c| {
            c.query_typed(
                "SELECT user_id FROM users WHERE account_id = $1 ORDER BY user_id",
                &[(&account_id, Type::TEXT)],
            )
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn account_users(&self, account_id: &str) -> Result<Vec<UserRecord>> {
        let rows = self.run(|c| {
            c.query_typed(
                "SELECT user_id, account_id, created_at, revision, body::text FROM users
                 WHERE account_id = $1 ORDER BY user_id",
                &[(&account_id, Type::TEXT)],
            )
        })?;
        rows.iter().map(parse_user).collect()
    }

    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        // First optimistically (two round trips); if another server wrote the user in between, with the
        // row locked (which cannot lose again). A failure after the write was sent (the commit's answer
        // lost included) is not retried: it may have committed, and running the closure again would
        // apply it twice.
        let mut last = Error::Storage("no attempt".into());
        let mut reconnected = false;
        let mut optimistic = true;
        let mut attempt = 0;
        while attempt < MAX_ATTEMPTS {
            let mut conn = self.conn()?;
            let outcome = if optimistic {
                self.optimistic(&mut conn, user_id, f).map(|r| r.ok_or(()))
            } else {
                self.locked(&mut conn, user_id, f).map(Ok)
            };
            match outcome {
                Ok(Ok(record)) => return Ok(record),
                Ok(Err(())) => optimistic = false,
                Err(Failed::Stop(e)) => return Err(e),
                Err(Failed::Reconnect(e)) if !reconnected => {
                    reconnected = true;
                    last = e;
                }
                Err(Failed::Reconnect(e)) => return Err(e),
                Err(Failed::Retry(e)) => {
                    last = e;
                    attempt += 1;
                    std::thread::sleep(Duration::from_micros(100 << attempt.min(6)));
                }
            }
        }
        Err(last)
    }

    fn update_user_from(&self, snapshot: &UserRecord, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        // The snapshot stands in for the optimistic read: one round trip when nobody wrote the user
        // since it was read. Otherwise (or on a serialization failure or a connection that broke before
        // the write was sent) the ordinary loop, which reads again.
        let mut conn = self.conn()?;
        let statement = match conn.prepared(WRITE_USER, &WRITE_USER_TYPES) {
            Ok(s) => s,
            Err(_) => {
                drop(conn);
                return self.update_user(&snapshot.user_id, f);
            }
        };
        match write(&mut conn.client, &statement, &snapshot.user_id, snapshot.clone(), None, f) {
            Ok(Some(record)) => Ok(record),
            Ok(None) | Err(Failed::Retry(_) | Failed::Reconnect(_)) => {
                drop(conn);
                self.update_user(&snapshot.user_id, f)
            }
            Err(Failed::Stop(e)) => Err(e),
        }
    }

    fn wants_challenge_cache(&self) -> bool {
        true
    }

    fn update_user_if_unchanged(
        &self,
        snapshot: &UserRecord,
        account: &AccountRecord,
        challenge: &[u8; 32],
        f: &mut UpdateFn<'_>,
    ) -> Result<Option<UserRecord>> {
        // One round trip: write_user checks the account, the challenge and the revision in its
        // transaction. A serialization failure or a connection that broke before the write was sent
        // wrote nothing: the caller starts over from a read, which retries.
        let mut conn = self.conn()?;
        let Ok(statement) = conn.prepared(WRITE_USER, &WRITE_USER_TYPES) else { return Ok(None) };
        let judged = Judged { account, challenge };
        match write(&mut conn.client, &statement, &snapshot.user_id, snapshot.clone(), Some(&judged), f) {
            Ok(written) => Ok(written),
            Err(Failed::Retry(_) | Failed::Reconnect(_)) => Ok(None),
            Err(Failed::Stop(e)) => Err(e),
        }
    }

    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()> {
        let mut last = Error::Storage("no attempt".into());
        for attempt in 0..MAX_ATTEMPTS {
            let mut conn = self.conn()?;
            // Optimistic twice; after that (a hot id, many servers at once) with the row locked,
            // which cannot lose.
            let outcome = if attempt < 2 {
                unknown_attempt(&mut conn, key, now, f)
            } else {
                unknown_locked(&mut conn, key, now, f).map(|()| true)
            };
            match outcome {
                Ok(true) => return Ok(()),
                Ok(false) => last = Error::Storage("the failure state changed concurrently".into()),
                Err(Failed::Retry(e)) => {
                    last = e;
                    std::thread::sleep(Duration::from_micros(100 << attempt.min(6)));
                }
                Err(Failed::Reconnect(e)) if attempt == 0 => last = e,
                Err(Failed::Reconnect(e) | Failed::Stop(e)) => return Err(e),
            }
        }
        Err(last)
    }

    fn get_challenge(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeRecord>> {
        let hash = &token_hash[..];
        const SQL: &str = "SELECT user_id, expires_at, used FROM challenges WHERE token_hash = $1";
        let row = self.run(|c| {
            let statement = c.prepared(SQL, &[Type::BYTEA])?;
            c.query_opt(&statement, &[&hash])
        })?;
        Ok(row.map(|r| ChallengeRecord {
            token_hash: *token_hash,
            user_id: r.get(0),
            expires_at: to_u64(r.get(1)),
            used: r.get(2),
        }))
    }

    fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
        let user = self.run(|c| {
            c.query_typed_opt(
                "SELECT account_id, created_at FROM users WHERE user_id = $1",
                &[(&user_id, Type::TEXT)],
            )
        })?;
        let Some(user) = user else {
            return Err(Error::NotFound(format!("user {user_id:?}")));
        };
        let (account_id, created_at): (String, i64) = (user.get(0), user.get(1));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Two index scans (the user's events, the account's account-wide ones) merged: never a scan of
        // the whole log, however large it grows.
        let rows = self.run(|c| {
            c.query_typed(
                "(SELECT id, kind, at, detail, actor FROM events WHERE user_id = $1 ORDER BY id DESC LIMIT $4)
                 UNION ALL
                 (SELECT id, kind, at, detail, actor FROM events
                  WHERE user_id IS NULL AND account_id = $2 AND at >= $3 ORDER BY id DESC LIMIT $4)
                 ORDER BY id DESC LIMIT $4",
                &[
                    (&user_id, Type::TEXT),
                    (&account_id, Type::TEXT),
                    (&created_at, Type::INT8),
                    (&limit, Type::INT8),
                ],
            )
        })?;
        rows.iter()
            .map(|r| {
                let kind: String = r.get(1);
                let kind = EventKind::parse(&kind)
                    .ok_or_else(|| Error::Storage(format!("unknown event kind {kind:?}")))?;
                Ok(Event { kind, at: to_u64(r.get(2)), detail: r.get(3), actor: r.get(4) })
            })
            .collect()
    }

    fn account_events(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.run(|c| {
            c.query_typed(
                "SELECT user_id, kind, at, detail, actor FROM events
                 WHERE account_id = $1 AND (user_id IS NULL OR actor IS NOT NULL) ORDER BY id DESC LIMIT $2",
                &[(&account_id, Type::TEXT), (&limit, Type::INT8)],
            )
        })?;
        rows.iter()
            .map(|r| {
                let kind: String = r.get(1);
                let kind = EventKind::parse(&kind)
                    .ok_or_else(|| Error::Storage(format!("unknown event kind {kind:?}")))?;
                Ok(AuditEntry {
                    user_id: r.get(0),
                    event: Event { kind, at: to_u64(r.get(2)), detail: r.get(3), actor: r.get(4) },
                })
            })
            .collect()
    }

    fn append_event(&self, event: &NewEvent) -> Result<()> {
        let at = to_i64(event.at);
        self.run(|c| {
            c.execute(
                "INSERT INTO events (account_id, user_id, kind, at, detail, actor) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&event.account_id, &event.user_id, &event.kind.as_str(), &at, &event.detail, &event.actor],
            )
        })
        .map(|_| ())
    }

    fn purge_events(&self, before: u64) -> Result<u64> {
        let before = to_i64(before);
        self.run(|c| c.execute("DELETE FROM events WHERE at < $1", &[&before]))
    }

    fn user_ids_after(&self, after: Option<&str>, limit: usize) -> Result<super::UserIdPage> {
        // '' sorts before every id (ids are never empty); byte order as SQLite's BINARY collation.
        let after = after.unwrap_or("");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.run(|c| {
            c.query_typed(
                "SELECT user_id, count(*) OVER () FROM users WHERE user_id > $1 COLLATE \"C\"
                 ORDER BY user_id COLLATE \"C\" LIMIT $2",
                &[(&after, Type::TEXT), (&limit, Type::INT8)],
            )
        })?;
        let remaining = match rows.first() {
            Some(r) => to_u64(r.get(1)),
            None => 0,
        };
        Ok(super::UserIdPage { ids: rows.iter().map(|r| r.get(0)).collect(), remaining })
    }

    fn set_meta(&self, key: &str, value: Option<&[u8]>) -> Result<()> {
        match value {
            Some(v) => self.run(|c| {
                c.query_typed(
                    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[(&key, Type::TEXT), (&v, Type::BYTEA)],
                )
            }),
            None => self.run(|c| c.query_typed("DELETE FROM meta WHERE key = $1", &[(&key, Type::TEXT)])),
        }
        .map(|_| ())
    }

    fn info(&self) -> Result<super::StoreInfo> {
        let row = self.run(|c| {
            c.query_typed_one(
                "SELECT (SELECT coalesce(max(version), 0) FROM schema_migrations), (SELECT count(*) FROM users)",
                &[],
            )
        })?;
        Ok(super::StoreInfo {
            backend: "postgres",
            schema_version: u32::try_from(row.get::<_, i32>(0)).unwrap_or(0),
            users: to_u64(row.get(1)),
            healthy: true,
        })
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let row =
            self.run(|c| c.query_typed_opt("SELECT value FROM meta WHERE key = $1", &[(&key, Type::TEXT)]))?;
        Ok(row.map(|r| r.get(0)))
    }

    fn init_meta(&self, key: &str, value: &[u8]) -> Result<Vec<u8>> {
        let row = self.run(|c| {
            c.query_typed_one(
                "WITH i AS (INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value)
                 SELECT value FROM i UNION ALL SELECT value FROM meta WHERE key = $1 LIMIT 1",
                &[(&key, Type::TEXT), (&value, Type::BYTEA)],
            )
        })?;
        Ok(row.get(0))
    }
}
