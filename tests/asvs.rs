//! Requirements of OWASP ASVS 4.0.3 V2 and NIST SP 800-63B that no other test pins down on its own;
//! docs/security.md maps each requirement to the test that proves it.
#![allow(clippy::unwrap_used, missing_docs)]

use authward::password::hash;
use authward::{Authward, AuthwardOptions, ErrorCode, HashParams, PasswordPolicy, ViolationCode};

const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn service() -> Authward {
    Authward::in_memory(AuthwardOptions { hash_params: CHEAP, ..AuthwardOptions::default() }).unwrap()
}

/// ASVS 2.1.1 / NIST 5.1.1.2: at least 12 characters by default.
#[test]
fn v2_1_1_minimum_length_is_12() {
    let p = PasswordPolicy::default();
    let codes = |pw: &str| p.check(pw, &[]).iter().map(|v| v.code).collect::<Vec<_>>();
    assert!(codes("qzv8#mplr4x").contains(&ViolationCode::TooShort)); // 11
    assert!(!codes("qzv8#mplr4xk").contains(&ViolationCode::TooShort)); // 12
}

/// ASVS 2.1.2: 64 characters and more are permitted (up to 128 by default).
#[test]
fn v2_1_2_long_passwords_are_permitted() {
    let p = PasswordPolicy::default();
    let long = "tulip harbor velvet ".repeat(6); // 120 characters
    assert!(p.check(&long, &[]).is_empty());
    let aw = service();
    aw.create_user("alice", "acme", &long, None).unwrap();
    aw.sign_in("alice", &long).unwrap();
    let too_long = "x".repeat(129);
    assert!(p.check(&too_long, &[]).iter().any(|v| v.code == ViolationCode::TooLong));
}

/// ASVS 2.1.3 / NIST: no truncation — the last character of a long password matters.
#[test]
fn v2_1_3_no_truncation() {
    let a = format!("{}a", "tulip harbor velvet ".repeat(50)); // 1001 characters
    let b = format!("{}b", "tulip harbor velvet ".repeat(50));
    let phc = hash::hash(&a, &CHEAP, None).unwrap();
    assert!(hash::verify(&a, &phc, None).unwrap());
    assert!(!hash::verify(&b, &phc, None).unwrap());
}

/// ASVS 2.1.4: spaces, any printable Unicode and emoji are allowed.
#[test]
fn v2_1_4_unicode_spaces_and_emoji_are_allowed() {
    let pw = "Grüße aus 東京 🔑🌸 mit Leerzeichen";
    assert!(PasswordPolicy::default().check(pw, &[]).is_empty());
    let aw = service();
    aw.create_user("alice", "acme", pw, None).unwrap();
    aw.sign_in("alice", pw).unwrap();
}

/// ASVS 2.1.7 / NIST: passwords from breach and dictionary lists are refused (zxcvbn's lists).
#[test]
fn v2_1_7_common_passwords_are_refused() {
    let p = PasswordPolicy::default();
    for pw in ["password1234", "qwertyuiop123", "iloveyou12345", "123456789012"] {
        assert!(p.check(pw, &[]).iter().any(|v| v.code == ViolationCode::TooWeak), "{pw}");
    }
}

/// ASVS 2.1.9 / NIST: no composition rules by default.
#[test]
fn v2_1_9_no_composition_rules_by_default() {
    let p = PasswordPolicy::default();
    assert!(!(p.require_lowercase || p.require_uppercase || p.require_digit || p.require_symbol));
    assert!(p.check("glacier mango orbit thistle", &[]).is_empty());
}

/// ASVS 2.4.1/2.4.2: Argon2id with a random 128-bit salt per credential.
#[test]
fn v2_4_2_salt_is_128_bit_and_unique() {
    let a = hash::hash("same password here", &CHEAP, None).unwrap();
    let b = hash::hash("same password here", &CHEAP, None).unwrap();
    assert!(a.starts_with("$argon2id$v=19$"));
    let salt = |phc: &str| phc.split('$').nth(4).unwrap().to_string();
    assert_eq!(salt(&a).len(), 22, "16 bytes in unpadded base64");
    assert_ne!(salt(&a), salt(&b));
}

/// ASVS 2.1.6: changing the password requires the current one.
#[test]
fn v2_1_6_change_requires_current_password() {
    let aw = service();
    aw.create_user("alice", "acme", "glacier mango orbit thistle", None).unwrap();
    let new = "purple elephant dancing quietly";
    let e = aw.change_password("alice", "", new, new).unwrap_err();
    assert_eq!(e.code(), ErrorCode::WrongPassword);
    aw.sign_in("alice", "glacier mango orbit thistle").unwrap();
}
