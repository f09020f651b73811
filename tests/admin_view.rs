//! The admin's view (issue 17): exemptions from *Enforce 2FA*, an enforcement start date, the last
//! complete sign-in and the account report, each against the memory, SQLite and (tests/postgres/run.sh) PostgreSQL stores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[macro_use]
#[path = "support/forward.rs"]
mod forward;
#[path = "support/hook_store.rs"]
mod hook_store;
#[path = "support/pg.rs"]
mod pg;
#[macro_use]
#[path = "support/service_env.rs"]
mod service_env;

use std::sync::Arc;

use authward::store::{MemoryStore, Store};
use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Attention, Authward, ErrorCode, EventKind, LockoutPolicy, ManualClock, ReportQuery,
    ReportSort, RequiredAction, SignInStatus,
};

use hook_store::HookStore;
use service_env::{Env, KEY, T0, options};

const DAY: u64 = 86_400;
const PW: &str = "correct horse battery staple";

fn enroll(env: &Env, user: &str) -> String {
    let e = env.aw.begin_totp_enrollment(user, "ACME").unwrap();
    let code = totp::code(&e.secret, env.clock.now(), &TotpConfig::default()).unwrap();
    env.aw.confirm_totp_enrollment(user, &code).unwrap();
    env.clock.advance(30);
    e.secret.to_string()
}

fn enforced(grace_days: u32) -> AccountPolicy {
    AccountPolicy { enforce_two_factor: true, two_factor_grace_days: grace_days, ..AccountPolicy::default() }
}

fn report(env: &Env, sort: ReportSort) -> Vec<String> {
    let q = ReportQuery { sort, ..ReportQuery::default() };
    env.aw.account_report("acme", &q).unwrap().users.into_iter().map(|u| u.user_id).collect()
}

