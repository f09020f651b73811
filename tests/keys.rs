//! Key rotation and row integrity (issue 12, finding 7): a populated store rotated to a new key signs
//! everyone in once the old key is gone; rows changed outside authward (a lowered replay step, an old
//! sealed secret, a planted password or recovery-code hash, a removed tag) are refused with `CRYPTO`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::sync::Arc;

use authward::event::EventKind;
use authward::password::hash;
use authward::totp::{self, TotpConfig};
use authward::{AccountPolicy, Authward, AuthwardOptions, ErrorCode, HashParams, ManualClock, SignInStatus};
use rusqlite::Connection;

const CHEAP: HashParams = HashParams { memory_kib: 256, iterations: 1, parallelism: 1 };
const OLD_KEY: [u8; 32] = [1u8; 32];
const NEW_KEY: [u8; 32] = [2u8; 32];
const T0: u64 = 1_800_000_000;
const PW: &str = "correct horse battery staple";

fn open_with(
    path: &Path,
    clock: &ManualClock,
    key: &[u8; 32],
    previous: &[[u8; 32]],
) -> authward::Result<Authward> {
    let options = AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: CHEAP,
        previous_keys: previous.iter().map(|k| k.to_vec()).collect(),
        ..AuthwardOptions::default()
    };
    Authward::open(path, key, options)
}

fn open(path: &Path, clock: &ManualClock) -> Authward {
    open_with(path, clock, &OLD_KEY, &[]).unwrap()
}

fn code(secret: &str, clock: &ManualClock) -> String {
    totp::code(secret, clock.now(), &TotpConfig::default()).unwrap()
}

/// Creates `user` with 2FA on; returns the TOTP secret.
fn with_two_factor(aw: &Authward, clock: &ManualClock, user: &str) -> String {
    aw.create_user(user, "acme", PW, None).unwrap();
    let e = aw.begin_totp_enrollment(user, "ACME").unwrap();
    aw.confirm_totp_enrollment(user, &code(&e.secret, clock)).unwrap();
    e.secret.to_string()
}

fn relaxed(aw: &Authward) {
    let mut p = AccountPolicy::new();
    p.lockout.max_failures = 100;
    aw.set_account_policy("acme", &p).unwrap();
}

/// Password, then the code of the next step (the enrolment used the current one).
fn full_sign_in(aw: &Authward, clock: &ManualClock, user: &str, secret: Option<&str>) {
    let s = aw.sign_in(user, PW).unwrap();
    match secret {
        None => assert_eq!(s.status, SignInStatus::Complete, "{user}"),
        Some(secret) => {
            assert_eq!(s.status, SignInStatus::SecondFactorRequired, "{user}");
            let done =
                aw.verify_second_factor(s.challenge.as_deref().unwrap(), &code(secret, clock)).unwrap();
            assert_eq!(done.status, SignInStatus::Complete, "{user}");
        }
    }
}

fn key_check_and_secrets(path: &Path) -> Vec<Vec<u8>> {
    let conn = Connection::open(path).unwrap();
    let mut out: Vec<Vec<u8>> =
        vec![conn.query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| r.get(0)).unwrap()];
    let mut stmt = conn
        .prepare("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL UNION ALL SELECT pending_secret FROM users WHERE pending_secret IS NOT NULL")
        .unwrap();
    out.extend(stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap().map(Result::unwrap));
    out
}

