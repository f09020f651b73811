//! The PostgreSQL schema and its migrations. Each migration is one entry of [`MIGRATIONS`], applied in
//! order inside one transaction that holds an advisory lock named after the schema, so app servers
//! starting together migrate once and never see a half-built schema. The versions applied are the rows
//! of `schema_migrations`; a database with a version this code does not know is refused.

use postgres::Client;

use crate::error::{Error, Result};

/// `(version, SQL)`; the SQL runs with `search_path` set to the store's schema.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "
CREATE TABLE meta (key text PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE accounts (account_id text PRIMARY KEY, policy jsonb NOT NULL, enforced_since bigint);
-- Every field of the record but the keys lives in body (see store/codec.rs): adding a field to the
-- record needs no migration.
CREATE TABLE users (
    user_id text PRIMARY KEY,
    account_id text NOT NULL,
    created_at bigint NOT NULL,
    revision bigint NOT NULL,
    body jsonb NOT NULL
);
CREATE INDEX users_by_account ON users (account_id, user_id);
CREATE TABLE challenges (
    token_hash bytea PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    expires_at bigint NOT NULL
);
CREATE INDEX challenges_by_user ON challenges (user_id);
CREATE INDEX challenges_by_expiry ON challenges (expires_at);
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id text NOT NULL,
    user_id text,
    kind text NOT NULL,
    at bigint NOT NULL,
    detail text NOT NULL
);
CREATE INDEX events_by_user ON events (user_id, id);
CREATE INDEX events_by_account ON events (account_id, id) WHERE user_id IS NULL;
CREATE INDEX events_by_time ON events (at);
-- Failure state of ids that are no user (key: a keyed hash of the id), forgotten once idle.
CREATE TABLE unknown_ids (key text PRIMARY KEY, state jsonb NOT NULL, idle_at bigint NOT NULL);
CREATE INDEX unknown_ids_by_idle ON unknown_ids (idle_at);
-- One write of a user, all or nothing: the record (compare-and-set on revision), the challenge changes
-- and the events. Returns 0 when the revision moved on (the caller re-reads and retries); raises AW001
-- (rolling everything back) when the challenge to consume is gone.
CREATE FUNCTION write_user(
    p_user text, p_account text, p_created bigint, p_revision bigint, p_body jsonb,
    p_consume bytea, p_drop boolean, p_purge_before bigint,
    p_new_hash bytea, p_new_user text, p_new_expires bigint,
    e_account text[], e_user text[], e_kind text[], e_at bigint[], e_detail text[]
) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET account_id = p_account, created_at = p_created, revision = p_revision + 1, body = p_body
    WHERE user_id = p_user AND revision = p_revision;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF p_consume IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash = p_consume AND user_id = p_user;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'challenge gone' USING ERRCODE = 'AW001';
        END IF;
    END IF;
    IF p_drop THEN
        DELETE FROM challenges WHERE user_id = p_user;
    END IF;
    IF p_purge_before IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash IN
            (SELECT token_hash FROM challenges WHERE expires_at < p_purge_before FOR UPDATE SKIP LOCKED);
    END IF;
    IF p_new_hash IS NOT NULL THEN
        INSERT INTO challenges (token_hash, user_id, expires_at) VALUES (p_new_hash, p_new_user, p_new_expires);
    END IF;
    IF cardinality(e_kind) > 0 THEN
        INSERT INTO events (account_id, user_id, kind, at, detail)
        SELECT * FROM unnest(e_account, e_user, e_kind, e_at, e_detail);
    END IF;
    RETURN 1;
