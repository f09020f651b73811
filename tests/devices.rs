//! "Remember this device" (issue 17): tokens minted only after a second factor and only under a policy
//! with `remember_device_days`; a valid token skips the code (never the password); wrong, expired,
//! revoked and other users' tokens are ignored; credential changes, revocation and key rotation forget
//! devices; at most 10 per user; the device list is covered by the row's integrity tag. Each case runs
//! over the memory, SQLite and (with `AUTHWARD_TEST_POSTGRES_URL`) PostgreSQL stores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "support/pg.rs"]
mod pg;
#[path = "support/stores.rs"]
mod stores;

use std::sync::Arc;

use authward::store::{SqliteStore, Store};
use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, EventKind, HashParams, ManualClock, SignIn,
    SignInStatus,
};

const CHEAP: HashParams = HashParams { memory_kib: 256, iterations: 1, parallelism: 1 };
const T0: u64 = 1_800_000_000;
const DAY: u64 = 86_400;
const PW: &str = "correct horse battery staple";
const PW2: &str = "purple elephant dancing quietly";
const KEY: [u8; 32] = [4u8; 32];

struct Env {
    aw: Authward,
    clock: ManualClock,
    store: Arc<dyn Store>,
    secret: String,
}

fn options(clock: &ManualClock, previous: Vec<Vec<u8>>) -> AuthwardOptions {
    AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: CHEAP,
        previous_keys: previous,
        ..AuthwardOptions::default()
    }
}

fn policy(days: Option<u32>) -> AccountPolicy {
    let mut p = AccountPolicy { remember_device_days: days, ..AccountPolicy::new() };
    p.lockout.max_failures = 100;
    p
}

/// alice with 2FA on, under a policy remembering devices for 30 days.
fn env(store: Arc<dyn Store>) -> Env {
    let clock = ManualClock::new(T0);
    let aw = Authward::with_store(store.clone(), &KEY, options(&clock, vec![])).unwrap();
    aw.set_account_policy("acme", &policy(Some(30))).unwrap();
    aw.create_user("alice", "acme", PW, None).unwrap();
    let e = aw.begin_totp_enrollment("alice", "ACME").unwrap();
    aw.confirm_totp_enrollment("alice", &totp::code(&e.secret, T0, &TotpConfig::default()).unwrap()).unwrap();
    Env { aw, clock, store, secret: e.secret.to_string() }
}

fn each(case: fn(Env)) {
    stores::each("dev", |store| case(env(store)));
}

impl Env {
    fn code(&self) -> String {
        // A fresh step every time: codes are single-use.
        self.clock.advance(30);
        totp::code(&self.secret, self.clock.now(), &TotpConfig::default()).unwrap()
    }

    fn challenge(&self, user: &str, pw: &str) -> String {
        let s = self.aw.sign_in(user, pw).unwrap();
        assert_eq!(s.status, SignInStatus::SecondFactorRequired);
        s.challenge.as_ref().unwrap().to_string()
    }

    /// Password and code, asking to remember the device.
    fn remember(&self, label: &str) -> SignIn {
        let ch = self.challenge("alice", PW);
        let code = self.code();
        self.aw.verify_second_factor_remember(&ch, &code, None, label).unwrap()
    }

    fn token(&self, label: &str) -> String {
        let s = self.remember(label);
        assert_eq!(s.status, SignInStatus::Complete);
        s.device_token.as_ref().expect("a device token").to_string()
    }

    fn with_device(&self, user: &str, pw: &str, token: &str) -> authward::Result<SignIn> {
        self.aw.sign_in_with_device(user, pw, None, Some(token))
    }

    fn skips(&self, token: &str) -> bool {
        let s = self.with_device("alice", PW, token).unwrap();
        match s.status {
            SignInStatus::SecondFactorRequired => {
                assert!(s.challenge.is_some());
                false
            }
            SignInStatus::Complete | SignInStatus::ActionRequired => {
                assert!(s.challenge.is_none());
                true
            }
        }
    }

    fn kinds(&self) -> Vec<EventKind> {
        self.aw.events("alice", 1000).unwrap().into_iter().map(|e| e.kind).collect()
    }
}