#[test]
fn a_populated_store_rotates_and_everyone_signs_in_with_the_new_key_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let mut secrets: Vec<(String, Option<String>)> = Vec::new();
    {
        let aw = open(&path, &clock);
        relaxed(&aw);
        for i in 0..7 {
            let user = format!("user-{i}");
            if i % 3 == 2 {
                aw.create_user(&user, "acme", PW, None).unwrap();
                secrets.push((user, None));
            } else {
                let s = with_two_factor(&aw, &clock, &user);
                secrets.push((user, Some(s)));
            }
        }
        // One enrolment left pending: its secret must survive the rotation too.
        aw.create_user("pending", "acme", PW, None).unwrap();
        secrets.push(("pending".into(), None));
    }
    let pending = {
        let aw = open(&path, &clock);
        aw.begin_totp_enrollment("pending", "ACME").unwrap().secret.to_string()
    };
    let before = key_check_and_secrets(&path);
    assert_eq!(before.len(), 1 + 5 + 1);

    // The new key alone cannot open a store whose key check is under the old one.
    assert_eq!(open_with(&path, &clock, &NEW_KEY, &[]).unwrap_err().code(), ErrorCode::Crypto);

    // Rotation: the new key with the old one as previous. Everything works before any re-sealing.
    clock.advance(30);
    {
        let aw = open_with(&path, &clock, &NEW_KEY, &[OLD_KEY]).unwrap();
        full_sign_in(&aw, &clock, "user-0", secrets[0].1.as_deref());
        let p = aw.rekey(3).unwrap();
        assert_eq!((p.done, p.total, p.finished), (3, 8, false));
    } // stopped midway (a restart): the cursor is in the store
    {
        let aw = open_with(&path, &clock, &NEW_KEY, &[OLD_KEY]).unwrap();
        let p = aw.rekey(3).unwrap();
        assert_eq!((p.done, p.total, p.finished), (6, 8, false));
        let p = aw.rekey(3).unwrap();
        assert_eq!((p.done, p.total, p.finished), (8, 8, true));
        // Idempotent: a second pass rewrites nothing.
        let revisions = |aw: &Authward| -> Vec<u64> {
            let _ = aw;
            let conn = Connection::open(&path).unwrap();
            let mut s = conn.prepare("SELECT revision FROM users ORDER BY user_id").unwrap();
            s.query_map([], |r| r.get::<_, i64>(0)).unwrap().map(|r| r.unwrap() as u64).collect()
        };
        let r1 = revisions(&aw);
        let p = aw.rekey(100).unwrap();
        assert_eq!((p.done, p.total, p.finished), (8, 8, true));
        assert_eq!(revisions(&aw), r1, "a finished rotation rewrites no row");
    }
    let after = key_check_and_secrets(&path);
    assert_eq!(after.len(), before.len());
    for (old, new) in before.iter().zip(&after) {
        assert_ne!(old, new, "every sealed value re-sealed");
        assert_eq!(new[0], 2, "sealed values name their key (version 2)");
        assert_eq!(new[1..9], after[0][1..9], "all under the same (new) key");
    }

    // The old key removed: everyone signs in (password + TOTP), the pending enrolment confirms.
    clock.advance(30);
    let aw = open_with(&path, &clock, &NEW_KEY, &[]).unwrap();
    for (user, secret) in &secrets {
        full_sign_in(&aw, &clock, user, secret.as_deref());
    }
    aw.confirm_totp_enrollment("pending", &code(&pending, &clock)).unwrap();
    clock.advance(30);
    full_sign_in(&aw, &clock, "pending", Some(&pending));
    drop(aw);
    // And the old key alone no longer opens the store.
    assert_eq!(open_with(&path, &clock, &OLD_KEY, &[]).unwrap_err().code(), ErrorCode::Crypto);
}

#[test]
fn rotation_works_over_any_store_and_refuses_silly_batches() {
    let store = Arc::new(authward::store::MemoryStore::new());
    let clock = ManualClock::new(T0);
    let options = |previous: Vec<Vec<u8>>| AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: CHEAP,
        previous_keys: previous,
        ..AuthwardOptions::default()
    };
    let aw = Authward::with_store(store.clone(), &OLD_KEY, options(vec![])).unwrap();
    relaxed(&aw);
    let secret = with_two_factor(&aw, &clock, "alice");
    let aw = Authward::with_store(store.clone(), &NEW_KEY, options(vec![OLD_KEY.to_vec()])).unwrap();
    for bad in [0, authward::service::MAX_REKEY_BATCH + 1] {
        assert_eq!(aw.rekey(bad).unwrap_err().code(), ErrorCode::InvalidArgument);
    }
    assert!(aw.rekey(1).unwrap().finished);
    let aw = Authward::with_store(store, &NEW_KEY, options(vec![])).unwrap();
    clock.advance(30);
    full_sign_in(&aw, &clock, "alice", Some(&secret));
}

