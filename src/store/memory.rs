//! A store in process memory: for tests, demos and apps that keep state elsewhere. Lost at exit.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use super::{
    AccountRecord, ChallengeRecord, Changes, NewEvent, Store, UnknownFn, UpdateFn, UserIdPage, UserRecord,
};
use crate::account::lockout::LockoutState;
use crate::error::{Error, Result};
use crate::event::{AuditEntry, Event};

/// A [`Store`] in memory, guarded by one mutex (every update is atomic).
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    accounts: HashMap<String, AccountRecord>,
    users: BTreeMap<String, UserRecord>,
    challenges: HashMap<[u8; 32], ChallengeRecord>,
    events: Vec<(u64, NewEvent)>,
    next_event: u64,
    meta: HashMap<String, Vec<u8>>,
    unknown: HashMap<String, LockoutState>,
}

/// Unknown ids' states kept before idle ones are swept.
const UNKNOWN_SWEEP_AT: usize = 10_000;

impl Inner {
    fn log(&mut self, event: &NewEvent) {
        self.next_event += 1;
        self.events.push((self.next_event, event.clone()));
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>> {
        // A panic while holding the lock cannot leave a half-applied update: updates are applied to a
        // copy and swapped in at the end. So a poisoned lock is still consistent.
        Ok(self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

impl Store for MemoryStore {
    fn get_account(&self, account_id: &str) -> Result<Option<AccountRecord>> {
        Ok(self.lock()?.accounts.get(account_id).cloned())
    }

    fn put_account(&self, record: &AccountRecord, event: &NewEvent) -> Result<()> {
        let mut inner = self.lock()?;
        inner.accounts.insert(record.account_id.clone(), record.clone());
        inner.log(event);
        Ok(())
    }

    fn insert_user(&self, user: &UserRecord, events: &[NewEvent]) -> Result<()> {
        let mut inner = self.lock()?;
        if inner.users.contains_key(&user.user_id) {
            return Err(Error::AlreadyExists(format!("user {:?}", user.user_id)));
        }
        inner.users.insert(user.user_id.clone(), user.clone());
        for e in events {
            inner.log(e);
        }
        Ok(())
    }

    fn get_user(&self, user_id: &str) -> Result<Option<UserRecord>> {
        Ok(self.lock()?.users.get(user_id).cloned())
    }

    fn delete_user(&self, user_id: &str) -> Result<bool> {
        let mut inner = self.lock()?;
        let existed = inner.users.remove(user_id).is_some();
        inner.challenges.retain(|_, c| c.user_id != user_id);
        inner.events.retain(|(_, e)| e.user_id.as_deref() != Some(user_id));
        Ok(existed)
    }

    fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
        let inner = self.lock()?;
        Ok(inner.users.values().filter(|u| u.account_id == account_id).map(|u| u.user_id.clone()).collect())
    }

    fn user_ids_after(&self, after: Option<&str>, limit: usize) -> Result<UserIdPage> {
        use std::ops::Bound;
        let inner = self.lock()?;
        let lower = match after {
            Some(a) => Bound::Excluded(a.to_string()),
            None => Bound::Unbounded,
        };
        let range = inner.users.range::<String, _>((lower, Bound::Unbounded));
        let remaining = range.clone().count() as u64;
        Ok(UserIdPage { ids: range.take(limit).map(|(id, _)| id.clone()).collect(), remaining })
    }

    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        let mut inner = self.lock()?;
        let mut record =
            inner.users.get(user_id).cloned().ok_or_else(|| Error::NotFound(format!("user {user_id:?}")))?;
        let read_revision = record.revision;
        let mut changes = Changes::default();
        f(&mut record, &mut changes)?;
        // Only the user's own live challenge (as the SQL stores' `… AND user_id = ? AND NOT used`),
        // checked before anything changes (all or nothing).
        let live = |h: &[u8; 32]| inner.challenges.get(h).is_some_and(|c| c.user_id == user_id && !c.used);
        if changes.consume_challenge.iter().chain(&changes.use_challenge).any(|h| !live(h)) {
            return Err(Error::ChallengeExpired);
        }
        if let Some(hash) = changes.consume_challenge {
            inner.challenges.remove(&hash);
        }
        if let Some(c) = changes.use_challenge.and_then(|h| inner.challenges.get_mut(&h)) {
            c.used = true;
        }
        if changes.drop_user_challenges {
            inner.challenges.retain(|_, c| c.user_id != user_id);
        }
        if let Some(before) = changes.purge_challenges_before {
            inner.challenges.retain(|_, c| c.expires_at >= before);
        }
        if let Some(c) = changes.new_challenge.take() {
            inner.challenges.insert(c.token_hash, c);
        }
        record.revision = read_revision + 1;
        for e in &changes.events {
            inner.log(e);
        }
        inner.users.insert(user_id.to_string(), record.clone());
        Ok(record)
    }

    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()> {
        let mut inner = self.lock()?;
        if inner.unknown.len() >= UNKNOWN_SWEEP_AT {
            inner.unknown.retain(|_, s| s.idle_at() > now);
        }
        let mut state = inner.unknown.get(key).cloned().unwrap_or_default();
        f(&mut state)?;
        if state.idle_at() > now {
            inner.unknown.insert(key.to_string(), state);
        } else {
            inner.unknown.remove(key);
        }
        Ok(())
    }

    fn get_challenge(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeRecord>> {
        Ok(self.lock()?.challenges.get(token_hash).cloned())
    }

    fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
        let inner = self.lock()?;
        let Some(user) = inner.users.get(user_id) else {
            return Err(Error::NotFound(format!("user {user_id:?}")));
        };
        let mut out: Vec<&(u64, NewEvent)> = inner
            .events
            .iter()
            .filter(|(_, e)| match &e.user_id {
                Some(u) => u == user_id,
                None => e.account_id == user.account_id && e.at >= user.created_at,
            })
            .collect();
        out.sort_by_key(|e| std::cmp::Reverse(e.0));
        Ok(out
            .into_iter()
            .take(limit)
            .map(|(_, e)| Event { kind: e.kind, at: e.at, detail: e.detail.clone(), actor: e.actor.clone() })
            .collect())
    }

    fn account_events(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>> {
        let inner = self.lock()?;
        let mut out: Vec<&(u64, NewEvent)> = inner
            .events
            .iter()
            .filter(|(_, e)| e.account_id == account_id && (e.user_id.is_none() || e.actor.is_some()))
            .collect();
        out.sort_by_key(|e| std::cmp::Reverse(e.0));
        Ok(out
            .into_iter()
            .take(limit)
            .map(|(_, e)| AuditEntry {
                user_id: e.user_id.clone(),
                event: Event { kind: e.kind, at: e.at, detail: e.detail.clone(), actor: e.actor.clone() },
            })
            .collect())
    }

    fn append_event(&self, event: &NewEvent) -> Result<()> {
        self.lock()?.log(event);
        Ok(())
    }

    fn purge_events(&self, before: u64) -> Result<u64> {
        let mut inner = self.lock()?;
        let n = inner.events.len();
        inner.events.retain(|(_, e)| e.at >= before);
        Ok((n - inner.events.len()) as u64)
    }

    fn info(&self) -> Result<super::StoreInfo> {
        let inner = self.lock()?;
        Ok(super::StoreInfo {
            backend: "memory",
            schema_version: 0,
            users: inner.users.len() as u64,
            healthy: true,
        })
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock()?.meta.get(key).cloned())
    }

    fn init_meta(&self, key: &str, value: &[u8]) -> Result<Vec<u8>> {
        let mut inner = self.lock()?;
        Ok(inner.meta.entry(key.to_string()).or_insert_with(|| value.to_vec()).clone())
    }

    fn set_meta(&self, key: &str, value: Option<&[u8]>) -> Result<()> {
        let mut inner = self.lock()?;
        match value {
            Some(v) => inner.meta.insert(key.to_string(), v.to_vec()),
            None => inner.meta.remove(key),
        };
        Ok(())
    }
}
