//! The shared table of hostile inputs (`tests/vectors/bad_inputs.json`), walked through the Rust API
//! (the hand-written bad-input cases are in `tests/bad_input_cases.rs`).
//!
//! Every case calls one operation with the table's good arguments except one, which gets the hostile
//! value, and checks the outcome the table documents for Rust: an error with a stable code, or a plain
//! outcome (`false`, no match, violations). Inputs Rust's types cannot express (NULL, wrong types,
//! invalid UTF-8, negative numbers) are marked `n/a` in the table and skipped. The service cases run
//! over one SQLite store, which must be unchanged after each case (or changed only by the documented
//! failure count), and the users must still sign in and enrol after the whole walk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use authward::password::breach::BreachFilter;
use authward::password::hash;
use authward::totp::{self, Algorithm};
use authward::{
    AccountPolicy, AuditEntry, Authward, AuthwardOptions, Event, EventKind, HashParams, LockoutPolicy,
    ManualClock, PasswordPolicy, ReportQuery, ReportSort, SignInStatus, TotpConfig, qr,
};
use serde_json::Value;

const TABLE: &str = include_str!("vectors/bad_inputs.json");

/// A decoded value of the table.
#[derive(Debug, Clone)]
enum V {
    Null,
    Str(String),
    Bytes(Vec<u8>),
    Bool(bool),
    Int(String),
    Other(#[allow(dead_code, reason = "shown by Debug in panic messages")] String),
}

fn decode(value: &Value) -> V {
    let kind = value["kind"].as_str().unwrap();
    match kind {
        "null" => V::Null,
        "string" => V::Str(value["text"].as_str().unwrap().to_string()),
        "repeat" => V::Str(value["text"].as_str().unwrap().repeat(value["times"].as_u64().unwrap() as usize)),
        "bytes" => V::Bytes(hex(value["hex"].as_str().unwrap())),
        "int" => V::Int(value["dec"].as_str().unwrap().to_string()),
        "json" => match &value["json"] {
            Value::Bool(b) => V::Bool(*b),
            other => V::Other(other.to_string()),
        },
        other => V::Other(format!("kind {other}")),
    }
}

/// A plain JSON value of the table's `ops` (a good argument).
fn plain(value: &Value) -> V {
    match value {
        Value::Null => V::Null,
        Value::String(s) => V::Str(s.clone()),
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) => V::Int(n.to_string()),
        other => V::Other(other.to_string()),
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// The arguments of one call, by name.
struct Args(BTreeMap<String, V>);

impl Args {
    fn get(&self, name: &str) -> &V {
        self.0.get(name).unwrap_or_else(|| panic!("no argument {name}"))
    }
    fn str(&self, name: &str) -> &str {
        match self.get(name) {
            V::Str(s) => s,
            other => panic!("{name}: the table says Rust can pass {other:?} as a &str"),
        }
    }
    fn opt_str(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            V::Null => None,
            _ => Some(self.str(name)),
        }
    }
    fn int<T: TryFrom<i128>>(&self, name: &str) -> T {
        match self.get(name) {
            V::Int(dec) => dec
                .parse::<i128>()
                .ok()
                .and_then(|n| T::try_from(n).ok())
                .unwrap_or_else(|| panic!("{name}: the table says Rust can pass {dec}")),
            other => panic!("{name}: the table says Rust can pass {other:?} as an integer"),
        }
    }
    fn opt_int<T: TryFrom<i128>>(&self, name: &str) -> Option<T> {
        match self.get(name) {
            V::Null => None,
            _ => Some(self.int(name)),
        }
    }
    fn bool(&self, name: &str) -> bool {
        match self.get(name) {
            V::Bool(b) => *b,
            other => panic!("{name}: the table says Rust can pass {other:?} as a bool"),
        }
    }
    fn bytes(&self, name: &str) -> &[u8] {
        match self.get(name) {
            V::Bytes(b) => b,
            other => panic!("{name}: the table says Rust can pass {other:?} as bytes"),
        }
    }
    fn opt_bytes(&self, name: &str) -> Option<&[u8]> {
        match self.get(name) {
            V::Null => None,
            V::Bytes(b) => Some(b),
            other => panic!("{name}: the table says Rust can pass {other:?} as bytes"),
        }
    }
}

/// What a call returned, when it did not fail.
#[derive(Debug)]
enum Out {
    Unit,
    Bool(bool),
    Step(Option<u64>),
    Violations(Vec<&'static str>),
    SignIn(SignInStatus),
}

const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn stateless(op: &str, a: &Args) -> Option<authward::Result<Out>> {
    let d = TotpConfig::default();
    Some(match op {
        "hash_password" => hash::hash(a.str("password"), &CHEAP, a.opt_bytes("pepper")).map(|_| Out::Unit),
        "verify_password" => hash::verify(a.str("password"), a.str("phc"), None).map(Out::Bool),
        "needs_rehash" => hash::needs_rehash(a.str("phc"), &CHEAP).map(Out::Bool),
        "password_policy_check" => Ok(Out::Violations(
            PasswordPolicy::default()
                .check(a.str("password"), &[a.str("user_input")])
                .iter()
                .map(|v| v.code.as_str())
                .collect(),
        )),
        "HashParams" => HashParams {
            memory_kib: a.int("memory_kib"),
            iterations: a.int("iterations"),
            parallelism: a.int("parallelism"),
        }
        .validate()
        .map(|()| Out::Unit),
        "TotpConfig" => Algorithm::parse(a.str("algorithm")).and_then(|algorithm| {
            TotpConfig {
                algorithm,
                digits: a.int("digits"),
                period: a.int("period"),
                window: a.int("window"),
            }
            .validate()
            .map(|()| Out::Unit)
        }),
        "PasswordPolicy" => PasswordPolicy {
            min_length: a.int("min_length"),
            max_length: a.int("max_length"),
            min_strength: a.int("min_strength"),
            history: a.int("history"),
            require_digit: a.bool("require_digit"),
            breach_min_count: a.int("breach_min_count"),
            reject_breached: a.bool("reject_breached"),
            ..PasswordPolicy::default()
        }
        .validate()
        .map(|()| Out::Unit),
        "LockoutPolicy" => {
            LockoutPolicy::new(a.int("max_failures"), a.int("lockout_seconds")).validate().map(|()| Out::Unit)
        }
        "AccountPolicy" => AccountPolicy {
            enforce_two_factor: a.bool("enforce_two_factor"),
            two_factor_grace_days: a.int("two_factor_grace_days"),
            password_expiration_days: a.opt_int("password_expiration_days"),
            password_expiry_warning_days: a.int("password_expiry_warning_days"),
            ..AccountPolicy::default()
        }
        .validate()
        .map(|()| Out::Unit),
        "totp_code" => totp::code(a.str("secret"), a.int("at"), &d).map(|_| Out::Unit),
        "verify_totp" => {
            totp::verify(a.str("secret"), a.str("code"), a.int("at"), a.opt_int("last_step"), &d)
                .map(Out::Step)
        }
        "totp_uri" => {
            totp::build_uri(a.str("secret"), a.str("issuer"), a.str("account_name"), &d).map(|_| Out::Unit)
        }
        "parse_totp_uri" => totp::parse_uri(a.str("uri")).map(|_| Out::Unit),
        "qr_png" => qr::png(a.str("text"), a.int("scale")).map(|_| Out::Unit),
        "breach_filter_from_bytes" => BreachFilter::from_bytes(a.bytes("bytes")).map(|f| {
            // A filter that loads answers lookups (its geometry keeps them inside the fingerprints).
            let _ = f.contains(a.str("password"));
            Out::Unit
        }),
        _ => return None,
    })
}

fn service(svc: &Authward, op: &str, a: &Args) -> authward::Result<Out> {
    match op {
        "create_user" => svc
            .create_user(a.str("user_id"), a.str("account_id"), a.str("password"), a.opt_str("email"))
            .map(|()| Out::Unit),
        "sign_in" => svc.sign_in(a.str("user_id"), a.str("password")).map(|_| Out::Unit),
        "change_password" => svc
            .change_password(a.str("user_id"), a.str("current"), a.str("new"), a.str("confirm"))
            .map(|()| Out::Unit),
        "verify_second_factor" => {
            svc.verify_second_factor(a.str("challenge"), a.str("code")).map(|_| Out::Unit)
        }
        "begin_totp_enrollment" => {
            svc.begin_totp_enrollment(a.str("user_id"), a.str("issuer")).map(|_| Out::Unit)
        }
        "confirm_totp_enrollment" => {
            svc.confirm_totp_enrollment(a.str("user_id"), a.str("code")).map(|_| Out::Unit)
        }
        "set_account_policy" => {
            let policy = AccountPolicy {
                password_expiration_days: a.opt_int("password_expiration_days"),
                password: PasswordPolicy { min_length: a.int("password_min_length"), ..Default::default() },
                totp: TotpConfig { digits: a.int("totp_digits"), ..Default::default() },
                lockout: LockoutPolicy { max_failures: a.int("lockout_max_failures"), ..Default::default() },
                remember_device_days: Some(30),
                ..AccountPolicy::default()
            };
            svc.set_account_policy_by(a.str("account_id"), &policy, a.opt_str("actor")).map(|()| Out::Unit)
        }
        "events" => svc.events(a.str("user_id"), a.int("limit")).map(|_| Out::Unit),
        "status" => svc.status(a.str("user_id")).map(|_| Out::Unit),
        "list_users" => svc.list_users(a.str("account_id")).map(|_| Out::Unit),
        "disable_totp" => svc.disable_totp(a.str("user_id"), a.str("password")).map(|()| Out::Unit),
        "regenerate_recovery_codes" => {
            svc.regenerate_recovery_codes(a.str("user_id"), a.str("password")).map(|_| Out::Unit)
        }
        "set_password" => {
            svc.set_password_by(a.str("user_id"), a.str("new"), a.opt_str("actor")).map(|()| Out::Unit)
        }
        "require_password_change" => {
            svc.require_password_change_by(a.str("user_id"), a.opt_str("actor")).map(|()| Out::Unit)
        }
        "unlock_user" => svc.unlock_user_by(a.str("user_id"), a.opt_str("actor")).map(|()| Out::Unit),
        "reset_two_factor" => {
            svc.reset_two_factor_by(a.str("user_id"), a.opt_str("actor")).map(|()| Out::Unit)
        }
        "set_two_factor_exempt" => svc
            .set_two_factor_exempt_by(a.str("user_id"), a.bool("exempt"), a.opt_str("actor"))
            .map(|()| Out::Unit),
        "delete_user" => svc.delete_user(a.str("user_id")).map(|()| Out::Unit),
        "account_report" => ReportSort::parse(a.str("sort")).and_then(|sort| {
            let query = ReportQuery { sort, offset: a.int("offset"), limit: a.int("limit") };
            svc.account_report(a.str("account_id"), &query).map(|_| Out::Unit)
        }),
        "audit_log" => svc.audit_log(a.str("account_id"), a.int("limit")).map(|_| Out::Unit),
        "list_devices" => svc.list_devices(a.str("user_id")).map(|_| Out::Unit),
        "revoke_device" => svc.revoke_device(a.str("user_id"), a.str("device_id")).map(|()| Out::Unit),
        "revoke_all_devices" => svc.revoke_all_devices(a.str("user_id")).map(|_| Out::Unit),
        "verify_second_factor_remember" => svc
            .verify_second_factor_remember(a.str("challenge"), a.str("code"), None, a.str("label"))
            .map(|_| Out::Unit),
        "sign_in_with_device" => svc
            .sign_in_with_device(a.str("user_id"), a.str("password"), None, a.opt_str("device_token"))
            .map(|s| Out::SignIn(s.status)),
        other => panic!("unknown op {other}"),
    }
}

fn check(label: &str, expect: &str, got: authward::Result<Out>) -> Result<(), String> {
    match (expect, got) {
        (_, Err(e)) => {
            let message = e.to_string();
            if message.contains("correct horse") || message.contains(&"a".repeat(64)) || message.len() > 300 {
                return Err(format!(
                    "{label}: the message quotes the input: {}",
                    &message[..message.len().min(200)]
                ));
            }
            if e.code().as_str() == expect {
                Ok(())
            } else {
                Err(format!("{label}: expected {expect}, got {}: {message}", e.code().as_str()))
            }
        }
        ("ok", Ok(_))
        | ("false", Ok(Out::Bool(false)))
        | ("none", Ok(Out::Step(None)))
        | ("second_factor_required", Ok(Out::SignIn(SignInStatus::SecondFactorRequired))) => Ok(()),
        (v, Ok(Out::Violations(codes))) if v.starts_with("violation:") && codes.contains(&&v[10..]) => Ok(()),
        (_, Ok(out)) => Err(format!("{label}: expected {expect}, got Ok({out:?})")),
    }
}

struct Table {
    json: Value,
}

impl Table {
    fn load() -> Table {
        Table { json: serde_json::from_str(TABLE).expect("bad_inputs.json parses") }
    }

