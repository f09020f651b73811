//! Many app servers racing on one PostgreSQL database: 8 processes × 4 threads, each process with its
//! own `Authward` and pool (tests/postgres/run.sh provides the server).
//!
//! * One valid TOTP code, submitted by all 32 at once for the same user: exactly one wins, in every
//!   trial (`AUTHWARD_PG_RACE_TRIALS`, 500 under CI).
//! * Concurrent wrong passwords from all processes: at most `max_failures` are judged.
//! * change_password in one process while three others sign in (and rehash) lose no update.
#![cfg(feature = "postgres")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "support/pg.rs"]
mod pg;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authward::password::hash;
use authward::store::{PostgresStore, Store};
use authward::totp::{self, TotpConfig};
use authward::{AccountPolicy, Authward, AuthwardOptions, ErrorCode, HashParams, ManualClock};

const PROCESSES: usize = 8;
const THREADS: usize = 4;
const CHEAP: HashParams = HashParams { memory_kib: 256, iterations: 1, parallelism: 1 };
/// Other parameters: a sign-in under them rehashes the password (a write racing with change_password).
const CHEAP_OTHER: HashParams = HashParams { memory_kib: 512, iterations: 1, parallelism: 1 };
const KEY: [u8; 32] = [77u8; 32];
const T0: u64 = 1_800_000_010;
const PW: &str = "correct horse battery staple";

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

fn sleep_until(ms: u64) {
    let now = now_ms();
    if ms > now {
        std::thread::sleep(Duration::from_millis(ms - now));
    }
}

/// The moment trial `t` starts in every process: the shared start plus `t` slots.
fn go_ms(t: usize, slot: u64) -> u64 {
    START.load(std::sync::atomic::Ordering::SeqCst) + t as u64 * slot
}

/// The start moment the parent named (set by `ready_then_go`).
static START: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A value distinct per call (thread id and time), for distinct wrong passwords.
fn rand_suffix() -> String {
    format!(
        "{:?} {}",
        std::thread::current().id(),
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos()
    )
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} not set"))
}

fn open(url: &str, clock: &ManualClock, params: HashParams) -> Authward {
    let options =
        AuthwardOptions { clock: Some(Arc::new(clock.clone())), hash_params: params, ..Default::default() };
    Authward::open(pg::with_param(url, &format!("pool_size={THREADS}")), &KEY, options).unwrap()
}

fn changed_password(i: usize) -> String {
    format!("{PW} number {i}")
}

/// Runs `PROCESSES` children in `mode` and returns their stdout lines. Children prepare (open, sign in),
/// say they are ready, and all start at the moment the parent then names.
fn children(mode: &str, url: &str, extra: &[(&str, String)]) -> Vec<String> {
    let sync = tempfile::tempdir().unwrap();
    let mut kids: Vec<_> = (0..PROCESSES)
        .map(|i| {
            let mut cmd = Command::new(std::env::current_exe().unwrap());
            cmd.args(["--exact", "child", "--nocapture", "--test-threads=1"])
                .env("AUTHWARD_PG_CHILD", mode)
                .env("AUTHWARD_PG_CHILD_INDEX", i.to_string())
                .env("AUTHWARD_TEST_POSTGRES_URL", url)
                .env("AUTHWARD_PG_SYNC", sync.path())
                .stdout(Stdio::piped());
            for (k, v) in extra {
                cmd.env(k, v);
            }
            cmd.spawn().unwrap()
        })
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while (0..PROCESSES).any(|i| !sync.path().join(format!("ready{i}")).exists()) {
        if let Some(kid) = kids.iter_mut().find_map(|k| k.try_wait().unwrap().filter(|s| !s.success())) {
            panic!("a child failed while preparing: {kid}");
        }
        assert!(std::time::Instant::now() < deadline, "children never got ready");
        std::thread::sleep(Duration::from_millis(10));
    }
    let go = sync.path().join("go");
    std::fs::write(sync.path().join("go.tmp"), (now_ms() + 300).to_string()).unwrap();
    std::fs::rename(sync.path().join("go.tmp"), &go).unwrap();
    let mut lines = Vec::new();
    for kid in kids {
        let out = kid.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "child failed:\n{text}");
        // libtest may print "test child ... " on the same line first.
        lines.extend(text.lines().filter_map(|l| l.split_once("RESULT ")).map(|(_, r)| r.to_string()));
    }
    lines
}