over_every_store! {
    an_exempt_user_is_not_held_to_enforced_two_factor(env) {
        env.aw.create_user("svc", "acme", PW, None).unwrap();
        env.aw.set_account_policy("acme", &enforced(0)).unwrap();
        let s = env.aw.sign_in("svc", PW).unwrap();
        assert_eq!(s.status, SignInStatus::ActionRequired);
        assert_eq!(s.required_actions, vec![RequiredAction::EnrollTwoFactor]);

        env.aw.set_two_factor_exempt("svc", true).unwrap();
        env.aw.set_two_factor_exempt("svc", true).unwrap(); // already set: nothing logged
        let s = env.aw.sign_in("svc", PW).unwrap();
        assert_eq!(s.status, SignInStatus::Complete);
        assert!(s.required_actions.is_empty());
        assert_eq!(s.two_factor_deadline, None);
        let st = env.aw.status("svc").unwrap();
        assert_eq!((st.two_factor_deadline, st.required_actions.len()), (None, 0));
        let logged: Vec<_> = env.aw.events("svc", 100).unwrap().into_iter()
            .filter(|e| e.kind == EventKind::PolicyChanged && e.detail.contains("exempted"))
            .collect();
        assert_eq!(logged.len(), 1);

        // An exempt user who enrolled anyway may turn it off under enforcement; others may not.
        enroll(&env, "svc");
        env.aw.disable_totp("svc", PW).unwrap();
        env.aw.create_user("bob", "acme", PW, None).unwrap();
        enroll(&env, "bob");
        assert_eq!(env.aw.disable_totp("bob", PW).unwrap_err().code(), ErrorCode::TwoFactorEnforced);

        // The exemption ends: the deadline (creation / enforcement + 0 grace days) is long past.
        env.aw.set_two_factor_exempt("svc", false).unwrap();
        let s = env.aw.sign_in("svc", PW).unwrap();
        assert_eq!(s.status, SignInStatus::ActionRequired);
        assert!(env.aw.events("svc", 100).unwrap().iter().any(|e| e.detail.contains("exemption") && e.detail.contains("ended")));
        assert_eq!(env.aw.set_two_factor_exempt("nobody", true).unwrap_err().code(), ErrorCode::NotFound);
    }

    enforcement_can_start_on_a_date(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let start = T0 + 10 * DAY;
        let policy = AccountPolicy { enforce_two_factor_from: Some(start), ..enforced(3) };
        env.aw.set_account_policy("acme", &policy).unwrap();
        assert_eq!(env.aw.account_policy("acme").unwrap().enforce_two_factor_from, Some(start));
        // Before the start (and its grace): told to enrol, with the deadline, but let in.
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(s.status, SignInStatus::Complete);
        assert_eq!(s.required_actions, vec![RequiredAction::EnrollTwoFactor]);
        assert_eq!(s.two_factor_deadline, Some(start + 3 * DAY));
        env.clock.set(start + 2 * DAY);
        assert_eq!(env.aw.sign_in("alice", PW).unwrap().status, SignInStatus::Complete);
        env.clock.set(start + 3 * DAY);
        assert_eq!(env.aw.sign_in("alice", PW).unwrap().status, SignInStatus::ActionRequired);
        // Out of range is refused.
        let bad = AccountPolicy { enforce_two_factor_from: Some(u64::MAX), ..enforced(0) };
        assert_eq!(env.aw.set_account_policy("acme", &bad).unwrap_err().code(), ErrorCode::InvalidArgument);
    }

    the_last_complete_sign_in_is_recorded(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        env.aw.create_user("bob", "acme", PW, None).unwrap();
        let last = |u: &str| {
            let r = env.aw.account_report("acme", &ReportQuery::default()).unwrap();
            r.users.into_iter().find(|x| x.user_id == u).unwrap().last_sign_in_at
        };
        assert_eq!(last("alice"), None);
        env.clock.advance(100);
        env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(last("alice"), Some(T0 + 100));
        // A wrong password is no sign-in.
        env.clock.advance(100);
        assert!(env.aw.sign_in("alice", "wrong password here").is_err());
        assert_eq!(last("alice"), Some(T0 + 100));
        // With 2FA the password alone is not complete; the code is.
        let secret = enroll(&env, "bob");
        let s = env.aw.sign_in("bob", PW).unwrap();
        assert_eq!(last("bob"), None);
        let code = totp::code(&secret, env.clock.now(), &TotpConfig::default()).unwrap();
        env.aw.verify_second_factor(s.challenge.as_ref().unwrap(), &code).unwrap();
        assert_eq!(last("bob"), Some(env.clock.now()));
    }

    the_report_puts_what_the_admin_acts_on_first(env) {
        let lockout = LockoutPolicy { max_failures: 3, ..LockoutPolicy::default() };
        let policy = AccountPolicy { password_expiration_days: Some(90), lockout, ..enforced(14) };
        for u in ["ann", "ben", "cat", "dan", "eve", "fay"] {
            env.aw.create_user(u, "acme", PW, None).unwrap();
        }
        env.aw.create_user("zed", "other", PW, None).unwrap();
        env.aw.set_account_policy("acme", &policy).unwrap();
        enroll(&env, "ann"); // fine
        enroll(&env, "cat");
        env.aw.set_two_factor_exempt("dan", true).unwrap(); // fine (exempt)
        env.clock.advance(DAY);
        enroll(&env, "eve");
        for i in 0..3 {
            // (different wrong passwords: the same one typed again is not counted again)
            let _ = env.aw.sign_in("eve", &format!("wrong password number {i}"));
        }
        env.aw.require_password_change("fay").unwrap(); // overdue (change required)
        enroll(&env, "fay");
        // ben has no 2FA: due (deadline ahead); eve is locked: overdue.
        let r = env.aw.account_report("acme", &ReportQuery::default()).unwrap();
        assert_eq!((r.total, r.overdue, r.due), (6, 2, 1), "{:#?}", r.users);
        let order: Vec<_> = r.users.iter().map(|u| (u.user_id.as_str(), u.attention)).collect();
        assert_eq!(&order[..3], &[("eve", Attention::Overdue), ("fay", Attention::Overdue), ("ben", Attention::Due)]);
        let ben = r.users.iter().find(|u| u.user_id == "ben").unwrap();
        assert_eq!(ben.two_factor_deadline, Some(T0 + 14 * DAY));
        assert!(!ben.two_factor_enabled);
        assert_eq!(ben.password_expires_at, Some(T0 + 90 * DAY));
        assert_eq!(ben.password_age_days, 1);
        let dan = r.users.iter().find(|u| u.user_id == "dan").unwrap();
        assert!(dan.two_factor_exempt && dan.two_factor_deadline.is_none());
        assert_eq!(dan.attention, Attention::Fine);
        let eve = r.users.iter().find(|u| u.user_id == "eve").unwrap();
        assert!(eve.locked_until.is_some_and(|t| t > env.clock.now()));
        let fay = r.users.iter().find(|u| u.user_id == "fay").unwrap();
        assert_eq!(fay.required_actions, vec![RequiredAction::ChangePassword]);

        // 80 days on, everyone's password is in its warning window and ben is overdue for 2FA.
        env.clock.advance(80 * DAY);
        let r = env.aw.account_report("acme", &ReportQuery::default()).unwrap();
        assert_eq!(r.users[0].user_id, "ben");
        assert_eq!(r.overdue, 2); // ben, fay (eve's lock is over)
        assert_eq!(r.due, 4);

        assert_eq!(report(&env, ReportSort::UserId), vec!["ann", "ben", "cat", "dan", "eve", "fay"]);
        env.aw.sign_in("dan", PW).unwrap();
        let by_sign_in = report(&env, ReportSort::LastSignIn);
        assert_eq!(by_sign_in.last().unwrap(), "dan");
        env.aw.set_password("cat", "a brand new admin set password").unwrap();
        assert_eq!(report(&env, ReportSort::PasswordAge).last().unwrap(), "cat");

        // Pages.
        let page = |offset, limit| {
            let q = ReportQuery { sort: ReportSort::UserId, offset, limit };
            env.aw.account_report("acme", &q).unwrap().users.into_iter().map(|u| u.user_id).collect::<Vec<_>>()
        };
        assert_eq!(page(2, 2), vec!["cat", "dan"]);
        assert_eq!(page(5, 10), vec!["fay"]);
        assert!(page(6, 10).is_empty());
        let q = ReportQuery { limit: 0, ..ReportQuery::default() };
        assert_eq!(env.aw.account_report("acme", &q).unwrap_err().code(), ErrorCode::InvalidArgument);
        let q = ReportQuery { limit: 1001, ..ReportQuery::default() };
        assert_eq!(env.aw.account_report("acme", &q).unwrap_err().code(), ErrorCode::InvalidArgument);
        let none = env.aw.account_report("nobody", &ReportQuery::default()).unwrap();
        assert_eq!((none.total, none.users.len()), (0, 0));
        assert_eq!(ReportSort::parse("last_sign_in").unwrap(), ReportSort::LastSignIn);
        assert_eq!(ReportSort::parse("oldest").unwrap_err().code(), ErrorCode::InvalidArgument);
    }
    admin_calls_name_their_actor_and_fill_the_audit_log(env) {
        env.aw.create_user("ann", "acme", PW, None).unwrap();
        env.aw.create_user("ben", "acme", PW, None).unwrap();
        env.aw.create_user("zed", "other", PW, None).unwrap();
        let policy = AccountPolicy { password_expiration_days: Some(90), ..AccountPolicy::default() };
        env.aw.set_account_policy_by("acme", &policy, Some("root@acme.example")).unwrap();
        env.clock.advance(1);
        env.aw.set_account_policy("other", &policy).unwrap();
        env.aw.set_password_by("ann", "a brand new admin set password", Some("helpdesk@acme.example")).unwrap();
        env.clock.advance(1);
        env.aw.require_password_change_by("ben", Some("helpdesk@acme.example")).unwrap();
        env.aw.unlock_user("ben").unwrap();
        env.aw.set_two_factor_exempt_by("ben", true, Some("root@acme.example")).unwrap();
        env.aw.reset_two_factor_by("zed", Some("root@other.example")).unwrap(); // no 2FA: nothing logged
        // What users do themselves is not in the audit log.
        env.aw.sign_in("ann", "a brand new admin set password").unwrap();
        assert!(env.aw.sign_in("ben", "wrong password here").is_err());

        let log = env.aw.audit_log("acme", 100).unwrap();
        let got: Vec<_> = log
            .iter()
            .map(|e| (e.user_id.as_deref(), e.event.kind, e.event.actor.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("ben"), EventKind::PolicyChanged, Some("root@acme.example")),
                (Some("ben"), EventKind::Unlocked, Some("admin")),
                (Some("ben"), EventKind::PolicyChanged, Some("helpdesk@acme.example")),
                (Some("ann"), EventKind::PasswordChanged, Some("helpdesk@acme.example")),
                (None, EventKind::PolicyChanged, Some("root@acme.example")),
            ]
        );
        assert!(log[2].event.detail.contains("password change required"));
        assert_eq!(env.aw.audit_log("acme", 2).unwrap().len(), 2);
        let other = env.aw.audit_log("other", 100).unwrap();
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].event.actor.as_deref(), Some("admin"));
        assert!(env.aw.audit_log("nobody", 100).unwrap().is_empty());

        // The user's own log shows the actor of admin entries, none on their own.
        let ann = env.aw.events("ann", 100).unwrap();
        assert!(ann.iter().any(|e| e.kind == EventKind::PasswordChanged
            && e.actor.as_deref() == Some("helpdesk@acme.example")));
        assert!(ann.iter().filter(|e| e.kind == EventKind::SignIn).all(|e| e.actor.is_none()));

        // A bad actor is refused before anything happens.
        for bad in ["", "line\nbreak", &"x".repeat(300)] {
            let e = env.aw.unlock_user_by("ben", Some(bad)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad:?}");
        }
        assert_eq!(env.aw.audit_log("acme", 100).unwrap().len(), 5);
        // A deleted user's entries go with them.
        env.aw.delete_user("ben").unwrap();
        assert_eq!(env.aw.audit_log("acme", 100).unwrap().len(), 2);
    }
}

