//! A store may run the `update_user` closure more than once (a database that retries a transaction after
//! a serialization failure, as PostgreSQL does). The flows' closures must give the same result every time.
#![allow(clippy::unwrap_used, missing_docs)]

#[macro_use]
#[path = "support/forward.rs"]
mod forward;

use std::sync::Arc;

use authward::event::AuditEntry;
use authward::store::{
    AccountRecord, ChallengeRecord, Changes, MemoryStore, NewEvent, Store, UnknownFn, UpdateFn, UserIdPage,
    UserRecord,
};
use authward::{Authward, AuthwardOptions, ErrorCode, Event, HashParams, Result};

/// Delegates to a MemoryStore, but runs every update closure once on a throw-away copy first.
#[derive(Debug, Default)]
struct RetryingStore {
    inner: MemoryStore,
}

impl Store for RetryingStore {
    forward_to_inner!();

    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        if let Some(mut copy) = self.inner.get_user(user_id)? {
            let _ = f(&mut copy, &mut Changes::default()); // the first attempt "fails" and is rolled back
        }
        self.inner.update_user(user_id, f)
    }
    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()> {
        let _ = f(&mut Default::default()); // a first attempt on a throw-away state, rolled back
        self.inner.update_unknown(key, now, f)
    }
}

const PW: &str = "correct horse battery staple";
const PW2: &str = "purple elephant dancing quietly";

fn service(params: HashParams) -> Authward {
    let options = AuthwardOptions { hash_params: params, ..AuthwardOptions::default() };
    Authward::with_store(Arc::new(RetryingStore::default()), &[1u8; 32], options).unwrap()
}

#[test]
fn password_change_survives_a_retried_transaction() {
    let aw = service(HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 });
    // no minimum password age: this test runs on the system clock
    let mut policy = authward::AccountPolicy::new();
    policy.password.min_age_days = 0;
    aw.set_account_policy("acme", &policy).unwrap();
    aw.create_user("alice", "acme", PW, None).unwrap();
    aw.change_password("alice", PW, PW2, PW2).unwrap();
    aw.sign_in("alice", PW2).unwrap();
    assert_eq!(aw.sign_in("alice", PW).unwrap_err().code(), ErrorCode::InvalidCredentials);
    aw.set_password("alice", "seventeen orange umbrellas sing").unwrap();
    aw.sign_in("alice", "seventeen orange umbrellas sing").unwrap();
}

#[test]
fn rehash_survives_a_retried_transaction() {
    let store = Arc::new(RetryingStore::default());
    let weak = AuthwardOptions {
        hash_params: HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 },
        ..AuthwardOptions::default()
    };
    Authward::with_store(store.clone(), &[1u8; 32], weak)
        .unwrap()
        .create_user("alice", "acme", PW, None)
        .unwrap();
    let stronger = AuthwardOptions {
        hash_params: HashParams { memory_kib: 2048, iterations: 1, parallelism: 1 },
        ..AuthwardOptions::default()
    };
    let aw = Authward::with_store(store.clone(), &[1u8; 32], stronger).unwrap();
    aw.sign_in("alice", PW).unwrap();
    assert!(store.get_user("alice").unwrap().unwrap().password_hash.contains("m=2048"), "rehashed");
    aw.sign_in("alice", PW).unwrap();
}
