//! The service flows over an in-memory store with cheap Argon2 parameters: a sequence of `sign_in`,
//! `verify_second_factor` (any challenge text, any code text, real TOTP codes near now, recovery codes
//! typed messily) and `change_password` (any current, new and confirmation text), with the clock moving
//! between them, checked against a model of two users (one with TOTP). Each run starts from the same
//! state (records made once, copied into a fresh store), so every failure reproduces from its input.
//! The same entry points are also called through the C ABI with arbitrary bytes (invalid UTF-8, NULL)
//! on a service without users.
//!
//! Invariants: every result is one the contract lists for that call (never `INTERNAL`, `STORAGE` or
//! `CRYPTO`), and the expected one given the model: the right password signs in unless locked out, an
//! unknown user is `INVALID_CREDENTIALS`, a challenge works once and for 5 minutes, a TOTP step and a
//! recovery code are accepted once, a password change follows the documented order of errors; no
//! password, code, challenge or TOTP secret appears in an error message, a `Debug` string or an event
//! detail.
#![no_main]

use std::ffi::c_char;
use std::sync::Arc;

use arbitrary::Arbitrary;
use authward::password::{MAX_PASSWORD_BYTES, normalize};
use authward::store::{AccountRecord, MemoryStore, NewEvent, Store, UserRecord};
use authward::totp::{Check, Totp, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, EventKind, HashParams, ManualClock, PasswordPolicy,
    SignInStatus, recovery,
};
use authward_c::outcome::authward_sign_in_result;
use authward_c::result::authward_result;
use authward_c::service::{authward_change_password, authward_sign_in, authward_verify_second_factor};
use authward_fuzz::{Service, assert_no_leak, assert_secret_absent, check_failure, cstr};
use libfuzzer_sys::fuzz_target;

const T0: u64 = 1_700_000_000;
const ACCOUNT: &str = "acme";
const USERS: [&str; 2] = ["plain-user", "mfa-user"];
const PASSWORDS: [&str; 2] = ["plain Zebra-Lantern 4711 orbit!", "mfa Quartz-Mosaic 0815 harbor?"];
const KEY: [u8; 32] = [7; 32];
const CHALLENGE_TTL: u64 = 300;
/// Seconds in a day (the default minimum password age).
const DAY: u64 = 86_400;
const CHEAP: HashParams = HashParams { memory_kib: 8, iterations: 1, parallelism: 1 };

#[derive(Arbitrary, Debug)]
struct Input {
    max_failures: u8,
    lockout_seconds: u16,
    ops: Vec<Op>,
    /// Raw calls through the C ABI.
    c_calls: Vec<CCall>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    SignIn { user: UserSel, password: PwSel },
    Verify { challenge: ChalSel, code: CodeSel },
    Change { user: UserSel, current: PwSel, new: NewPw, confirm: Option<String> },
    Advance(u16),
}

