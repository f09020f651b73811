//! The Argon2 arena pool (issue 16), measured: not a timed test, figures for docs/performance.md.
//!
//! ```text
//! cargo bench --bench arena            # everything below, a few minutes in all
//! cargo bench --bench arena -- fresh   # one part: fresh | threads | bandwidth | rss
//! ```
//! * `fresh`: the first hash on a new thread against a warm hash on a long-lived thread, at OWASP
//!   (19456,2,1) and RFC 9106 (65536,3,4), through `hash::hash` (the pool) and through a model of the
//!   previous design (one `argon2_rust::Hasher` per thread, what hash.rs did before the pool).
//! * `threads`: hashes/s of 2 threads against 1 (warm pool), at OWASP, 65536,3,1 and 65536,3,4.
//! * `bandwidth`: memory copy bandwidth of 1 and 2 threads (64 MiB buffers), the bound on the above.
//! * `rss`: VmRSS above the process's baseline after 32 threads each hashed once at m = 64 MiB (still
//!   alive, then joined), each design in a fresh process; VmHWM is the peak while all 32 ran at once.
//!
//! Medians (and ratios from the same run) are printed; the machine may be shared, so the load average
//! is printed first. Run by `cargo test --all-targets` once in a quick mode (tiny parameters, no timing).

#![allow(clippy::expect_used, missing_docs)]

use std::cell::RefCell;
use std::sync::{Arc, Barrier};
use std::time::Instant;

use argon2_rust::params::Memory;
use argon2_rust::{Algorithm, Argon2, Hasher, Params, Version};
use authward::HashParams;
use authward::password::{arena, hash};

const PASSWORD: &str = "correct horse battery staple";
const OWASP: HashParams = HashParams::DEFAULT;
const RFC: HashParams = HashParams::RFC9106_LOW_MEMORY;

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn name(p: &HashParams) -> String {
    format!("{},{},{}", p.memory_kib, p.iterations, p.parallelism)
}

/// One hash through the core (the pool).
fn pooled(params: &HashParams) {
    hash::hash(PASSWORD, params, None).expect("hash");
}

thread_local! {
    static PER_THREAD: RefCell<Option<Hasher>> = const { RefCell::new(None) };
}

/// One hash the way hash.rs did before the pool: an arena per thread, kept for the thread's life.
fn per_thread(params: &HashParams) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let p = Params::builder()
        .memory(Memory::kib(u64::from(params.memory_kib)))
        .passes(params.iterations)
        .lanes(params.parallelism)
        .threads(params.parallelism.min(cores))
        .build()
        .expect("params");
    let ctx = Argon2::new(Algorithm::Argon2id, Version::V0x13, p);
    let mut out = [0u8; 32];
    PER_THREAD.with(|cell| {
        let mut slot = cell.borrow_mut();
        let h = slot.get_or_insert_with(|| ctx.hasher());
        h.set_argon2(ctx);
        h.hash_into(PASSWORD.as_bytes(), b"0123456789abcdef", &mut out).expect("hash");
    });
}

/// Median ms of a hash on a fresh thread and on a warm one, for one design.
fn fresh_vs_warm(f: fn(&HashParams), params: HashParams, n: usize) -> (f64, f64) {
    f(&params); // the process's first arena
    let fresh = (0..n)
        .map(|_| {
            std::thread::spawn(move || {
                let t = Instant::now();
                f(&params);
                ms(t)
            })
            .join()
            .expect("thread")
        })
        .collect();
    let warm = std::thread::spawn(move || {
        f(&params);
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f(&params);
                ms(t)
            })
            .collect()
    })
    .join()
    .expect("thread");
    (median(fresh), median(warm))
}

fn fresh(quick: bool) {
    println!("\n## first hash on a fresh thread vs a warm hash (median ms)");
    println!("| params | pool: fresh | pool: warm | pool ratio | per-thread model: fresh | warm | ratio |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let cases = if quick { vec![(tiny(), 2)] } else { vec![(OWASP, 15), (RFC, 8)] };
    for (params, n) in cases {
        let (pf, pw) = fresh_vs_warm(pooled, params, n);
        let (tf, tw) = fresh_vs_warm(per_thread, params, n);
        println!(
            "| {} | {pf:.2} | {pw:.2} | **{:.2}** | {tf:.2} | {tw:.2} | {:.2} |",
            name(&params),
            pf / pw,
            tf / tw
        );
    }
}

/// Hashes/s of `threads` threads each hashing `n` times (warm pool).
fn throughput(params: &HashParams, threads: usize, n: usize) -> f64 {
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| (0..n).for_each(|_| pooled(params)));
        }
    });
    (threads * n) as f64 / start.elapsed().as_secs_f64()
}