END
$$;
",
    ),
    (
        2,
        "
-- Events name who did it (admin actions); an account's audit log is an index scan.
ALTER TABLE events ADD COLUMN actor text;
CREATE INDEX events_audit ON events (account_id, id) WHERE user_id IS NULL OR actor IS NOT NULL;
DROP FUNCTION write_user(text, text, bigint, bigint, jsonb, bytea, boolean, bigint, bytea, text, bigint,
    text[], text[], text[], bigint[], text[]);
CREATE FUNCTION write_user(
    p_user text, p_account text, p_created bigint, p_revision bigint, p_body jsonb,
    p_consume bytea, p_drop boolean, p_purge_before bigint,
    p_new_hash bytea, p_new_user text, p_new_expires bigint,
    e_account text[], e_user text[], e_kind text[], e_at bigint[], e_detail text[], e_actor text[]
) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET account_id = p_account, created_at = p_created, revision = p_revision + 1, body = p_body
    WHERE user_id = p_user AND revision = p_revision;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF p_consume IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash = p_consume AND user_id = p_user;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'challenge gone' USING ERRCODE = 'AW001';
        END IF;
    END IF;
    IF p_drop THEN
        DELETE FROM challenges WHERE user_id = p_user;
    END IF;
    IF p_purge_before IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash IN
            (SELECT token_hash FROM challenges WHERE expires_at < p_purge_before FOR UPDATE SKIP LOCKED);
    END IF;
    IF p_new_hash IS NOT NULL THEN
        INSERT INTO challenges (token_hash, user_id, expires_at) VALUES (p_new_hash, p_new_user, p_new_expires);
    END IF;
    IF cardinality(e_kind) > 0 THEN
        INSERT INTO events (account_id, user_id, kind, at, detail, actor)
        SELECT * FROM unnest(e_account, e_user, e_kind, e_at, e_detail, e_actor);
    END IF;
    RETURN 1;
END
$$;
",
    ),
    (
        3,
        "
-- A challenge that completed a sign-in is marked used and kept until its end (it was deleted and a
-- marker row inserted under another hash of its token: three index entries and a foreign-key check
-- per verification). No index covers used, so marking it is a HOT update; the fill factor leaves room
-- on the page for it.
ALTER TABLE challenges ADD COLUMN used boolean NOT NULL DEFAULT false;
ALTER TABLE challenges SET (fillfactor = 80);
-- Retention deletes events by age: a BRIN index (events arrive in time order) serves that without a
-- B-tree entry per event.
DROP INDEX events_by_time;
CREATE INDEX events_by_time ON events USING brin (at) WITH (autosummarize = on);
DROP FUNCTION write_user(text, text, bigint, bigint, jsonb, bytea, boolean, bigint, bytea, text, bigint,
    text[], text[], text[], bigint[], text[], text[]);
CREATE FUNCTION write_user(
    p_user text, p_account text, p_created bigint, p_revision bigint, p_body jsonb,
    p_consume bytea, p_use bytea, p_drop boolean, p_purge_before bigint,
    p_new_hash bytea, p_new_user text, p_new_expires bigint,
    e_account text[], e_user text[], e_kind text[], e_at bigint[], e_detail text[], e_actor text[]
) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET account_id = p_account, created_at = p_created, revision = p_revision + 1, body = p_body
    WHERE user_id = p_user AND revision = p_revision;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF p_consume IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash = p_consume AND user_id = p_user AND NOT used;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'challenge gone' USING ERRCODE = 'AW001';
        END IF;
    END IF;
    IF p_use IS NOT NULL THEN
        UPDATE challenges SET used = true WHERE token_hash = p_use AND user_id = p_user AND NOT used;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'challenge gone' USING ERRCODE = 'AW001';
        END IF;
    END IF;
    IF p_drop THEN
        DELETE FROM challenges WHERE user_id = p_user;
    END IF;
    IF p_purge_before IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash IN
            (SELECT token_hash FROM challenges WHERE expires_at < p_purge_before FOR UPDATE SKIP LOCKED);
    END IF;
    IF p_new_hash IS NOT NULL THEN
        INSERT INTO challenges (token_hash, user_id, expires_at) VALUES (p_new_hash, p_new_user, p_new_expires);
    END IF;
    IF cardinality(e_kind) > 0 THEN
        INSERT INTO events (account_id, user_id, kind, at, detail, actor)
        SELECT * FROM unnest(e_account, e_user, e_kind, e_at, e_detail, e_actor);
    END IF;
    RETURN 1;
END
$$;
",
    ),
    (
        4,
        "
-- write_user can also check, in the same transaction, that the account's policy is still the one the
-- caller judged by (p_policy not null; p_unset: the caller took a missing account row for the default
-- policy) and that the challenge it judged (p_live) is still there, unused: a verification judged
-- from what this server's sign-in wrote, with no read of its own (service/challenge_cache.rs).
-- Returns 2 when the account moved on, 0 when the challenge or the revision did, writing nothing.
DROP FUNCTION write_user(text, text, bigint, bigint, jsonb, bytea, bytea, boolean, bigint, bytea, text,
    bigint, text[], text[], text[], bigint[], text[], text[]);
CREATE FUNCTION write_user(
    p_user text, p_account text, p_created bigint, p_revision bigint, p_body jsonb,
    p_consume bytea, p_use bytea, p_drop boolean, p_purge_before bigint,
    p_new_hash bytea, p_new_user text, p_new_expires bigint,
    e_account text[], e_user text[], e_kind text[], e_at bigint[], e_detail text[], e_actor text[],
    p_policy jsonb, p_since bigint, p_unset boolean, p_live bytea
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_policy jsonb;
    v_since bigint;
BEGIN
    IF p_policy IS NOT NULL THEN
        SELECT policy, enforced_since INTO v_policy, v_since FROM accounts WHERE account_id = p_account;
        IF FOUND THEN
            IF v_policy <> p_policy OR v_since IS DISTINCT FROM p_since THEN
                RETURN 2;
            END IF;
        ELSIF NOT p_unset THEN
            RETURN 2;
        END IF;
    END IF;
    -- Purged by another server's clock (expired there), or gone with its user.
    IF p_live IS NOT NULL AND NOT EXISTS
        (SELECT 1 FROM challenges WHERE token_hash = p_live AND user_id = p_user AND NOT used) THEN
        RETURN 0;
    END IF;
    UPDATE users SET account_id = p_account, created_at = p_created, revision = p_revision + 1, body = p_body
    WHERE user_id = p_user AND revision = p_revision;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF p_consume IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash = p_consume AND user_id = p_user AND NOT used;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'challenge gone' USING ERRCODE = 'AW001';
        END IF;
    END IF;
    IF p_use IS NOT NULL THEN
        UPDATE challenges SET used = true WHERE token_hash = p_use AND user_id = p_user AND NOT used;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'challenge gone' USING ERRCODE = 'AW001';
        END IF;
    END IF;
    IF p_drop THEN
        DELETE FROM challenges WHERE user_id = p_user;
    END IF;
    IF p_purge_before IS NOT NULL THEN
        DELETE FROM challenges WHERE token_hash IN
            (SELECT token_hash FROM challenges WHERE expires_at < p_purge_before FOR UPDATE SKIP LOCKED);
    END IF;
    IF p_new_hash IS NOT NULL THEN
        INSERT INTO challenges (token_hash, user_id, expires_at) VALUES (p_new_hash, p_new_user, p_new_expires);
    END IF;
    IF cardinality(e_kind) > 0 THEN
        INSERT INTO events (account_id, user_id, kind, at, detail, actor)
        SELECT * FROM unnest(e_account, e_user, e_kind, e_at, e_detail, e_actor);
    END IF;
    RETURN 1;
END
$$;
",
    ),
];