/// A store with alice (2FA, code of step T0/30 used) and bob (no 2FA), closed; returns alice's secret.
fn populated(path: &Path, clock: &ManualClock) -> String {
    let aw = open(path, clock);
    relaxed(&aw);
    let secret = with_two_factor(&aw, clock, "alice");
    aw.create_user("bob", "acme", PW, None).unwrap();
    secret
}

fn sql(path: &Path, statement: &str, params: impl rusqlite::Params) {
    let conn = Connection::open(path).unwrap();
    assert_eq!(conn.execute(statement, params).unwrap(), 1, "{statement}");
}

fn assert_refused(r: authward::Result<impl std::fmt::Debug>) {
    let e = r.expect_err("a row changed outside authward must be refused");
    assert_eq!(e.code(), ErrorCode::Crypto, "{e}");
    assert!(e.to_string().contains("failed its integrity check"), "{e}");
}

#[test]
fn a_lowered_last_step_is_refused_not_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let secret = populated(&path, &clock);
    clock.advance(30);
    let used = code(&secret, &clock);
    {
        let aw = open(&path, &clock);
        let s = aw.sign_in("alice", PW).unwrap();
        aw.verify_second_factor(s.challenge.as_deref().unwrap(), &used).unwrap();
    }
    // The attacker lowers the replay step (keeping the tag) to use the same code again.
    sql(&path, "UPDATE users SET totp_last_step = totp_last_step - 1 WHERE user_id = 'alice'", []);
    let aw = open(&path, &clock);
    let s = aw.sign_in("alice", PW);
    if let Ok(s) = &s {
        let replay = aw.verify_second_factor(s.challenge.as_deref().unwrap(), &used);
        assert!(replay.is_err(), "the used code was accepted again");
    }
    assert_refused(s);
    assert_refused(aw.status("alice"));
    // Other users are unaffected.
    full_sign_in(&aw, &clock, "bob", None);
}

#[test]
fn a_refused_row_is_logged_once_an_hour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    populated(&path, &clock);
    sql(&path, "UPDATE users SET totp_last_step = totp_last_step - 1 WHERE user_id = 'alice'", []);
    let aw = open(&path, &clock);
    let logged = |aw: &Authward| {
        aw.events("alice", 100).unwrap().iter().filter(|e| e.kind == EventKind::IntegrityFailed).count()
    };
    assert_eq!(logged(&aw), 0);
    assert_refused(aw.sign_in("alice", PW)); // refused on the snapshot read
    assert_eq!(logged(&aw), 1);
    let newest = &aw.events("alice", 1).unwrap()[0];
    assert!(newest.detail.contains("changed outside authward"), "{}", newest.detail);
    assert_refused(aw.status("alice"));
    assert_refused(aw.change_password(
        "alice",
        PW,
        "another fine passphrase here",
        "another fine passphrase here",
    ));
    assert_eq!(logged(&aw), 1, "asked again within the hour: not logged again");
    clock.advance(3600);
    assert_refused(aw.begin_totp_enrollment("alice", "ACME"));
    assert_eq!(logged(&aw), 2);
    assert_eq!(
        aw.events("bob", 100).unwrap().iter().filter(|e| e.kind == EventKind::IntegrityFailed).count(),
        0
    );
}

#[test]
fn a_planted_future_event_does_not_silence_the_integrity_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    populated(&path, &clock);
    sql(&path, "UPDATE users SET totp_last_step = totp_last_step - 1 WHERE user_id = 'alice'", []);
    // Whoever changed the row also logs an integrity_failed a century ahead, hoping the once-an-hour
    // rule keeps every real refusal out of the log.
    sql(
        &path,
        "INSERT INTO events (account_id, user_id, kind, at, detail) VALUES ('acme', 'alice', 'integrity_failed', ?1, 'x')",
        [i64::try_from(T0 + 100 * 365 * 86_400).unwrap()],
    );
    let aw = open(&path, &clock);
    assert_refused(aw.sign_in("alice", PW));
    let real = aw.events("alice", 100).unwrap();
    let real = real.iter().filter(|e| e.kind == EventKind::IntegrityFailed && e.at == T0).count();
    assert_eq!(real, 1, "the refusal was not logged");
}

