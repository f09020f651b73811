//! Hostile PHC strings (issue 12, finding 4): a stored hash names its own cost, so the service refuses
//! one over its verify limits (derived from its hash parameters) before allocating, and a deployment
//! migrating from stronger parameters raises the limits explicitly. The stateless cases are in
//! tests/vectors/bad_inputs.json (walked by all four suites) and in `password::hash`'s unit tests.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;

use authward::password::hash::{self, VerifyLimits};
use authward::store::{MemoryStore, Store};
use authward::{AccountPolicy, Authward, AuthwardOptions, ErrorCode, EventKind, HashParams, SignInStatus};

const KEY: [u8; 32] = [9; 32];
const PASSWORD: &str = "correct horse battery staple";
const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
/// One pass over what a service at `CHEAP` (or the defaults) accepts: t ≤ 4 × max(2, 1) = 8.
const OLD: HashParams = HashParams { memory_kib: 1024, iterations: 9, parallelism: 1 };

fn service(store: &Arc<MemoryStore>, params: HashParams) -> Authward {
    let options = AuthwardOptions { hash_params: params, ..AuthwardOptions::default() };
    Authward::with_store(store.clone(), &KEY, options).unwrap()
}

fn stored_hash(store: &MemoryStore, user: &str) -> String {
    store.get_user(user).unwrap().unwrap().password_hash.clone()
}

#[test]
fn the_service_refuses_a_stored_hash_over_its_limits_and_accepts_it_with_raised_ones() {
    let store = Arc::new(MemoryStore::new());
    let then = service(&store, OLD);
    then.set_account_policy("acme", &AccountPolicy::new()).unwrap();
    then.create_user("alice", "acme", PASSWORD, None).unwrap();
    let old_hash = stored_hash(&store, "alice");
    assert!(old_hash.contains("t=9"), "{old_hash}");

    // Today's service hashes at t=1: a stored t=9 is over its limits, refused without hashing.
    let now = service(&store, CHEAP);
    let e = now.sign_in("alice", PASSWORD).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
    assert_eq!(stored_hash(&store, "alice"), old_hash);

    // Its limits derive from its params: a service hashing at t=3 accepts t=9 (4 × 3 = 12).
    let t3 = service(&store, HashParams { iterations: 3, ..CHEAP });
    assert_eq!(
        t3.sign_in("alice", "a wrong guess, counted").unwrap_err().code(),
        ErrorCode::InvalidCredentials
    );

    // With raised limits the old hash verifies and is replaced by one at today's parameters.
    let migrating = service(&store, CHEAP).with_verify_limits(VerifyLimits::for_params(&OLD));
    let signed_in = migrating.sign_in("alice", PASSWORD).unwrap();
    assert_eq!(signed_in.status, SignInStatus::Complete);
    let new_hash = stored_hash(&store, "alice");
    assert!(!hash::needs_rehash(&new_hash, &CHEAP).unwrap(), "{new_hash}");
    assert!(migrating.events("alice", 10).unwrap().iter().any(|e| e.kind == EventKind::PasswordRehashed));

    // And from then on today's service, with its default limits, signs her in.
    assert_eq!(now.sign_in("alice", PASSWORD).unwrap().status, SignInStatus::Complete);
}

#[test]
fn stateless_defaults_refuse_what_the_issue_names() {
    let hostile = "$argon2id$v=19$m=4194304,t=1024,p=1$pARn2c9qzrPkdbXFsZWW3w$b2QhegeUnyyv+TnGuXmEzH3ZZFkwkEpfWw25GUsCBQM";
    let started = std::time::Instant::now();
    assert_eq!(hash::verify(PASSWORD, hostile, None).unwrap_err().code(), ErrorCode::InvalidArgument);
    assert_eq!(
        hash::needs_rehash(hostile, &HashParams::DEFAULT).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    for non_canonical in ["m=019456", "m=+19456"] {
        let phc = format!(
            "$argon2id$v=19${non_canonical},t=2,p=1$pARn2c9qzrPkdbXFsZWW3w$b2QhegeUnyyv+TnGuXmEzH3ZZFkwkEpfWw25GUsCBQM"
        );
        assert_eq!(
            hash::verify(PASSWORD, &phc, None).unwrap_err().code(),
            ErrorCode::InvalidArgument,
            "{phc}"
        );
    }
}