/// In a child: says it is ready and waits for the parent's start moment (unix ms).
fn ready_then_go() -> u64 {
    let sync = std::path::PathBuf::from(env("AUTHWARD_PG_SYNC"));
    std::fs::write(sync.join(format!("ready{}", env("AUTHWARD_PG_CHILD_INDEX"))), "").unwrap();
    loop {
        if let Ok(text) = std::fs::read_to_string(sync.join("go")) {
            let start = text.parse().unwrap();
            START.store(start, std::sync::atomic::Ordering::SeqCst);
            sleep_until(start);
            return start;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The children's side: dispatched on `AUTHWARD_PG_CHILD`; a no-op in a normal test run.
#[test]
fn child() {
    let Ok(mode) = std::env::var("AUTHWARD_PG_CHILD") else { return };
    let url = env("AUTHWARD_TEST_POSTGRES_URL");
    let index: usize = env("AUTHWARD_PG_CHILD_INDEX").parse().unwrap();
    let mut out = std::io::stdout().lock();
    match mode.as_str() {
        "code" => {
            let trials: usize = env("AUTHWARD_PG_RACE_TRIALS").parse().unwrap();
            let slot: u64 = env("AUTHWARD_PG_RACE_SLOT_MS").parse().unwrap();
            let secrets: Vec<String> = env("AUTHWARD_PG_SECRETS").split(',').map(str::to_string).collect();
            let clock = ManualClock::new(T0 + 60);
            let aw = open(&url, &clock, CHEAP);
            let barrier = Barrier::new(THREADS);
            let code_at = |t: usize| totp::code(&secrets[t], T0 + 60, &TotpConfig::default()).unwrap();
            let wins: Vec<Vec<u32>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..THREADS)
                    .map(|k| {
                        let (aw, barrier, code_at) = (&aw, &barrier, &code_at);
                        s.spawn(move || {
                            // Sign in for every trial first, each thread in its own order (few collisions).
                            let me = index * THREADS + k;
                            let mut challenges = vec![None; trials];
                            for i in 0..trials {
                                let t = (i + me * trials / (PROCESSES * THREADS)) % trials;
                                challenges[t] = aw.sign_in(&format!("racer{t}"), PW).unwrap().challenge;
                            }
                            barrier.wait();
                            if k == 0 {
                                ready_then_go();
                            }
                            barrier.wait();
                            let mut wins = vec![0u32; trials];
                            for (t, challenge) in challenges.iter().enumerate() {
                                let code = code_at(t);
                                barrier.wait();
                                sleep_until(go_ms(t, slot));
                                match aw.verify_second_factor(challenge.as_ref().unwrap(), &code) {
                                    Ok(_) => wins[t] += 1,
                                    Err(e) => assert_eq!(e.code(), ErrorCode::CodeReused, "trial {t}: {e}"),
                                }
                            }
                            wins
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let per_trial: Vec<String> =
                (0..trials).map(|t| wins.iter().map(|w| w[t]).sum::<u32>().to_string()).collect();
            writeln!(out, "RESULT {}", per_trial.join(",")).unwrap();
        }
        "wrong" => {
            let clock = ManualClock::new(T0);
            let aw = open(&url, &clock, CHEAP);
            let start = ready_then_go();
            let results: Vec<String> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..THREADS)
                    .map(|_| {
                        s.spawn(|| {
                            sleep_until(start);
                            // Distinct wrong passwords: the same wrong one again is not counted twice.
                            let wrong = format!("wrong password {index} {}", rand_suffix());
                            match aw.sign_in("victim", &wrong) {
                                Err(e) => e.code().as_str().to_string(),
                                Ok(_) => "OK".to_string(),
                            }
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for r in results {
                writeln!(out, "RESULT {r}").unwrap();
            }
        }
        "change" => {
            let clock = ManualClock::new(T0);
            let changes: usize = env("AUTHWARD_PG_CHANGES").parse().unwrap();
            let progress = std::path::PathBuf::from(env("AUTHWARD_PG_PROGRESS"));
            if index == 0 {
                // The user: changes the password `changes` times, publishing each new one.
                /// Tells the signers to stop however this process ends (a panic included).
                struct Done<'a>(&'a std::path::Path);
                impl Drop for Done<'_> {
                    fn drop(&mut self) {
                        let _ = std::fs::write(self.0, "done");
                    }
                }
                let _done = Done(&progress);
                let aw = open(&url, &clock, CHEAP);
                ready_then_go();
                let mut concurrent = 0;
                for i in 0..changes {
                    let (cur, new) = (changed_password(i), changed_password(i + 1));
                    let mut tries = 0;
                    loop {
                        match aw.change_password("changer", &cur, &new, &new) {
                            Ok(()) => break,
                            // A sign-in rehashed the password between our read and our write: the
                            // service refuses (INVALID_STATE) or voids the check (WRONG_PASSWORD); retry.
                            // A lost update would make every retry fail.
                            Err(e)
                                if matches!(e.code(), ErrorCode::InvalidState | ErrorCode::WrongPassword)
                                    && tries < 200 =>
                            {
                                concurrent += 1;
                                tries += 1;
                            }
                            Err(e) => panic!("change {i} (after {tries} retries): {e}"),
                        }
                    }
                    std::fs::write(&progress, (i + 1).to_string()).unwrap();
                    std::thread::sleep(Duration::from_millis(20));
                }
                writeln!(out, "RESULT changer retried {concurrent}").unwrap();
            } else {
                // Three other servers: sign in with the newest password, rehashing it after each change.
                // (More would void enough concurrent checks to reach the hourly failure ceiling.)
                let aw = open(&url, &clock, CHEAP_OTHER);
                ready_then_go();
                if index > 3 {
                    writeln!(out, "RESULT signed in 0").unwrap();
                    return;
                }
                let signed: usize = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..1)
                        .map(|k| {
                            let (aw, progress) = (&aw, &progress);
                            s.spawn(move || {
                                let mut ok = 0;
                                let client = format!("signer {index} {k}");
                                let deadline = std::time::Instant::now() + Duration::from_secs(120);
                                loop {
                                    let text = std::fs::read_to_string(progress).unwrap_or_default();
                                    if text == "done" || std::time::Instant::now() > deadline {
                                        return ok;
                                    }
                                    let i: usize = text.parse().unwrap_or(0);
                                    match aw.sign_in_from("changer", &changed_password(i), Some(&client)) {
                                        Ok(_) => ok += 1,
                                        Err(e) => assert!(
                                            matches!(
                                                e.code(),
                                                ErrorCode::InvalidCredentials | ErrorCode::LockedOut
                                            ),
                                            "{e}"
                                        ),
                                    }
                                }
                            })
                        })
                        .collect();
                    handles.into_iter().map(|h| h.join().unwrap()).sum()
                });
                writeln!(out, "RESULT signed in {signed}").unwrap();
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

#[test]
fn one_code_from_many_servers_exactly_one_wins() {
    let Some(url) = pg::url() else { return };
    if std::env::var("AUTHWARD_PG_CHILD").is_ok() {
        return;
    }
    let trials: usize =
        std::env::var("AUTHWARD_PG_RACE_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(50);
    let url = pg::fresh_url(&url, "race");
    let clock = ManualClock::new(T0);
    let aw = open(&url, &clock, CHEAP);
    let mut policy = AccountPolicy::default();
    policy.lockout.max_failures = 100;
    aw.set_account_policy("race", &policy).unwrap();
    let secrets: Vec<String> = (0..trials)
        .map(|t| {
            let user = format!("racer{t}");
            aw.create_user(&user, "race", PW, None).unwrap();
            let e = aw.begin_totp_enrollment(&user, "Race").unwrap();
            aw.confirm_totp_enrollment(&user, &totp::code(&e.secret, T0, &TotpConfig::default()).unwrap())
                .unwrap();
            e.secret.to_string()
        })
        .collect();
    let started = std::time::Instant::now();
    let lines = children(
        "code",
        &url,
        &[
            ("AUTHWARD_PG_RACE_TRIALS", trials.to_string()),
            (
                "AUTHWARD_PG_RACE_SLOT_MS",
                std::env::var("AUTHWARD_PG_RACE_SLOT_MS").unwrap_or_else(|_| "40".into()),
            ),
            ("AUTHWARD_PG_SECRETS", secrets.join(",")),
        ],
    );
    assert_eq!(lines.len(), PROCESSES);
    let mut totals = vec![0u32; trials];
    for line in &lines {
        for (t, w) in line.split(',').enumerate() {
            totals[t] += w.parse::<u32>().unwrap();
        }
    }
    for (t, wins) in totals.iter().enumerate() {
        assert_eq!(*wins, 1, "trial {t}: {wins} winners");
    }
    eprintln!(
        "{trials} trials × {} submissions: exactly one winner each ({:?})",
        PROCESSES * THREADS,
        started.elapsed()
    );
}

#[test]
fn concurrent_wrong_passwords_from_many_servers_judge_at_most_max_failures() {
    let Some(url) = pg::url() else { return };
    if std::env::var("AUTHWARD_PG_CHILD").is_ok() {
        return;
    }
    let url = pg::fresh_url(&url, "wrong");
    let clock = ManualClock::new(T0);
    let aw = open(&url, &clock, CHEAP);
    let policy = AccountPolicy::default();
    let max = policy.lockout.max_failures as usize;
    aw.set_account_policy("acme", &policy).unwrap();
    aw.create_user("victim", "acme", PW, None).unwrap();
    let lines = children("wrong", &url, &[]);
    assert_eq!(lines.len(), PROCESSES * THREADS);
    let judged = lines.iter().filter(|l| *l == "INVALID_CREDENTIALS").count();
    assert!(lines.iter().all(|l| l == "INVALID_CREDENTIALS" || l == "LOCKED_OUT"), "{lines:?}");
    assert!(judged <= max, "{judged} wrong passwords judged, max_failures is {max}");
    assert!(judged >= 1);
}

#[test]
fn change_password_and_sign_in_on_many_servers_lose_no_update() {
    let Some(url) = pg::url() else { return };
    if std::env::var("AUTHWARD_PG_CHILD").is_ok() {
        return;
    }
    let url = pg::fresh_url(&url, "change");
    let clock = ManualClock::new(T0);
    let aw = open(&url, &clock, CHEAP);
    let mut policy = AccountPolicy::default();
    policy.lockout.max_failures = 100;
    // many changes in a row on one (manual) clock: no minimum password age here
    policy.password.min_age_days = 0;
    aw.set_account_policy("acme", &policy).unwrap();
    aw.create_user("changer", "acme", &changed_password(0), None).unwrap();
    let before = aw.status("changer").unwrap().credential_version;
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress");
    std::fs::write(&progress, "0").unwrap();
    let changes = 12;
    let lines = children(
        "change",
        &url,
        &[
            ("AUTHWARD_PG_CHANGES", changes.to_string()),
            ("AUTHWARD_PG_PROGRESS", progress.display().to_string()),
        ],
    );
    eprintln!("{lines:?}");
    let signed: usize =
        lines.iter().filter_map(|l| l.strip_prefix("signed in ")).map(|n| n.parse::<usize>().unwrap()).sum();
    assert!(signed > 0, "the sign-ins never overlapped the changes: {lines:?}");
    // Every change counted once, and the newest password is the one stored (no rehash of an older one
    // written over it).
    assert_eq!(aw.status("changer").unwrap().credential_version, before + changes as u64);
    let store = PostgresStore::open(&url).unwrap();
    let rec = store.get_user("changer").unwrap().unwrap();
    assert!(hash::verify(&changed_password(changes), &rec.password_hash, None).unwrap());
    assert!(!hash::verify(&changed_password(changes - 1), &rec.password_hash, None).unwrap());
    assert_eq!(rec.password_history.len(), policy.password.history as usize);
}