#[test]
fn an_old_sealed_secret_restored_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let old_secret = populated(&path, &clock);
    let old_blob: Vec<u8> = Connection::open(&path)
        .unwrap()
        .query_row("SELECT totp_secret FROM users WHERE user_id = 'alice'", [], |r| r.get(0))
        .unwrap();
    {
        // The owner's phone was lost: an admin reset, a new authenticator.
        let aw = open(&path, &clock);
        aw.reset_two_factor("alice").unwrap();
        clock.advance(30);
        let e = aw.begin_totp_enrollment("alice", "ACME").unwrap();
        aw.confirm_totp_enrollment("alice", &code(&e.secret, &clock)).unwrap();
    }
    // The thief with the old phone puts the old sealed secret back.
    sql(&path, "UPDATE users SET totp_secret = ?1 WHERE user_id = 'alice'", [&old_blob]);
    clock.advance(30);
    let aw = open(&path, &clock);
    let s = aw.sign_in("alice", PW);
    if let Ok(s) = &s {
        let revived = aw.verify_second_factor(s.challenge.as_deref().unwrap(), &code(&old_secret, &clock));
        assert!(revived.is_err(), "the old phone works again");
    }
    assert_refused(s);
}

#[test]
fn a_planted_password_hash_and_recovery_code_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let _ = populated(&path, &clock);
    let planted_pw = "the attacker's own password";
    let planted_hash = hash::hash(planted_pw, &CHEAP, None).unwrap();
    let planted_code = authward::recovery::generate(1).unwrap().remove(0);
    let planted_code_hash = authward::recovery::hash(&planted_code).unwrap();
    sql(
        &path,
        "UPDATE users SET password_hash = ?1, recovery_codes = ?2 WHERE user_id = 'alice'",
        [&planted_hash, &planted_code_hash],
    );
    let aw = open(&path, &clock);
    // Without the tag this signs in: the planted password, then the planted recovery code.
    let s = aw.sign_in("alice", planted_pw);
    if let Ok(s) = &s {
        let _ = aw.verify_second_factor(s.challenge.as_deref().unwrap(), &planted_code);
    }
    assert_refused(s);
    // A password hash alone (bob has no 2FA) is refused just the same.
    drop(aw);
    sql(&path, "UPDATE users SET password_hash = ?1 WHERE user_id = 'bob'", [&planted_hash]);
    let aw = open(&path, &clock);
    assert_refused(aw.sign_in("bob", planted_pw));
    assert_refused(aw.change_password("bob", planted_pw, "a brand new passphrase", "a brand new passphrase"));
}

#[test]
fn a_removed_tag_is_refused_and_not_re_tagged_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let _ = populated(&path, &clock);
    let planted_hash = hash::hash("the attacker's own password", &CHEAP, None).unwrap();
    sql(
        &path,
        "UPDATE users SET password_hash = ?1, integrity_tag = NULL WHERE user_id = 'bob'",
        [&planted_hash],
    );
    let aw = open(&path, &clock);
    assert_refused(aw.sign_in("bob", "the attacker's own password"));
    drop(aw);
    let aw = open(&path, &clock);
    assert_refused(aw.sign_in("bob", "the attacker's own password"));
}

#[test]
fn the_integrity_error_names_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let secret = populated(&path, &clock);
    sql(&path, "UPDATE users SET totp_last_step = 0 WHERE user_id = 'alice'", []);
    let aw = open(&path, &clock);
    let e = aw.sign_in("alice", PW).unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(!text.contains(&secret) && !text.contains(PW) && !text.contains("argon2"), "{text}");
}