/// An exemption the admin ends (on another app server) while `disable_totp` checks the password,
/// after the flow read the user as exempt, still holds the user to 2FA: the write checks again.
#[test]
fn an_exemption_ended_during_disable_totp_still_holds_the_user_to_2fa() {
    let inner: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let hooked = Arc::new(HookStore::new(Arc::clone(&inner)));
    let clock = ManualClock::new(T0);
    let aw = Authward::with_store(hooked.clone(), &KEY, options(&clock)).unwrap();
    let other_server = Authward::with_store(inner, &KEY, options(&clock)).unwrap();
    aw.set_account_policy("acme", &enforced(3)).unwrap();
    aw.create_user("svc", "acme", PW, None).unwrap();
    let e = aw.begin_totp_enrollment("svc", "ACME").unwrap();
    aw.confirm_totp_enrollment("svc", &totp::code(&e.secret, T0, &TotpConfig::default()).unwrap()).unwrap();
    aw.set_two_factor_exempt("svc", true).unwrap();

    hooked.before_next_write(move || other_server.set_two_factor_exempt("svc", false).unwrap());
    let err = aw.disable_totp("svc", PW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TwoFactorEnforced);
    assert!(aw.status("svc").unwrap().two_factor_enabled, "2FA stays on");
    assert!(!aw.events("svc", 10).unwrap().iter().any(|e| e.kind == EventKind::TwoFactorDisabled));

    // Exempt again, with nobody in between: the user may turn it off.
    aw.set_two_factor_exempt("svc", true).unwrap();
    aw.disable_totp("svc", PW).unwrap();
    assert!(!aw.status("svc").unwrap().two_factor_enabled);
}
