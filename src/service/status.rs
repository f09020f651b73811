//! Reading: the security log and the status for the Security settings page.

use super::types::SecurityStatus;
use super::{Authward, MAX_EVENTS, check_id, required_actions, two_factor_deadline};
use crate::account::expiry::expiry;
use crate::error::Result;
use crate::event::Event;

impl Authward {
    // ---------------------------------------------------------------- reading

    /// The user's security log, newest first (at most `limit`, capped at 1000), including the account's
    /// policy changes since the user was created.
    pub fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
        check_id("user id", user_id)?;
        self.store.events(user_id, limit.min(MAX_EVENTS))
    }

    /// The user's security state for the Security settings page.
    pub fn status(&self, user_id: &str) -> Result<SecurityStatus> {
        let rec = self.user(user_id)?;
        let account = self.account(&rec.account_id)?;
        let now = self.now();
        let e = expiry(rec.password_changed_at, &account.policy, now);
        let lock = rec.lockout.any_lock(now);
        Ok(SecurityStatus {
            two_factor_enabled: rec.totp.is_some(),
            recovery_codes_left: u32::try_from(rec.recovery_codes.len()).unwrap_or(u32::MAX),
            password_changed_at: rec.password_changed_at,
            password_expires_at: e.expires_at,
            password_expires_in_days: e.in_days,
            password_expiry_warning: e.expires_at.is_some() && e.warning,
            required_actions: required_actions(&rec, &account, now),
            two_factor_deadline: two_factor_deadline(&rec, &account),
            locked_until: lock.map(|l| l.until),
            lock_reason: lock.map(|l| l.reason),
            credential_version: rec.credential_version,
        })
    }

    /// Copies the store to a new private file at `path` while the service stays in use (SQLite's online
    /// backup; the copy opens with the same key). `ALREADY_EXISTS` if `path` exists, `INVALID_STATE` for
    /// stores without files. The supported way to back up: never open the file with a second SQLite.
    pub fn backup(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        self.store.backup(path.as_ref())
    }

    /// A read-only look at the store: backend, schema version, user count, consistency check (for a
    /// health endpoint).
    pub fn store_info(&self) -> Result<crate::store::StoreInfo> {
        self.store.info()
    }
}
