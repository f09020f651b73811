//! The admin's view from C: `authward_set_two_factor_exempt()` and the account report
//! (`authward_account_report()`, an immutable `authward_report` read row by row into
//! `authward_user_report` structs).

use std::ffi::c_char;

use crate::account::{account_policy_arg, authward_account_policy};
use crate::boundary::{call, handle, opt_str_arg, out_arg, password_arg, str_arg, write_out};
use crate::memory::{CText, free_handle, into_handle, read};
use crate::outcome::action_mask;
use crate::outcome::authward_event_list;
use crate::result::authward_result;
use crate::service::{authward_service, with, with_out};
use authward::error::{Error, Result};
use authward::{AccountReport, Attention, ReportQuery, ReportSort};

/// `authward_account_report()` order: what the admin acts on first (overdue, then due, then the rest;
/// nearest deadline first).
pub const AUTHWARD_REPORT_SORT_ATTENTION: u32 = 0;
/// `authward_account_report()` order: by user id.
pub const AUTHWARD_REPORT_SORT_USER_ID: u32 = 1;
/// `authward_account_report()` order: oldest password first.
pub const AUTHWARD_REPORT_SORT_PASSWORD_AGE: u32 = 2;
/// `authward_account_report()` order: longest since the last complete sign-in first (never signed in
/// before all).
pub const AUTHWARD_REPORT_SORT_LAST_SIGN_IN: u32 = 3;

/// How much a user of a report needs the admin's attention.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum authward_attention {
    /// Something is overdue now: enrolment deadline passed, password expired or a change required,
    /// locked.
    Overdue = 0,
    /// Something is due: an enrolment deadline ahead, or inside the password's expiry warning.
    Due = 1,
    /// Nothing to do.
    Fine = 2,
}

/// One user of a report (times in unix seconds; 0 where a time does not apply). `user_id` is lent:
/// valid while the report lives.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_user_report {
    /// The user's id (lent).
    pub user_id: *const c_char,
    /// `AUTHWARD_ATTENTION_*`.
    pub attention: authward_attention,
    /// Whether 2FA is on.
    pub two_factor_enabled: bool,
    /// Whether an admin exempted the user from enforced 2FA.
    pub two_factor_exempt: bool,
    /// When the user must have enrolled (enforced, not exempt, 2FA off; may be past); 0 when none.
    pub two_factor_deadline: u64,
    /// Last password change.
    pub password_changed_at: u64,
    /// Whole days since then.
    pub password_age_days: u64,
    /// When the password expires; 0 when the account sets no expiration.
    pub password_expires_at: u64,
    /// Mask of `AUTHWARD_REQUIRED_ACTION_*` bits the next sign-in will require.
    pub required_actions: u32,
    /// End of the longest current lockout; 0 when not locked.
    pub locked_until: u64,
    /// The last complete sign-in (every factor given); 0 when none was recorded.
    pub last_sign_in_at: u64,
}

/// A page of the account report from `authward_account_report()`. Immutable; readable from several
/// threads. Free with `authward_report_free()`.
#[allow(non_camel_case_types)]
pub struct authward_report {
    report: AccountReport,
    ids: Vec<CText>,
}

/// Admin: exempts a user from the account's enforced 2FA (`exempt` true: no enrolment deadline, and
/// they may turn 2FA off; e.g. a service account or an SSO user) or ends the exemption. Logged as
/// `policy_changed`. `AUTHWARD_NOT_FOUND` if there is no such user.
///
/// `actor` (NULL: `"admin"`) names who did it in the event and the account's audit log, as in every
/// `*_by` admin call.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_set_two_factor_exempt(
    service: *const authward_service,
    user_id: *const c_char,
    exempt: bool,
    actor: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.set_two_factor_exempt_by(str_arg(user_id, "user_id")?, exempt, opt_str_arg(actor, "actor")?)
        })
    }
}

/// `authward_set_account_policy()` with the admin's name (`actor`; NULL: `"admin"`) in the event.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_set_account_policy_by(
    service: *const authward_service,
    account_id: *const c_char,
    policy: *const authward_account_policy,
    actor: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.set_account_policy_by(
                str_arg(account_id, "account_id")?,
                &account_policy_arg(policy)?,
                opt_str_arg(actor, "actor")?,
            )
        })
    }
}

/// `authward_set_password()` with the admin's name (`actor`; NULL: `"admin"`) in the event.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_set_password_by(
    service: *const authward_service,
    user_id: *const c_char,
    new_password: *const u8,
    new_password_len: usize,
    actor: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.set_password_by(
                str_arg(user_id, "user_id")?,
                password_arg(new_password, new_password_len, "new_password")?,
                opt_str_arg(actor, "actor")?,
            )
        })
    }
}

/// `authward_require_password_change()` with the admin's name (`actor`; NULL: `"admin"`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_require_password_change_by(
    service: *const authward_service,
    user_id: *const c_char,
    actor: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| {
            s.require_password_change_by(str_arg(user_id, "user_id")?, opt_str_arg(actor, "actor")?)
        })
    }
}

/// `authward_unlock_user()` with the admin's name (`actor`; NULL: `"admin"`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_unlock_user_by(
    service: *const authward_service,
    user_id: *const c_char,
    actor: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe { with(service, |s| s.unlock_user_by(str_arg(user_id, "user_id")?, opt_str_arg(actor, "actor")?)) }
}

