//! A store made by authward 0.1 (tests/fixtures/store-0.1.db, see the README there) opens with today's
//! code: the schema migrates (lockout state as one JSON value, an integrity tag on every row), and the
//! users sign in (password; password + TOTP code from the recorded secret; a recovery code).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use authward::totp::{self, TotpConfig};
use authward::{Authward, AuthwardOptions, ErrorCode, HashParams, ManualClock, SignInStatus};
use rusqlite::Connection;
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn facts() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture_dir().join("store-0.1.json")).unwrap()).unwrap()
}

fn key(facts: &Value) -> Vec<u8> {
    let hex = facts["key_hex"].as_str().unwrap();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

fn user<'a>(facts: &'a Value, id: &str) -> &'a Value {
    facts["users"].as_array().unwrap().iter().find(|u| u["user_id"] == id).unwrap()
}

/// A fresh copy of the fixture in a temporary directory.
fn copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    std::fs::copy(fixture_dir().join("store-0.1.db"), &path).unwrap();
    (dir, path)
}

fn open(path: &Path, facts: &Value, clock: &ManualClock) -> Authward {
    let options = AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 },
        ..AuthwardOptions::default()
    };
    Authward::open(path, &key(facts), options).unwrap()
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn the_fixture_is_a_0_1_store() {
    let (_dir, path) = copy();
    assert_eq!(user_version(&path), facts()["schema_version"].as_i64().unwrap());
    let conn = Connection::open(&path).unwrap();
    let failed: i64 =
        conn.query_row("SELECT failed_count FROM users WHERE user_id = 'bob'", [], |r| r.get(0)).unwrap();
    assert_eq!(failed, 1);
    let sealed: Vec<u8> =
        conn.query_row("SELECT totp_secret FROM users WHERE user_id = 'alice'", [], |r| r.get(0)).unwrap();
    assert_eq!(sealed[0], 1, "a version-1 sealed secret");
}

#[test]
fn a_0_1_store_migrates_and_its_users_sign_in() {
    let facts = facts();
    let (_dir, path) = copy();
    let t0 = facts["created_at"].as_u64().unwrap();
    let clock = ManualClock::new(t0 + 3600);
    let aw = open(&path, &facts, &clock);

    // Schema: version 7 (3 + the events time index, devices, the events' actor, used challenges), the
    // failure counters became bob's lockout JSON, every row carries a tag.
    {
        let conn = Connection::open(&path).unwrap();
        assert_eq!(user_version(&path), 7);
        let challenge_columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('challenges')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(challenge_columns.iter().any(|c| c == "used"), "{challenge_columns:?}");
        let event_columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('events')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(event_columns.iter().any(|c| c == "actor"), "{event_columns:?}");
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('users')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!columns.iter().any(|c| c == "failed_count"), "{columns:?}");
        let lockout: String =
            conn.query_row("SELECT lockout FROM users WHERE user_id = 'bob'", [], |r| r.get(0)).unwrap();
        let lockout: Value = serde_json::from_str(&lockout).unwrap();
        assert_eq!(lockout["clients"][0]["f"], 1, "bob's failed sign-in carried over: {lockout}");
        let tags: Vec<Option<Vec<u8>>> = conn
            .prepare("SELECT integrity_tag FROM users ORDER BY user_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(tags.len(), 2);
        assert!(tags.iter().all(|t| t.as_ref().is_some_and(|t| t.len() == 40)), "every row tagged");
    }

    // bob: password alone.
    let bob = user(&facts, "bob");
    let s = aw.sign_in("bob", bob["password"].as_str().unwrap()).unwrap();
    assert_eq!(s.status, SignInStatus::Complete);

    // alice: password, then a TOTP code computed from the recorded secret at the clock's time.
    let alice = user(&facts, "alice");
    let secret = alice["totp_secret"].as_str().unwrap();
    let password = alice["password"].as_str().unwrap();
    let s = aw.sign_in("alice", password).unwrap();
    assert_eq!(s.status, SignInStatus::SecondFactorRequired);
    let code = totp::code(secret, clock.now(), &TotpConfig::default()).unwrap();
    let done = aw.verify_second_factor(s.challenge.as_deref().unwrap(), &code).unwrap();
    assert_eq!(done.status, SignInStatus::Complete);

    // A recovery code recorded by 0.1 works once.
    clock.advance(60);
    let recovery = alice["recovery_codes"][0].as_str().unwrap();
    let s = aw.sign_in("alice", password).unwrap();
    assert_eq!(
        aw.verify_second_factor(s.challenge.as_deref().unwrap(), recovery).unwrap().status,
        SignInStatus::Complete
    );
    assert_eq!(aw.status("alice").unwrap().recovery_codes_left, 9);

    // The 0.1 replay step survived: the enrolment's own code (at the fixture's time) is refused.
    let enrol_code = totp::code(secret, t0, &TotpConfig::default()).unwrap();
    clock.set(t0);
    let s = aw.sign_in("alice", password).unwrap();
    let e = aw.verify_second_factor(s.challenge.as_deref().unwrap(), &enrol_code).unwrap_err();
    assert_eq!(e.code(), ErrorCode::CodeReused);
    assert!(!aw.events("alice", 100).unwrap().is_empty(), "the 0.1 log is kept");

    // rekey() moves the 0.1 (version 1, no key id) sealed secret to version 2.
    assert!(aw.rekey(10).unwrap().finished);
    let sealed: Vec<u8> = Connection::open(&path)
        .unwrap()
        .query_row("SELECT totp_secret FROM users WHERE user_id = 'alice'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sealed[0], 2, "re-sealed with a key id");
    clock.set(t0 + 7200);
    let s = aw.sign_in("alice", password).unwrap();
    let code = totp::code(secret, clock.now(), &TotpConfig::default()).unwrap();
    assert_eq!(
        aw.verify_second_factor(s.challenge.as_deref().unwrap(), &code).unwrap().status,
        SignInStatus::Complete
    );

    // Tags are now required: a row edited by hand is refused.
    drop(aw);
    let conn = Connection::open(&path).unwrap();
    conn.execute("UPDATE users SET totp_last_step = 0 WHERE user_id = 'alice'", []).unwrap();
    drop(conn);
    let aw = open(&path, &facts, &clock);
    assert_eq!(aw.sign_in("alice", password).unwrap_err().code(), ErrorCode::Crypto);
}

#[test]
fn two_processes_opening_a_0_1_store_at_once_both_work() {
    let facts = facts();
    for _ in 0..5 {
        let (_dir, path) = copy();
        let clock = ManualClock::new(facts["created_at"].as_u64().unwrap() + 3600);
        let barrier = Arc::new(Barrier::new(2));
        let services: Vec<Authward> = (0..2)
            .map(|_| {
                let (path, facts, clock, barrier) =
                    (path.clone(), facts.clone(), clock.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    open(&path, &facts, &clock)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        let bob = user(&facts, "bob")["password"].as_str().unwrap().to_string();
        for aw in &services {
            assert_eq!(aw.sign_in("bob", &bob).unwrap().status, SignInStatus::Complete);
        }
    }
}