fn threads(quick: bool) {
    println!("\n## hashes/s, 2 threads vs 1 (warm pool)");
    println!("| params | 1 thread | 2 threads | ratio |");
    println!("| --- | --- | --- | --- |");
    let p1 = HashParams { parallelism: 1, ..RFC };
    let cases = if quick { vec![(tiny(), 2)] } else { vec![(OWASP, 30), (p1, 8), (RFC, 8)] };
    for (params, n) in cases {
        throughput(&params, 2, 1); // two arenas in the pool
        // Best of three alternating runs of each (the machine may be shared).
        let (mut one, mut two) = (0.0f64, 0.0f64);
        for _ in 0..3 {
            one = one.max(throughput(&params, 1, n));
            two = two.max(throughput(&params, 2, n));
        }
        println!("| {} | {one:.1} | {two:.1} | **{:.2}** |", name(&params), two / one);
    }
}

/// GB/s of `threads` threads each copying a 64 MiB buffer into another, `n` times.
fn copy_bandwidth(threads: usize, n: usize, mib: usize) -> f64 {
    let bytes = mib << 20;
    let bufs: Vec<(Vec<u8>, Vec<u8>)> = (0..threads).map(|_| (vec![1u8; bytes], vec![0u8; bytes])).collect();
    let start = Instant::now();
    std::thread::scope(|s| {
        for (src, dst) in bufs {
            s.spawn(move || {
                let mut dst = dst;
                for _ in 0..n {
                    dst.copy_from_slice(std::hint::black_box(&src));
                }
                std::hint::black_box(&dst);
            });
        }
    });
    // A copy reads and writes every byte.
    (2 * bytes * n * threads) as f64 / start.elapsed().as_secs_f64() / 1e9
}

fn bandwidth(quick: bool) {
    let (n, mib) = if quick { (1, 1) } else { (20, 64) };
    let one = copy_bandwidth(1, n, mib);
    let two = copy_bandwidth(2, n, mib);
    println!("\n## memory bandwidth (copy of {mib} MiB buffers, read + write)");
    println!("1 thread {one:.1} GB/s, 2 threads {two:.1} GB/s: ratio **{:.2}**", two / one);
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// In a fresh process: 32 threads each hash once at `params` with `design`; prints the RSS figures.
fn rss_child(design: &str, params: HashParams, threads: usize) {
    let f: fn(&HashParams) = if design == "pool" { pooled } else { per_thread };
    let baseline = status_kib("VmRSS:");
    let hashed = Arc::new(Barrier::new(threads + 1));
    let exit = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (hashed, exit) = (hashed.clone(), exit.clone());
            std::thread::spawn(move || {
                f(&params);
                hashed.wait();
                exit.wait(); // alive, as a server's pool thread is
            })
        })
        .collect();
    hashed.wait();
    let alive = status_kib("VmRSS:");
    exit.wait();
    handles.into_iter().for_each(|h| h.join().expect("thread"));
    let joined = status_kib("VmRSS:");
    let peak = status_kib("VmHWM:");
    let m = u64::from(params.memory_kib);
    println!(
        "| {design} | {threads} | {:.1} × m | {:.1} × m | {:.1} × m | {} |",
        alive.saturating_sub(baseline) as f64 / m as f64,
        joined.saturating_sub(baseline) as f64 / m as f64,
        peak.saturating_sub(baseline) as f64 / m as f64,
        arena::stats().idle,
    );
}

fn rss(quick: bool) {
    let (m, threads) = if quick { ("1024", "4") } else { ("65536", "32") };
    println!("\n## RSS above the baseline after {threads} threads each hashed once at m={m} KiB,t=1,p=1");
    println!("| design | threads | threads alive | threads joined | peak (VmHWM) | idle arenas |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let exe = std::env::current_exe().expect("own path");
    for design in ["pool", "per-thread"] {
        let out =
            std::process::Command::new(&exe).args(["rss-child", design, m, threads]).output().expect("child");
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
    println!("(idle bound: {} arenas, the number of CPUs)", arena::config().max_idle);
}

/// One part of the benchmark, by name.
type Part = (&'static str, fn(bool));

fn tiny() -> HashParams {
    HashParams { memory_kib: 64, iterations: 1, parallelism: 1 }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("rss-child") {
        let params = HashParams { memory_kib: args[2].parse().expect("m"), iterations: 1, parallelism: 1 };
        rss_child(&args[1], params, args[3].parse().expect("threads"));
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this once without it: quick mode.
    let quick = !args.iter().any(|a| a == "--bench");
    let only: Vec<&str> = args.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "# arena pool benchmark{} — load average {}",
        if quick { " (quick mode)" } else { "" },
        load.trim()
    );
    let parts: [Part; 4] = [("fresh", fresh), ("threads", threads), ("bandwidth", bandwidth), ("rss", rss)];
    for (part, run) in parts {
        if only.is_empty() || only.contains(&part) {
            run(quick);
        }
    }
}