/// `authward_reset_two_factor()` with the admin's name (`actor`; NULL: `"admin"`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_reset_two_factor_by(
    service: *const authward_service,
    user_id: *const c_char,
    actor: *const c_char,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with(service, |s| s.reset_two_factor_by(str_arg(user_id, "user_id")?, opt_str_arg(actor, "actor")?))
    }
}

/// Writes the audit log of `account_id` (its policy changes and every admin action on its users,
/// each with its actor), newest first, at most `limit` entries (≤ 1000), to `*out_log`: an event
/// list like a user's log, whose `authward_event_list_user_id()` names the user each entry concerned
/// (NULL for policy changes). Free it with `authward_event_list_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_audit_log(
    service: *const authward_service,
    account_id: *const c_char,
    limit: usize,
    out_log: *mut *mut authward_event_list,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_log, "out_log", |s| {
            let entries = s.audit_log(str_arg(account_id, "account_id")?, limit)?;
            Ok(into_handle(authward_event_list::audit(&entries)))
        })
    }
}

fn sort_arg(sort: u32) -> Result<ReportSort> {
    Ok(match sort {
        AUTHWARD_REPORT_SORT_ATTENTION => ReportSort::Attention,
        AUTHWARD_REPORT_SORT_USER_ID => ReportSort::UserId,
        AUTHWARD_REPORT_SORT_PASSWORD_AGE => ReportSort::PasswordAge,
        AUTHWARD_REPORT_SORT_LAST_SIGN_IN => ReportSort::LastSignIn,
        _ => return Err(Error::InvalidArgument("sort must be an AUTHWARD_REPORT_SORT_* value".into())),
    })
}

/// Admin: every user of `account_id` judged against its policy now, one page (`sort`: an
/// `AUTHWARD_REPORT_SORT_*` value; skip `offset` rows; at most `limit`, 1–1000), with the counts of
/// the whole account, to `*out_report` (free with `authward_report_free()`).
/// `AUTHWARD_INVALID_ARGUMENT` for another `sort` or `limit`; `AUTHWARD_CRYPTO` when a row was
/// changed outside authward.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_account_report(
    service: *const authward_service,
    account_id: *const c_char,
    sort: u32,
    offset: usize,
    limit: usize,
    out_report: *mut *mut authward_report,
) -> authward_result {
    // SAFETY: every pointer is NULL or valid (the function's contract).
    unsafe {
        with_out(service, out_report, "out_report", |s| {
            let query = ReportQuery { sort: sort_arg(sort)?, offset, limit };
            let report = s.account_report(str_arg(account_id, "account_id")?, &query)?;
            let ids = report.users.iter().map(|u| CText::new(&u.user_id)).collect::<Result<_>>()?;
            Ok(into_handle(authward_report { report, ids }))
        })
    }
}

/// The number of rows on this page; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_report_len(report: *const authward_report) -> usize {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(report, |r| r.report.users.len()) }
}

/// Users in the account (all pages); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_report_total(report: *const authward_report) -> usize {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(report, |r| r.report.total) }
}

/// Of them, overdue; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_report_overdue(report: *const authward_report) -> usize {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(report, |r| r.report.overdue) }
}

/// Of them, with something due; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_report_due(report: *const authward_report) -> usize {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(report, |r| r.report.due) }
}

/// When the report judged (unix seconds); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_report_at(report: *const authward_report) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(report, |r| r.report.at) }
}

/// Fills `*out_user` with row `index` of the page (its `user_id` lent while the report lives).
/// `AUTHWARD_INVALID_ARGUMENT` for NULL or an index out of range.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_report_user(
    report: *const authward_report,
    index: usize,
    out_user: *mut authward_user_report,
) -> authward_result {
    call(|| {
        let out = out_arg(out_user, "out_user")?;
        // SAFETY: NULL or live (the function's contract).
        let r = unsafe { handle(report, "report") }?;
        let (Some(u), Some(id)) = (r.report.users.get(index), r.ids.get(index)) else {
            return Err(Error::InvalidArgument(format!("index {index} is out of range")));
        };
        let row = authward_user_report {
            user_id: id.as_ptr(),
            attention: match u.attention {
                Attention::Overdue => authward_attention::Overdue,
                Attention::Due => authward_attention::Due,
                Attention::Fine => authward_attention::Fine,
            },
            two_factor_enabled: u.two_factor_enabled,
            two_factor_exempt: u.two_factor_exempt,
            two_factor_deadline: u.two_factor_deadline.unwrap_or(0),
            password_changed_at: u.password_changed_at,
            password_age_days: u.password_age_days,
            password_expires_at: u.password_expires_at.unwrap_or(0),
            required_actions: action_mask(&u.required_actions),
            locked_until: u.locked_until.unwrap_or(0),
            last_sign_in_at: u.last_sign_in_at.unwrap_or(0),
        };
        // SAFETY: checked non-NULL, writable (the function's contract).
        unsafe { write_out(out, row) };
        Ok(())
    })
}

/// Frees a report. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_report_free(report: *mut authward_report) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(report) }
}