/// The schema version this code writes.
pub const SCHEMA_VERSION: i32 = 4;

/// The SQL of migration `version` (as applied, with `search_path` set to the store's schema), for tests
/// that build a database as an older authward left it.
#[doc(hidden)]
pub fn migration_sql(version: i32) -> Option<&'static str> {
    MIGRATIONS.iter().find(|(v, _)| *v == version).map(|(_, sql)| *sql)
}

fn storage(e: postgres::Error) -> Error {
    Error::Storage(format!("migration: {e}"))
}

/// Creates the schema if needed and applies the missing migrations, under the schema's advisory lock.
pub(super) fn migrate(client: &mut Client, schema: &str) -> Result<()> {
    let mut tx = client.transaction().map_err(storage)?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&format!("authward migrations {schema}")])
        .map_err(storage)?;
    // The schema name was validated (lower-case letters, digits, '_'): safe to quote and interpolate.
    let exists: bool = tx
        .query_one("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", &[&schema])
        .map_err(storage)?
        .get(0);
    if !exists {
        tx.batch_execute(&format!("CREATE SCHEMA \"{schema}\"")).map_err(storage)?;
    }
    let tracked: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'schema_migrations')",
            &[&schema],
        )
        .map_err(storage)?
        .get(0);
    let mut version = 0;
    if tracked {
        version = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
            .map_err(storage)?
            .get(0);
    } else {
        let tables: i64 = tx
            .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = $1", &[&schema])
            .map_err(storage)?
            .get(0);
        if tables > 0 {
            return Err(Error::Storage(format!(
                "schema {schema} holds tables of another application; choose another schema"
            )));
        }
        tx.batch_execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .map_err(storage)?;
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Storage(format!(
            "database schema version {version} is newer than this authward supports ({SCHEMA_VERSION})"
        )));
    }
    for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > version) {
        tx.batch_execute(sql).map_err(storage)?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[v]).map_err(storage)?;
    }
    tx.commit().map_err(storage)
}
