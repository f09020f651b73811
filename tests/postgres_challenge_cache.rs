//! The challenge cache (src/service/challenge_cache.rs) against a real PostgreSQL server
//! (tests/postgres/run.sh): a verification on the server that took the password is judged from what
//! that sign-in wrote, with no read, and gives exactly the answers a verification from a read gives
//! when another server changed the user or the account's policy in between.
#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[macro_use]
#[path = "support/forward.rs"]
mod forward;
#[path = "support/pg.rs"]
mod pg;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use authward::event::{AuditEntry, NewEvent};
use authward::store::{
    AccountRecord, ChallengeContext, ChallengeRecord, PostgresStore, Store, UnknownFn, UpdateFn, UserIdPage,
    UserRecord,
};
use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, Event, EventKind, HashParams, ManualClock, Result,
};

const CHEAP: HashParams = HashParams { memory_kib: 256, iterations: 1, parallelism: 1 };
const PW: &str = "correct horse battery staple";
const T0: u64 = 1_800_000_000;
const KEY: [u8; 32] = [7u8; 32];

/// A PostgreSQL store that counts the reads a verification makes when it does not use the cache.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn Store>,
    challenge_reads: AtomicUsize,
}

impl Store for Counting {
    forward_to_inner!();

    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.inner.update_user(user_id, f)
    }
    fn update_user_from(&self, snapshot: &UserRecord, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.inner.update_user_from(snapshot, f)
    }
    fn update_user_if_unchanged(
        &self,
        snapshot: &UserRecord,
        account: &AccountRecord,
        challenge: &[u8; 32],
        f: &mut UpdateFn<'_>,
    ) -> Result<Option<UserRecord>> {
        self.inner.update_user_if_unchanged(snapshot, account, challenge, f)
    }
    fn wants_challenge_cache(&self) -> bool {
        self.inner.wants_challenge_cache()
    }
    fn user_with_account(&self, user_id: &str) -> Result<Option<(UserRecord, Option<AccountRecord>)>> {
        self.inner.user_with_account(user_id)
    }
    fn challenge_with_user(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeContext>> {
        self.challenge_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.challenge_with_user(token_hash)
    }
    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()> {
        self.inner.update_unknown(key, now, f)
    }
}

/// Two app servers over one database (each its own pool and cache), a shared clock, and a user with
/// an authenticator (its secret returned).
struct Servers {
    a: Authward,
    a_store: Arc<Counting>,
    b: Authward,
    clock: ManualClock,
    secret: String,
    /// The database, with the schema (for the side channel: `pg::psql`).
    url: String,
}

impl Servers {
    fn new(tag: &str) -> Option<Servers> {
        let url = pg::fresh_url(&pg::url()?, tag);
        let clock = ManualClock::new(T0);
        let options = || AuthwardOptions {
            clock: Some(Arc::new(clock.clone())),
            hash_params: CHEAP,
            ..AuthwardOptions::default()
        };
        let a_store = Arc::new(Counting {
            inner: Arc::new(PostgresStore::open(&url).unwrap()),
            challenge_reads: AtomicUsize::new(0),
        });
        let a = Authward::with_store(a_store.clone(), &KEY, options()).unwrap();
        let b = Authward::open(&url, &KEY, options()).unwrap();
        b.create_user("alice", "acme", PW, None).unwrap();
        let e = b.begin_totp_enrollment("alice", "Acme").unwrap();
        b.confirm_totp_enrollment("alice", &totp::code(&e.secret, T0, &TotpConfig::default()).unwrap())
            .unwrap();
        let secret = e.secret.to_string();
        clock.set(T0 + 30);
        Some(Servers { a, a_store, b, clock, secret, url })
    }

    fn code(&self) -> String {
        totp::code(&self.secret, self.clock.now(), &TotpConfig::default()).unwrap()
    }

    fn wrong_code(&self) -> String {
        let right: u32 = self.code().parse().unwrap();
        format!("{:06}", (right + 1) % 1_000_000)
    }

    fn reads(&self) -> usize {
        self.a_store.challenge_reads.load(Ordering::SeqCst)
    }

    /// A sign-in on server A up to its challenge.
    fn challenge(&self) -> String {
        self.a.sign_in("alice", PW).unwrap().challenge.unwrap().to_string()
    }
}

#[test]
fn a_verification_on_the_server_that_took_the_password_reads_nothing() {
    let Some(s) = Servers::new("cache_hit") else { return };
    for round in 0..40u64 {
        s.clock.set(T0 + 30 * (round + 1));
        let challenge = s.challenge();
        let signed = s.a.verify_second_factor(&challenge, &s.code()).unwrap();
        assert_eq!(signed.status, authward::SignInStatus::Complete, "round {round}");
        // The same form posted again: from a read (the entry is gone), a replay.
        let again = s.a.verify_second_factor(&challenge, &s.code()).unwrap_err();
        assert_eq!(again.code(), ErrorCode::CodeReused, "round {round}");
    }
    assert_eq!(s.reads(), 40, "only the re-posts read the challenge");
    let signed_in = s.b.events("alice", 200).unwrap().iter().filter(|e| e.kind == EventKind::SignIn).count();
    assert_eq!(signed_in, 40);
}

#[test]
fn a_wrong_code_keeps_the_entry_for_the_next_try() {
    let Some(s) = Servers::new("cache_retry") else { return };
    let challenge = s.challenge();
    let wrong = s.a.verify_second_factor(&challenge, &s.wrong_code()).unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::InvalidCode);
    s.a.verify_second_factor(&challenge, &s.code()).unwrap();
    assert_eq!(s.reads(), 0);
}

