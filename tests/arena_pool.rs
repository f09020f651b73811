//! The process-wide Argon2 arena pool (issue 16) through the public API: any thread reuses any idle
//! arena, at most `max_idle` stay idle after many threads hashed, the service and the stateless
//! primitives share it, and `AUTHWARD_ARGON2_IDLE_ARENAS` sets the bound for a process. Timings and
//! RSS are measured by `cargo bench --bench arena` (docs/performance.md), not asserted here.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use authward::password::arena::{self, PoolConfig};
use authward::password::hash;
use authward::{Authward, AuthwardOptions, HashParams};

const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

#[test]
fn the_process_shares_one_bounded_pool() {
    if std::env::var_os("AUTHWARD_ARENA_CHILD").is_some() {
        return; // the child of the test below runs only that one
    }
    arena::configure(PoolConfig { max_idle: 2, ..PoolConfig::new() });
    hash::hash("first", &CHEAP, None).unwrap();
    let before = arena::stats();
    assert_eq!((before.idle, before.in_use), (1, 0), "{before:?}");
    assert!(before.idle_kib >= 1024);

    // A new thread hashes with the idle arena: nothing allocated.
    std::thread::spawn(|| hash::hash("second", &CHEAP, None).unwrap()).join().unwrap();
    let after = arena::stats();
    assert_eq!(after.created, before.created, "{after:?}");
    assert_eq!(after.reused, before.reused + 1);

    // 32 threads hashing at once: afterwards at most 2 arenas stay, the rest went back to the OS.
    let start = std::sync::Arc::new(std::sync::Barrier::new(32));
    let threads: Vec<_> = (0..32)
        .map(|i| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let phc = hash::hash(&format!("password {i}"), &CHEAP, None).unwrap();
                assert!(hash::verify(&format!("password {i}"), &phc, None).unwrap());
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let s = arena::stats();
    assert!(s.idle <= 2 && s.in_use == 0, "{s:?}");
    assert!(s.created > after.created, "some of the 32 ran at the same time: {s:?}");
    assert_eq!(s.released, s.created - s.idle as u64, "every arena not idle was released: {s:?}");

    // The service borrows from the same pool (its dummy hash at construction, then a sign-in).
    let reused = arena::stats().reused;
    let svc =
        Authward::in_memory(AuthwardOptions { hash_params: CHEAP, ..AuthwardOptions::default() }).unwrap();
    svc.set_account_policy("acme", &authward::AccountPolicy::new()).unwrap();
    svc.create_user("alice", "acme", "correct horse battery staple", None).unwrap();
    svc.sign_in("alice", "correct horse battery staple").unwrap();
    assert!(arena::stats().reused >= reused + 3, "{:?}", arena::stats());

    // A lower bound releases idle arenas now; 0 keeps none at all.
    arena::configure(PoolConfig { max_idle: 0, ..PoolConfig::new() });
    assert_eq!(arena::stats().idle, 0);
    hash::hash("third", &CHEAP, None).unwrap();
    assert_eq!((arena::stats().idle, arena::stats().idle_kib), (0, 0));
    arena::configure(PoolConfig::new());
    hash::hash("fourth", &CHEAP, None).unwrap();
    arena::release_idle();
    assert_eq!(arena::stats().idle, 0);
}

#[test]
fn the_environment_sets_the_idle_bound_of_a_process() {
    if std::env::var_os("AUTHWARD_ARENA_CHILD").is_some() {
        assert_eq!(arena::config().max_idle, 3);
        let threads: Vec<_> =
            (0..6).map(|_| std::thread::spawn(|| drop(hash::hash("pw", &CHEAP, None).unwrap()))).collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert!(arena::stats().idle <= 3, "{:?}", arena::stats());
        return;
    }
    assert_eq!(PoolConfig::ENV_MAX_IDLE, "AUTHWARD_ARGON2_IDLE_ARENAS");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "the_environment_sets_the_idle_bound_of_a_process", "--nocapture"])
        .env("AUTHWARD_ARENA_CHILD", "1")
        .env(PoolConfig::ENV_MAX_IDLE, "3")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
