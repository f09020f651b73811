//! Time, injectable: the system clock for production, a settable clock for tests and demos.
//!
//! Times are unix seconds (`u64`). Everything time-dependent in authward (TOTP steps, password expiry,
//! grace periods, lockouts, challenge and enrolment lifetimes) reads a [`Clock`], so tests move time
//! instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of the current time in unix seconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Seconds since the unix epoch.
    fn now(&self) -> u64;
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            // A clock before 1970 is a broken machine; time 0 makes every TOTP code fail safely.
            .unwrap_or(0)
    }
}

/// The time a stateless call works at: `at` when given, otherwise the system clock's now.
///
/// Every binding calls this for its optional `at` argument, so "no time means now" is decided once.
pub fn at_or_now(at: Option<u64>) -> u64 {
    at.unwrap_or_else(|| SystemClock.now())
}

/// A clock that only moves when told to. Cloning shares the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock standing at `unix_seconds`.
    pub fn new(unix_seconds: u64) -> ManualClock {
        ManualClock { now: Arc::new(AtomicU64::new(unix_seconds)) }
    }

    /// The current time of this clock (same as [`Clock::now`], without importing the trait).
    pub fn now(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }

    /// Sets the time.
    pub fn set(&self, unix_seconds: u64) {
        self.now.store(unix_seconds, Ordering::SeqCst);
    }

    /// Moves the time forward (saturating at `u64::MAX`).
    pub fn advance(&self, seconds: u64) {
        let _ =
            self.now.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| Some(t.saturating_add(seconds)));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        ManualClock::now(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told_and_clones_share_time() {
        let c = ManualClock::new(100);
        let shared = c.clone();
        assert_eq!(c.now(), 100);
        c.advance(30);
        assert_eq!(shared.now(), 130);
        shared.set(5);
        assert_eq!(c.now(), 5);
        c.set(u64::MAX - 1);
        c.advance(10);
        assert_eq!(c.now(), u64::MAX);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now() > 1_577_836_800);
    }
}