#[test]
fn a_token_is_minted_only_after_a_second_factor_asked_for_it_and_skips_the_code() {
    each(|env| {
        // The password step alone never gives one, with or without a token to present.
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert!(s.device_token.is_none());
        // A second factor without asking: no token.
        let ch = env.challenge("alice", PW);
        let s = env.aw.verify_second_factor(&ch, &env.code()).unwrap();
        assert!(s.device_token.is_none());
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        // Asking: a token of 32 bytes in base64url, listed under its label, logged and notified.
        let s = env.remember("Firefox on Linux");
        assert_eq!(s.status, SignInStatus::Complete);
        let token = s.device_token.as_ref().unwrap().to_string();
        assert_eq!(token.len(), 43);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let devices = env.aw.list_devices("alice").unwrap();
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0].label, "Firefox on Linux");
        assert_eq!(devices[0].id.len(), 16);
        assert_eq!(devices[0].expires_at, devices[0].created_at + 30 * DAY);
        let remembered = env.aw.events("alice", 10).unwrap();
        let e = remembered.iter().find(|e| e.kind == EventKind::DeviceRemembered).unwrap();
        assert!(e.kind.notifies_user());
        assert!(e.detail.contains("Firefox on Linux"), "{}", e.detail);
        assert!(!e.detail.contains(&token));
        // The token skips the code: a complete sign-in, logged as such, last use updated.
        env.clock.advance(100);
        assert!(env.skips(&token));
        let last = env.aw.events("alice", 1).unwrap().remove(0);
        assert_eq!(last.kind, EventKind::SignIn);
        assert!(last.detail.contains("remembered device"), "{}", last.detail);
        assert!(!last.detail.contains(&token));
        assert_eq!(env.aw.list_devices("alice").unwrap()[0].last_used_at, env.clock.now());
        // A complete sign-in for the admin's report too.
        let report = env.aw.account_report("acme", &authward::ReportQuery::default()).unwrap();
        assert_eq!(report.users[0].last_sign_in_at, Some(env.clock.now()));
        // A recovery code as second factor may remember a device too.
        let codes = env.aw.regenerate_recovery_codes("alice", PW).unwrap();
        let ch = env.challenge("alice", PW);
        let s = env.aw.verify_second_factor_remember(&ch, &codes[0], None, "").unwrap();
        assert!(s.device_token.is_some());
        assert_eq!(env.aw.list_devices("alice").unwrap().len(), 2);
    });
}

#[test]
fn no_token_while_the_policy_is_off_and_old_tokens_are_ignored_then() {
    each(|env| {
        let token = env.token("Safari");
        env.aw.set_account_policy("acme", &policy(None)).unwrap();
        assert!(!env.skips(&token), "the policy no longer remembers devices");
        let s = env.remember("Safari");
        assert_eq!(s.status, SignInStatus::Complete);
        assert!(s.device_token.is_none(), "policy off: no token, no error");
        assert_eq!(env.aw.list_devices("alice").unwrap().len(), 1, "no second device minted");
    });
}

#[test]
fn shortening_the_policy_shortens_remembered_devices_and_lengthening_never_goes_past_their_own_expiry() {
    each(|env| {
        let token = env.token("Laptop"); // minted under 30 days
        env.clock.advance(10 * DAY);
        // The admin shortens the period to 7 days (a laptop was lost): the 10-day-old device asks for
        // the code again, and the list no longer shows it.
        env.aw.set_account_policy("acme", &policy(Some(7))).unwrap();
        assert!(!env.skips(&token), "past the shortened period");
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        // A device remembered under the short policy expires after 7 days.
        let short = env.token("Phone");
        let listed = env.aw.list_devices("alice").unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].expires_at, env.clock.now() + 7 * DAY);
        // Lengthened to 365 days: the laptop's 30 minted days count again, never more.
        env.aw.set_account_policy("acme", &policy(Some(365))).unwrap();
        assert!(env.skips(&token));
        let laptop = env.aw.list_devices("alice").unwrap().into_iter().find(|d| d.label == "Laptop").unwrap();
        assert_eq!(laptop.expires_at, laptop.created_at + 30 * DAY);
        env.clock.advance(8 * DAY);
        assert!(!env.skips(&short), "the phone was minted for 7 days");
        env.clock.advance(13 * DAY); // day 31 of the laptop
        assert!(!env.skips(&token), "the laptop was minted for 30 days");
    });
}