#[derive(Arbitrary, Debug)]
enum UserSel {
    Plain,
    Mfa,
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum PwSel {
    Correct,
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum ChalSel {
    Issued(u8),
    Mutated(u8, u8, u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum CodeSel {
    Totp(i8, u8),
    Recovery(u8, u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum NewPw {
    Strong(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum CCall {
    SignIn { user: Option<Vec<u8>>, password: Option<Vec<u8>> },
    Verify { challenge: Option<Vec<u8>>, code: Option<Vec<u8>> },
    Change { user: Option<Vec<u8>>, current: Option<Vec<u8>>, new: Option<Vec<u8>>, confirm: Option<Vec<u8>> },
}

/// What setup made once: the records of both users after enrolment, and the secrets handed out.
struct Template {
    account: AccountRecord,
    users: Vec<UserRecord>,
    totp_secret: String,
    recovery: Vec<String>,
    enrolled_step: u64,
}

fn options(clock: &ManualClock) -> AuthwardOptions {
    AuthwardOptions { clock: Some(Arc::new(clock.clone())), hash_params: CHEAP, ..AuthwardOptions::default() }
}

fn make_template() -> Template {
    let store = Arc::new(MemoryStore::new());
    // The users are created a day before the run starts, so their first change is past the minimum
    // password age (1 day by default) and the model tracks it from there.
    let clock = ManualClock::new(T0 - DAY);
    let svc = Authward::with_store(store.clone(), &KEY, options(&clock)).expect("service");
    svc.set_account_policy(ACCOUNT, &AccountPolicy::default()).expect("policy");
    for (u, p) in USERS.iter().zip(PASSWORDS) {
        svc.create_user(u, ACCOUNT, p, None).expect("user");
    }
    clock.set(T0);
    let e = svc.begin_totp_enrollment(USERS[1], "ACME").expect("enrolment");
    let totp = Totp::new(&e.secret, &TotpConfig::default()).expect("secret");
    let recovery = svc.confirm_totp_enrollment(USERS[1], &totp.code_at(T0)).expect("confirm");
    let Check::Valid(enrolled_step) = totp.check(&totp.code_at(T0), T0, None) else {
        panic!("enrolment code")
    };
    Template {
        account: store.get_account(ACCOUNT).expect("read").expect("account"),
        users: USERS.iter().map(|u| store.get_user(u).expect("read").expect("user")).collect(),
        totp_secret: e.secret.to_string(),
        recovery: recovery.to_vec(),
        enrolled_step,
    }
}

thread_local! {
    static TEMPLATE: Template = make_template();
    /// A C service without users, for the raw-bytes calls.
    static C_SERVICE: Service = Service::new(T0);
}

struct Challenge {
    token: String,
    issued_at: u64,
    live: bool,
    /// It completed a sign-in with a TOTP code: until its end, that code posted on it again answers
    /// CODE_REUSED (the form posted twice), anything else CHALLENGE_EXPIRED.
    used_by_code: bool,
    /// Wrong codes counted for it (the service spends a challenge after 5).
    failures: u32,
}

struct Model {
    now: u64,
    passwords: [String; 2],
    history: [Vec<String>; 2],
    /// When each password was last changed (the minimum password age runs from there).
    changed_at: [u64; 2],
    totp: Totp,
    last_step: Option<u64>,
    recovery: Vec<(String, bool)>,
    challenges: Vec<Challenge>,
    /// The challenges whose failures the service tracks, oldest first (it keeps the last 8 open ones).
    tracked: Vec<usize>,
    /// The TOTP step of the last code that completed a sign-in (sent again from the same client — the
    /// harness never passes one — it is answered CODE_REUSED without counting).
    last_code: Option<u64>,
    /// Every secret the harness made or handed out (passwords, TOTP secret, recovery codes, challenges).
    secrets: Vec<String>,
}

fn code_of<T>(r: &authward::Result<T>) -> ErrorCode {
    r.as_ref().map_or_else(|e| e.code(), |_| ErrorCode::Ok)
}

fn user_of(sel: &UserSel) -> (String, Option<usize>) {
    match sel {
        UserSel::Plain => (USERS[0].to_string(), Some(0)),
        UserSel::Mfa => (USERS[1].to_string(), Some(1)),
        UserSel::Text(t) => (t.clone(), USERS.iter().position(|u| u == t)),
    }
}

fn id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 256 && !id.chars().any(char::is_control)
}

fn same_password(a: &str, b: &str) -> bool {
    *normalize(a) == *normalize(b) || a == normalize(b).as_str()
}

fn locked(svc: &Authward, user: usize) -> bool {
    svc.status(USERS[user]).expect("status").locked_until.is_some()
}

/// A failure's message and `Debug` quote no secret: none of the model's (unless the fuzzer typed it into
/// a `public` argument, such as a user id, that a message may quote) and none of the fuzzer's `typed`
/// passwords or codes.
fn check_error<T: std::fmt::Debug>(r: &authward::Result<T>, m: &Model, typed: &[&str], public: &[&str]) {
    let Err(e) = r else { return };
    let texts = [e.to_string(), format!("{e:?}")];
    let public: Vec<&[u8]> = public.iter().map(|p| p.as_bytes()).collect();
    for text in &texts {
        for s in &m.secrets {
            assert_secret_absent(text, s.as_bytes(), &public);
        }
        for t in typed {
            if !public.iter().any(|p| p.windows(t.len().max(1)).any(|w| w == t.as_bytes())) {
                assert_no_leak(text, t.as_bytes());
            }
        }
    }
}

fn setup(input: &Input) -> (Authward, ManualClock, Model) {
    TEMPLATE.with(|t| {
        let store = Arc::new(MemoryStore::new());
        let mut account = t.account.clone();
        account.policy.lockout.max_failures = 1 + u32::from(input.max_failures % 8);
        account.policy.lockout.lockout_seconds = 1 + u64::from(input.lockout_seconds % 900);
        let event = NewEvent {
            account_id: ACCOUNT.into(),
            user_id: None,
            kind: EventKind::PolicyChanged,
            at: T0,
            detail: String::new(),
            actor: None,
        };
        store.put_account(&account, &event).expect("account");
        for u in &t.users {
            store.insert_user(u, &[]).expect("user");
        }
        let clock = ManualClock::new(T0);
        let svc = Authward::with_store(store, &KEY, options(&clock)).expect("service");
        let mut secrets: Vec<String> = PASSWORDS.iter().map(|p| p.to_string()).collect();
        secrets.push(t.totp_secret.clone());
        secrets.extend(t.recovery.iter().cloned());
        let model = Model {
            now: T0,
            passwords: PASSWORDS.map(str::to_string),
            history: [Vec::new(), Vec::new()],
            changed_at: [T0 - DAY; 2],
            totp: Totp::new(&t.totp_secret, &TotpConfig::default()).expect("secret"),
            last_step: Some(t.enrolled_step),
            recovery: t.recovery.iter().map(|c| (c.clone(), false)).collect(),
            challenges: Vec::new(),
            tracked: Vec::new(),
            last_code: None,
            secrets,
        };
        (svc, clock, model)
    })
}

fn sign_in(svc: &Authward, m: &mut Model, user: &UserSel, password: &PwSel) {
    let (id, known) = user_of(user);
    let pw = match (password, known) {
        (PwSel::Correct, Some(i)) => m.passwords[i].clone(),
        (PwSel::Correct, None) => "not the password".to_string(),
        (PwSel::Text(t), _) => t.clone(),
    };
    let was_locked = known.is_some_and(|i| locked(svc, i));
    let r = svc.sign_in(&id, &pw);
    let expected = if !id_ok(&id) || pw.len() > MAX_PASSWORD_BYTES {
        ErrorCode::InvalidArgument
    } else if let Some(i) = known {
        if was_locked {
            ErrorCode::LockedOut
        } else if same_password(&pw, &m.passwords[i]) {
            ErrorCode::Ok
        } else {
            ErrorCode::InvalidCredentials
        }
    } else {
        ErrorCode::InvalidCredentials
    };
    assert_eq!(code_of(&r), expected, "sign_in({id:?})");
    check_error(&r, m, &[&pw], &[&id]);
    let Ok(s) = r else { return };
    if known == Some(1) {
        assert_eq!(s.status, SignInStatus::SecondFactorRequired);
        let token = s.challenge.as_ref().expect("a challenge for a 2FA user").to_string();
        assert!(!format!("{s:?}").contains(&token), "the challenge in Debug output");
        m.secrets.push(token.clone());
        m.challenges.push(Challenge {
            token,
            issued_at: m.now,
            live: true,
            used_by_code: false,
            failures: 0,
        });
        let now = m.now;
        let challenges = &m.challenges;
        m.tracked.retain(|&k| challenges[k].issued_at + CHALLENGE_TTL >= now);
        m.tracked.push(m.challenges.len() - 1);
        if m.tracked.len() > 8 {
            m.tracked.remove(0);
        }
    } else {
        assert_eq!(s.status, SignInStatus::Complete);
        assert!(s.challenge.is_none() && s.required_actions.is_empty());
    }
}

fn verify(svc: &Authward, m: &mut Model, challenge: &ChalSel, code: &CodeSel) {
    let n = m.challenges.len();
    let pick = |i: u8| (n > 0).then(|| usize::from(i) % n);
    let (token, index): (String, Option<usize>) = match challenge {
        ChalSel::Issued(i) => match pick(*i) {
            Some(k) => (m.challenges[k].token.clone(), Some(k)),
            None => ("AAAA".to_string(), None),
        },
        ChalSel::Mutated(i, pos, byte) => match pick(*i) {
            Some(k) => {
                let mut t = m.challenges[k].token.clone().into_bytes();
                let p = usize::from(*pos) % t.len();
                t[p] = byte & 0x7f;
                let t = String::from_utf8(t).expect("ASCII");
                let same = t == m.challenges[k].token;
                (t, same.then_some(k))
            }
            None => (char::from(byte & 0x7f).to_string(), None),
        },
        ChalSel::Text(t) => (t.clone(), m.challenges.iter().position(|c| c.token == *t)),
    };
    let text: String = match code {
        CodeSel::Totp(offset, spaces) => {
            let step = m.totp.step_at(m.now).saturating_add_signed(i64::from(offset % 4));
            let mut c = m.totp.code_for_step(step);
            if spaces % 7 != 0 {
                c.insert(usize::from(*spaces) % c.len(), ' ');
            }
            c
        }
        CodeSel::Recovery(i, messy) => {
            let c = m.recovery[usize::from(*i) % m.recovery.len()].0.clone();
            let c = if messy & 1 == 1 { c.to_lowercase() } else { c };
            let c = if messy & 2 == 2 { c.replace('-', " ") } else { c };
            if messy & 4 == 4 { c.replace('0', "O").replace('1', "l") } else { c }
        }
        CodeSel::Text(t) => t.clone(),
    };
    let was_locked = locked(svc, 1);
    let r = svc.verify_second_factor(&token, &text);
    let live =
        index.is_some_and(|k| m.challenges[k].live && m.now <= m.challenges[k].issued_at + CHALLENGE_TTL);
    let mut recovery_hit = None;
    let mut new_step = None;
    let mut counted = false;
    let reposted = index.is_some_and(|k| {
        let c = &m.challenges[k];
        c.used_by_code
            && m.now <= c.issued_at + CHALLENGE_TTL
            && matches!(m.totp.check(&text, m.now, m.last_step), Check::Reused(step) if m.last_code == Some(step))
    });
    let expected = if reposted {
        ErrorCode::CodeReused
    } else if !live {
        ErrorCode::ChallengeExpired
    } else if was_locked {
        ErrorCode::LockedOut
    } else {
        match m.totp.check(&text, m.now, m.last_step) {
            Check::Valid(step) => {
                new_step = Some(step);
                ErrorCode::Ok
            }
            Check::Reused(step) => {
                counted = m.last_code != Some(step);
                ErrorCode::CodeReused
            }
            Check::Invalid => {
                let typed = recovery::normalize(&text).map(|n| n.to_string());
                recovery_hit = typed.and_then(|t| {
                    m.recovery.iter().position(|(c, used)| {
                        !used && recovery::normalize(c).is_some_and(|n| n.as_str() == t)
                    })
                });
                counted = recovery_hit.is_none();
                if recovery_hit.is_some() { ErrorCode::Ok } else { ErrorCode::InvalidCode }
            }
        }
    };
    assert_eq!(code_of(&r), expected, "verify_second_factor");
    check_error(&r, m, &[&text, &token], &[]);
    if let (true, Some(k)) = (counted, index)
        && m.tracked.contains(&k)
    {
        m.challenges[k].failures += 1;
        if m.challenges[k].failures >= 5 {
            m.challenges[k].live = false; // spent: the user signs in again
            m.tracked.retain(|&t| t != k);
        }
    }
    let Ok(s) = r else { return };
    assert_eq!(s.status, SignInStatus::Complete);
    if let Some(step) = new_step {
        m.last_step = Some(step);
        m.last_code = Some(step);
    }
    if let Some(h) = recovery_hit {
        m.recovery[h].1 = true;
    }
    if let Some(k) = index {
        m.challenges[k].live = false;
        m.challenges[k].used_by_code = new_step.is_some();
        m.tracked.retain(|&t| t != k);
    }
}

fn change(
    svc: &Authward,
    m: &mut Model,
    user: &UserSel,
    current: &PwSel,
    new: &NewPw,
    confirm: &Option<String>,
) {
    let (id, known) = user_of(user);
    let cur = match (current, known) {
        (PwSel::Correct, Some(i)) => m.passwords[i].clone(),
        (PwSel::Correct, None) => "not the password".to_string(),
        (PwSel::Text(t), _) => t.clone(),
    };
    let new = match new {
        NewPw::Strong(v) => format!("Harbor {v} Lantern-Quartz {} mosaic", v.wrapping_mul(37)),
        NewPw::Text(t) => t.clone(),
    };
    let confirm = confirm.clone().unwrap_or_else(|| new.clone());
    let was_locked = known.is_some_and(|i| locked(svc, i));
    let r = svc.change_password(&id, &cur, &new, &confirm);
    let too_long = [&cur, &new, &confirm].iter().any(|p| p.len() > MAX_PASSWORD_BYTES);
    let expected = if too_long || !id_ok(&id) {
        ErrorCode::InvalidArgument
    } else if let Some(i) = known {
        if was_locked {
            ErrorCode::LockedOut
        } else if !same_password(&cur, &m.passwords[i]) {
            ErrorCode::WrongPassword
        } else if new != confirm {
            ErrorCode::PasswordMismatch
        } else if !PasswordPolicy::default().check(&new, &[USERS[i], ACCOUNT]).is_empty()
            || m.now < m.changed_at[i] + DAY
        {
            ErrorCode::PolicyViolation
        } else if same_password(&new, &m.passwords[i]) || m.history[i].iter().any(|h| same_password(&new, h))
        {
            ErrorCode::PasswordReused
        } else {
            ErrorCode::Ok
        }
    } else {
        ErrorCode::NotFound
    };
    assert_eq!(code_of(&r), expected, "change_password");
    check_error(&r, m, &[&cur, &new, &confirm], &[&id]);
    if r.is_err() {
        return;
    }
    let i = known.unwrap_or_default();
    m.secrets.push(new.clone());
    let old = std::mem::replace(&mut m.passwords[i], new);
    m.history[i].insert(0, old);
    m.history[i].truncate(PasswordPolicy::default().history as usize);
    m.changed_at[i] = m.now;
    if i == 1 {
        // A password change ends every open sign-in of the user.
        m.challenges.iter_mut().for_each(|c| {
            c.live = false;
            c.used_by_code = false;
        });
    }
}

/// Optional bytes as a C string pointer (NULL for `None`).
fn ptr(c: &Option<std::ffi::CString>) -> *const c_char {
    c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

/// The same entry points through C with arbitrary bytes or NULL, on a service without users.
fn c_call(call: &CCall) {
    let utf8 =
        |b: &Option<Vec<u8>>| b.as_ref().is_some_and(|b| std::str::from_utf8(&cstr(b).into_bytes()).is_ok());
    let pw_ok = |b: &Option<Vec<u8>>| {
        b.as_ref().is_some_and(|b| std::str::from_utf8(b).is_ok() && b.len() <= MAX_PASSWORD_BYTES)
    };
    let id_valid = |b: &Option<Vec<u8>>| {
        b.as_ref().is_some_and(|b| std::str::from_utf8(&cstr(b).into_bytes()).is_ok_and(id_ok))
    };
    let pw_ptr = |b: &Option<Vec<u8>>| {
        (b.as_ref().map_or(std::ptr::null(), |b| b.as_ptr()), b.as_ref().map_or(0, Vec::len))
    };
    C_SERVICE.with(|s| {
        let mut out: *mut authward_sign_in_result = std::ptr::null_mut();
        // SAFETY: a live service; every pointer is NULL or valid for its length / NUL-terminated;
        // writable out-parameter.
        let (rc, expected) = unsafe {
            match call {
                CCall::SignIn { user, password } => {
                    let u = user.as_deref().map(cstr);
                    let (p, n) = pw_ptr(password);
                    let rc = authward_sign_in(s.svc, ptr(&u), p, n, &mut out);
                    let ok = id_valid(user) && pw_ok(password);
                    (
                        rc,
                        if ok {
                            authward_result::InvalidCredentials
                        } else {
                            authward_result::InvalidArgument
                        },
                    )
                }
                CCall::Verify { challenge, code } => {
                    let (c, k) = (challenge.as_deref().map(cstr), code.as_deref().map(cstr));
                    let rc = authward_verify_second_factor(s.svc, ptr(&c), ptr(&k), &mut out);
                    let ok = utf8(challenge) && utf8(code);
                    (
                        rc,
                        if ok { authward_result::ChallengeExpired } else { authward_result::InvalidArgument },
                    )
                }
                CCall::Change { user, current, new, confirm } => {
                    let u = user.as_deref().map(cstr);
                    let ((a, an), (b, bn), (c, cn)) = (pw_ptr(current), pw_ptr(new), pw_ptr(confirm));
                    let rc = authward_change_password(s.svc, ptr(&u), a, an, b, bn, c, cn);
                    let ok = id_valid(user) && pw_ok(current) && pw_ok(new) && pw_ok(confirm);
                    (rc, if ok { authward_result::NotFound } else { authward_result::InvalidArgument })
                }
            }
        };
        assert_eq!(rc, expected, "{call:?}");
        assert!(out.is_null(), "out-parameter written on failure");
        check_failure(rc, &[]);
    });
}

fuzz_target!(|input: Input| {
    let (svc, clock, mut m) = setup(&input);
    for op in input.ops.iter().take(24) {
        match op {
            Op::SignIn { user, password } => sign_in(&svc, &mut m, user, password),
            Op::Verify { challenge, code } => verify(&svc, &mut m, challenge, code),
            Op::Change { user, current, new, confirm } => change(&svc, &mut m, user, current, new, confirm),
            Op::Advance(secs) => {
                clock.advance(u64::from(*secs));
                m.now += u64::from(*secs);
            }
        }
    }
    // No secret in any event detail or status.
    for u in USERS {
        for e in svc.events(u, 1000).expect("events") {
            for secret in &m.secrets {
                assert_secret_absent(&e.detail, secret.as_bytes(), &[]);
                assert_secret_absent(&format!("{e:?}"), secret.as_bytes(), &[]);
            }
        }
    }
    for call in input.c_calls.iter().take(4) {
        c_call(call);
    }
});
