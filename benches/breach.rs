//! The breached-password filter (issue 17), measured: not a timed test, figures for docs/performance.md.
//!
//! ```text
//! cargo bench --bench breach
//! ```
//! Builds a filter of 1,000,000 distinct plaintext passwords (through the same builder the app and
//! `authward-breach build` use), then prints: build time, serialized size (bytes per entry, bits per
//! entry), `from_bytes` time, lookup time per `contains` call (listed and not listed passwords), and the
//! false positives counted over 1,000,000 passwords that are not in the list, next to the stated rate.
//! `cargo test --all-targets` runs it once in a quick mode (10,000 entries, no figures worth keeping).

#![allow(clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use authward::password::breach::BreachFilter;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = !args.iter().any(|a| a == "--bench");
    let n: usize = if quick { 10_000 } else { 1_000_000 };
    println!("breach filter: {n} entries{}", if quick { " (quick mode)" } else { "" });
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.trim());
    }

    let listed: Vec<String> = (0..n).map(|i| format!("listed-password-{i:08}")).collect();
    let started = Instant::now();
    let mut builder = BreachFilter::builder();
    for p in &listed {
        builder.add_line(p.as_bytes());
    }
    let filter = builder.build().expect("build");
    let build = started.elapsed();
    assert_eq!(filter.len(), n as u64);
    println!("build (SHA-1 of each line, sort, dedup, binary fuse 16): {:.3} s", build.as_secs_f64());

    let bytes = filter.to_bytes();
    println!(
        "serialized size: {} bytes ({:.2} MB, {:.2} bytes = {:.2} bits per entry)",
        bytes.len(),
        bytes.len() as f64 / 1e6,
        bytes.len() as f64 / n as f64,
        bytes.len() as f64 * 8.0 / n as f64
    );
    let started = Instant::now();
    let loaded = BreachFilter::from_bytes(&bytes).expect("from_bytes");
    println!("from_bytes (checksum and geometry checked): {:.1} ms", started.elapsed().as_secs_f64() * 1e3);

    let started = Instant::now();
    let mut found = 0usize;
    for p in &listed {
        found += usize::from(loaded.contains(black_box(p)));
    }
    let per_listed = started.elapsed().as_nanos() as f64 / n as f64;
    assert_eq!(found, n, "no false negatives");
    println!("lookup, listed password: {per_listed:.0} ns per contains() (all {n} found)");

    let others: Vec<String> = (0..n).map(|i| format!("other-password-{i:08}")).collect();
    let started = Instant::now();
    let mut false_positives = 0usize;
    for p in &others {
        false_positives += usize::from(loaded.contains(black_box(p)));
    }
    let per_other = started.elapsed().as_nanos() as f64 / n as f64;
    println!("lookup, not listed: {per_other:.0} ns per contains()");
    println!(
        "false positives: {false_positives} of {n} not-listed passwords = {:.6} % (stated {:.6} %, expected ≈ {:.1})",
        false_positives as f64 * 100.0 / n as f64,
        BreachFilter::FALSE_POSITIVE_RATE * 100.0,
        n as f64 * BreachFilter::FALSE_POSITIVE_RATE
    );
}
