//! The Security settings flows through `Authward`, each against the memory store, the SQLite store and
//! (tests/postgres/run.sh) the PostgreSQL store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "support/pg.rs"]
mod pg;
#[macro_use]
#[path = "support/service_env.rs"]
mod service_env;

use service_env::{Env, T0, memory, options};

use std::sync::Arc;

use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, EventKind, HashParams, LockoutPolicy, ManualClock,
    RequiredAction, SignIn, SignInStatus, ViolationCode,
};

const DAY: u64 = 86_400;
const PW: &str = "correct horse battery staple";
const PW2: &str = "purple elephant dancing quietly";
const PW3: &str = "seventeen orange umbrellas sing";

fn code_now(env: &Env, secret: &str) -> String {
    totp::code(secret, env.clock.now(), &TotpConfig::default()).unwrap()
}

/// Enrols `user` and returns (secret, recovery codes); moves the clock past the enrolment code's step.
fn enroll(env: &Env, user: &str) -> (String, Vec<String>) {
    let e = env.aw.begin_totp_enrollment(user, "ACME").unwrap();
    let codes = env.aw.confirm_totp_enrollment(user, &code_now(env, &e.secret)).unwrap();
    env.clock.advance(30);
    (e.secret.to_string(), codes.to_vec())
}

fn challenge(s: &SignIn) -> String {
    assert_eq!(s.status, SignInStatus::SecondFactorRequired);
    s.challenge.as_ref().unwrap().to_string()
}

fn err(r: Result<impl std::fmt::Debug, authward::Error>) -> ErrorCode {
    r.unwrap_err().code()
}