#[test]
fn a_token_never_skips_the_password() {
    each(|env| {
        let token = env.token("Chrome");
        let e = env.with_device("alice", "wrong password entirely", &token).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidCredentials);
        assert_eq!(env.kinds()[0], EventKind::SignInFailed);
    });
}

#[test]
fn wrong_malformed_expired_and_other_users_tokens_are_ignored_not_counted() {
    each(|env| {
        let token = env.token("Chrome");
        let failures_before = env.kinds().iter().filter(|k| **k == EventKind::SignInFailed).count();
        let mut wrong = token.clone().into_bytes();
        wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
        let wrong = String::from_utf8(wrong).unwrap();
        let long = "A".repeat(100_000);
        for t in [wrong.as_str(), "", "not base64 !!", "AAAA", long.as_str(), "\u{0}\u{1}"] {
            assert!(!env.skips(t), "{t:.20}");
        }
        let failures_after = env.kinds().iter().filter(|k| **k == EventKind::SignInFailed).count();
        assert_eq!(failures_before, failures_after, "an ignored token is no failure");
        // More ignored tokens than the lockout budget (100 here, 5 by default) lock nothing.
        assert_eq!(env.aw.status("alice").unwrap().locked_until, None);
        // Another user's token (bob has 2FA too) does not skip bob's code.
        env.aw.create_user("bob", "acme", PW2, None).unwrap();
        let e = env.aw.begin_totp_enrollment("bob", "ACME").unwrap();
        env.aw
            .confirm_totp_enrollment(
                "bob",
                &totp::code(&e.secret, env.clock.now(), &TotpConfig::default()).unwrap(),
            )
            .unwrap();
        let s = env.with_device("bob", PW2, &token).unwrap();
        assert_eq!(s.status, SignInStatus::SecondFactorRequired);
        // Still valid for alice, until it expires (30 days).
        assert!(env.skips(&token));
        env.clock.advance(30 * DAY);
        assert!(!env.skips(&token), "expired");
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
    });
}

#[test]
fn a_token_without_2fa_changes_nothing() {
    each(|env| {
        let token = env.token("Chrome");
        env.aw.set_account_policy("acme", &policy(Some(30))).unwrap();
        env.aw.create_user("carol", "acme", PW2, None).unwrap();
        let s = env.with_device("carol", PW2, &token).unwrap();
        assert_eq!(s.status, SignInStatus::Complete);
        assert!(s.device_token.is_none());
    });
}

#[test]
fn a_password_change_forgets_every_device() {
    each(|env| {
        let t1 = env.token("one");
        let t2 = env.token("two");
        assert_eq!(env.aw.list_devices("alice").unwrap().len(), 2);
        env.clock.advance(2 * DAY); // past any minimum password age
        env.aw.change_password("alice", PW, PW2, PW2).unwrap();
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        for t in [&t1, &t2] {
            let s = env.with_device("alice", PW2, t).unwrap();
            assert_eq!(s.status, SignInStatus::SecondFactorRequired);
        }
        let e = env.aw.events("alice", 10).unwrap();
        assert!(e.iter().any(|e| e.kind == EventKind::DeviceRevoked && e.detail.contains("2 remembered")));
    });
}

#[test]
fn an_admin_password_reset_forgets_every_device() {
    each(|env| {
        let t = env.token("one");
        env.aw.set_password("alice", PW2).unwrap();
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        assert_eq!(env.with_device("alice", PW2, &t).unwrap().status, SignInStatus::SecondFactorRequired);
    });
}

#[test]
fn a_two_factor_reset_forgets_every_device() {
    each(|mut env| {
        let t = env.token("one");
        env.aw.reset_two_factor("alice").unwrap();
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        // Enrolled again: the old token still asks for the (new) code.
        let e = env.aw.begin_totp_enrollment("alice", "ACME").unwrap();
        env.secret = e.secret.to_string();
        let code = env.code();
        env.aw.confirm_totp_enrollment("alice", &code).unwrap();
        assert!(!env.skips(&t));
    });
}

