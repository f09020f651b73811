//! Sign-in must not reveal whether a user exists: an unknown user costs the same Argon2 work as a wrong
//! password. Distributions are measured in `benches/compare/timing` style elsewhere; this test asserts
//! only a generous bound (medians within a factor of 2), which fails if the dummy verification is removed
//! (an unknown user would then answer in microseconds instead of milliseconds).
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use authward::{Authward, AuthwardOptions, ErrorCode, HashParams};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn unknown_user_costs_the_same_as_wrong_password() {
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
