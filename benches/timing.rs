//! Sign-in time for an unknown user vs a wrong password, at the default (OWASP) Argon2 parameters, in
//! one process, interleaved: the distributions must overlap (no user enumeration by timing).
//!
//! `cargo bench --bench timing` (300 tries each; prints percentiles). Under `cargo test` it runs 5 tries
//! as a smoke test; the assertion with a generous bound lives in tests/timing.rs.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use std::sync::Arc;

use authward::{AccountPolicy, Authward, AuthwardOptions, ErrorCode, ManualClock};

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let tries = if std::env::args().any(|a| a == "--bench") { 300 } else { 5 };
    let dir = tempfile::tempdir().unwrap();
    // A manual clock so the run can step past the 100-failures-per-hour cap between batches.
    let clock = ManualClock::new(1_800_000_000);
    let options = AuthwardOptions { clock: Some(Arc::new(clock.clone())), ..AuthwardOptions::default() };
    let aw = Authward::open(dir.path().join("t.db"), &[5u8; 32], options).unwrap();
    let mut p = AccountPolicy::new();
    p.lockout.max_failures = 100;
    aw.set_account_policy("acme", &p).unwrap();
    aw.create_user("alice", "acme", "correct horse battery staple", None).unwrap();
    let (mut wrong, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..tries {
        let t = Instant::now();
        assert_eq!(
            aw.sign_in("alice", "not the password").unwrap_err().code(),
            ErrorCode::InvalidCredentials
        );
        wrong.push(t.elapsed());
        let t = Instant::now();
        assert_eq!(
            aw.sign_in("nobody", "not the password").unwrap_err().code(),
            ErrorCode::InvalidCredentials
        );
        unknown.push(t.elapsed());
        if i % 50 == 49 {
            clock.advance(3601); // a new hour: the hourly failure cap starts over
            aw.sign_in("alice", "correct horse battery staple").unwrap(); // resets the failure count
        }
    }
    wrong.sort();
    unknown.sort();
    println!(
        "sign-in failure time, ms, {tries} interleaved tries each, Argon2id m=19456 t=2 p=1, SQLite store"
    );
    println!("{:<16} {:>7} {:>7} {:>7} {:>7} {:>7}", "", "min", "p10", "p50", "p90", "p99");
    for (name, v) in [("wrong password", &wrong), ("unknown user", &unknown)] {
        println!(
            "{name:<16} {:>7.2} {:>7.2} {:>7.2} {:>7.2} {:>7.2}",
            pct(v, 0.0),
            pct(v, 0.1),
            pct(v, 0.5),
            pct(v, 0.9),
            pct(v, 0.99)
        );
    }
    println!("median ratio unknown/wrong: {:.3}", pct(&unknown, 0.5) / pct(&wrong, 0.5));
}
