//! A store that runs a hook, once, just before the next write of a user: what another app server does
//! between a flow's read (and password check) and its write. Everything else goes to the inner store.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use authward::event::{AuditEntry, NewEvent};
use authward::store::{AccountRecord, ChallengeRecord, Store, UnknownFn, UpdateFn, UserIdPage, UserRecord};
use authward::{Event, Result};

/// The hook: runs once, then is gone.
type Hook = Box<dyn FnOnce() + Send>;

/// Delegates to `inner`; the hook set with [`HookStore::before_next_write`] runs before the next
/// `update_user` / `update_user_from`.
pub struct HookStore {
    pub inner: Arc<dyn Store>,
    hook: Mutex<Option<Hook>>,
}

impl std::fmt::Debug for HookStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HookStore")
    }
}

impl HookStore {
    /// A hook-free wrapper of `inner`.
    pub fn new(inner: Arc<dyn Store>) -> HookStore {
        HookStore { inner, hook: Mutex::new(None) }
    }

    /// Runs `hook` before the next write of a user.
    pub fn before_next_write(&self, hook: impl FnOnce() + Send + 'static) {
        *self.hook.lock().unwrap() = Some(Box::new(hook));
    }

    fn run_hook(&self) {
        let hook = self.hook.lock().unwrap().take();
        if let Some(hook) = hook {
            hook();
        }
    }
}

impl Store for HookStore {
    fn get_account(&self, account_id: &str) -> Result<Option<AccountRecord>> {
        self.inner.get_account(account_id)
    }
    fn put_account(&self, record: &AccountRecord, event: &NewEvent) -> Result<()> {
        self.inner.put_account(record, event)
    }
    fn insert_user(&self, user: &UserRecord, events: &[NewEvent]) -> Result<()> {
        self.inner.insert_user(user, events)
    }
    fn get_user(&self, user_id: &str) -> Result<Option<UserRecord>> {
        self.inner.get_user(user_id)
    }
    fn delete_user(&self, user_id: &str) -> Result<bool> {
        self.inner.delete_user(user_id)
    }
    fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
        self.inner.list_users(account_id)
    }
    fn user_ids_after(&self, after: Option<&str>, limit: usize) -> Result<UserIdPage> {
        self.inner.user_ids_after(after, limit)
    }
    fn update_user(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.run_hook();
        self.inner.update_user(user_id, f)
    }
    fn update_user_from(&self, snapshot: &UserRecord, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.run_hook();
        self.inner.update_user_from(snapshot, f)
    }
    fn update_unknown(&self, key: &str, now: u64, f: &mut UnknownFn<'_>) -> Result<()> {
        self.inner.update_unknown(key, now, f)
    }
    fn get_challenge(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeRecord>> {
        self.inner.get_challenge(token_hash)
    }
    fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
        self.inner.events(user_id, limit)
    }
    fn account_events(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>> {
        self.inner.account_events(account_id, limit)
    }
    fn purge_events(&self, before: u64) -> Result<u64> {
        self.inner.purge_events(before)
    }
    fn append_event(&self, event: &NewEvent) -> Result<()> {
        self.inner.append_event(event)
    }
    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.inner.get_meta(key)
    }
    fn init_meta(&self, key: &str, value: &[u8]) -> Result<Vec<u8>> {
        self.inner.init_meta(key, value)
    }
    fn set_meta(&self, key: &str, value: Option<&[u8]>) -> Result<()> {
        self.inner.set_meta(key, value)
    }
}