over_every_store! {
    create_and_sign_in(env) {
        env.aw.create_user("alice", "acme", PW, Some("alice@example.com")).unwrap();
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(s.status, SignInStatus::Complete);
        assert!(s.required_actions.is_empty());
        assert_eq!(err(env.aw.create_user("alice", "acme", PW, None)), ErrorCode::AlreadyExists);
        assert_eq!(env.aw.list_users("acme").unwrap(), vec!["alice".to_string()]);
        assert_eq!(env.aw.events("alice", 10).unwrap()[0].kind, EventKind::SignIn);
    }

    create_requires_policy(env) {
        let e = env.aw.create_user("bob", "acme", "bob", None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::PolicyViolation);
        let codes: Vec<_> = e.violations().iter().map(|v| v.code).collect();
        assert!(codes.contains(&ViolationCode::TooShort) && codes.contains(&ViolationCode::ContainsUserInput));
        assert!(env.aw.list_users("acme").unwrap().is_empty());
    }

    wrong_password_and_unknown_user_look_the_same(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let wrong = env.aw.sign_in("alice", "nope nope nope").unwrap_err();
        let unknown = env.aw.sign_in("mallory", PW).unwrap_err();
        assert_eq!(wrong.code(), ErrorCode::InvalidCredentials);
        assert_eq!(unknown.code(), ErrorCode::InvalidCredentials);
        assert_eq!(wrong.to_string(), unknown.to_string());
    }

    change_password_errors_in_order(env) {
        env.aw.create_user("alice", "acme", PW, Some("alice@example.com")).unwrap();
        env.clock.advance(86_400); // past the minimum password age
        assert_eq!(err(env.aw.change_password("alice", "wrong wrong wrong", PW2, PW2)), ErrorCode::WrongPassword);
        assert_eq!(err(env.aw.change_password("alice", PW, PW2, PW3)), ErrorCode::PasswordMismatch);
        let e = env.aw.change_password("alice", PW, "alice123", "alice123").unwrap_err();
        assert_eq!(e.code(), ErrorCode::PolicyViolation);
        assert!(e.violations().len() >= 2, "all violations at once: {:?}", e.violations());
        assert_eq!(err(env.aw.change_password("alice", PW, PW, PW)), ErrorCode::PasswordReused);
        let before = env.aw.status("alice").unwrap().credential_version;
        env.aw.change_password("alice", PW, PW2, PW2).unwrap();
        assert_eq!(env.aw.status("alice").unwrap().credential_version, before + 1);
        assert_eq!(err(env.aw.sign_in("alice", PW)), ErrorCode::InvalidCredentials);
        env.aw.sign_in("alice", PW2).unwrap();
        env.clock.advance(86_400);
        // history: the first password is refused now too, until it falls out of the history
        assert_eq!(err(env.aw.change_password("alice", PW2, PW, PW)), ErrorCode::PasswordReused);
        let kinds: Vec<_> = env.aw.events("alice", 100).unwrap().iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&EventKind::PasswordChanged));
    }

    history_depth_follows_policy(env) {
        let mut p = AccountPolicy::new();
        p.password.history = 1;
        p.password.min_strength = 0;
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.create_user("alice", "acme", "first-password-1", None).unwrap();
        env.clock.advance(86_400);
        env.aw.change_password("alice", "first-password-1", "second-password-2", "second-password-2").unwrap();
        env.clock.advance(86_400);
        env.aw.change_password("alice", "second-password-2", "third-password-3", "third-password-3").unwrap();
        env.clock.advance(86_400);
        // history 1 keeps only the previous one (second); the first is allowed again
        assert_eq!(
            err(env.aw.change_password("alice", "third-password-3", "second-password-2", "second-password-2")),
            ErrorCode::PasswordReused
        );
        env.aw.change_password("alice", "third-password-3", "first-password-1", "first-password-1").unwrap();
    }

    minimum_password_age_stops_cycling_the_history(env) {
        // Issue 12 finding 3: six quick changes brought the original password back. With the default
        // policy (history 5, minimum age 1 day) the second change in a day is refused, so getting the
        // original back takes 6 days of changes.
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let pws: Vec<String> = (1..=6).map(|i| format!("rotating passphrase number {i} of six")).collect();
        // the password the account was created with was not the user's choice: replaced at once
        env.aw.change_password("alice", PW, &pws[0], &pws[0]).unwrap();
        let e = env.aw.change_password("alice", &pws[0], &pws[1], &pws[1]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::PolicyViolation);
        let codes: Vec<_> = e.violations().iter().map(|v| v.code).collect();
        assert_eq!(codes, vec![ViolationCode::TooRecent], "{:?}", e.violations());
        assert!(e.violations()[0].message.contains("once a day"));
        // with content violations, all of them at once
        let e = env.aw.change_password("alice", &pws[0], "short", "short").unwrap_err();
        let codes: Vec<_> = e.violations().iter().map(|v| v.code).collect();
        assert!(codes.contains(&ViolationCode::TooShort) && codes.contains(&ViolationCode::TooRecent));
        env.clock.advance(86_399);
        assert_eq!(err(env.aw.change_password("alice", &pws[0], &pws[1], &pws[1])), ErrorCode::PolicyViolation);
        env.clock.advance(1);
        env.aw.change_password("alice", &pws[0], &pws[1], &pws[1]).unwrap();
        // an admin's reset is exempt, and the user replaces the password the admin set at once (the
        // admin, or whoever read it over their shoulder, knows it); their own choice then waits again
        env.aw.set_password("alice", &pws[2]).unwrap();
        env.aw.change_password("alice", &pws[2], &pws[3], &pws[3]).unwrap();
        assert_eq!(err(env.aw.change_password("alice", &pws[3], &pws[2], &pws[2])), ErrorCode::PolicyViolation);
        // a change an admin requires is never held back either
        env.aw.require_password_change("alice").unwrap();
        env.aw.change_password("alice", &pws[3], &pws[4], &pws[4]).unwrap();
        // an expired password can always be changed, even inside a longer minimum age
        let mut p = AccountPolicy::new();
        p.password_expiration_days = Some(1);
        p.password.min_age_days = 3;
        env.aw.set_account_policy("acme", &p).unwrap();
        env.clock.advance(86_400);
        env.aw.change_password("alice", &pws[4], &pws[5], &pws[5]).unwrap();
        env.clock.advance(86_400);
        // the rule is listed for the UI; without history it is off
        let rules = env.aw.account_policy("acme").unwrap().password.rules();
        assert!(rules.iter().any(|r| r.code == ViolationCode::TooRecent));
        p.password.history = 0;
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.change_password("alice", &pws[5], PW, PW).unwrap();
        env.aw.change_password("alice", PW, &pws[0], &pws[0]).unwrap();
    }

    lockout_after_failures_and_expiry(env) {
        let mut p = AccountPolicy::new();
        p.lockout = LockoutPolicy::new(3, 60);
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        for i in 0..3 {
            // distinct guesses: the same wrong password typed again is not counted twice
            assert_eq!(err(env.aw.sign_in("alice", &format!("bad guess {i}"))), ErrorCode::InvalidCredentials);
        }
        let e = env.aw.sign_in("alice", PW).unwrap_err();
        assert_eq!(e.code(), ErrorCode::LockedOut);
        assert_eq!(e.retry_after(), Some(60));
        assert_eq!(env.aw.status("alice").unwrap().locked_until, Some(T0 + 60));
        env.clock.advance(61);
        env.aw.sign_in("alice", PW).unwrap();
        assert!(env.aw.events("alice", 50).unwrap().iter().any(|e| e.kind == EventKind::LockedOut));
    }

    success_resets_failure_count(env) {
        let mut p = AccountPolicy::new();
        p.lockout = LockoutPolicy::new(3, 60);
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        for i in 0..4 {
            let _ = env.aw.sign_in("alice", &format!("bad guess {i}a"));
            let _ = env.aw.sign_in("alice", &format!("bad guess {i}b"));
            env.aw.sign_in("alice", PW).unwrap();
        }
    }

    hourly_cap_holds_in_any_configuration(env) {
        let mut p = AccountPolicy::new();
        p.lockout = LockoutPolicy::new(100, 1);
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let mut failures = 0;
        // try for one hour, one attempt a second when not locked (at most 3600 attempts)
        let end = env.clock.now() + 3600;
        while env.clock.now() < end {
            match env.aw.sign_in("alice", &format!("bad guess {}", env.clock.now())) {
                Err(e) if e.code() == ErrorCode::InvalidCredentials => {
                    failures += 1;
                    env.clock.advance(1);
                }
                Err(e) if e.code() == ErrorCode::LockedOut => env.clock.advance(e.retry_after().unwrap().min(60)),
                other => panic!("{other:?}"),
            }
        }
        assert!(failures <= 100, "{failures} failures in one hour");
        assert!(failures >= 100);
    }

    two_factor_full_flow_and_replay(env) {
        env.aw.create_user("alice", "acme", PW, Some("alice@example.com")).unwrap();
        let e = env.aw.begin_totp_enrollment("alice", "ACME Co").unwrap();
        assert!(e.uri.starts_with("otpauth://totp/ACME%20Co:alice@example.com?secret="));
        assert_eq!(err(env.aw.confirm_totp_enrollment("alice", "000000")), ErrorCode::InvalidCode);
        let setup_code = code_now(&env, &e.secret);
        let codes = env.aw.confirm_totp_enrollment("alice", &setup_code).unwrap();
        assert_eq!(codes.len(), 10);
        assert!(env.aw.status("alice").unwrap().two_factor_enabled);
        // the setup code cannot be replayed at the first sign-in
        let c = challenge(&env.aw.sign_in("alice", PW).unwrap());
        assert_eq!(err(env.aw.verify_second_factor(&c, &setup_code)), ErrorCode::CodeReused);
        // a wrong code leaves the challenge valid
        assert_eq!(err(env.aw.verify_second_factor(&c, "12345")), ErrorCode::InvalidCode);
        env.clock.advance(30);
        let code = code_now(&env, &e.secret);
        let done = env.aw.verify_second_factor(&c, &code).unwrap();
        assert_eq!(done.status, SignInStatus::Complete);
        // the challenge is single-use and the code is single-use: the same form posted again reads as a
        // replay, anything else on the used challenge finds it gone
        assert_eq!(err(env.aw.verify_second_factor(&c, &code)), ErrorCode::CodeReused);
        assert_eq!(err(env.aw.verify_second_factor(&c, "000000")), ErrorCode::ChallengeExpired);
        let c2 = challenge(&env.aw.sign_in("alice", PW).unwrap());
        assert_eq!(err(env.aw.verify_second_factor(&c2, &code)), ErrorCode::CodeReused);
        let kinds: Vec<_> = env.aw.events("alice", 100).unwrap().iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&EventKind::CodeReused) && kinds.contains(&EventKind::TwoFactorEnabled));
    }

    challenge_expires_after_five_minutes(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let (secret, _) = enroll(&env, "alice");
        let c = challenge(&env.aw.sign_in("alice", PW).unwrap());
        env.clock.advance(301);
        assert_eq!(err(env.aw.verify_second_factor(&c, &code_now(&env, &secret))), ErrorCode::ChallengeExpired);
        assert_eq!(err(env.aw.verify_second_factor("not-a-token", "123456")), ErrorCode::ChallengeExpired);
    }

    recovery_codes_are_single_use(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let (_, codes) = enroll(&env, "alice");
        let c = challenge(&env.aw.sign_in("alice", PW).unwrap());
        env.aw.verify_second_factor(&c, &codes[3].to_lowercase()).unwrap();
        assert_eq!(env.aw.status("alice").unwrap().recovery_codes_left, 9);
        let c = challenge(&env.aw.sign_in("alice", PW).unwrap());
        assert_eq!(err(env.aw.verify_second_factor(&c, &codes[3])), ErrorCode::InvalidCode);
        let fresh = env.aw.regenerate_recovery_codes("alice", PW).unwrap();
        assert_eq!(err(env.aw.verify_second_factor(&c, &codes[4])), ErrorCode::InvalidCode);
        env.aw.verify_second_factor(&c, &fresh[0]).unwrap();
        assert_eq!(err(env.aw.regenerate_recovery_codes("alice", "wrong wrong wrong")), ErrorCode::WrongPassword);
    }

    failed_codes_count_toward_lockout(env) {
        let mut p = AccountPolicy::new();
        p.lockout = LockoutPolicy::new(3, 120);
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let (secret, _) = enroll(&env, "alice");
        let c = challenge(&env.aw.sign_in("alice", PW).unwrap());
        for _ in 0..3 {
            assert_eq!(err(env.aw.verify_second_factor(&c, "000000")), ErrorCode::InvalidCode);
        }
        assert_eq!(err(env.aw.verify_second_factor(&c, &code_now(&env, &secret))), ErrorCode::LockedOut);
        assert_eq!(err(env.aw.sign_in("alice", PW)), ErrorCode::LockedOut);
    }

    enforce_two_factor_with_grace(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let mut p = AccountPolicy::new();
        p.enforce_two_factor = true;
        p.two_factor_grace_days = 7;
        env.clock.advance(10 * DAY);
        env.aw.set_account_policy("acme", &p).unwrap();
        // grace counts from the moment enforcement was switched on, not from the user's creation
        let deadline = env.clock.now() + 7 * DAY;
        env.clock.advance(6 * DAY);
        // inside the grace period: a full session, with the action and its deadline listed
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(s.status, SignInStatus::Complete);
        assert_eq!(s.required_actions, vec![RequiredAction::EnrollTwoFactor]);
        assert_eq!(s.two_factor_deadline, Some(deadline));
        assert!(env.aw.status("alice").unwrap().required_actions.is_empty(), "nothing is due yet");
        env.clock.advance(DAY);
        // grace over: the sign-in is not complete until the user enrols
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(s.status, SignInStatus::ActionRequired);
        assert_eq!(s.required_actions, vec![RequiredAction::EnrollTwoFactor]);
        assert_eq!(env.aw.status("alice").unwrap().required_actions, vec![RequiredAction::EnrollTwoFactor]);
        // re-saving the policy does not restart the grace period
        env.aw.set_account_policy("acme", &p).unwrap();
        assert_eq!(env.aw.sign_in("alice", PW).unwrap().required_actions, vec![RequiredAction::EnrollTwoFactor]);
        let (secret, _) = enroll(&env, "alice");
        assert_eq!(err(env.aw.disable_totp("alice", PW)), ErrorCode::TwoFactorEnforced);
        let c = challenge(&env.aw.sign_in("alice", PW).unwrap());
        assert!(env.aw.verify_second_factor(&c, &code_now(&env, &secret)).unwrap().required_actions.is_empty());
        // a user created after enforcement gets their own grace period
        env.aw.create_user("bob", "acme", PW2, None).unwrap();
        let s = env.aw.sign_in("bob", PW2).unwrap();
        assert_eq!(s.status, SignInStatus::Complete);
        assert_eq!(s.two_factor_deadline, Some(env.clock.now() + 7 * DAY));
        let kinds: Vec<_> = env.aw.events("bob", 10).unwrap().iter().map(|e| e.kind).collect();
        assert!(!kinds.contains(&EventKind::PolicyChanged), "policy changes before bob existed are not his");
        assert!(env.aw.events("alice", 100).unwrap().iter().any(|e| e.kind == EventKind::PolicyChanged));
    }

    password_expiration(env) {
        let mut p = AccountPolicy::new();
        p.password_expiration_days = Some(90);
        env.aw.set_account_policy("acme", &p).unwrap();
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(s.password_expires_in_days, None, "outside the 14-day warning window");
        env.clock.advance(80 * DAY);
        assert_eq!(env.aw.sign_in("alice", PW).unwrap().password_expires_in_days, Some(10));
        let st = env.aw.status("alice").unwrap();
        assert_eq!(st.password_expires_at, Some(T0 + 90 * DAY));
        assert!(st.password_expiry_warning);
        env.clock.advance(10 * DAY);
        let s = env.aw.sign_in("alice", PW).unwrap();
        assert_eq!(s.required_actions, vec![RequiredAction::ChangePassword]);
        assert_eq!(s.status, SignInStatus::ActionRequired, "an expired password never gives a full session");
        env.aw.change_password("alice", PW, PW2, PW2).unwrap();
        let s = env.aw.sign_in("alice", PW2).unwrap();
        assert!(s.required_actions.is_empty());
        assert_eq!(env.aw.status("alice").unwrap().password_expires_in_days, Some(90));
    }

    admin_operations(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        env.aw.require_password_change("alice").unwrap();
        assert_eq!(env.aw.sign_in("alice", PW).unwrap().required_actions, vec![RequiredAction::ChangePassword]);
        env.aw.set_password("alice", PW2).unwrap();
        assert_eq!(err(env.aw.set_password("alice", PW2)), ErrorCode::PasswordReused);
        assert_eq!(env.aw.sign_in("alice", PW2).unwrap().required_actions, vec![RequiredAction::ChangePassword]);
        env.aw.change_password("alice", PW2, PW3, PW3).unwrap();
        assert!(env.aw.sign_in("alice", PW3).unwrap().required_actions.is_empty());
        let (_, _) = enroll(&env, "alice");
        let c = challenge(&env.aw.sign_in("alice", PW3).unwrap());
        env.aw.reset_two_factor("alice").unwrap();
        assert_eq!(err(env.aw.verify_second_factor(&c, "123456")), ErrorCode::ChallengeExpired);
        assert_eq!(env.aw.sign_in("alice", PW3).unwrap().status, SignInStatus::Complete);
        env.aw.delete_user("alice").unwrap();
        assert_eq!(err(env.aw.status("alice")), ErrorCode::NotFound);
        assert_eq!(err(env.aw.delete_user("alice")), ErrorCode::NotFound);
        assert_eq!(err(env.aw.sign_in("alice", PW3)), ErrorCode::InvalidCredentials);
    }

    disable_totp_needs_password(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        assert_eq!(err(env.aw.disable_totp("alice", PW)), ErrorCode::InvalidState);
        enroll(&env, "alice");
        assert_eq!(err(env.aw.disable_totp("alice", "wrong wrong wrong")), ErrorCode::WrongPassword);
        env.aw.disable_totp("alice", PW).unwrap();
        assert!(!env.aw.status("alice").unwrap().two_factor_enabled);
        assert_eq!(env.aw.sign_in("alice", PW).unwrap().status, SignInStatus::Complete);
    }

    pending_enrollment_expires_and_is_replaced(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        assert_eq!(err(env.aw.confirm_totp_enrollment("alice", "123456")), ErrorCode::InvalidState);
        let first = env.aw.begin_totp_enrollment("alice", "ACME").unwrap();
        let second = env.aw.begin_totp_enrollment("alice", "ACME").unwrap();
        assert_ne!(first.secret, second.secret);
        assert_eq!(err(env.aw.confirm_totp_enrollment("alice", &code_now(&env, &first.secret))), ErrorCode::InvalidCode);
        env.clock.advance(901);
        assert_eq!(err(env.aw.confirm_totp_enrollment("alice", &code_now(&env, &second.secret))), ErrorCode::InvalidState);
    }


    ids_with_colons_can_enrol(env) {
        // a user id such as "corp:alice" ends up in the otpauth label; it must not block enrolment
        env.aw.create_user("corp:alice", "acme", PW, None).unwrap();
        let (secret, _) = enroll(&env, "corp:alice");
        let c = challenge(&env.aw.sign_in("corp:alice", PW).unwrap());
        assert_eq!(env.aw.verify_second_factor(&c, &code_now(&env, &secret)).unwrap().status, SignInStatus::Complete);
        assert_eq!(err(env.aw.create_user("bob", "acme", PW2, Some(" bob@example.com"))), ErrorCode::InvalidArgument);
    }

    bad_input_is_invalid_argument(env) {
        env.aw.create_user("alice", "acme", PW, None).unwrap();
        let huge = "x".repeat(1 << 20);
        assert_eq!(err(env.aw.sign_in("alice", &huge)), ErrorCode::InvalidArgument);
        assert_eq!(err(env.aw.sign_in(&huge, PW)), ErrorCode::InvalidArgument);
        assert_eq!(err(env.aw.sign_in("", PW)), ErrorCode::InvalidArgument);
        assert_eq!(err(env.aw.create_user("a\u{0}b", "acme", PW, None)), ErrorCode::InvalidArgument);
        assert_eq!(err(env.aw.begin_totp_enrollment("alice", "")), ErrorCode::InvalidArgument);
        assert_eq!(err(env.aw.begin_totp_enrollment("alice", "a:b")), ErrorCode::InvalidArgument);
        let mut p = AccountPolicy::new();
        p.totp.digits = 9;
        assert_eq!(err(env.aw.set_account_policy("acme", &p)), ErrorCode::InvalidArgument);
        assert_eq!(err(env.aw.verify_second_factor(&huge, "123456")), ErrorCode::ChallengeExpired);
        // nothing changed
        env.aw.sign_in("alice", PW).unwrap();
    }
}

