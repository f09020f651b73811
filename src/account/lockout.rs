//! The lockout: one failure budget per user (and per client, when the app names one), reserved
//! before any hashing, so neither concurrency nor a known password lets guesses past it.
//!
//! The model (docs/security.md states it with numbers):
//!
//! * **Buckets.** Failed passwords, TOTP codes and recovery codes of a user are counted per *client*
//!   (an opaque string the app passes: an IP address, a device-cookie id; stored only as a keyed hash).
//!   Calls without a client share one bucket, so an app that never passes one gets a per-user lockout.
//!   `max_failures` failures in a bucket lock that bucket for `lockout_seconds`; with
//!   `max_lockout_seconds` above it, each further lock of the bucket doubles, up to that cap.
//! * **Reset.** Only a *complete* sign-in (password and, where enrolled, the second factor) clears the
//!   bucket it came from. A right password alone gives back its own reservation and nothing more, so an
//!   attacker who knows the password still gets at most `max_failures` wrong codes per lock.
//! * **Reservation.** An attempt is counted *before* the slow check, in the same store transaction that
//!   checks the lock ([`LockoutState::reserve`]); the check's success gives the attempt back
//!   ([`LockoutState::give_back`]). Concurrent attempts therefore never exceed the budget.
//! * **Unfamiliar clients.** A client that has completed a sign-in is *familiar* (the last
//!   [`MAX_FAMILIAR`] are remembered). Failures from unfamiliar clients also count toward a per-user
//!   strangers' limit ([`STRANGER_FACTOR`] × `max_failures` in an hour) that locks every unfamiliar
//!   client, but never a familiar one: an attacker with many addresses cannot lock the owner out.
//! * **Ceiling.** Whatever the buckets, at most [`LockoutPolicy::MAX_FAILURES_PER_HOUR`] failures of one
//!   user are judged in any 60-minute span (a sliding limit over the exact failure times; NIST SP
//!   800-63B §5.2.2), for every client.
//! * **Same wrong password.** The user retyping the same wrong password does not spend the budget
//!   twice: the keyed Argon2 outputs of the last [`MAX_RECENT_WRONG`] wrong passwords are remembered for
//!   [`RECENT_WRONG_SECONDS`]. They cost as much to attack as the password hash itself.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

const HOUR: u64 = 3_600;

/// How many failures lock a user out, and for how long. Failed passwords and failed codes both count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures in a row (per client, see the module docs) that lock it out, 1–100. Default 5.
    pub max_failures: u32,
    /// Length of the first lockout in seconds, 1–86400. Default 300.
    pub lockout_seconds: u64,
    /// Longest lockout: each further lock of the same client doubles, up to this, `lockout_seconds`
    /// ..=2592000 (30 days). Default equal to `lockout_seconds` (every lock the same length).
    pub max_lockout_seconds: u64,
}

impl LockoutPolicy {
    /// Default `max_failures`.
    pub const DEFAULT_MAX_FAILURES: u32 = 5;
    /// Default `lockout_seconds`.
    pub const DEFAULT_LOCKOUT_SECONDS: u64 = 300;
    /// Upper bound of judged failures per user in any 60 minutes, whatever the configuration (NIST
    /// 800-63B §5.2.2 rate limiting).
    pub const MAX_FAILURES_PER_HOUR: u32 = 100;
    /// Largest `max_lockout_seconds` (30 days).
    pub const MAX_LOCKOUT_SECONDS: u64 = 30 * 86_400;

    /// A policy locking after `max_failures` for `lockout_seconds`, without growth.
    pub const fn new(max_failures: u32, lockout_seconds: u64) -> LockoutPolicy {
        LockoutPolicy { max_failures, lockout_seconds, max_lockout_seconds: lockout_seconds }
    }

