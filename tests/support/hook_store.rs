//! A store that runs a hook, once, just before the next write of a user: what another app server does
//! between a flow's read (and password check) and its write. Everything else goes to the inner store.
//! The test file declares `#[macro_use] mod forward` (support/forward.rs) before this module.
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
    forward_to_inner!();

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
}
