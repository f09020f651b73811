//! Sign-in must not reveal whether a user exists: an unknown user costs the same Argon2 work as a wrong
//! password. Distributions are measured in `benches/compare/timing` style elsewhere; this test asserts
//! only a generous bound (medians within a factor of 2), which fails if the dummy verification is removed
//! (an unknown user would then answer in microseconds instead of milliseconds).
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use authward::{Authward, AuthwardOptions, ErrorCode, HashParams};

/// The timed tests of this file run one at a time, so that one does not load the machine under the other.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn unknown_user_costs_the_same_as_wrong_password() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let params = HashParams { memory_kib: 4096, iterations: 1, parallelism: 1 };
    let aw =
        Authward::in_memory(AuthwardOptions { hash_params: params, ..AuthwardOptions::default() }).unwrap();
    aw.create_user("alice", "acme", "correct horse battery staple", None).unwrap();
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..30 {
        // interleave so machine noise hits both alike; a success every 4th round keeps alice unlocked
        let t = Instant::now();
        let e = aw.sign_in("alice", "wrong password here").unwrap_err();
        wrong.push(t.elapsed());
        assert_eq!(e.code(), ErrorCode::InvalidCredentials);
        if i % 4 == 3 {
            aw.sign_in("alice", "correct horse battery staple").unwrap();
        }
        let t = Instant::now();
        let e = aw.sign_in("nobody", "wrong password here").unwrap_err();
        unknown.push(t.elapsed());
        assert_eq!(e.code(), ErrorCode::InvalidCredentials);
    }
    let (w, u) = (median(wrong), median(unknown));
    let ratio = u.as_secs_f64() / w.as_secs_f64();
    assert!((0.5..2.0).contains(&ratio), "unknown {u:?} vs wrong password {w:?} (ratio {ratio:.2})");
}

/// After a parameter upgrade, a dormant user's old, cheaper hash must not tell them apart from an
/// unknown id (0.1: 16.8 ms against 108 ms after moving to m=64 MiB): a wrong password on an outdated
/// hash also pays a verification at today's parameters. Medians within 1.5×.
#[test]
fn dormant_user_with_an_old_hash_costs_what_an_unknown_id_costs() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    use std::sync::Arc;

    use authward::store::MemoryStore;
    use authward::{AccountPolicy, LockoutPolicy};

    let store = Arc::new(MemoryStore::new());
    let key = [3u8; 32];
    let old = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
    let new = HashParams { memory_kib: 8192, iterations: 2, parallelism: 1 };
    let then =
        Authward::with_store(store.clone(), &key, AuthwardOptions { hash_params: old, ..Default::default() })
            .unwrap();
    let policy = AccountPolicy { lockout: LockoutPolicy::new(100, 60), ..AccountPolicy::new() };
    then.set_account_policy("acme", &policy).unwrap();
    then.create_user("dormant", "acme", "correct horse battery staple", None).unwrap();
    let now = Authward::with_store(store, &key, AuthwardOptions { hash_params: new, ..Default::default() })
        .unwrap();
    let (mut dormant, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..25 {
        let t = Instant::now();
        let e = now.sign_in("dormant", &format!("wrong guess {i}")).unwrap_err();
        dormant.push(t.elapsed());
        assert_eq!(e.code(), ErrorCode::InvalidCredentials);
        let t = Instant::now();
        let e = now.sign_in(&format!("nobody-{i}"), &format!("wrong guess {i}")).unwrap_err();
        unknown.push(t.elapsed());
        assert_eq!(e.code(), ErrorCode::InvalidCredentials);
    }
    let (d, u) = (median(dormant), median(unknown));
    let ratio = d.as_secs_f64() / u.as_secs_f64();
    assert!((1.0 / 1.5..1.5).contains(&ratio), "dormant {d:?} vs unknown {u:?} (ratio {ratio:.2})");
}
