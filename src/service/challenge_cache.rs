//! What a sign-in just wrote with its challenge, kept in memory for the verification that follows on
//! the same server, so that it can skip its read (one round trip instead of two on PostgreSQL).
//!
//! Choices, written down here:
//! * Only for stores that ask for it ([`crate::store::Store::wants_challenge_cache`]: PostgreSQL,
//!   whose every read is a round trip). SQLite and the memory store read in microseconds.
//! * Nothing is trusted from memory alone. A verification judged from an entry writes with
//!   [`crate::store::Store::update_user_if_unchanged`]: the user still at the revision the sign-in
//!   wrote, the account's policy still the one it read, and the challenge still there and unused,
//!   checked in the write's own transaction. (Every change to a user's challenges but one changes the
//!   user's revision too; the exception is the purge of expired challenges, which another server's
//!   clock may run early.) When anything moved on (another server changed the user or the policy, the
//!   user was deleted, the challenge was purged) nothing is written and the verification starts over
//!   from a read, as if there had been no entry. A row changed in the database behind authward's
//!   back with its revision kept (tampering) is overwritten by the remembered record rather than
//!   refused: the change is undone, not used, but the `integrity_failed` a read would log is not.
//! * An entry is taken out when a verification uses it (two concurrent posts of one challenge: the
//!   second reads the database) and put back only with the record that verification wrote, when the
//!   challenge stays open (a wrong code). Entries whose challenge ended are swept out by the next
//!   sign-in or verification (at most once every [`SWEEP_EVERY`] seconds), so a record stays at most
//!   the challenge's five minutes and a minute, while the server is in use.
//! * At most [`CAPACITY`] entries (the user records hold password hashes and sealed secrets, as every
//!   record read does, for at most the challenge's five minutes): when full, expired entries go first,
//!   then a new challenge is simply not kept (its verification reads the database). One user who
//!   knows their password can fill it (4,096 sign-ins in five minutes, each paying an Argon2 hash):
//!   the cost is only the saved round trip, for everyone, until the entries end.
//! * Another server's verification of a challenge never finds it here: with app servers behind a load
//!   balancer that does not keep a client on one server, one verification in N skips its read.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::ChallengeContext;

/// The most entries one service keeps.
pub(super) const CAPACITY: usize = 4096;

/// Seconds between two sweeps of the entries whose challenge ended.
pub(super) const SWEEP_EVERY: u64 = 60;

/// Challenges this service issued, by token hash, with the records their sign-in wrote.
#[derive(Default)]
pub(super) struct ChallengeCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<[u8; 32], ChallengeContext>,
    /// No sweep before this moment (unix seconds).
    next_sweep: u64,
}

impl Inner {
    /// Drops the entries whose challenge ended before `now`: when `force`d, or when a sweep is due.
    fn sweep(&mut self, now: u64, force: bool) {
        if force || now >= self.next_sweep {
            self.entries.retain(|_, c| c.challenge.expires_at >= now);
            self.next_sweep = now.saturating_add(SWEEP_EVERY);
        }
    }
}

impl ChallengeCache {
    /// Keeps `context` under its challenge's token hash (unless full of live entries).
    pub(super) fn put(&self, context: ChallengeContext, now: u64) {
        let Ok(mut inner) = self.inner.lock() else { return };
        let full = inner.entries.len() >= CAPACITY;
        inner.sweep(now, full);
        if inner.entries.len() < CAPACITY {
            inner.entries.insert(context.challenge.token_hash, context);
        }
    }

    /// Takes out the entry for `token_hash`, if any and still within the challenge's life.
    pub(super) fn take(&self, token_hash: &[u8; 32], now: u64) -> Option<ChallengeContext> {
        let mut inner = self.inner.lock().ok()?;
        inner.sweep(now, false);
        inner.entries.remove(token_hash).filter(|c| c.challenge.expires_at >= now)
    }

    /// How many entries are kept (for tests).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.entries.len())
    }
}

impl std::fmt::Debug for ChallengeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.inner.lock().map_or(0, |i| i.entries.len());
        write!(f, "ChallengeCache({n} entries)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AccountRecord, ChallengeRecord};

    fn context(i: u32, expires_at: u64) -> ChallengeContext {
        let mut token_hash = [0u8; 32];
        token_hash[..4].copy_from_slice(&i.to_le_bytes());
        ChallengeContext {
            challenge: ChallengeRecord { token_hash, user_id: format!("u{i}"), expires_at, used: false },
            user: None,
            account: Some(AccountRecord::unset("a")),
        }
    }

    #[test]
    fn an_entry_is_taken_once_and_not_after_its_challenge_ends() {
        let cache = ChallengeCache::default();
        cache.put(context(1, 100), 0);
        cache.put(context(2, 100), 0);
        let key = context(1, 100).challenge.token_hash;
        assert_eq!(cache.take(&key, 50).map(|c| c.challenge.user_id), Some("u1".to_string()));
        assert!(cache.take(&key, 50).is_none(), "taken twice");
        let other = context(2, 100).challenge.token_hash;
        assert!(cache.take(&other, 101).is_none(), "an ended challenge was served");
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn ended_entries_are_swept_by_later_calls_within_a_minute() {
        let cache = ChallengeCache::default();
        cache.put(context(1, 300), 0);
        cache.put(context(2, 300), 0);
        // Within the minute after the sweep that the first put made, and before their end: kept.
        cache.put(context(3, 900), 30);
        assert_eq!(cache.len(), 3);
        // After their end, the next call sweeps them (a take of another entry too).
        assert!(cache.take(&context(9, 0).challenge.token_hash, 301).is_none());
        assert_eq!(cache.len(), 1, "ended entries were kept past the sweep");
        // The next sweep waits a minute: an entry ending meanwhile stays until then.
        cache.put(context(4, 310), 302);
        assert!(cache.take(&context(9, 0).challenge.token_hash, 320).is_none());
        assert_eq!(cache.len(), 2);
        assert!(cache.take(&context(9, 0).challenge.token_hash, 361).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_full_cache_drops_ended_entries_then_keeps_no_more() {
        let cache = ChallengeCache::default();
        for i in 0..CAPACITY as u32 {
            cache.put(context(i, if i % 2 == 0 { 10 } else { 1_000 }), 0);
        }
        assert_eq!(cache.len(), CAPACITY);
        // Full: the ended half goes, the new one is kept.
        cache.put(context(CAPACITY as u32, 1_000), 500);
        assert_eq!(cache.len(), CAPACITY / 2 + 1);
        for i in 0..CAPACITY as u32 {
            cache.put(context(CAPACITY as u32 + 1 + i, 1_000), 500);
        }
        assert_eq!(cache.len(), CAPACITY, "grew past its capacity");
    }
}