    /// Checks `max_failures` 1–100, `lockout_seconds` 1–86400 and
    /// `lockout_seconds <= max_lockout_seconds <= 2592000`.
    pub fn validate(&self) -> Result<()> {
        if self.max_failures == 0 || self.max_failures > Self::MAX_FAILURES_PER_HOUR {
            return Err(Error::invalid(format!("max_failures must be 1..=100, got {}", self.max_failures)));
        }
        if self.lockout_seconds == 0 || self.lockout_seconds > 86_400 {
            return Err(Error::invalid(format!(
                "lockout_seconds must be 1..=86400, got {}",
                self.lockout_seconds
            )));
        }
        if self.max_lockout_seconds < self.lockout_seconds
            || self.max_lockout_seconds > Self::MAX_LOCKOUT_SECONDS
        {
            return Err(Error::invalid(format!(
                "max_lockout_seconds must be lockout_seconds..=2592000, got {}",
                self.max_lockout_seconds
            )));
        }
        Ok(())
    }

    /// Length of a bucket's lock after it was locked `previous_locks` times before.
    pub fn lock_length(&self, previous_locks: u32) -> u64 {
        let factor = 1u64.checked_shl(previous_locks.min(32)).unwrap_or(u64::MAX);
        self.lockout_seconds.saturating_mul(factor).min(self.max_lockout_seconds)
    }
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy::new(Self::DEFAULT_MAX_FAILURES, Self::DEFAULT_LOCKOUT_SECONDS)
    }
}

/// Failures from unfamiliar clients that lock all unfamiliar clients: this many × `max_failures` in an
/// hour.
pub const STRANGER_FACTOR: u32 = 4;
/// Familiar clients remembered per user.
pub const MAX_FAMILIAR: usize = 16;
/// Client buckets kept per user (the oldest idle one is dropped first).
pub const MAX_CLIENTS: usize = 32;
/// Wrong codes one sign-in challenge accepts before it is spent.
pub const MAX_CODE_FAILURES_PER_CHALLENGE: u32 = 5;
/// Recent wrong passwords remembered so that retyping one is not counted twice.
pub const MAX_RECENT_WRONG: usize = 3;
/// How long a recent wrong password is remembered (seconds).
pub const RECENT_WRONG_SECONDS: u64 = 900;
/// Open challenges whose failures are tracked per user.
const MAX_CHALLENGES: usize = 8;

/// Why a user (or one of their clients) is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockReason {
    /// `max_failures` failures from one client (or without a client).
    TooManyFailures,
    /// Many failures from clients the user never signed in from; familiar clients still get in.
    UnfamiliarClients,
    /// 100 failures in the last 60 minutes: every client waits.
    HourlyLimit,
}

impl LockReason {
    /// `"too_many_failures"`, `"unfamiliar_clients"` or `"hourly_limit"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LockReason::TooManyFailures => "too_many_failures",
            LockReason::UnfamiliarClients => "unfamiliar_clients",
            LockReason::HourlyLimit => "hourly_limit",
        }
    }
}

impl std::fmt::Display for LockReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The failure state of one client of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFailures {
    /// Keyed hash of the client (empty: calls without a client).
    #[serde(rename = "c")]
    pub client: String,
    /// Failures since this client's last complete sign-in or lock.
    #[serde(rename = "f")]
    pub failures: u32,
    /// Locked until (0: not locked).
    #[serde(rename = "u", default)]
    pub locked_until: u64,
    /// Locks so far (the growing lock's exponent); cleared by a complete sign-in.
    #[serde(rename = "l", default)]
    pub locks: u32,
    /// Last failure (for dropping idle buckets).
    #[serde(rename = "t", default)]
    pub last_failure: u64,
}

/// A judged failure, for the sliding hourly ceiling and the strangers' limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// When.
    #[serde(rename = "t")]
    pub at: u64,
    /// From a client the user had not signed in from.
    #[serde(rename = "s", default)]
    pub stranger: bool,
}

/// Wrong codes entered for one open challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeFailures {
    /// The first 8 bytes of the challenge's hash, hex.
    #[serde(rename = "id")]
    pub id: String,
    /// The client the password came from (keyed hash; empty for none).
    #[serde(rename = "c", default)]
    pub client: String,
    /// Wrong codes so far.
    #[serde(rename = "f", default)]
    pub failures: u32,
    /// When the challenge ends.
    #[serde(rename = "x", default)]
    pub expires_at: u64,
}

