//! The PostgreSQL server the tests run against: `AUTHWARD_TEST_POSTGRES_URL` (tests/postgres/run.sh sets
//! it inside a throwaway `pg_virtualenv` cluster). Without it the PostgreSQL cases are skipped, loudly;
//! under `CI=true` a missing server is a failure.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

/// The server's URL, or `None` (after saying so) when there is none and this is not CI.
pub fn url() -> Option<String> {
    match std::env::var("AUTHWARD_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("AUTHWARD_TEST_POSTGRES").is_ok_and(|v| v == "elsewhere") {
                eprintln!("PostgreSQL cases skipped here: tests/postgres/run.sh runs them against a server");
                return None;
            }
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!(
                    "CI=true but AUTHWARD_TEST_POSTGRES_URL is not set: the PostgreSQL tests must run under CI"
                );
            }
            eprintln!(
                "PostgreSQL tests SKIPPED: AUTHWARD_TEST_POSTGRES_URL is not set (run tests/postgres/run.sh)"
            );
            None
        }
    }
}

/// `url` with a parameter added.
pub fn with_param(url: &str, param: &str) -> String {
    format!("{url}{}{param}", if url.contains('?') { '&' } else { '?' })
}

/// A schema name no other test (or process) uses.
pub fn fresh_schema(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("t_{tag}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// `url` pointing at a fresh schema.
pub fn fresh_url(url: &str, tag: &str) -> String {
    with_param(url, &format!("schema={}", fresh_schema(tag)))
}

/// Runs SQL through `psql` (the test's side channel to the server: locks, row tampering, inspection).
pub fn psql(url: &str, sql: &str) -> String {
    // psql does not know authward's parameters: strip the query string.
    let base = url.split('?').next().unwrap_or(url);
    let out = std::process::Command::new("psql")
        .args([base, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql runs");
    assert!(out.status.success(), "psql failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