#[test]
fn disabling_or_replacing_two_factor_forgets_every_device() {
    each(|mut env| {
        let t = env.token("one");
        let e = env.aw.begin_totp_enrollment_with_proof("alice", "ACME", Some(PW)).unwrap();
        env.secret = e.secret.to_string();
        let code = env.code();
        env.aw.confirm_totp_enrollment("alice", &code).unwrap();
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        assert!(!env.skips(&t));
        let t = env.token("two");
        assert!(env.skips(&t));
        env.aw.disable_totp("alice", PW).unwrap();
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        // Enabled again: the token from before asks for the code.
        let e = env.aw.begin_totp_enrollment("alice", "ACME").unwrap();
        env.secret = e.secret.to_string();
        let code = env.code();
        env.aw.confirm_totp_enrollment("alice", &code).unwrap();
        assert!(!env.skips(&t));
    });
}

#[test]
fn at_most_ten_devices_the_least_recently_used_goes() {
    each(|env| {
        let tokens: Vec<String> = (0..10).map(|i| env.token(&format!("device {i}"))).collect();
        // Device 0 is used again: device 1 is now the least recently used.
        env.clock.advance(60);
        assert!(env.skips(&tokens[0]));
        let t10 = env.token("device 10");
        let devices = env.aw.list_devices("alice").unwrap();
        assert_eq!(devices.len(), 10);
        assert!(devices.iter().all(|d| d.label != "device 1"));
        assert!(!env.skips(&tokens[1]), "the least recently used was forgotten");
        for t in [&tokens[0], &tokens[2], &tokens[9], &t10] {
            assert!(env.skips(t));
        }
    });
}

#[test]
fn list_and_revoke() {
    each(|env| {
        let t1 = env.token("one");
        let t2 = env.token("two");
        let t3 = env.token("three");
        let devices = env.aw.list_devices("alice").unwrap();
        assert_eq!(devices.iter().map(|d| d.label.as_str()).collect::<Vec<_>>(), ["three", "two", "one"]);
        let two = devices.iter().find(|d| d.label == "two").unwrap().id.clone();
        env.aw.revoke_device("alice", &two).unwrap();
        assert!(!env.skips(&t2));
        assert!(env.skips(&t1) && env.skips(&t3));
        assert_eq!(env.aw.revoke_device("alice", &two).unwrap_err().code(), ErrorCode::NotFound);
        assert_eq!(
            env.aw.revoke_device("alice", "0000000000000000").unwrap_err().code(),
            ErrorCode::NotFound
        );
        assert_eq!(env.aw.revoke_device("nobody", &two).unwrap_err().code(), ErrorCode::NotFound);
        assert_eq!(env.aw.list_devices("nobody").unwrap_err().code(), ErrorCode::NotFound);
        assert_eq!(env.kinds()[0], EventKind::SignIn);
        assert!(env.kinds().contains(&EventKind::DeviceRevoked));
        assert!(!EventKind::DeviceRevoked.notifies_user());
        assert_eq!(env.aw.revoke_all_devices("alice").unwrap(), 2);
        assert!(!env.skips(&t1) && !env.skips(&t3));
        assert_eq!(env.aw.revoke_all_devices("alice").unwrap(), 0);
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
    });
}

#[test]
fn labels_are_checked() {
    each(|env| {
        let ch = env.challenge("alice", PW);
        let code = env.code();
        for bad in ["x".repeat(201), "tab\there".to_string(), "new\nline".to_string()] {
            let e = env.aw.verify_second_factor_remember(&ch, &code, None, &bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
        }
        // The challenge was not touched by the refused calls.
        let s = env.aw.verify_second_factor_remember(&ch, &code, None, &"é".repeat(100)).unwrap();
        assert!(s.device_token.is_some());
    });
}

#[test]
fn the_token_is_absent_from_debug() {
    each(|env| {
        let s = env.remember("Firefox");
        let token = s.device_token.as_ref().unwrap().to_string();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains(&token), "{dbg}");
        assert!(dbg.contains("device_token: Some(\"<redacted>\")"), "{dbg}");
        let rec = env.store.get_user("alice").unwrap().unwrap();
        let dbg = format!("{rec:?}");
        assert!(!dbg.contains(&token));
        assert!(dbg.contains("token_hash: \"<redacted>\""), "{dbg}");
        // The record keeps a keyed hash: neither the token nor its plain SHA-256.
        let stored = &rec.devices[0].token_hash;
        let raw = data_encoding::BASE64URL_NOPAD.decode(token.as_bytes()).unwrap();
        assert!(!stored.windows(raw.len()).any(|w| w == raw.as_slice()));
        use sha2::Digest;
        let plain = sha2::Sha256::digest(&raw);
        assert!(!stored.windows(32).any(|w| w == plain.as_slice()));
    });
}