/// A keyed tag of a recent wrong password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentWrong {
    /// Keyed hash of the Argon2 output of the wrong password, hex.
    #[serde(rename = "h")]
    pub tag: String,
    /// When it was typed.
    #[serde(rename = "t")]
    pub at: u64,
}

/// The code that last completed a sign-in, so that the same form posted twice is not a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastCode {
    /// Its TOTP time step.
    #[serde(rename = "s")]
    pub step: u64,
    /// The client it came from (keyed hash; empty for none).
    #[serde(rename = "c", default)]
    pub client: String,
}

/// Everything the lockout keeps about one user (or one unknown id). Stores persist it as one value
/// ([`LockoutState::to_json`]); the fields are public for stores and tests, the rules are the methods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutState {
    /// Failure buckets per client, oldest failure first.
    #[serde(rename = "clients", default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<ClientFailures>,
    /// The last (at most 100) judged failures, oldest first.
    #[serde(rename = "recent", default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<Failure>,
    /// Every unfamiliar client is locked until then (0: not locked).
    #[serde(rename = "strangers_until", default, skip_serializing_if = "is_zero")]
    pub strangers_locked_until: u64,
    /// Keyed hashes of clients that completed a sign-in, newest last.
    #[serde(rename = "familiar", default, skip_serializing_if = "Vec::is_empty")]
    pub familiar: Vec<String>,
    /// Failures per open challenge.
    #[serde(rename = "challenges", default, skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<ChallengeFailures>,
    /// Recent wrong passwords (keyed).
    #[serde(rename = "wrong", default, skip_serializing_if = "Vec::is_empty")]
    pub recent_wrong: Vec<RecentWrong>,
    /// The code of the last complete sign-in.
    #[serde(rename = "last_code", default, skip_serializing_if = "Option::is_none")]
    pub last_code: Option<LastCode>,
    /// The current password was not chosen by the user's own change (it was set at creation or by an
    /// admin), so the minimum password age does not hold them to it: someone else knows it. Kept here,
    /// with the rest of the account's protection state, so it needs no schema change and is covered by
    /// the row's integrity tag.
    #[serde(rename = "set_for_user", default, skip_serializing_if = "is_false")]
    pub password_set_for_user: bool,
    /// When the user last completed a sign-in (every factor given; 0: never), for the admin's report.
    /// Kept here for the same reasons as `password_set_for_user`.
    #[serde(rename = "signed_in", default, skip_serializing_if = "is_zero")]
    pub signed_in_at: u64,
    /// An admin exempted the user from the account's *Enforce 2FA* (a service account, a user who
    /// signs in through the company's SSO): no enrolment deadline, and 2FA may be turned off.
    #[serde(rename = "exempt_2fa", default, skip_serializing_if = "is_false")]
    pub two_factor_exempt: bool,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn is_false(v: &bool) -> bool {
    !*v
}

/// An attempt counted before its check, to be given back if the check succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a reservation is either judged a failure or given back"]
pub struct Reservation {
    /// The bucket.
    pub client: String,
    /// When it was made.
    pub at: u64,
    /// Whether it came from an unfamiliar client.
    pub stranger: bool,
    /// The bucket's lock it set: the bucket's `(locked_until, locks, failures)` before, and the lock.
    bucket_lock: Option<((u64, u32, u32), u64)>,
    /// The strangers' lock it set, with the value before.
    strangers_lock: Option<(u64, u64)>,
    /// A lock this reservation started: `(until, reason)`, to be logged.
    pub locked: Option<(u64, LockReason)>,
}

/// The answer to an attempt on a locked bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    /// Until when.
    pub until: u64,
    /// Why.
    pub reason: LockReason,
}

