//! Passwords: the user's change, the admin's reset, and the proof of the current password other flows need.

use super::{Authward, admin_event, check_actor, check_id, check_password_arg, event};
use crate::account::AccountPolicy;
use crate::account::expiry::{DAY, expiry};
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::password::hash;
use crate::store::UserRecord;
use crate::violation::{Violation, ViolationCode};

impl Authward {
    // ---------------------------------------------------------------- passwords

    /// `PASSWORD_REUSED` if `new` matches the current password or one of the last `history` ones.
    pub(super) fn check_reuse(&self, rec: &UserRecord, policy: &AccountPolicy, new: &str) -> Result<()> {
        let recent = std::iter::once(&rec.password_hash)
            .chain(rec.password_history.iter().take(policy.password.history as usize));
        for phc in recent {
            // A stored hash that cannot be parsed cannot match; it must not block the change.
            if hash::verify_with_limits(new, phc, self.pepper(), &self.verify_limits).unwrap_or(false) {
                return Err(Error::PasswordReused);
            }
        }
        Ok(())
    }

    /// The minimum-age violation of a user's own change, if the password is younger than the policy's
    /// [`crate::password::PasswordPolicy::effective_min_age_days`] and the user chose it themself: a
    /// required change (expired password, an admin's request) and a password someone else set (at
    /// creation, an admin reset) are never held back, so a user can always replace a password another
    /// person knows. Only a password the user chose in their own change waits out the minimum age.
    fn too_recent(&self, rec: &UserRecord, policy: &AccountPolicy) -> Option<Violation> {
        let days = policy.password.effective_min_age_days();
        let now = self.now();
        let required = rec.must_change_password
            || rec.lockout.password_set_for_user
            || expiry(rec.password_changed_at, policy, now).expired;
        let until = rec.password_changed_at.saturating_add(u64::from(days) * DAY);
        (days > 0 && !required && now < until).then(|| Violation {
            code: ViolationCode::TooRecent,
            message: if days == 1 {
                "the password was changed less than a day ago; it can be changed once a day".to_string()
            } else {
                format!("the password was changed less than {days} days ago; it can be changed once every {days} days")
            },
        })
    }

    /// Verifies `password` for a flow that needs it (reserved and counted toward lockout like a
    /// sign-in; `kind` names a failure in the log). Errors: `LOCKED_OUT`, `WRONG_PASSWORD`.
    pub(super) fn verify_for_flow(
        &self,
        snapshot: &UserRecord,
        policy: &AccountPolicy,
        password: &str,
        kind: EventKind,
    ) -> Result<()> {
        self.checked_password(snapshot, &policy.lockout, password, "", kind, Error::WrongPassword)
    }

    fn store_new_password(
        &self,
        snapshot: &UserRecord,
        history: u32,
        new_hash: String,
        detail: &str,
        by_user: bool,
        actor: Option<&str>,
    ) -> Result<()> {
        let now = self.now();
        self.update(&snapshot.user_id, &mut |rec, changes| {
            if rec.password_hash != snapshot.password_hash {
                return Err(Error::InvalidState("the password was changed concurrently; try again".into()));
            }
            let old = std::mem::replace(&mut rec.password_hash, new_hash.clone());
            rec.password_history.insert(0, old);
            rec.password_history.truncate(history as usize);
            rec.password_changed_at = now;
            rec.credential_version += 1;
            if by_user {
                rec.must_change_password = false;
            } else {
                rec.lockout.unlock();
            }
            rec.lockout.password_set_for_user = !by_user;
            changes.drop_user_challenges = true;
            changes.events.push(if by_user {
                event(rec, EventKind::PasswordChanged, now, detail)
            } else {
                admin_event(rec, EventKind::PasswordChanged, now, detail, actor)
            });
            Ok(())
        })?;
        Ok(())
    }