#[test]
fn a_tampered_device_list_is_refused() {
    // SQLite, changed behind authward's back (the revision, which the tag also covers, left alone).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let env = env(Arc::new(SqliteStore::open(&path).unwrap()));
    let token = env.token("real");
    assert!(env.skips(&token));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let devices: String =
        conn.query_row("SELECT devices FROM users WHERE user_id = 'alice'", [], |r| r.get(0)).unwrap();
    let stored: serde_json::Value = serde_json::from_str(&devices).unwrap();
    let expires = stored[0]["expires_at"].as_u64().unwrap();
    // A longer life for the stolen device, and a planted second copy of it.
    let longer = devices.replace(&expires.to_string(), &(expires + 365 * DAY).to_string());
    let planted = format!("[{0},{0}]", serde_json::to_string(&stored[0]).unwrap());
    let cleared = "[]".to_string();
    for forged in [longer, planted, cleared] {
        conn.execute("UPDATE users SET devices = ?1 WHERE user_id = 'alice'", [&forged]).unwrap();
        let e = env.with_device("alice", PW, &token).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Crypto, "{e}");
        assert!(e.to_string().contains("failed its integrity check"), "{e}");
        assert_eq!(env.aw.list_devices("alice").unwrap_err().code(), ErrorCode::Crypto);
    }
    // Restored, the row is accepted again.
    conn.execute("UPDATE users SET devices = ?1 WHERE user_id = 'alice'", [&devices]).unwrap();
    assert!(env.skips(&token));
}

#[test]
fn a_key_rotation_forgets_devices_once_rekey_reaches_them() {
    each(|env| {
        let token = env.token("before rotation");
        let new_key = [5u8; 32];
        let aw = Authward::with_store(env.store.clone(), &new_key, options(&env.clock, vec![KEY.to_vec()]))
            .unwrap();
        let env = Env { aw, clock: env.clock.clone(), store: env.store.clone(), secret: env.secret.clone() };
        // Under a previous key the token still works until rekey reaches the row.
        assert!(env.skips(&token));
        assert!(env.aw.rekey(100).unwrap().finished);
        assert!(env.aw.list_devices("alice").unwrap().is_empty());
        assert!(!env.skips(&token));
        let e = env.aw.events("alice", 20).unwrap();
        assert!(e.iter().any(|e| e.kind == EventKind::DeviceRevoked && e.detail.contains("key rotation")));
        // New tokens are under the new key and survive dropping the old one.
        let fresh = env.token("after rotation");
        let aw = Authward::with_store(env.store.clone(), &new_key, options(&env.clock, vec![])).unwrap();
        let env = Env { aw, clock: env.clock.clone(), store: env.store.clone(), secret: env.secret.clone() };
        assert!(env.skips(&fresh));
    });
}

#[test]
fn remember_device_days_is_validated_and_stored() {
    each(|env| {
        for bad in [0, 366] {
            let e = env.aw.set_account_policy("acme", &policy(Some(bad))).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
        }
        env.aw.set_account_policy("acme", &policy(Some(365))).unwrap();
        assert_eq!(env.aw.account_policy("acme").unwrap().remember_device_days, Some(365));
        env.aw.set_account_policy("acme", &policy(None)).unwrap();
        assert_eq!(env.aw.account_policy("acme").unwrap().remember_device_days, None);
        assert_eq!(AccountPolicy::default().remember_device_days, None);
    });
}
