//! PostgreSQL throughput: second-factor verifications/s and sign-ins/s (cheap hash parameters, so the
//! store is what is measured) at 1, 2, 4, 8 and 16 connections, beside `pgbench` running the raw
//! single-statement compare-and-set `UPDATE` that bounds them, on the same server in the same run.
//! Verifications are measured twice: on the app server whose sign-in issued the challenge (judged from
//! what that sign-in wrote: one round trip) and on another app server (the challenge read first: two).
//!
//! Run it with `bash benches/postgres/run.sh` (a throwaway cluster with fsync=on; `AUTHWARD_BENCH_CONNS=8`
//! for one connection count, `AUTHWARD_BENCH_SECONDS` for the length of each figure); figures in
//! docs/performance.md. Under `cargo test` (no `--bench` argument) it only says so and exits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use authward::totp::{self, TotpConfig};
use authward::{AccountPolicy, Authward, AuthwardOptions, ErrorCode, HashParams, ManualClock};

const CHEAP: HashParams = HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };
const PW: &str = "correct horse battery staple";
const T0: u64 = 1_800_000_000;
const USERS: usize = 480;

fn with_param(url: &str, p: &str) -> String {
    format!("{url}{}{p}", if url.contains('?') { '&' } else { '?' })
}

/// The `/proc/<pid>/stat` fields after the command name (field 3, the state, first).
fn stat_fields(pid: &str) -> Vec<u64> {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return Vec::new() };
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    rest.split_whitespace().skip(1).map(|f| f.parse().unwrap_or(0)).collect()
}

/// CPU seconds used by the server so far: the postmaster, the children it reaped (backends of
/// connections closed, pgbench's included) and its live children (backends, WAL writer, checkpointer).
/// Linux only; clock ticks of 10 ms. The CPU per operation is less disturbed by other work on the
/// machine than the rate is.
fn server_cpu(postmaster: &str) -> f64 {
    // After the state: ppid is index 0, utime 10, stime 11, cutime 12, cstime 13.
    let own = stat_fields(postmaster);
    let mut ticks: u64 = own.get(10..14).map_or(0, |t| t.iter().sum());
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let f = stat_fields(&name);
        if f.first().is_some_and(|ppid| ppid.to_string() == postmaster) {
            ticks += f.get(10..12).map_or(0, |t| t.iter().sum());
        }
    }
    ticks as f64 / 100.0
}

/// CPU seconds this process has used so far (all threads).
fn own_cpu() -> f64 {
    stat_fields("self").get(10..12).map_or(0, |t| t.iter().sum::<u64>()) as f64 / 100.0
}

/// pgbench's rate (transactions/s) and the CPU seconds it used (client, server).
fn pgbench(
    url: &str,
    postmaster: &str,
    clients: usize,
    seconds: u64,
    script: &std::path::Path,
) -> (f64, f64, f64) {
    let server = server_cpu(postmaster);
    let out = Command::new("/usr/bin/time")
        .args(["-f", "cpu %U %S", "pgbench", "-n", "-M", "prepared"])
        .args(["-c", &clients.to_string(), "-j", &clients.to_string()])
        .args(["-T", &seconds.to_string(), "-f", &script.display().to_string(), url])
        .output()
        .expect("pgbench runs");
    let server = server_cpu(postmaster) - server;
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "pgbench: {err}");
    let client: f64 = err
        .lines()
        .find_map(|l| l.strip_prefix("cpu "))
        .map_or(0.0, |l| l.split_whitespace().filter_map(|n| n.parse::<f64>().ok()).sum());
    let tps = text
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench output: {text}"));
    (tps, client, server)
}

/// The verifications of one kind (on the server that took the password, or on another).
#[derive(Default)]
struct Verifies {
    time: Duration,
    ops: usize,
    /// CPU seconds, this process (the app servers).
    client_cpu: f64,
    /// CPU seconds, the database server.
    server_cpu: f64,
}

impl Verifies {
    fn rate(&self) -> f64 {
        self.ops as f64 / self.time.as_secs_f64()
    }
    /// CPU µs per verification, app + database server.
    fn cpu(&self) -> String {
        format!(
            "{:.0} + {:.0}",
            self.client_cpu / self.ops as f64 * 1e6,
            self.server_cpu / self.ops as f64 * 1e6
        )
    }
}

/// What one connection count measured.
struct Rates {
    sign_ins: f64,
    /// On the server that took the password: judged from what its sign-in wrote (no read).
    same: Verifies,
    /// On another server (its own pool and cache): the challenge is read first.
    other: Verifies,
}

