//! PostgreSQL-specific behaviour of `PostgresStore` against a real server (tests/postgres/run.sh):
//! opening through `Authward::open`, clear errors without secrets, migrations under concurrency and
//! from the future, the statement timeout, TLS modes, and the events listing as an index scan.
#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/pg.rs"]
mod pg;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authward::store::{PostgresOptions, PostgresStore, Store};
use authward::{Authward, AuthwardOptions, ErrorCode, EventKind, HashParams};
use invariants::{T0, ev, plain_user};

const CHEAP: HashParams = HashParams { memory_kib: 256, iterations: 1, parallelism: 1 };

fn options() -> AuthwardOptions {
    AuthwardOptions { hash_params: CHEAP, ..AuthwardOptions::default() }
}

/// The password part of a `postgres://user:password@…` URL.
fn password_of(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap();
    let userinfo = rest.split('@').next().unwrap();
    userinfo.split(':').nth(1).unwrap_or("").to_string()
}

#[test]
fn authward_open_takes_a_url_and_checks_the_key() {
    let Some(url) = pg::url() else { return };
    let url = pg::fresh_url(&url, "open");
    let aw = Authward::open(&url, &[5u8; 32], options()).unwrap();
    aw.create_user("alice", "acme", "correct horse battery staple", None).unwrap();
    drop(aw);
    // `postgresql://` works too, and the state is there for a second server.
    let other = url.replacen("postgres://", "postgresql://", 1);
    let aw2 = Authward::open(&other, &[5u8; 32], options()).unwrap();
    assert_eq!(aw2.list_users("acme").unwrap(), vec!["alice"]);
    let err = Authward::open(&url, &[6u8; 32], options()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Crypto);
}

#[test]
fn unreachable_server_and_bad_credentials_are_clear_storage_errors_without_the_password() {
    let Some(url) = pg::url() else { return };
    let secret = "s3cr3t-Pa55word-in-url";
    // Nothing listens on port 1.
    let refused = format!("postgres://someone:{secret}@127.0.0.1:1/db?connect_timeout=3");
    let err = PostgresStore::open(&refused).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    let msg = err.to_string();
    assert!(msg.contains("127.0.0.1") && msg.contains("port 1"), "{msg}");
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
    assert!(!msg.contains(secret), "{msg}");

    // The right server, a wrong password.
    let real = password_of(&url);
    assert!(!real.is_empty());
    let bad = url.replacen(&format!(":{real}@"), &format!(":{secret}@"), 1);
    let err = Authward::open(&bad, &[1u8; 32], options()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    let msg = err.to_string();
    assert!(msg.contains("password authentication failed"), "{msg}");
    assert!(!msg.contains(secret) && !msg.contains(&real), "{msg}");
    // Debug of a working store does not show the password either.
    let store = PostgresStore::open(&pg::fresh_url(&url, "dbg")).unwrap();
    let dbg = format!("{store:?}");
    assert!(!dbg.contains(&real) && dbg.contains("PostgresStore"), "{dbg}");

    // Malformed URLs and options are INVALID_ARGUMENT, still without the password.
    for u in [
        format!("postgres://u:{secret}@localhost:notaport/db"),
        format!("postgres://u:{secret}@localhost/db?sslmode=sometimes"),
        format!("postgres://u:{secret}@localhost/db?schema=Bad-Name"),
        format!("postgres://u:{secret}@localhost/db?pool_size=0"),
    ] {
        let err = PostgresStore::open(&u).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{u}");
        assert!(!err.to_string().contains(secret), "{err}");
    }
}

#[test]
fn servers_starting_together_migrate_once_and_a_newer_schema_is_refused() {
    let Some(url) = pg::url() else { return };
    let url = pg::fresh_url(&url, "mig");
    let opened: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| PostgresStore::open(&url).map(|_| ()))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(opened.iter().all(Result::is_ok), "{opened:?}");
    let schema = url.rsplit("schema=").next().unwrap();
    // Each migration applied once (versions are the table's key; all of them, none twice).
    assert_eq!(
        pg::psql(&url, &format!("SELECT count(*) FROM {schema}.schema_migrations")),
        authward::store::POSTGRES_SCHEMA_VERSION.to_string()
    );

    pg::psql(&url, &format!("INSERT INTO {schema}.schema_migrations (version) VALUES (99)"));
    let err = PostgresStore::open(&url).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert!(err.to_string().contains("newer"), "{err}");

    // A schema holding someone else's tables is left alone.
    let foreign = pg::fresh_schema("foreign");
    pg::psql(&url, &format!("CREATE SCHEMA {foreign}; CREATE TABLE {foreign}.orders (id int)"));
    let err = PostgresStore::open(&pg::with_param(&url, &format!("schema={foreign}"))).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert!(err.to_string().contains("another application"), "{err}");
    assert_eq!(pg::psql(&url, &format!("SELECT count(*) FROM {foreign}.orders")), "0");
}

