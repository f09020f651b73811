//! Retention of the security log: the events older than the app's retention period are purged on
//! request (from a periodic job), in every store.

use super::Authward;
use crate::account::expiry::DAY;
use crate::error::{Error, Result};

impl Authward {
    /// Deletes the security-log events older than `retention_days` days (user and account-wide
    /// events alike) and returns how many were deleted. Call it from a periodic job; with many app
    /// servers any one of them may run it. `retention_days` must be at least 1.
    pub fn purge_events(&self, retention_days: u32) -> Result<u64> {
        if retention_days == 0 {
            return Err(Error::invalid("retention_days must be at least 1"));
        }
        let before = self.now().saturating_sub(u64::from(retention_days) * DAY);
        self.store.purge_events(before)
    }
}