#[test]
fn a_challenge_spent_on_another_server_is_not_completed_from_memory() {
    let Some(s) = Servers::new("cache_spent") else { return };
    let challenge = s.challenge();
    // Another server takes the challenge's five wrong codes: it is spent.
    let mut last = None;
    for _ in 0..5 {
        last = Some(s.b.verify_second_factor(&challenge, &s.wrong_code()).unwrap_err().code());
    }
    assert_eq!(last, Some(ErrorCode::InvalidCode));
    // Server A still holds what its sign-in wrote; the right code must not complete the spent challenge.
    let err = s.a.verify_second_factor(&challenge, &s.code()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ChallengeExpired);
    assert_eq!(s.reads(), 1, "the stale entry was not replaced by a read");
}

#[test]
fn a_challenge_completed_on_another_server_is_not_completed_again() {
    let Some(s) = Servers::new("cache_twice") else { return };
    let challenge = s.challenge();
    s.b.verify_second_factor(&challenge, &s.code()).unwrap();
    let err = s.a.verify_second_factor(&challenge, &s.code()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::CodeReused);
    let signed_in = s.b.events("alice", 50).unwrap().iter().filter(|e| e.kind == EventKind::SignIn).count();
    assert_eq!(signed_in, 1, "one challenge, two sign-ins");
}

#[test]
fn a_challenge_purged_by_another_servers_clock_is_not_judged_from_memory() {
    let Some(s) = Servers::new("cache_purged") else { return };
    let challenge = s.challenge();
    // Another server whose clock runs ahead purged it as expired: the row is gone, the user untouched.
    let schema = s.url.split("schema=").nth(1).unwrap().to_string();
    assert_eq!(pg::psql(&s.url, &format!("DELETE FROM {schema}.challenges RETURNING 1")), "1");
    let failures_before = failures(&s);
    // A wrong code: as from a read, the challenge is gone, and nothing is counted.
    let err = s.a.verify_second_factor(&challenge, &s.wrong_code()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ChallengeExpired);
    assert_eq!(failures(&s), failures_before, "a failure was counted against a challenge that is gone");
    assert_eq!(s.reads(), 1);
}

/// The user's logged sign-in failures.
fn failures(s: &Servers) -> usize {
    s.b.events("alice", 100).unwrap().iter().filter(|e| e.kind == EventKind::SignInFailed).count()
}

#[test]
fn two_factor_reset_on_another_server_ends_the_challenge() {
    let Some(s) = Servers::new("cache_reset") else { return };
    let challenge = s.challenge();
    s.b.reset_two_factor("alice").unwrap();
    let err = s.a.verify_second_factor(&challenge, &s.code()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ChallengeExpired);
}

#[test]
fn a_policy_changed_on_another_server_is_the_one_applied() {
    let Some(s) = Servers::new("cache_policy") else { return };
    let remembering = AccountPolicy { remember_device_days: Some(30), ..AccountPolicy::default() };
    s.b.set_account_policy("acme", &remembering).unwrap();
    let challenge = s.challenge();
    // The admin turns remembered devices off on another server before the code arrives.
    s.b.set_account_policy("acme", &AccountPolicy::default()).unwrap();
    let signed = s.a.verify_second_factor_remember(&challenge, &s.code(), None, "laptop").unwrap();
    assert!(signed.device_token.is_none(), "a device was remembered under a policy that is off");
    assert!(s.a.list_devices("alice").unwrap().is_empty());
    assert_eq!(s.reads(), 1, "the verification did not start over from a read");

    // And the other way: on now, so the same kind of verification remembers the device.
    s.clock.set(T0 + 90);
    let challenge = s.challenge();
    s.b.set_account_policy("acme", &remembering).unwrap();
    let signed = s.a.verify_second_factor_remember(&challenge, &s.code(), None, "laptop").unwrap();
    assert!(signed.device_token.is_some());
}

#[test]
fn a_user_deleted_and_created_again_elsewhere_is_not_written_from_memory() {
    let Some(s) = Servers::new("cache_recreated") else { return };
    let challenge = s.challenge();
    s.b.delete_user("alice").unwrap();
    s.b.create_user("alice", "acme", "another horse battery staple", None).unwrap();
    let err = s.a.verify_second_factor(&challenge, &s.code()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ChallengeExpired);
    // The new user is untouched: no second factor, the new password.
    assert!(!s.b.status("alice").unwrap().two_factor_enabled);
    assert!(s.b.sign_in("alice", "another horse battery staple").is_ok());
}

#[test]
fn a_cached_entry_is_used_once_under_concurrent_posts() {
    let Some(s) = Servers::new("cache_race") else { return };
    for round in 0..20u64 {
        s.clock.set(T0 + 30 * (round + 1));
        let challenge = s.challenge();
        let code = s.code();
        let wins = std::thread::scope(|scope| {
            let posts: Vec<_> = (0..4)
                .map(|i| {
                    let (challenge, code) = (&challenge, &code);
                    let server = if i % 2 == 0 { &s.a } else { &s.b };
                    scope.spawn(move || server.verify_second_factor(challenge, code).is_ok())
                })
                .collect();
            posts.into_iter().map(|p| p.join().unwrap()).filter(|won| *won).count() as u32
        });
        assert_eq!(wins, 1, "round {round}");
    }
}