impl LockoutState {
    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Parses the stored form (`STORAGE` if it is not one).
    pub fn from_json(text: &str) -> Result<LockoutState> {
        serde_json::from_str(text).map_err(|e| Error::Storage(format!("stored lockout state: {e}")))
    }

    /// From when on nothing needs remembering (no failure of the last hour, no lock): an unknown id's
    /// state may then be dropped. 0 for an empty state.
    pub fn idle_at(&self) -> u64 {
        let recent = self.recent.iter().map(|f| f.at.saturating_add(HOUR)).max().unwrap_or(0);
        let locks = self.clients.iter().map(|c| c.locked_until).max().unwrap_or(0);
        let wrong =
            self.recent_wrong.iter().map(|w| w.at.saturating_add(RECENT_WRONG_SECONDS)).max().unwrap_or(0);
        recent.max(locks).max(self.strangers_locked_until).max(wrong)
    }

    fn is_familiar(&self, client: &str) -> bool {
        self.familiar.iter().any(|f| f == client)
    }

    fn failures_since(&self, since: u64, strangers_only: bool) -> usize {
        self.recent.iter().filter(|f| f.at > since && (!strangers_only || f.stranger)).count()
    }

    /// The hourly ceiling's end, if it holds at `now`.
    fn ceiling_until(&self, now: u64) -> Option<u64> {
        let cap = LockoutPolicy::MAX_FAILURES_PER_HOUR as usize;
        if self.recent.len() < cap {
            return None;
        }
        let oldest_of_cap = self.recent[self.recent.len() - cap].at;
        let until = oldest_of_cap.saturating_add(HOUR);
        (until > now).then_some(until)
    }

    /// The lock that applies to `client` at `now`, if any (the longest of those that apply).
    pub fn lock_for(&self, client: &str, now: u64) -> Option<Locked> {
        let mut best: Option<Locked> = None;
        let mut consider = |until: u64, reason: LockReason| {
            if until > now && best.is_none_or(|b| until > b.until) {
                best = Some(Locked { until, reason });
            }
        };
        if let Some(until) = self.ceiling_until(now) {
            consider(until, LockReason::HourlyLimit);
        }
        if !self.is_familiar(client) {
            consider(self.strangers_locked_until, LockReason::UnfamiliarClients);
        }
        if let Some(b) = self.clients.iter().find(|c| c.client == client) {
            consider(b.locked_until, LockReason::TooManyFailures);
        }
        best
    }

    /// The longest lock of any kind at `now` (for the status page and the admin).
    pub fn any_lock(&self, now: u64) -> Option<Locked> {
        let mut best = self.lock_for("", now);
        let mut consider = |until: u64, reason: LockReason| {
            if until > now && best.is_none_or(|b| until > b.until) {
                best = Some(Locked { until, reason });
            }
        };
        consider(self.strangers_locked_until, LockReason::UnfamiliarClients);
        for c in &self.clients {
            consider(c.locked_until, LockReason::TooManyFailures);
        }
        best
    }

