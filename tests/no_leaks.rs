//! No secret in any error message, `Debug` string or event detail.
//!
//! Runs the Security settings flows over an SQLite store (create with a refused password, change password
//! with every failure, enrol with a wrong then a right code, sign in with wrong and right passwords and
//! codes, a replayed code, recovery codes with and without dashes, lockout, admin flows, events, status)
//! and the stateless primitives with secrets inside malformed input, recording the `Display` and `Debug`
//! (plain and `{:#?}`) of every error, the `Debug` of every returned value and of every public type that
//! holds a secret (`SignIn`, `Enrollment`, `TotpUri`, `Totp`, `AuthwardOptions`, `Authward`, the store's
//! `UserRecord`, `TotpRecord`, `PendingTotp`), and every event detail. None may contain a password
//! (right, wrong, refused or new), the pepper, the TOTP secret (base32 any case, raw bytes as hex), a
//! code, a recovery code (with or without dashes, any case), a challenge or, for store records, the
//! stored hashes. Every error code the flows can produce is seen at least once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;

use authward::password::hash;
use authward::store::{SqliteStore, Store};
use authward::totp::{self, Totp};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, HashParams, LockoutPolicy, ManualClock,
    PasswordPolicy, TotpConfig,
};

const P1: &str = "Tangerine-Quartz-Meadow-91";
const P2: &str = "Saffron-Glacier-Tundra-Violin-7";
const P3: &str = "Juniper-Lantern-Harbor-Quill-3";
const WRONG: &str = "Wrong-Guess-Marmalade-55";
const WEAK: &str = "hunter2hunter2";
const PEPPER: &[u8] = b"pepper-for-the-leak-test-0123456";
const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
const T0: u64 = 1_700_000_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Default)]
struct Recorder {
    texts: Vec<(String, String)>,
    secrets: BTreeSet<String>,
    codes: BTreeSet<String>,
    seen: BTreeSet<&'static str>,
}

impl Recorder {
    fn new() -> Recorder {
        let mut r = Recorder::default();
        for s in [P1, P2, P3, WRONG, WEAK, std::str::from_utf8(PEPPER).unwrap()] {
            r.secrets.insert(s.to_string());
        }
        r.secrets.insert(hex(PEPPER));
        r
    }

    fn text(&mut self, where_: &str, text: String) {
        self.texts.push((where_.to_string(), text));
    }

    fn debug(&mut self, where_: &str, value: &impl Debug) {
        self.text(where_, format!("{value:?}"));
        self.text(where_, format!("{value:#?}"));
    }

    /// Records the outcome of a call: the error's Display and Debug, or the Debug of the value.
    fn call<T: Debug>(
        &mut self,
        where_: &str,
        result: authward::Result<T>,
        expect: Option<ErrorCode>,
    ) -> Option<T> {
        match result {
            Err(e) => {
                assert_eq!(Some(e.code()), expect, "{where_}: {e}");
                self.seen.insert(e.code().as_str());
                self.text(where_, e.to_string());
                self.debug(where_, &e);
                for v in e.violations() {
                    self.text(where_, v.message.clone());
                }
                None
            }
            Ok(v) => {
                assert!(expect.is_none(), "{where_}: expected {expect:?}, got {v:?}");
                self.debug(where_, &v);
                Some(v)
            }
        }
    }

    /// Like `call`, for values that are themselves the secret handed out (recovery codes).
    fn secret_call<T>(&mut self, where_: &str, result: authward::Result<T>) -> T {
        result.unwrap_or_else(|e| panic!("{where_}: {e}"))
    }

    fn totp_secret(&mut self, secret: &str) {
        let raw = totp::decode_secret(secret).unwrap();
        for s in [secret.to_string(), secret.to_lowercase(), hex(&raw), hex(&raw).to_uppercase()] {
            self.secrets.insert(s);
        }
    }

    fn recovery_codes(&mut self, codes: &[String]) {
        for code in codes {
            let bare = code.replace('-', "");
            for s in [code.clone(), code.to_lowercase(), bare.to_lowercase(), bare] {
                self.secrets.insert(s);
            }
        }
    }

    fn check(&self, min: usize) {
        assert!(self.texts.len() > min, "only {} texts", self.texts.len());
        for (where_, text) in &self.texts {
            for secret in &self.secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{where_}: a secret appears in {}",
                    &text[..text.len().min(300)]
                );
            }
            for code in &self.codes {
                // Codes are 6 digits: only a standalone run of exactly these digits counts.
                let digits = |i: usize| text.as_bytes().get(i).is_some_and(u8::is_ascii_digit);
                for (i, _) in text.match_indices(code.as_str()) {
                    assert!(
                        (i > 0 && digits(i - 1)) || digits(i + code.len()),
                        "{where_}: the code {code} appears in {}",
                        &text[..text.len().min(300)]
                    );
                }
            }
        }
    }
}