    /// The user changes their password: `current`, `new`, and `confirm` (must equal `new`).
    ///
    /// Errors, checked in this order: `LOCKED_OUT`, `WRONG_PASSWORD` (counts toward lockout),
    /// `PASSWORD_MISMATCH`, `POLICY_VIOLATION` (every violation, including `BREACHED` when the attached
    /// filter lists the new password and `TOO_RECENT` when the password is younger than the policy's
    /// minimum age), `PASSWORD_REUSED` (the current one or one of the last
    /// `history`). On success the expiry restarts and `credential_version` increases.
    pub fn change_password(&self, user_id: &str, current: &str, new: &str, confirm: &str) -> Result<()> {
        check_password_arg("current password", current)?;
        check_password_arg("new password", new)?;
        check_password_arg("confirmation", confirm)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        self.verify_for_flow(&snapshot, &account.policy, current, EventKind::PasswordChangeFailed)?;
        if new != confirm {
            return Err(Error::PasswordMismatch);
        }
        let inputs = Self::user_inputs(user_id, &snapshot.account_id, snapshot.email.as_deref());
        let mut violations = account.policy.password.check_with_filter(new, &inputs, self.breach_filter());
        violations.extend(self.too_recent(&snapshot, &account.policy));
        if !violations.is_empty() {
            return Err(Error::PolicyViolation(violations));
        }
        self.check_reuse(&snapshot, &account.policy, new)?;
        let new_hash = hash::hash(new, &self.hash_params, self.pepper())?;
        self.store_new_password(
            &snapshot,
            account.policy.password.history,
            new_hash,
            "changed by the user",
            true,
            None,
        )
    }

    /// Admin: sets a user's password (policy and history apply; the lockout is cleared).
    /// Errors: `NOT_FOUND`, `POLICY_VIOLATION`, `PASSWORD_REUSED`.
    pub fn set_password(&self, user_id: &str, new: &str) -> Result<()> {
        self.set_password_by(user_id, new, None)
    }

    /// [`Authward::set_password`], logged with the admin's name (`actor`) in the event and the
    /// account's audit log.
    pub fn set_password_by(&self, user_id: &str, new: &str, actor: Option<&str>) -> Result<()> {
        check_actor(actor)?;
        check_password_arg("new password", new)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let inputs = Self::user_inputs(user_id, &snapshot.account_id, snapshot.email.as_deref());
        self.check_policy(&account.policy, new, &inputs)?;
        self.check_reuse(&snapshot, &account.policy, new)?;
        let new_hash = hash::hash(new, &self.hash_params, self.pepper())?;
        self.store_new_password(
            &snapshot,
            account.policy.password.history,
            new_hash,
            "set by an admin",
            false,
            actor,
        )
    }

    /// Admin: the next sign-in of the user carries `"change_password"` until they change it. Logged
    /// as `policy_changed` in the user's log and the account's audit log.
    pub fn require_password_change(&self, user_id: &str) -> Result<()> {
        self.require_password_change_by(user_id, None)
    }

    /// [`Authward::require_password_change`] with the admin's name (`actor`).
    pub fn require_password_change_by(&self, user_id: &str, actor: Option<&str>) -> Result<()> {
        check_id("user id", user_id)?;
        check_actor(actor)?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            rec.must_change_password = true;
            changes.events.push(admin_event(
                rec,
                EventKind::PolicyChanged,
                now,
                "password change required by an admin",
                actor,
            ));
            Ok(())
        })?;
        Ok(())
    }

    /// Admin: lifts every lock of the user (and forgets the failures counted so far). Logged as
    /// `unlocked`. `NOT_FOUND` if there is no such user.
    pub fn unlock_user(&self, user_id: &str) -> Result<()> {
        self.unlock_user_by(user_id, None)
    }

    /// [`Authward::unlock_user`] with the admin's name (`actor`).
    pub fn unlock_user_by(&self, user_id: &str, actor: Option<&str>) -> Result<()> {
        check_id("user id", user_id)?;
        check_actor(actor)?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            rec.lockout.unlock();
            changes.events.push(admin_event(rec, EventKind::Unlocked, now, "by an admin", actor));
            Ok(())
        })?;
        Ok(())
    }
}