#[test]
fn outdated_hash_is_upgraded_on_sign_in() {
    let clock = ManualClock::new(T0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let weak = Authward::open(&path, &[1u8; 32], options(&clock)).unwrap();
    weak.create_user("alice", "acme", PW, None).unwrap();
    drop(weak);
    let stronger = HashParams { memory_kib: 2048, iterations: 2, parallelism: 1 };
    let strong = Authward::open(
        &path,
        &[1u8; 32],
        AuthwardOptions {
            clock: Some(Arc::new(clock.clone())),
            hash_params: stronger,
            pepper: None,
            ..AuthwardOptions::default()
        },
    )
    .unwrap();
    strong.sign_in("alice", PW).unwrap();
    let kinds: Vec<_> = strong.events("alice", 10).unwrap().iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EventKind::PasswordRehashed));
    strong.sign_in("alice", PW).unwrap();
    let rehashes =
        strong.events("alice", 10).unwrap().iter().filter(|e| e.kind == EventKind::PasswordRehashed).count();
    assert_eq!(rehashes, 1, "rehashed once, then current");
}

#[test]
fn pepper_is_required() {
    let clock = ManualClock::new(T0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aw.db");
    let peppered =
        AuthwardOptions { pepper: Some(b"pepper-from-the-environment".to_vec()), ..options(&clock) };
    let aw = Authward::open(&path, &[1u8; 32], peppered).unwrap();
    aw.create_user("alice", "acme", PW, None).unwrap();
    aw.sign_in("alice", PW).unwrap();
    drop(aw);
    let unpeppered = Authward::open(&path, &[1u8; 32], options(&clock)).unwrap();
    assert_eq!(unpeppered.sign_in("alice", PW).unwrap_err().code(), ErrorCode::InvalidCredentials);
}

#[test]
fn debug_output_has_no_secrets() {
    let env = memory();
    env.aw.create_user("alice", "acme", PW, None).unwrap();
    let e = env.aw.begin_totp_enrollment("alice", "ACME").unwrap();
    let codes = env.aw.confirm_totp_enrollment("alice", &code_now(&env, &e.secret)).unwrap();
    env.clock.advance(30);
    let s = env.aw.sign_in("alice", PW).unwrap();
    let token = s.challenge.as_ref().unwrap().to_string();
    let dump = format!("{e:?} {s:?} {:?} {:?}", env.aw, env.aw.status("alice").unwrap());
    for secret in [e.secret.as_str(), token.as_str(), PW, codes[0].as_str()] {
        assert!(!dump.contains(secret), "{dump}");
    }
    for ev in env.aw.events("alice", 100).unwrap() {
        for secret in [e.secret.as_str(), token.as_str(), PW, codes[0].as_str()] {
            assert!(!ev.detail.contains(secret));
        }
    }
}