/// Signs in every user on `aw` and verifies every challenge, round after round for at least `min`
/// of each kind: even rounds on `aw` itself, odd rounds on `other` (another app server).
#[allow(clippy::too_many_arguments)]
fn service_rates(
    aw: &Authward,
    other: &Authward,
    clock: &ManualClock,
    secrets: &[String],
    conns: usize,
    min: Duration,
    round: &mut u64,
    postmaster: &str,
) -> Rates {
    let (mut sign_time, mut sign_ops) = (Duration::ZERO, 0usize);
    let (mut same, mut elsewhere) = (Verifies::default(), Verifies::default());
    while same.time < min || elsewhere.time < min {
        // A new time step per round (across calls too): every code is fresh.
        *round += 1;
        clock.set(T0 + 30 * *round);
        let now = clock.now();
        let (verifier, kind) =
            if round.is_multiple_of(2) { (aw, &mut same) } else { (other, &mut elsewhere) };
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
                        let code = totp::code(secret, now, &TotpConfig::default()).unwrap();
                        match verifier.verify_second_factor(c, &code) {
                            Ok(_) => {}
                            // One verification in a million: the last round's code was also this
                            // step's, and a used code is spent for both steps (src/totp.rs).
                            Err(e) if e.code() == ErrorCode::CodeReused => {}
                            Err(e) => panic!("verification failed: {e}"),
                        }
                    }
                    barrier.wait();
                });
            }
            barrier.wait();
            let t = Instant::now();
            barrier.wait();
            let s = t.elapsed();
            let (client, server) = (own_cpu(), server_cpu(postmaster));
            barrier.wait();
            let t = Instant::now();
            barrier.wait();
            let v = t.elapsed();
            kind.client_cpu += own_cpu() - client;
            kind.server_cpu += server_cpu(postmaster) - server;
            (s, v)
        });
        sign_time += s;
        sign_ops += secrets.len();
        kind.time += v;
        kind.ops += secrets.len();
    }
    Rates { sign_ins: sign_ops as f64 / sign_time.as_secs_f64(), same, other: elsewhere }
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
    // The postmaster: the parent of the checkpointer (a backend that lives as long as the server).
    let checkpointer = String::from_utf8(
        Command::new("psql")
            .args([
                plain.as_str(),
                "-XAtc",
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let postmaster = stat_fields(checkpointer.trim()).first().map_or(String::new(), |p| p.to_string());
    println!("PostgreSQL bench: {USERS} users, fsync={}, {seconds} s per figure", fsync.trim());
    println!("CPU µs per operation (app or pgbench + database server), Linux /proc accounting:");
    println!("verifies/s: on the server that took the password (no read) | on another server (read first)");
    println!(
        "{:>5} {:>10} {:>16} {:>16} {:>13} {:>22} {:>14}",
        "conns", "sign-ins/s", "verifies/s", "raw CAS UPDATE/s", "ratio", "CPU µs/verify", "CPU µs/raw"
    );
    let mut round = 0;
    // AUTHWARD_BENCH_CONNS=8 (or "4,8") measures only those; default 1, 2, 4, 8, 16.
    let conn_counts: Vec<usize> = std::env::var("AUTHWARD_BENCH_CONNS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 4, 8, 16]);
    for conns in conn_counts {
        let open = || {
            Authward::open(with_param(&base, &format!("pool_size={conns}")), &[1u8; 32], options()).unwrap()
        };
        let (aw, other) = (open(), open());
        let r = service_rates(
            &aw,
            &other,
            &clock,
            &secrets,
            conns,
            Duration::from_secs(seconds),
            &mut round,
            &postmaster,
        );
        let (raw, raw_client, raw_server) = pgbench(&plain, &postmaster, conns, seconds, &script);
        let raw_ops = raw * seconds as f64;
        let raw_cpu = format!("{:.0} + {:.0}", raw_client / raw_ops * 1e6, raw_server / raw_ops * 1e6);
        println!(
            "{conns:>5} {:>10.0} {:>16} {raw:>16.0} {:>13} {:>22} {raw_cpu:>14}",
            r.sign_ins,
            format!("{:.0} | {:.0}", r.same.rate(), r.other.rate()),
            format!("{:.2} | {:.2}", r.same.rate() / raw, r.other.rate() / raw),
            format!("{} | {}", r.same.cpu(), r.other.cpu()),
        );
    }
}