    fn bucket(&mut self, client: &str, now: u64) -> &mut ClientFailures {
        if let Some(i) = self.clients.iter().position(|c| c.client == client) {
            return &mut self.clients[i];
        }
        if self.clients.len() >= MAX_CLIENTS {
            // Drop the bucket idle longest, preferring unlocked ones.
            let victim = self
                .clients
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| (c.locked_until > now, c.last_failure))
                .map_or(0, |(i, _)| i);
            self.clients.remove(victim);
        }
        self.clients.push(ClientFailures { client: client.to_string(), ..ClientFailures::default() });
        let last = self.clients.len() - 1;
        &mut self.clients[last]
    }

    /// Counts an attempt from `client` before it is checked. Refused with the lock if one applies;
    /// otherwise the attempt is counted as a failure now (locking the bucket, the strangers or hitting
    /// the ceiling when the budget is spent) and must be [judged](Self::give_back) after the check.
    pub fn reserve(
        &mut self,
        policy: &LockoutPolicy,
        client: &str,
        now: u64,
    ) -> std::result::Result<Reservation, Locked> {
        if let Some(locked) = self.lock_for(client, now) {
            return Err(locked);
        }
        let stranger = !self.is_familiar(client);
        self.recent.push(Failure { at: now, stranger });
        let cap = LockoutPolicy::MAX_FAILURES_PER_HOUR as usize;
        if self.recent.len() > cap {
            let extra = self.recent.len() - cap;
            self.recent.drain(..extra);
        }
        let mut locked = self.ceiling_until(now).map(|u| (u, LockReason::HourlyLimit));
        let mut strangers_lock = None;
        if stranger {
            let limit = (STRANGER_FACTOR * policy.max_failures) as usize;
            if self.failures_since(now.saturating_sub(HOUR), true) >= limit {
                let until = now.saturating_add(policy.lockout_seconds);
                strangers_lock = Some((until, self.strangers_locked_until));
                self.strangers_locked_until = until;
                locked = locked.or(Some((until, LockReason::UnfamiliarClients)));
            }
        }
        let b = self.bucket(client, now);
        b.failures = b.failures.saturating_add(1);
        b.last_failure = now;
        let mut bucket_lock = None;
        if b.failures >= policy.max_failures {
            let until = now.saturating_add(policy.lock_length(b.locks));
            bucket_lock = Some(((b.locked_until, b.locks, b.failures - 1), until));
            b.locked_until = until;
            b.locks = b.locks.saturating_add(1);
            b.failures = 0;
            locked = locked.or(Some((until, LockReason::TooManyFailures)));
        }
        Ok(Reservation { client: client.to_string(), at: now, stranger, bucket_lock, strangers_lock, locked })
    }

    /// The reserved attempt succeeded: it no longer counts, and a lock it set is lifted.
    pub fn give_back(&mut self, r: &Reservation) {
        if let Some(i) = self.recent.iter().rposition(|f| f.at == r.at && f.stranger == r.stranger) {
            self.recent.remove(i);
        }
        if let Some((before, until)) = r.strangers_lock
            && self.strangers_locked_until == until
        {
            self.strangers_locked_until = before;
        }
        if let Some(b) = self.clients.iter_mut().find(|c| c.client == r.client) {
            match r.bucket_lock {
                Some(((until_before, locks_before, failures_before), until)) if b.locked_until == until => {
                    b.locked_until = until_before;
                    b.locks = locks_before;
                    // The lock had reset the count: the failures before this attempt still count.
                    b.failures = failures_before;
                }
                _ => b.failures = b.failures.saturating_sub(1),
            }
        }
    }

    /// A complete sign-in from `client`: its bucket is cleared and the client becomes familiar.
    pub fn complete(&mut self, client: &str) {
        self.clients.retain(|c| c.client != client);
        self.familiar.retain(|f| f != client);
        self.familiar.push(client.to_string());
        if self.familiar.len() > MAX_FAMILIAR {
            self.familiar.remove(0);
        }
        self.recent_wrong.clear();
    }

    /// Whether the keyed `tag` of a wrong password was seen in the last [`RECENT_WRONG_SECONDS`];
    /// remembers it otherwise.
    pub fn seen_wrong(&mut self, tag: &str, now: u64) -> bool {
        self.recent_wrong.retain(|w| w.at.saturating_add(RECENT_WRONG_SECONDS) > now && w.at <= now);
        if self.recent_wrong.iter().any(|w| bool::from(w.tag.as_bytes().ct_eq(tag.as_bytes()))) {
            return true;
        }
        self.recent_wrong.push(RecentWrong { tag: tag.to_string(), at: now });
        if self.recent_wrong.len() > MAX_RECENT_WRONG {
            self.recent_wrong.remove(0);
        }
        false
    }

    /// Tracks a new challenge (its id, the client, its end), dropping ended ones.
    pub fn open_challenge(&mut self, id: &str, client: &str, expires_at: u64, now: u64) {
        self.challenges.retain(|c| c.expires_at >= now);
        self.challenges.push(ChallengeFailures {
            id: id.to_string(),
            client: client.to_string(),
            failures: 0,
            expires_at,
        });
        if self.challenges.len() > MAX_CHALLENGES {
            self.challenges.remove(0);
        }
    }

    /// The client recorded for a challenge (empty if unknown).
    pub fn challenge_client(&self, id: &str) -> String {
        self.challenges.iter().find(|c| c.id == id).map(|c| c.client.clone()).unwrap_or_default()
    }

    /// Counts a wrong code for a challenge; true when the challenge has now had its last chance.
    pub fn challenge_failed(&mut self, id: &str) -> bool {
        match self.challenges.iter_mut().find(|c| c.id == id) {
            Some(c) => {
                c.failures += 1;
                c.failures >= MAX_CODE_FAILURES_PER_CHALLENGE
            }
            None => false,
        }
    }

    /// Forgets a challenge (used or spent).
    pub fn close_challenge(&mut self, id: &str) {
        self.challenges.retain(|c| c.id != id);
    }

    /// Admin unlock (or admin password reset): every lock and counted failure is cleared.
    pub fn unlock(&mut self) {
        self.clients.clear();
        self.recent.clear();
        self.strangers_locked_until = 0;
        self.recent_wrong.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> LockoutPolicy {
        LockoutPolicy::new(3, 60)
    }

    #[test]
    fn budget_is_reserved_and_the_last_reservation_locks() {
        let mut s = LockoutState::default();
        let p = policy();
        let r1 = s.reserve(&p, "", 100).unwrap();
        let r2 = s.reserve(&p, "", 100).unwrap();
        let r3 = s.reserve(&p, "", 100).unwrap();
        assert_eq!((r1.locked, r2.locked), (None, None));
        assert_eq!(r3.locked, Some((160, LockReason::TooManyFailures)));
        assert_eq!(
            s.reserve(&p, "", 101).unwrap_err(),
            Locked { until: 160, reason: LockReason::TooManyFailures }
        );
        // the lock ends; the bucket starts over
        assert!(s.reserve(&p, "", 160).is_ok());
    }

    #[test]
    fn giving_back_undoes_exactly_the_reservation() {
        let mut s = LockoutState::default();
        let p = policy();
        let _ = s.reserve(&p, "", 1).unwrap();
        let _ = s.reserve(&p, "", 1).unwrap();
        let r = s.reserve(&p, "", 1).unwrap();
        assert!(r.locked.is_some());
        s.give_back(&r);
        assert_eq!(s.lock_for("", 2), None);
        assert_eq!(s.recent.len(), 2);
        assert_eq!(s.clients[0].failures, 2, "the failures before the right password still count");
        let r = s.reserve(&p, "", 2).unwrap();
        assert!(r.locked.is_some(), "the next attempt is the last of the budget again");
        s.give_back(&r);
        assert_eq!(s.clients[0].failures, 2);
    }

    #[test]
    fn only_a_complete_sign_in_resets_the_bucket() {
        let mut s = LockoutState::default();
        let p = policy();
        let _ = s.reserve(&p, "", 1).unwrap();
        let _ = s.reserve(&p, "", 1).unwrap();
        let ok = s.reserve(&p, "", 1).unwrap();
        s.give_back(&ok); // right password, 2FA pending
        assert_eq!(s.clients[0].failures, 2);
        s.complete("");
        assert!(s.clients.is_empty());
        assert_eq!(s.familiar, vec![String::new()]);
    }

    #[test]
    fn clients_have_their_own_buckets_and_strangers_do_not_lock_familiar_clients() {
        let mut s = LockoutState::default();
        let p = policy();
        s.complete("home");
        // 4 × 3 = 12 failures from unfamiliar clients lock all of them
        let mut locked = None;
        for i in 0..12 {
            let r = s.reserve(&p, &format!("attacker-{i}"), 10).unwrap();
            locked = r.locked;
        }
        assert_eq!(locked, Some((70, LockReason::UnfamiliarClients)));
        assert_eq!(s.reserve(&p, "attacker-new", 11).unwrap_err().reason, LockReason::UnfamiliarClients);
        assert!(s.reserve(&p, "home", 11).is_ok(), "a familiar client still gets in");
    }

    #[test]
    fn the_hourly_ceiling_is_sliding_and_holds_for_every_client() {
        let p = LockoutPolicy::new(100, 1);
        let mut s = LockoutState::default();
        s.complete("home");
        // 99 failures spread over 59 minutes from familiar "home" (no strangers involved)
        for i in 0..99u64 {
            let _ = s.reserve(&p, "home", 1000 + i * 35).unwrap();
            if i % 50 == 49 {
                s.clients.clear(); // keep the bucket itself open; only the ceiling is tested here
            }
        }
        let last = 1000 + 98 * 35;
        let r = s.reserve(&p, "home", last + 1).unwrap();
        assert_eq!(r.locked, Some((1000 + HOUR, LockReason::HourlyLimit)));
        assert_eq!(s.reserve(&p, "home", last + 2).unwrap_err().reason, LockReason::HourlyLimit);
        // one second after the oldest failure is an hour old, one more attempt fits, then not again
        assert!(s.reserve(&p, "home", 1000 + HOUR).is_ok());
        assert!(s.reserve(&p, "home", 1000 + HOUR).is_err());
        // any 60-minute span holds at most 100
        let times: Vec<u64> = s.recent.iter().map(|f| f.at).collect();
        for (i, t) in times.iter().enumerate() {
            assert!(times[i..].iter().filter(|u| **u < t + HOUR).count() <= 100);
        }
    }

    #[test]
    fn growing_lock_doubles_up_to_the_cap() {
        let p = LockoutPolicy { max_failures: 1, lockout_seconds: 60, max_lockout_seconds: 200 };
        assert_eq!(
            (p.lock_length(0), p.lock_length(1), p.lock_length(2), p.lock_length(40)),
            (60, 120, 200, 200)
        );
        let mut s = LockoutState::default();
        assert_eq!(s.reserve(&p, "", 0).unwrap().locked, Some((60, LockReason::TooManyFailures)));
        assert_eq!(s.reserve(&p, "", 60).unwrap().locked, Some((180, LockReason::TooManyFailures)));
        s.complete("");
        assert_eq!(s.reserve(&p, "", 200).unwrap().locked, Some((260, LockReason::TooManyFailures)));
    }

    #[test]
    fn same_wrong_password_is_seen_briefly() {
        let mut s = LockoutState::default();
        assert!(!s.seen_wrong("aa", 10));
        assert!(s.seen_wrong("aa", 11));
        assert!(!s.seen_wrong("aa", 11 + RECENT_WRONG_SECONDS));
    }

    #[test]
    fn challenge_cap() {
        let mut s = LockoutState::default();
        s.open_challenge("c1", "ip", 400, 100);
        assert_eq!(s.challenge_client("c1"), "ip");
        for _ in 0..MAX_CODE_FAILURES_PER_CHALLENGE - 1 {
            assert!(!s.challenge_failed("c1"));
        }
        assert!(s.challenge_failed("c1"));
    }

    #[test]
    fn state_round_trips_and_old_empty_state_parses() {
        let mut s = LockoutState::default();
        s.complete("x");
        let _ = s.reserve(&policy(), "y", 5).unwrap();
        assert_eq!(LockoutState::from_json(&s.to_json()).unwrap(), s);
        assert_eq!(LockoutState::from_json("{}").unwrap(), LockoutState::default());
        assert!(LockoutState::from_json("nope").is_err());
    }

    #[test]
    fn policy_validation() {
        assert!(LockoutPolicy::default().validate().is_ok());
        assert!(LockoutPolicy { max_lockout_seconds: 10, ..LockoutPolicy::new(5, 60) }.validate().is_err());
        assert!(
            LockoutPolicy { max_lockout_seconds: 31 * 86_400, ..LockoutPolicy::new(5, 60) }
                .validate()
                .is_err()
        );
        assert!(LockoutPolicy::new(0, 60).validate().is_err());
    }
}
