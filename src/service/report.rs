//! The admin's view of an account: who complies with its policy and who needs a nudge
//! ([`Authward::account_report`]), and the per-user exemption from *Enforce 2FA*
//! ([`Authward::set_two_factor_exempt`]).
//!
//! The report reads every user of the account (one statement on PostgreSQL, one transaction-free read
//! per user elsewhere), judges each at one moment and sorts in memory, so a page costs the whole
//! account's read: fine for the admin's page of accounts up to tens of thousands of users; page
//! through `user_ids_after` yourself for more.

use super::{Authward, admin_event, check_actor, check_id, required_actions, two_factor_deadline};
use crate::account::expiry::{DAY, expiry};
use crate::error::{Error, Result};
use crate::event::{AuditEntry, EventKind};
use crate::service::types::RequiredAction;

/// The most rows one report page returns.
pub const MAX_REPORT_PAGE: usize = 1000;

/// How [`Authward::account_report`] orders its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportSort {
    /// What the admin acts on first (the default): users who are overdue (2FA enrolment deadline
    /// passed, password expired or a change required, locked now), then users with something due
    /// (a deadline ahead, the expiry warning), then the rest; within each group the nearest deadline
    /// first, then by user id.
    #[default]
    Attention,
    /// By user id.
    UserId,
    /// Oldest password first.
    PasswordAge,
    /// Longest since the last complete sign-in first (never signed in before all).
    LastSignIn,
}

impl ReportSort {
    /// The stable name: `"attention"`, `"user_id"`, `"password_age"`, `"last_sign_in"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReportSort::Attention => "attention",
            ReportSort::UserId => "user_id",
            ReportSort::PasswordAge => "password_age",
            ReportSort::LastSignIn => "last_sign_in",
        }
    }

    /// The order with this name; `INVALID_ARGUMENT` otherwise.
    pub fn parse(name: &str) -> Result<ReportSort> {
        [ReportSort::Attention, ReportSort::UserId, ReportSort::PasswordAge, ReportSort::LastSignIn]
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| {
                Error::invalid(
                    "sort must be \"attention\", \"user_id\", \"password_age\" or \"last_sign_in\"",
                )
            })
    }
}

/// Which page of [`Authward::account_report`] to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportQuery {
    /// The order.
    pub sort: ReportSort,
    /// Rows to skip.
    pub offset: usize,
    /// Rows to return, 1..=[`MAX_REPORT_PAGE`]. Default 100.
    pub limit: usize,
}

impl Default for ReportQuery {
    fn default() -> Self {
        ReportQuery { sort: ReportSort::Attention, offset: 0, limit: 100 }
    }
}

/// How much a user needs the admin's attention (the groups of [`ReportSort::Attention`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attention {
    /// Something is overdue now: enrolment deadline passed, password expired or a change required,
    /// locked.
    Overdue,
    /// Something is due: an enrolment deadline ahead, or inside the password's expiry warning.
    Due,
    /// Nothing to do.
    Fine,
}

impl Attention {
    /// The stable name: `"overdue"`, `"due"`, `"fine"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Attention::Overdue => "overdue",
            Attention::Due => "due",
            Attention::Fine => "fine",
        }
    }
}

/// One user in [`AccountReport`]. Times are unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserReport {
    /// The user's id.
    pub user_id: String,
    /// The group this user falls in.
    pub attention: Attention,
    /// 2FA is on.
    pub two_factor_enabled: bool,
    /// Exempt from the account's *Enforce 2FA* ([`Authward::set_two_factor_exempt`]).
    pub two_factor_exempt: bool,
    /// When the user must have enrolled (enforced, not exempt, 2FA off); may be past.
    pub two_factor_deadline: Option<u64>,
    /// When the password was last changed.
    pub password_changed_at: u64,
    /// Whole days since then.
    pub password_age_days: u64,
    /// When the password expires under the policy (`None`: no expiration).
    pub password_expires_at: Option<u64>,
    /// What the user must do at the next sign-in (`enroll_two_factor`, `change_password`).
    pub required_actions: Vec<RequiredAction>,
    /// Locked (any client) until then.
    pub locked_until: Option<u64>,
    /// The last sign-in that gave every factor (answered `complete` or `action_required`); `None`:
    /// none since authward started recording it (0.2).
    pub last_sign_in_at: Option<u64>,
}

/// A page of [`Authward::account_report`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReport {
    /// The rows of this page, in the requested order.
    pub users: Vec<UserReport>,
    /// Users in the account.
    pub total: usize,
    /// Of them, overdue.
    pub overdue: usize,
    /// Of them, with something due.
    pub due: usize,
    /// The moment the report judged (unix seconds).
    pub at: u64,
}

impl Authward {
    /// Admin: exempts a user from the account's *Enforce 2FA* (`true`: no enrolment deadline, and they
    /// may turn 2FA off; e.g. a service account, or a user who signs in through the company's SSO) or
    /// ends the exemption (`false`: the deadline is again the latest of their creation, the start of
    /// enforcement and its start date, plus the grace days, so a user whose deadline passed while
    /// exempt must enrol at the next sign-in). Logged as `policy_changed` in the user's log (setting
    /// what is already set logs nothing). `NOT_FOUND` if there is no such user.
    pub fn set_two_factor_exempt(&self, user_id: &str, exempt: bool) -> Result<()> {
        self.set_two_factor_exempt_by(user_id, exempt, None)
    }