/// Migration 3 (used challenges marked in place, the events' time index as BRIN) on a database as
/// authward 0.2 left it (schema 2, built from the frozen migrations 1 and 2): a live challenge and the
/// events survive, the challenge can be used once and is kept, marked, and retention still works.
#[test]
fn a_schema_2_database_migrates_to_the_current_schema_with_its_challenges_and_events() {
    let Some(url) = pg::url() else { return };
    // A user row as this version writes it (the users table is the same in schemas 2 and 3).
    let donor = PostgresStore::open(&pg::fresh_url(&url, "donor")).unwrap();
    donor.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
    let schema = pg::fresh_schema("v2");
    let mut sql = format!(
        "CREATE SCHEMA {schema}; SET search_path = {schema};
         CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
    );
    for v in [1, 2] {
        sql.push_str(authward::store::postgres_migration_sql(v).unwrap());
        sql.push_str(&format!(";INSERT INTO schema_migrations (version) VALUES ({v});"));
    }
    sql.push_str(&format!(
        "INSERT INTO users SELECT * FROM {donor}.users;
         INSERT INTO challenges (token_hash, user_id, expires_at) VALUES ('\\x{live}', 'alice', {end});
         INSERT INTO events (account_id, user_id, kind, at, detail) VALUES ('acme', 'alice', 'sign_in', {T0}, 'old');",
        donor = donor.schema(),
        live = "07".repeat(32),
        end = T0 + 300,
    ));
    pg::psql(&url, &sql);
    let url = pg::with_param(&url, &format!("schema={schema}"));

    let store = PostgresStore::open(&url).unwrap();
    let current = authward::store::POSTGRES_SCHEMA_VERSION;
    assert_eq!(
        pg::psql(&url, &format!("SELECT max(version) FROM {schema}.schema_migrations")),
        current.to_string()
    );
    assert_eq!(store.info().unwrap().schema_version, u32::try_from(current).unwrap());
    // One write_user (the old one dropped), the time index a BRIN.
    assert_eq!(
        pg::psql(
            &url,
            &format!(
                "SELECT count(*) FROM pg_proc WHERE proname = 'write_user' AND pronamespace = '{schema}'::regnamespace"
            )
        ),
        "1"
    );
    assert_eq!(
        pg::psql(
            &url,
            &format!(
                "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.oid = '{schema}.events_by_time'::regclass"
            )
        ),
        "brin"
    );
    let live = store.get_challenge(&[7; 32]).unwrap().unwrap();
    assert!(!live.used && live.user_id == "alice" && live.expires_at == T0 + 300);
    store
        .update_user("alice", &mut |_, c| {
            c.use_challenge = Some([7; 32]);
            c.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0 + 1, "new"));
            Ok(())
        })
        .unwrap();
    assert!(store.get_challenge(&[7; 32]).unwrap().unwrap().used);
    let err = store
        .update_user("alice", &mut |_, c| {
            c.use_challenge = Some([7; 32]);
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ChallengeExpired);
    let details: Vec<_> = store.events("alice", 10).unwrap().into_iter().map(|e| e.detail).collect();
    assert_eq!(details, vec!["new", "old"]);
    assert_eq!(store.purge_events(T0 + 1).unwrap(), 1);
    assert_eq!(store.events("alice", 10).unwrap().len(), 1);
}

#[test]
fn schemas_keep_stores_apart() {
    let Some(url) = pg::url() else { return };
    let a = PostgresStore::open(&pg::fresh_url(&url, "a")).unwrap();
    let b = PostgresStore::open(&pg::fresh_url(&url, "b")).unwrap();
    a.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
    assert!(b.get_user("alice").unwrap().is_none());
    assert!(a.schema() != b.schema());
}