#[test]
fn flows_leak_no_secret() {
    use ErrorCode as C;
    let mut rec = Recorder::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaks.db");
    let key = [5u8; 32];
    let clock = Arc::new(ManualClock::new(T0));
    let options = AuthwardOptions {
        clock: Some(clock.clone()),
        hash_params: CHEAP,
        pepper: Some(PEPPER.to_vec()),
        ..AuthwardOptions::default()
    };
    rec.debug("options", &options);
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let svc = Authward::with_store(store.clone(), &key, options.clone()).unwrap();
    rec.debug("service", &svc);
    // Room for every wrong answer of the walk: only a complete sign-in resets the budget.
    let lockout = LockoutPolicy::new(10, 60);
    rec.call(
        "policy",
        svc.set_account_policy("acme", &AccountPolicy { lockout, ..Default::default() }),
        None,
    );

    rec.call("create weak", svc.create_user("alice", "acme", WEAK, None), Some(C::PolicyViolation));
    rec.call("create", svc.create_user("alice", "acme", P1, Some("alice@example.com")), None);
    rec.call("create again", svc.create_user("alice", "acme", P1, None), Some(C::AlreadyExists));
    rec.call("create long", svc.create_user("bob", "acme", &P1.repeat(200), None), Some(C::InvalidArgument));

    clock.advance(86_400); // past the minimum password age
    rec.call("change wrong", svc.change_password("alice", WRONG, P2, P2), Some(C::WrongPassword));
    rec.call("change mismatch", svc.change_password("alice", P1, P2, P3), Some(C::PasswordMismatch));
    rec.call("change weak", svc.change_password("alice", P1, WEAK, WEAK), Some(C::PolicyViolation));
    rec.call("change same", svc.change_password("alice", P1, P1, P1), Some(C::PasswordReused));
    rec.call("change", svc.change_password("alice", P1, P2, P2), None);
    rec.call("change again", svc.change_password("alice", P2, P3, P3), Some(C::PolicyViolation));
    clock.advance(86_400);
    rec.call("change back", svc.change_password("alice", P2, P1, P1), Some(C::PasswordReused));
    rec.call("change unknown", svc.change_password("nobody", P1, P2, P2), Some(C::NotFound));

    rec.call("confirm nothing", svc.confirm_totp_enrollment("alice", "123456"), Some(C::InvalidState));
    let enrollment = rec.call("begin", svc.begin_totp_enrollment("alice", "ACME"), None).unwrap();
    rec.totp_secret(&enrollment.secret);
    rec.secrets.insert(enrollment.uri.to_string());
    let parsed = rec.call("parse uri", totp::parse_uri(&enrollment.uri), None).unwrap();
    rec.debug("totp uri", &parsed);
    rec.debug("totp", &Totp::new(&enrollment.secret, &TotpConfig::default()).unwrap());
    let config = TotpConfig::default();
    let code = totp::code(&enrollment.secret, clock.now(), &config).unwrap();
    let wrong_code = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    rec.codes.extend([code.clone(), wrong_code.clone()]);
    rec.call("confirm wrong", svc.confirm_totp_enrollment("alice", &wrong_code), Some(C::InvalidCode));
    let codes = rec.secret_call("confirm", svc.confirm_totp_enrollment("alice", &code));
    rec.recovery_codes(&codes);

    clock.advance(30);
    rec.call("sign in wrong", svc.sign_in("alice", WRONG), Some(C::InvalidCredentials));
    rec.call("sign in unknown", svc.sign_in("nobody", P1), Some(C::InvalidCredentials));
    let first = rec.call("sign in", svc.sign_in("alice", P2), None).unwrap();
    let challenge = first.challenge.as_deref().unwrap().to_string();
    rec.secrets.insert(challenge.clone());
    rec.debug("sign in", &first);
    rec.call("2fa wrong", svc.verify_second_factor(&challenge, &wrong_code), Some(C::InvalidCode));
    rec.call("2fa replay", svc.verify_second_factor(&challenge, &code), Some(C::CodeReused));
    let now_code = totp::code(&enrollment.secret, clock.now(), &config).unwrap();
    rec.codes.insert(now_code.clone());
    rec.call("2fa", svc.verify_second_factor(&challenge, &now_code), None);
    rec.call("2fa again", svc.verify_second_factor(&challenge, &now_code), Some(C::CodeReused));
    rec.call("2fa used challenge", svc.verify_second_factor(&challenge, "000000"), Some(C::ChallengeExpired));

    for (i, typed) in [codes[0].clone(), codes[1].replace('-', "").to_lowercase()].iter().enumerate() {
        clock.advance(31);
        let s = rec.call("sign in", svc.sign_in("alice", P2), None).unwrap();
        let c = s.challenge.as_deref().unwrap().to_string();
        rec.secrets.insert(c.clone());
        rec.call(&format!("recovery {i}"), svc.verify_second_factor(&c, typed), None);
    }

    let user = store.get_user("alice").unwrap().unwrap();
    rec.secrets.insert(user.password_hash.clone());
    rec.secrets.extend(user.recovery_codes.iter().cloned());
    rec.debug("user record", &user);
    rec.debug("totp record", &user.totp);

    let codes2 = rec.secret_call("regenerate", svc.regenerate_recovery_codes("alice", P2));
    rec.recovery_codes(&codes2);
    rec.call("disable wrong", svc.disable_totp("alice", WRONG), Some(C::WrongPassword));
    for i in 0..10 {
        // distinct wrong passwords: the same one typed again is not counted twice
        let r = svc.sign_in("alice", &format!("{WRONG}{i}"));
        let code = r.as_ref().err().map(authward::Error::code);
        assert!(matches!(code, Some(C::InvalidCredentials | C::LockedOut)), "lockout {i}");
        rec.call("lockout", r, code);
    }
    rec.call("locked", svc.sign_in("alice", P2), Some(C::LockedOut));
    rec.call("status", svc.status("alice"), None);

    clock.advance(61);
    rec.call("set password", svc.set_password("alice", P3), None);
    rec.call("require change", svc.require_password_change("alice"), None);
    let pending = rec
        .call("begin again", svc.begin_totp_enrollment_with_proof("alice", "ACME", Some(P3)), None)
        .unwrap();
    rec.totp_secret(&pending.secret);
    rec.secrets.insert(pending.uri.to_string());
    rec.debug("enrollment", &pending);
    rec.debug("pending record", &store.get_user("alice").unwrap().unwrap().pending_totp);
    let mut enforce = AccountPolicy { enforce_two_factor: true, lockout, ..Default::default() };
    rec.call("enforce", svc.set_account_policy("acme", &enforce), None);
    rec.call("disable enforced", svc.disable_totp("alice", P3), Some(C::TwoFactorEnforced));
    enforce.enforce_two_factor = false;
    rec.call("relax", svc.set_account_policy("acme", &enforce), None);
    rec.call("reset 2fa", svc.reset_two_factor("alice"), None);
    let done = rec.call("sign in no 2fa", svc.sign_in("alice", P3), None).unwrap();
    assert!(done.challenge.is_none());

    let events = rec.call("events", svc.events("alice", 1000), None).unwrap();
    let kinds: BTreeSet<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    for k in ["password_changed", "two_factor_enabled", "recovery_code_used", "code_reused", "locked_out"] {
        assert!(kinds.contains(k), "{k} in {kinds:?}");
    }
    for e in &events {
        rec.text(e.kind.as_str(), e.detail.clone());
    }
    drop(svc);

    // A wrong key, and a file that is not an authward store (holding a password), fail cleanly.
    rec.call("wrong key", Authward::open(&path, &[6u8; 32], options.clone()).map(|_| ()), Some(C::Crypto));
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, format!("{P1} {}", "x".repeat(5000))).unwrap();
    let r = Authward::open(&junk, &key, options).map(|_| ());
    let code = r.as_ref().err().map(authward::Error::code);
    assert!(matches!(code, Some(C::Storage | C::Crypto)), "{code:?}");
    rec.call("junk file", r, code);

    let expected = [
        "INVALID_ARGUMENT",
        "INVALID_CREDENTIALS",
        "WRONG_PASSWORD",
        "PASSWORD_MISMATCH",
        "POLICY_VIOLATION",
        "PASSWORD_REUSED",
        "INVALID_CODE",
        "CODE_REUSED",
        "LOCKED_OUT",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "TWO_FACTOR_ENFORCED",
        "INVALID_STATE",
        "CHALLENGE_EXPIRED",
        "CRYPTO",
    ];
    for code in expected {
        assert!(rec.seen.contains(code), "no {code} error was produced");
    }
    rec.check(150);
}