    /// [`Authward::set_two_factor_exempt`] with the admin's name (`actor`).
    pub fn set_two_factor_exempt_by(&self, user_id: &str, exempt: bool, actor: Option<&str>) -> Result<()> {
        check_id("user id", user_id)?;
        check_actor(actor)?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            if rec.lockout.two_factor_exempt == exempt {
                return Ok(());
            }
            rec.lockout.two_factor_exempt = exempt;
            let detail = if exempt {
                "exempted from enforced two-factor authentication by an admin"
            } else {
                "exemption from enforced two-factor authentication ended by an admin"
            };
            changes.events.push(admin_event(rec, EventKind::PolicyChanged, now, detail, actor));
            Ok(())
        })?;
        Ok(())
    }

    /// Admin: the account's audit log, newest first (at most `limit`, capped at 1000): its policy
    /// changes and every admin action on its users (password set, change required, 2FA reset, unlock,
    /// exemption), each with its actor (the name the app passed, or `"admin"`). What users do
    /// themselves is in their own [`Authward::events`]. A deleted user's entries go with them.
    pub fn audit_log(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>> {
        check_id("account id", account_id)?;
        self.store.account_events(account_id, limit.min(super::MAX_EVENTS))
    }

    /// Admin: every user of the account judged against its policy now, one page in the order asked
    /// for, with the counts of the whole account. `INVALID_ARGUMENT` for a limit outside
    /// 1..=[`MAX_REPORT_PAGE`]; an unknown account is an empty report. A row changed outside authward
    /// fails the report with `CRYPTO` (and is logged), like any read of it.
    pub fn account_report(&self, account_id: &str, query: &ReportQuery) -> Result<AccountReport> {
        check_id("account id", account_id)?;
        if query.limit == 0 || query.limit > MAX_REPORT_PAGE {
            return Err(Error::invalid(format!("limit must be 1..={MAX_REPORT_PAGE}")));
        }
        let account = self.account(account_id)?;
        let now = self.now();
        let mut rows = Vec::new();
        for rec in self.store.account_users(account_id)? {
            if rec.account_id != account_id {
                continue;
            }
            if let Err(e) = self.verify_row(&rec) {
                self.log_integrity_failure(&rec.user_id, &rec.account_id);
                return Err(e);
            }
            let e = expiry(rec.password_changed_at, &account.policy, now);
            let actions = required_actions(&rec, &account, now);
            let deadline = two_factor_deadline(&rec, &account);
            let locked_until = rec.lockout.any_lock(now).map(|l| l.until);
            let attention = if !actions.is_empty() || locked_until.is_some() {
                Attention::Overdue
            } else if deadline.is_some() || (e.expires_at.is_some() && e.warning) {
                Attention::Due
            } else {
                Attention::Fine
            };
            rows.push(UserReport {
                user_id: rec.user_id.clone(),
                attention,
                two_factor_enabled: rec.totp.is_some(),
                two_factor_exempt: rec.lockout.two_factor_exempt,
                two_factor_deadline: deadline,
                password_changed_at: rec.password_changed_at,
                password_age_days: now.saturating_sub(rec.password_changed_at) / DAY,
                password_expires_at: e.expires_at,
                required_actions: actions,
                locked_until,
                last_sign_in_at: (rec.lockout.signed_in_at > 0).then_some(rec.lockout.signed_in_at),
            });
        }
        let total = rows.len();
        let overdue = rows.iter().filter(|r| r.attention == Attention::Overdue).count();
        let due = rows.iter().filter(|r| r.attention == Attention::Due).count();
        match query.sort {
            ReportSort::Attention => rows.sort_by(|a, b| {
                let next = |r: &UserReport| {
                    [r.two_factor_deadline, r.password_expires_at, r.locked_until]
                        .into_iter()
                        .flatten()
                        .min()
                        .unwrap_or(u64::MAX)
                };
                (a.attention, next(a)).cmp(&(b.attention, next(b))).then_with(|| a.user_id.cmp(&b.user_id))
            }),
            ReportSort::UserId => rows.sort_by(|a, b| a.user_id.cmp(&b.user_id)),
            ReportSort::PasswordAge => rows.sort_by(|a, b| {
                a.password_changed_at.cmp(&b.password_changed_at).then_with(|| a.user_id.cmp(&b.user_id))
            }),
            ReportSort::LastSignIn => rows.sort_by(|a, b| {
                a.last_sign_in_at
                    .unwrap_or(0)
                    .cmp(&b.last_sign_in_at.unwrap_or(0))
                    .then_with(|| a.user_id.cmp(&b.user_id))
            }),
        }
        let users = rows.into_iter().skip(query.offset).take(query.limit).collect();
        Ok(AccountReport { users, total, overdue, due, at: now })
    }
}
