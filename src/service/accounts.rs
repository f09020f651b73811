//! Account policies: what an admin sets for all users of an account.

use super::{Authward, check_id};
use crate::account::AccountPolicy;
use crate::error::Result;
use crate::event::{EventKind, NewEvent};
use crate::store::AccountRecord;

impl Authward {
    // ---------------------------------------------------------------- accounts

    /// Sets the account's policy (validated). Turning on `enforce_two_factor` starts the grace period now.
    pub fn set_account_policy(&self, account_id: &str, policy: &AccountPolicy) -> Result<()> {
        self.set_account_policy_by(account_id, policy, None)
    }

    /// [`Authward::set_account_policy`] with the admin's name (`actor`) in the `policy_changed` event
    /// (`"admin"` when `None`).
    pub fn set_account_policy_by(
        &self,
        account_id: &str,
        policy: &AccountPolicy,
        actor: Option<&str>,
    ) -> Result<()> {
        check_id("account id", account_id)?;
        super::check_actor(actor)?;
        policy.validate()?;
        let now = self.now();
        // Enforcement kept on keeps its start; switched on, it starts now.
        let was_enforced_since = match self.store.get_account(account_id)? {
            Some(old) if old.policy.enforce_two_factor => old.enforced_since,
            _ => None,
        };
        let enforced_since = policy.enforce_two_factor.then(|| was_enforced_since.unwrap_or(now));
        let record =
            AccountRecord { account_id: account_id.to_string(), policy: policy.clone(), enforced_since };
        let detail = format!(
            "enforce_two_factor={}, two_factor_grace_days={}, password_expiration_days={}",
            policy.enforce_two_factor,
            policy.two_factor_grace_days,
            policy.password_expiration_days.map_or("off".to_string(), |d| d.to_string())
        );
        let event = NewEvent {
            account_id: account_id.to_string(),
            user_id: None,
            kind: EventKind::PolicyChanged,
            at: now,
            detail,
            actor: Some(actor.unwrap_or(super::DEFAULT_ACTOR).to_string()),
        };
        self.store.put_account(&record, &event)
    }

    /// The account's policy (the defaults if none was set).
    pub fn account_policy(&self, account_id: &str) -> Result<AccountPolicy> {
        check_id("account id", account_id)?;
        Ok(self.account(account_id)?.policy)
    }
}