#[test]
fn primitives_leak_no_secret() {
    use ErrorCode as C;
    let mut rec = Recorder::new();
    let secret = totp::generate_secret().unwrap();
    rec.totp_secret(&secret);
    let phc = rec.call("hash", hash::hash(P1, &CHEAP, Some(PEPPER)), None).unwrap();
    rec.call("verify wrong", hash::verify(WRONG, &phc, Some(PEPPER)), None);
    rec.call("verify bad phc", hash::verify(P1, &format!("$argon2id${P1}"), None), Some(C::InvalidArgument));
    rec.call(
        "verify bad salt",
        hash::verify(P1, &phc.replace("$v=19$", &format!("$v=19${P2}$")), None),
        Some(C::InvalidArgument),
    );
    rec.call(
        "rehash bad phc",
        hash::needs_rehash(&format!("$argon2id$v=19${P2}"), &CHEAP),
        Some(C::InvalidArgument),
    );
    rec.call("empty", hash::hash("", &CHEAP, None), Some(C::InvalidArgument));
    rec.call("long", hash::hash(&P1.repeat(300), &CHEAP, None), Some(C::InvalidArgument));
    let violations = PasswordPolicy::default().check(WEAK, &[P1]);
    rec.debug("violations", &violations);
    let config = TotpConfig::default();
    let code = totp::code(&secret, T0, &config).unwrap();
    rec.codes.insert(code.clone());
    rec.call("verify code", totp::verify(&secret, &code, T0, None, &config), None);
    rec.call(
        "bad secret",
        totp::code(&format!("{}!", secret.to_lowercase()), T0, &config),
        Some(C::InvalidArgument),
    );
    rec.call("short secret", totp::code(&secret[..8], T0, &config), Some(C::InvalidArgument));
    rec.call("decode", totp::decode_secret(&format!("{secret}0")).map(|_| ()), Some(C::InvalidArgument));
    let uri = totp::build_uri(&secret, "ACME", "jane@example.com", &config).unwrap();
    rec.secrets.insert(uri.clone());
    rec.call("parse bad", totp::parse_uri(&uri.replace("secret=", "secret=!")), Some(C::InvalidArgument));
    rec.call("parse hotp", totp::parse_uri(&uri.replace("totp", "hotp")), Some(C::InvalidArgument));
    rec.call("parse", totp::parse_uri(&uri), None);
    rec.call(
        "in memory bad pepper",
        Authward::in_memory(AuthwardOptions { pepper: Some(vec![1; 65]), ..Default::default() }).map(|_| ()),
        Some(C::InvalidArgument),
    );
    rec.check(30);
}

