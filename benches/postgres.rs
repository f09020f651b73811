//! PostgreSQL throughput: second-factor verifications/s and sign-ins/s (cheap hash parameters, so the
//! store is what is measured) at 1, 2, 4, 8 and 16 connections, beside `pgbench` running the raw
//! single-statement compare-and-set `UPDATE` that bounds them, on the same server in the same run.
//!
//! Run it with `bash benches/postgres/run.sh` (a throwaway cluster with fsync=on; `AUTHWARD_BENCH_CONNS=8`
//! for one connection count, `AUTHWARD_BENCH_SECONDS` for the length of each figure); figures in
//! docs/performance.md. Under `cargo test` (no `--bench` argument) it only says so and exits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use authward::totp::{self, TotpConfig};
use authward::{AccountPolicy, Authward, AuthwardOptions, HashParams, ManualClock};

const CHEAP: HashParams = HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };
const PW: &str = "correct horse battery staple";
const T0: u64 = 1_800_000_000;
const USERS: usize = 480;

fn with_param(url: &str, p: &str) -> String {
    format!("{url}{}{p}", if url.contains('?') { '&' } else { '?' })
}

fn pgbench(url: &str, clients: usize, seconds: u64, script: &std::path::Path) -> f64 {
    let out = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", &clients.to_string()])
        .args(["-T", &seconds.to_string(), "-f", &script.display().to_string(), url])
        .output()
        .expect("pgbench runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "pgbench: {}", String::from_utf8_lossy(&out.stderr));
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench output: {text}"))
}

/// Signs in every user and verifies every challenge, round after round for at least `min`; returns (sign-ins/s, verifications/s).
fn service_rates(
    aw: &Authward,
    clock: &ManualClock,
    secrets: &[String],
    conns: usize,
    min: Duration,
    round: &mut u64,
) -> (f64, f64) {
    let (mut sign_time, mut verify_time, mut ops) = (Duration::ZERO, Duration::ZERO, 0usize);
    while verify_time < min {
        // A new time step per round (across calls too): every code is fresh.
        *round += 1;
        clock.set(T0 + 30 * *round);
        let now = clock.now();
        let barrier = Barrier::new(conns + 1);
        let chunk = secrets.len().div_ceil(conns);
        let (s, v) = std::thread::scope(|scope| {
            for (t, part) in secrets.chunks(chunk).enumerate() {
                let barrier = &barrier;
                scope.spawn(move || {
                    let users: Vec<String> = (0..part.len()).map(|i| format!("u{}", t * chunk + i)).collect();
                    barrier.wait();
                    let challenges: Vec<_> =
                        users.iter().map(|u| aw.sign_in(u, PW).unwrap().challenge.unwrap()).collect();
                    barrier.wait();
                    barrier.wait();
                    for (c, secret) in challenges.iter().zip(part) {
                        aw.verify_second_factor(c, &totp::code(secret, now, &TotpConfig::default()).unwrap())
                            .unwrap();
                    }
                    barrier.wait();
                });
            }
            barrier.wait();
            let t = Instant::now();
            barrier.wait();
            let s = t.elapsed();
            barrier.wait();
            let t = Instant::now();
            barrier.wait();
            (s, t.elapsed())
        });
        sign_time += s;
        verify_time += v;
        ops += secrets.len();
    }
    (ops as f64 / sign_time.as_secs_f64(), ops as f64 / verify_time.as_secs_f64())
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "postgres bench: run `bash benches/postgres/run.sh` (needs a server); nothing to do under cargo test"
        );
        return;
    }
    let Ok(url) = std::env::var("AUTHWARD_BENCH_POSTGRES_URL") else {
        println!(
            "postgres bench SKIPPED: AUTHWARD_BENCH_POSTGRES_URL is not set (use benches/postgres/run.sh)"
        );
        return;
    };
    let seconds: u64 = std::env::var("AUTHWARD_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let schema = format!("bench_{}", std::process::id());
    let clock = ManualClock::new(T0);
    let options =
        || AuthwardOptions { clock: Some(Arc::new(clock.clone())), hash_params: CHEAP, ..Default::default() };
    let base = with_param(&url, &format!("schema={schema}"));
    let secrets: Vec<String> = {
        let aw = Authward::open(with_param(&base, "pool_size=4"), &[1u8; 32], options()).unwrap();
        aw.set_account_policy("bench", &AccountPolicy::default()).unwrap();
        (0..USERS)
            .map(|i| {
                let u = format!("u{i}");
                aw.create_user(&u, "bench", PW, None).unwrap();
                let e = aw.begin_totp_enrollment(&u, "Bench").unwrap();
                aw.confirm_totp_enrollment(&u, &totp::code(&e.secret, T0, &TotpConfig::default()).unwrap())
                    .unwrap();
                e.secret.to_string()
            })
            .collect()
    };
    // The raw bound: one compare-and-set UPDATE of a user row (same width: key, revision, jsonb body).
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("cas.sql");
    std::fs::write(
        &script,
        format!(
            "\\set id random(0, {})\nUPDATE {schema}.raw_cas SET revision = revision + 1, body = body \
             WHERE user_id = 'u' || :id AND revision >= 0;\n",
            USERS - 1
        ),
    )
    .unwrap();
    let plain = url.split('?').next().unwrap().to_string();
    let status = Command::new("psql")
        .args([plain.as_str(), "-XAtq", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!(
            "CREATE TABLE {schema}.raw_cas AS SELECT user_id, revision, body FROM {schema}.users; \
             ALTER TABLE {schema}.raw_cas ADD PRIMARY KEY (user_id)"
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let fsync = String::from_utf8(
        Command::new("psql").args([plain.as_str(), "-XAtc", "SHOW fsync"]).output().unwrap().stdout,
    )
    .unwrap();
    println!("PostgreSQL bench: {USERS} users, fsync={}, {seconds} s per figure", fsync.trim());
    println!(
        "{:>5} {:>14} {:>14} {:>16} {:>8}",
        "conns", "sign-ins/s", "verifies/s", "raw CAS UPDATE/s", "ratio"
    );
    let mut round = 0;
    // AUTHWARD_BENCH_CONNS=8 (or "4,8") measures only those; default 1, 2, 4, 8, 16.
    let conn_counts: Vec<usize> = std::env::var("AUTHWARD_BENCH_CONNS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 4, 8, 16]);
    for conns in conn_counts {
        let aw =
            Authward::open(with_param(&base, &format!("pool_size={conns}")), &[1u8; 32], options()).unwrap();
        let (sign_ins, verifies) =
            service_rates(&aw, &clock, &secrets, conns, Duration::from_secs(seconds), &mut round);
        let raw = pgbench(&plain, conns, seconds, &script);
        println!("{conns:>5} {sign_ins:>14.0} {verifies:>14.0} {raw:>16.0} {:>8.2}", verifies / raw);
    }
}
