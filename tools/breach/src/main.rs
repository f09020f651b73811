//! `authward-breach`: builds a breached-password filter from a list and checks passwords against it.
//!
//! ```text
//! authward-breach build <list.txt> <out.filter>   one password or 40-hex SHA-1 per line
//! authward-breach check <out.filter>              passwords on stdin, one per line
//! ```
//!
//! `build` prints the entry count, the file's size and the false-positive rate. `check` prints
//! `breached` or `ok` per input line (never the password itself) and exits 0; a bad file is exit 2.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;

use authward::password::breach::BreachFilter;

const USAGE: &str = "usage: authward-breach build <list.txt> <out.filter>\n       authward-breach check <out.filter>   (passwords on stdin, one per line)";

fn build(list: &str, out: &str) -> Result<(), String> {
    let started = Instant::now();
    let filter = BreachFilter::from_list_file(list).map_err(|e| e.to_string())?;
    let bytes = filter.to_bytes();
    std::fs::write(out, &bytes).map_err(|e| format!("cannot write {out}: {e}"))?;
    println!("entries: {}", filter.len());
    println!("size: {} bytes ({:.2} bits per entry)", bytes.len(), bits_per_entry(bytes.len(), filter.len()));
    println!(
        "false-positive rate: 1/{:.0} ({:.4} %)",
        1.0 / BreachFilter::FALSE_POSITIVE_RATE,
        BreachFilter::FALSE_POSITIVE_RATE * 100.0
    );
    println!("built in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn bits_per_entry(bytes: usize, entries: u64) -> f64 {
    if entries == 0 { 0.0 } else { bytes as f64 * 8.0 / entries as f64 }
}

fn check(path: &str) -> Result<(), String> {
    let filter = BreachFilter::load(path).map_err(|e| e.to_string())?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| format!("cannot read stdin: {e}"))?;
        let password = line.strip_suffix('\r').unwrap_or(&line);
        let verdict = if filter.contains(password) { "breached" } else { "ok" };
        writeln!(out, "{verdict}").map_err(|e| format!("cannot write: {e}"))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["build", list, out] => build(list, out),
        ["check", filter] => check(filter),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(64);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authward-breach: {e}");
            ExitCode::from(2)
        }
    }
}
