//! Throughput of the service over a file-backed SqliteStore (WAL, synchronous=NORMAL):
//! second-factor verifications per second (challenge lookup + TOTP check + replay-step write + event,
//! one transaction) with 1 and 2 threads, and sign-ins per second with cheap hash parameters
//! (m=1024 KiB, t=1, p=1, so the store's share is visible).
//!
//! `cargo bench --bench service` (prints a table; a custom harness because criterion measures
//! latency of one closure, not multi-threaded throughput).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::time::Instant;

use authward::totp::{self, TotpConfig};
use authward::{AccountPolicy, Authward, AuthwardOptions, HashParams, ManualClock};

const PW: &str = "correct horse battery staple";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a quick smoke test.
    let bench = std::env::args().any(|a| a == "--bench");
    let users: usize = if bench { 2000 } else { 20 };
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_800_000_000);
    let cheap = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
    let options = AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: cheap,
        pepper: None,
        ..AuthwardOptions::default()
    };
    let aw = Arc::new(Authward::open(dir.path().join("bench.db"), &[3u8; 32], options).unwrap());
    let mut policy = AccountPolicy::new();
    policy.password.min_strength = 0;
    aw.set_account_policy("acme", &policy).unwrap();

    let t = Instant::now();
    let mut secrets = Vec::with_capacity(users);
    for i in 0..users {
        let user = format!("user-{i}");
        aw.create_user(&user, "acme", PW, None).unwrap();
        let e = aw.begin_totp_enrollment(&user, "Bench").unwrap();
        aw.confirm_totp_enrollment(
            &user,
            &totp::code(&e.secret, clock.now(), &TotpConfig::default()).unwrap(),
        )
        .unwrap();
        secrets.push(e.secret.to_string());
    }
    eprintln!("setup: {users} users enrolled in {:.1} s", t.elapsed().as_secs_f64());

    for threads in [1usize, 2] {
        clock.advance(30);
        let now = clock.now();
        let work: Vec<(String, String)> = (0..users)
            .map(|i| {
                let user = format!("user-{i}");
                let challenge = aw.sign_in(&user, PW).unwrap().challenge.unwrap().to_string();
                (challenge, totp::code(&secrets[i], now, &TotpConfig::default()).unwrap())
            })
            .collect();
        let chunks: Vec<Vec<(String, String)>> =
            work.chunks(users.div_ceil(threads)).map(<[(String, String)]>::to_vec).collect();
        let t = Instant::now();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let aw = aw.clone();
                std::thread::spawn(move || {
                    for (c, code) in chunk {
                        aw.verify_second_factor(&c, &code).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "second-factor verifications, {threads} thread(s): {:>8.0} /s  ({:.1} µs each)",
            users as f64 / secs,
            secs * 1e6 / users as f64
        );
    }

    let n = if bench { 500 } else { 20 };
    let t = Instant::now();
    for i in 0..n {
        // users without 2FA are cheaper to find: reuse enrolled ones; sign_in stops at the challenge
        aw.sign_in(&format!("user-{}", i % users), PW).unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "sign-ins (password step, m=1024 KiB t=1 p=1), 1 thread: {:>8.0} /s  ({:.0} µs each)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}