#[test]
fn the_statement_timeout_is_honoured() {
    let Some(url) = pg::url() else { return };
    let url = pg::with_param(&pg::fresh_url(&url, "timeout"), "statement_timeout=300");
    let store = PostgresStore::open(&url).unwrap();
    store.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
    let schema = store.schema().to_string();
    // Another session holds alice's row for 6 s.
    let holder = std::thread::spawn({
        let url = url.clone();
        move || {
            pg::psql(
                &url,
                &format!("BEGIN; SELECT 1 FROM {schema}.users FOR UPDATE; SELECT pg_sleep(6); COMMIT"),
            )
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while pg::psql(
        &url,
        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(6)%' AND state = 'active' AND pid <> pg_backend_pid()",
    ) != "1"
    {
        assert!(Instant::now() < deadline, "the lock holder never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = Instant::now();
    let err = store.update_user("alice", &mut |rec, _| {
        rec.credential_version += 1;
        Ok(())
    });
    let waited = t.elapsed();
    let err = err.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert!(err.to_string().contains("statement timeout"), "{err}");
    assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    holder.join().unwrap();
    // The connection is usable afterwards and nothing was written.
    assert_eq!(
        store.get_user("alice").unwrap().unwrap().credential_version,
        plain_user("a", "b").credential_version
    );
}

/// Opens a store with its own application_name and asks the server whether its sessions use TLS.
fn ssl_in_use(url: &str, param: &str) -> String {
    let name = pg::fresh_schema("app");
    let store = PostgresStore::open(&pg::with_param(
        &pg::fresh_url(url, "tls"),
        &format!("{param}&application_name={name}"),
    ))
    .unwrap();
    store.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
    pg::psql(
        url,
        &format!(
            "SELECT string_agg(DISTINCT s.ssl::text, ',') FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.application_name = '{name}'"
        ),
    )
}

#[test]
fn tls_modes() {
    let Some(url) = pg::url() else { return };
    if pg::psql(&url, "SHOW ssl") != "on" {
        eprintln!("TLS cases SKIPPED: the test server has ssl = off");
        return;
    }
    let cert = pg::psql(&url, "SHOW ssl_cert_file");
    assert_eq!(ssl_in_use(&url, "sslmode=require"), "true");
    assert_eq!(ssl_in_use(&url, "sslmode=prefer"), "true");
    assert_eq!(ssl_in_use(&url, "sslmode=disable"), "false");
    // verify-full: the server's certificate as the trusted root; it names localhost.
    if url.contains("@localhost:") {
        let ok =
            pg::with_param(&pg::fresh_url(&url, "vf"), &format!("sslmode=verify-full&sslrootcert={cert}"));
        PostgresStore::open(&ok).unwrap();
        // The same server under a name the certificate does not carry.
        let wrong_name = ok.replacen("@localhost:", "@127.0.0.1:", 1);
        let err = PostgresStore::open(&wrong_name).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage, "{err}");
        // A root that did not sign it (a public CA; the system store may trust the snakeoil cert).
        let other_ca = "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt";
        if std::path::Path::new(other_ca).exists() {
            let untrusted = pg::with_param(
                &pg::fresh_url(&url, "vf"),
                &format!("sslmode=verify-full&sslrootcert={other_ca}"),
            );
            let err = PostgresStore::open(&untrusted).unwrap_err();
            assert_eq!(err.code(), ErrorCode::Storage, "{err}");
            assert!(err.to_string().contains("certificate"), "{err}");
        }
    }
    let err = PostgresStore::open(&pg::with_param(&url, "sslmode=verify-ca")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
}

#[test]
fn listing_a_users_events_is_an_index_scan_in_a_large_log() {
    let Some(url) = pg::url() else { return };
    let store = PostgresStore::open(&pg::fresh_url(&url, "plan")).unwrap();
    let s = store.schema().to_string();
    store
        .insert_user(
            &plain_user("alice", "acme"),
            &[ev(Some("alice"), "acme", EventKind::SignIn, T0, "mine")],
        )
        .unwrap();
    pg::psql(
        &url,
        &format!(
            "INSERT INTO {s}.events (account_id, user_id, kind, at, detail)
             SELECT 'acme', 'user' || (i % 5000), 'sign_in', {T0} + i, 'x' FROM generate_series(1, 200000) i;
             ANALYZE {s}.events"
        ),
    );
    let plan = pg::psql(
        &url,
        &format!(
            "EXPLAIN (SELECT id FROM {s}.events WHERE user_id = 'alice' ORDER BY id DESC LIMIT 100)
             UNION ALL (SELECT id FROM {s}.events WHERE user_id IS NULL AND account_id = 'acme' AND at >= 0
             ORDER BY id DESC LIMIT 100) ORDER BY id DESC LIMIT 100"
        ),
    );
    assert!(!plan.contains("Seq Scan"), "{plan}");
    assert_eq!(store.events("alice", 100).unwrap().len(), 1);
    // Retention deletes by age through its own index.
    let plan = pg::psql(&url, &format!("EXPLAIN DELETE FROM {s}.events WHERE at < {}", T0 + 100));
    assert!(!plan.contains("Seq Scan"), "{plan}");
    assert_eq!(store.purge_events(T0 + 100).unwrap(), 100); // T0 (alice's) .. T0+99
}

#[test]
fn many_app_servers_share_one_database() {
    let Some(url) = pg::url() else { return };
    let url = pg::fresh_url(&url, "shared");
    let a = Arc::new(PostgresStore::open(&url).unwrap());
    let b = Arc::new(PostgresStore::open(&pg::with_param(&url, "pool_size=2")).unwrap());
    invariants::counter_user(a.as_ref(), "alice");
    std::thread::scope(|s| {
        for store in [&a, &b, &a, &b] {
            s.spawn(move || {
                for _ in 0..50 {
                    invariants::counter_update(store.as_ref(), "alice").unwrap();
                }
            });
        }
    });
    assert_eq!(b.get_user("alice").unwrap().unwrap().credential_version, 200);
    invariants::check_invariants(a.as_ref(), &["alice"]);
    let _ = PostgresOptions::default();
}
