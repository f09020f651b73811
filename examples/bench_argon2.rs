//! Times authward's Argon2id hashing for `benches/compare/argon2/run.sh`, which runs the same
//! measurement for argon2-cffi, libsodium and `@node-rs/argon2` and prints the comparison.
//!
//! ```text
//! cargo run --release --example bench_argon2 -- hash <m_kib> <t> <p> <iterations>
//! cargo run --release --example bench_argon2 -- verify <password> <phc>...
//! ```
//! `hash` prints `RESULT authward <m>,<t>,<p> <median ms> <min ms>` and one `PHC` line (a hash of the
//! benchmark password, for the peers to verify); `verify` prints `VERIFY ok|FAIL <phc>` per string.

use std::process::ExitCode;
use std::time::Instant;

use authward::HashParams;
use authward::password::hash;

/// The password every script of the comparison hashes.
const PASSWORD: &str = "correct horse battery staple";

fn arg<T: std::str::FromStr>(args: &[String], i: usize, name: &str) -> Result<T, String> {
    args.get(i).ok_or_else(|| format!("missing {name}"))?.parse().map_err(|_| format!("bad {name}"))
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("hash") => {
            let params = HashParams {
                memory_kib: arg(args, 1, "m")?,
                iterations: arg(args, 2, "t")?,
                parallelism: arg(args, 3, "p")?,
            };
            let n: usize = arg(args, 4, "iterations")?;
            // Warm-up: the first call allocates an arena of the process-wide pool.
            for _ in 0..2 {
                hash::hash(PASSWORD, &params, None).map_err(|e| e.to_string())?;
            }
            let mut times = Vec::with_capacity(n);
            let mut phc = String::new();
            for _ in 0..n.max(1) {
                let start = Instant::now();
                phc = hash::hash(PASSWORD, &params, None).map_err(|e| e.to_string())?;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            let m = params.memory_kib;
            let t = params.iterations;
            let p = params.parallelism;
            println!("RESULT authward {m},{t},{p} {:.3} {:.3}", times[times.len() / 2], times[0]);
            println!("PHC authward {phc}");
            Ok(())
        }
        Some("verify") => {
            let password = args.get(1).ok_or("missing password")?;
            let mut all_ok = true;
            for phc in &args[2..] {
                let ok = hash::verify(password, phc, None).map_err(|e| format!("{phc}: {e}"))?;
                all_ok &= ok;
                println!("VERIFY {} {phc}", if ok { "ok" } else { "FAIL" });
            }
            if all_ok { Ok(()) } else { Err("a hash did not verify".into()) }
        }
        _ => Err("usage: bench_argon2 hash <m> <t> <p> <n> | verify <password> <phc>...".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_argon2: {e}");
            ExitCode::FAILURE
        }
    }
}