    fn fixture(&self, name: &str) -> &Value {
        &self.json["fixtures"][name]
    }

    fn fixture_str(&self, name: &str) -> &str {
        self.fixture(name).as_str().unwrap()
    }

    fn is_service(&self, op: &str) -> bool {
        self.json["ops"][op]["service"].as_bool().unwrap_or(false)
    }

    /// The cases of one kind (stateless or service) with their Rust expectation, n/a ones counted.
    fn cases(&self, service: bool) -> (Vec<(&Value, String)>, usize) {
        let mut out = Vec::new();
        let mut skipped = 0;
        for case in self.json["cases"].as_array().unwrap() {
            let op = case["op"].as_str().unwrap();
            if self.is_service(op) != service {
                continue;
            }
            let expect = &case["expect"];
            let e = expect.get("rust").or_else(|| expect.get("all")).and_then(Value::as_str).unwrap();
            if e.starts_with("n/a") {
                skipped += 1;
            } else {
                out.push((case, e.to_string()));
            }
        }
        (out, skipped)
    }

    fn args(&self, case: &Value, runtime: &BTreeMap<&str, String>) -> Args {
        let op = case["op"].as_str().unwrap();
        let mut args = BTreeMap::new();
        for (name, good) in self.json["ops"][op]["args"].as_object().unwrap() {
            let value = match good.as_str().and_then(|s| s.strip_prefix('@')) {
                Some(key) => match runtime.get(key) {
                    Some(v) => V::Str(v.clone()),
                    None => plain(self.fixture(key)),
                },
                None => plain(good),
            };
            args.insert(name.clone(), value);
        }
        let value = &self.json["values"][case["value"].as_str().unwrap()];
        args.insert(case["arg"].as_str().unwrap().to_string(), decode(value));
        Args(args)
    }
}

fn label(case: &Value) -> String {
    format!(
        "{}.{}={}",
        case["op"].as_str().unwrap(),
        case["arg"].as_str().unwrap(),
        case["value"].as_str().unwrap()
    )
}

#[test]
fn stateless_cases_match_the_table() {
    let table = Table::load();
    let (cases, skipped) = table.cases(false);
    let mut failures = Vec::new();
    for (case, expect) in &cases {
        let args = table.args(case, &BTreeMap::new());
        let got = stateless(case["op"].as_str().unwrap(), &args).expect("a stateless op");
        if let Err(f) = check(&label(case), expect, got) {
            failures.push(f);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() > 70 && skipped > 100, "ran {}, skipped {skipped}", cases.len());
}

/// Everything a case could change, for comparison before and after.
#[derive(Debug, PartialEq)]
struct Snapshot {
    users: Vec<String>,
    policy: AccountPolicy,
    status: Vec<authward::SecurityStatus>,
    events: Vec<Vec<Event>>,
    devices: Vec<String>,
    audit: Vec<AuditEntry>,
}

#[test]
fn service_cases_match_the_table_and_leave_the_store_unchanged() {
    let table = Table::load();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(table.fixture("start").as_u64().unwrap()));
    let options = AuthwardOptions {
        clock: Some(clock.clone()),
        hash_params: CHEAP,
        pepper: None,
        ..AuthwardOptions::default()
    };
    let key = hex(table.fixture_str("store_key_hex"));
    let svc = Authward::open(dir.path().join("store.db"), &key, options).unwrap();
    let (account, alice, bob) =
        (table.fixture_str("account"), table.fixture_str("user"), table.fixture_str("pending_user"));
    let password = table.fixture_str("password");
    let lockout = LockoutPolicy { max_failures: 100, ..LockoutPolicy::default() };
    let policy = AccountPolicy { lockout, remember_device_days: Some(30), ..AccountPolicy::default() };
    svc.set_account_policy(account, &policy).unwrap();
    svc.create_user(alice, account, password, Some(table.fixture_str("email"))).unwrap();
    let secret = svc.begin_totp_enrollment(alice, "ACME").unwrap().secret;
    let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
    svc.confirm_totp_enrollment(alice, &code).unwrap();
    clock.advance(60);
    let first = svc.sign_in(alice, password).unwrap().challenge.unwrap();
    let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
    let remembered = svc.verify_second_factor_remember(&first, &code, None, "laptop").unwrap();
    let device_token = remembered.device_token.as_deref().unwrap().to_string();
    let device_id = svc.list_devices(alice).unwrap()[0].id.clone();
    clock.advance(30);
    let challenge = svc.sign_in(alice, password).unwrap().challenge.unwrap();
    svc.create_user(bob, account, password, None).unwrap();
    let pending_secret = svc.begin_totp_enrollment(bob, "ACME").unwrap().secret;
    let runtime = BTreeMap::from([
        ("challenge", challenge.to_string()),
        ("device_token", device_token.clone()),
        ("device_id", device_id.clone()),
    ]);

    let snapshot = || Snapshot {
        users: svc.list_users(account).unwrap(),
        policy: svc.account_policy(account).unwrap(),
        status: vec![svc.status(alice).unwrap(), svc.status(bob).unwrap()],
        events: vec![svc.events(alice, 1000).unwrap(), svc.events(bob, 1000).unwrap()],
        devices: svc.list_devices(alice).unwrap().into_iter().map(|d| d.id).collect(),
        audit: svc.audit_log(account, 1000).unwrap(),
    };

    let (cases, skipped) = table.cases(true);
    let mut failures = Vec::new();
    for (case, expect) in &cases {
        let op = case["op"].as_str().unwrap();
        let mut runtime = runtime.clone();
        if op == "verify_second_factor" {
            // A fresh challenge per case: one challenge takes at most 5 wrong codes.
            let fresh = svc.sign_in(alice, password).unwrap().challenge.unwrap();
            runtime.insert("challenge", fresh.to_string());
        }
        let before = snapshot();
        let args = table.args(case, &runtime);
        let got = service(&svc, op, &args);
        if let Err(f) = check(&label(case), expect, got) {
            failures.push(f);
        }
        let mut after = snapshot();
        let effect = case["effect"].get("rust").or_else(|| case["effect"].get("all")).and_then(Value::as_str);
        if let Some(user) = effect.and_then(|e| e.strip_prefix("failure:")) {
            let i = if user == alice { 0 } else { 1 };
            let added = after.events[i].len() - before.events[i].len();
            let kinds: Vec<EventKind> = after.events[i][..added].iter().map(|e| e.kind).collect();
            let kind = match op {
                "change_password" => EventKind::PasswordChangeFailed,
                "confirm_totp_enrollment" => EventKind::EnrollmentFailed,
                "disable_totp" | "regenerate_recovery_codes" => EventKind::ReauthenticationFailed,
                _ => EventKind::SignInFailed,
            };
            if kinds != [kind] {
                failures.push(format!("{}: expected one {kind} event, got {kinds:?}", label(case)));
            }
            after.events[i].drain(..added);
        }
        if after != before {
            failures.push(format!("{}: the store changed:\n{before:?}\n{after:?}", label(case)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() > 50 && skipped > 50, "ran {}, skipped {skipped}", cases.len());

    // The users still work after the walk.
    let first = svc.sign_in(alice, password).unwrap();
    assert_eq!(first.status, SignInStatus::SecondFactorRequired);
    let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
    let done = svc.verify_second_factor(first.challenge.as_deref().unwrap(), &code).unwrap();
    assert_eq!(done.status, SignInStatus::Complete);
    let code = totp::code(&pending_secret, clock.now(), &TotpConfig::default()).unwrap();
    assert_eq!(svc.confirm_totp_enrollment(bob, &code).unwrap().len(), 10);
    assert_eq!(svc.list_users(account).unwrap(), vec![alice.to_string(), bob.to_string()]);
    // The remembered device still skips the code.
    let again = svc.sign_in_with_device(alice, password, None, Some(&device_token)).unwrap();
    assert_eq!(again.status, SignInStatus::Complete);
    assert_eq!(svc.list_devices(alice).unwrap()[0].id, device_id);
}

#[test]
fn the_table_is_consistent() {
    let table = Table::load();
    let languages = ["rust", "c", "python", "node"];
    for case in table.json["cases"].as_array().unwrap() {
        let op = case["op"].as_str().unwrap();
        assert!(
            table.json["ops"][op]["args"].get(case["arg"].as_str().unwrap()).is_some(),
            "{}",
            label(case)
        );
        assert!(table.json["values"].get(case["value"].as_str().unwrap()).is_some(), "{}", label(case));
        let expect = case["expect"].as_object().unwrap();
        for lang in languages {
            let e = expect.get(lang).or_else(|| expect.get("all")).and_then(Value::as_str);
            assert!(e.is_some(), "{}: no expectation for {lang}", label(case));
        }
        for key in expect.keys() {
            assert!(
                key == "all" || languages.contains(&key.as_str()),
                "{}: unknown language {key}",
                label(case)
            );
        }
        if let Some(effects) = case["effect"].as_object() {
            assert!(table.is_service(op), "{}", label(case));
            for (key, effect) in effects {
                assert!(
                    key == "all" || languages.contains(&key.as_str()),
                    "{}: unknown language {key}",
                    label(case)
                );
                let effect = effect.as_str().unwrap();
                assert!(
                    effect == "none" || effect.starts_with("failure:"),
                    "{}: effect {effect}",
                    label(case)
                );
            }
        }
    }
}