#[test]
fn every_error_variant_displays_only_its_own_text() {
    // The fixed messages quote nothing; the ones with a payload show only that payload (built by the
    // library from non-secret facts), never a secret passed to the failing call.
    let fixed = [
        authward::Error::InvalidCredentials,
        authward::Error::WrongPassword,
        authward::Error::PasswordMismatch,
        authward::Error::PasswordReused,
        authward::Error::InvalidCode,
        authward::Error::CodeReused,
        authward::Error::LockedOut { retry_after: 42 },
        authward::Error::TwoFactorEnforced,
        authward::Error::ChallengeExpired,
    ];
    for e in fixed {
        let text = e.to_string();
        assert!(
            !text.is_empty() && text.len() < 100 && text == text.to_lowercase() && !text.ends_with('.'),
            "{text}"
        );
        assert!(!format!("{e:?}").is_empty());
    }
    let violations = PasswordPolicy::default().check(WEAK, &[]);
    let e = authward::Error::PolicyViolation(violations);
    assert!(!e.to_string().contains(WEAK) && !format!("{e:?}").contains(WEAK), "{e}");
}

/// Issue 12 finding 9: recovery codes and QR renderings are handed over in wiping buffers (this test
/// stops compiling if one becomes a plain `String`/`Vec`).
#[test]
fn recovery_codes_and_qr_codes_are_held_in_wiping_buffers() {
    use zeroize::{Zeroize, Zeroizing};
    fn wiping<T: Zeroize>(_: &Zeroizing<T>) {}

    let clock = Arc::new(ManualClock::new(T0));
    let options = AuthwardOptions { clock: Some(clock.clone()), ..AuthwardOptions::default() };
    let svc = Authward::in_memory(options).unwrap();
    svc.create_user("alice", "acme", P1, None).unwrap();
    let e = svc.begin_totp_enrollment("alice", "ACME").unwrap();
    wiping(&e.secret);
    wiping(&e.uri);
    wiping(&e.qr_svg);
    wiping(&e.qr_png);
    wiping(&e.qr_terminal);
    let code = totp::code(&e.secret, clock.now(), &Default::default()).unwrap();
    let codes = svc.confirm_totp_enrollment("alice", &code).unwrap();
    wiping(&codes);
    clock.advance(31);
    wiping(&svc.regenerate_recovery_codes("alice", P1).unwrap());
    for rendering in [authward::qr::svg(&e.uri).unwrap(), authward::qr::terminal(&e.uri).unwrap()] {
        wiping(&rendering);
    }
    wiping(&authward::qr::png(&e.uri, 2).unwrap());
    wiping(&authward::qr::modules(&e.uri).unwrap().0);
    assert_eq!(codes.len(), 10);
}
