//! Users: creation, deletion, listing.

use super::{Authward, MAX_EMAIL_LEN, check_id, check_password_arg};
use crate::account::AccountPolicy;
use crate::account::lockout::LockoutState;
use crate::error::{Error, Result};
use crate::password::hash;
use crate::password::policy::Violation;
use crate::store::UserRecord;

/// A random start below 2^48 (exact in JavaScript numbers), so a user id deleted and created again
/// never repeats a version an app may still hold in a session.
fn first_credential_version() -> Result<u64> {
    let r = u64::from_le_bytes(crate::random::bytes::<8>()?);
    Ok((r >> 16).max(1))
}

/// A random first `revision` below 2^48, for the same reason: a store's compare-and-set on the
/// revision must never mistake a user created again under a deleted user's id for the deleted one
/// (a snapshot of the old row, still in flight in a sign-in on another server, would otherwise be
/// written over the new row once its revision caught up; see `Store::update_user_from`).
fn first_revision() -> Result<u64> {
    Ok(u64::from_le_bytes(crate::random::bytes::<8>()?) >> 16)
}

impl Authward {
    // ---------------------------------------------------------------- users

    pub(super) fn user_inputs<'a>(
        user_id: &'a str,
        account_id: &'a str,
        email: Option<&'a str>,
    ) -> Vec<&'a str> {
        let mut v = vec![user_id, account_id];
        v.extend(email);
        v
    }

    /// Every violation of the account's policy, `BREACHED` included when the attached filter lists the
    /// password.
    pub(super) fn check_policy(&self, policy: &AccountPolicy, password: &str, inputs: &[&str]) -> Result<()> {
        let violations: Vec<Violation> =
            policy.password.check_with_filter(password, inputs, self.breach_filter());
        if violations.is_empty() { Ok(()) } else { Err(Error::PolicyViolation(violations)) }
    }

    /// Creates a user in an account; the password must pass the account's policy.
    /// Errors: `INVALID_ARGUMENT`, `POLICY_VIOLATION`, `ALREADY_EXISTS`.
    pub fn create_user(
        &self,
        user_id: &str,
        account_id: &str,
        password: &str,
        email: Option<&str>,
    ) -> Result<()> {
        check_id("user id", user_id)?;
        check_id("account id", account_id)?;
        if let Some(e) = email
            && (e.is_empty() || e.len() > MAX_EMAIL_LEN || e.chars().any(char::is_control) || e.trim() != e)
        {
            return Err(Error::invalid(format!(
                "email must be 1..={MAX_EMAIL_LEN} bytes without control characters or surrounding spaces"
            )));
        }
        check_password_arg("password", password)?;
        let account = self.account(account_id)?;
        self.check_policy(&account.policy, password, &Self::user_inputs(user_id, account_id, email))?;
        if self.store.get_user(user_id)?.is_some() {
            return Err(Error::AlreadyExists(format!("user {user_id:?}")));
        }
        let password_hash = hash::hash(password, &self.hash_params, self.pepper())?;
        let now = self.now();
        let mut record = UserRecord {
            user_id: user_id.to_string(),
            account_id: account_id.to_string(),
            email: email.map(str::to_string),
            created_at: now,
            password_hash,
            password_changed_at: now,
            must_change_password: false,
            password_history: Vec::new(),
            credential_version: first_credential_version()?,
            // the app (or an admin) chose this password: the user's first change is never held back
            lockout: LockoutState { password_set_for_user: true, ..LockoutState::default() },
            totp: None,
            pending_totp: None,
            recovery_codes: Vec::new(),
            devices: Vec::new(),
            revision: first_revision()?,
            integrity_tag: None,
        };
        let revision = record.revision;
        self.tag_row(&mut record, revision);
        self.store.insert_user(&record, &[])
    }

    /// Deletes a user with every secret, challenge and event of theirs. `NOT_FOUND` if absent.
    pub fn delete_user(&self, user_id: &str) -> Result<()> {
        check_id("user id", user_id)?;
        if self.store.delete_user(user_id)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("user {user_id:?}")))
        }
    }

    /// The ids of an account's users, sorted.
    pub fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
        check_id("account id", account_id)?;
        self.store.list_users(account_id)
    }
}
