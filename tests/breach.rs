//! Breached passwords (issue 17): the offline filter, the service's use of it, and the k-anonymity
//! range helper.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use authward::password::breach::{
    BREACHED_MESSAGE, BreachFilter, MAX_RANGE_RESPONSE_BYTES, judge_range, range_count, range_prefix,
};
use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, Error, ErrorCode, HashParams, ManualClock, PasswordPolicy,
    RequiredAction, SignInStatus, ViolationCode,
};
use sha1::{Digest, Sha1};

const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
const T0: u64 = 1_800_000_000;
/// Strong enough for the default policy (zxcvbn 3+), and listed in the filter below.
const LISTED: &str = "correct horse battery staple";
const FRESH: &str = "purple elephant dancing quietly";
const FRESH2: &str = "seventeen orange umbrellas sing";

fn sha1_hex(s: &str) -> String {
    Sha1::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn code(r: Result<impl std::fmt::Debug, Error>) -> ErrorCode {
    r.unwrap_err().code()
}

fn violations(r: Result<impl std::fmt::Debug, Error>) -> Vec<ViolationCode> {
    match r.unwrap_err() {
        Error::PolicyViolation(v) => {
            for x in &v {
                assert!(!x.message.contains(LISTED), "a message never contains the password");
            }
            v.iter().map(|x| x.code).collect()
        }
        e => panic!("expected a policy violation, got {e:?}"),
    }
}

// ------------------------------------------------------------------------------------------ filter

#[test]
fn finds_every_listed_entry_plaintext_and_sha1_lines() {
    let plain: Vec<String> = (0..3000).map(|i| format!("plain password {i}")).collect();
    let hashed: Vec<String> = (0..3000).map(|i| format!("hashed password {i}")).collect();
    let mut list = String::new();
    for p in &plain {
        list.push_str(p);
        list.push('\n');
    }
    for (i, p) in hashed.iter().enumerate() {
        let hex = sha1_hex(p);
        // lower case, upper case, and HIBP's downloadable SHA1:COUNT form, with LF and CRLF
        match i % 3 {
            0 => list.push_str(&format!("{hex}\n")),
            1 => list.push_str(&format!("{}\r\n", hex.to_uppercase())),
            _ => list.push_str(&format!("{}:{}\n", hex.to_uppercase(), i)),
        }
    }
    list.push_str("\n\n"); // blank lines are skipped
    let filter = BreachFilter::from_text(&list).unwrap();
    assert_eq!(filter.len(), 6000);
    for p in plain.iter().chain(&hashed) {
        assert!(filter.contains(p), "listed entry {p:?} not found");
    }
    // a SHA-1 line is the password it hashes, never the hex text itself
    assert!(!filter.contains(&sha1_hex(&hashed[0])));
    // trailing spaces are part of a password: nothing but the line ending is trimmed
    let spaced = BreachFilter::from_text("with space \n").unwrap();
    assert!(spaced.contains("with space "));
    assert!(!spaced.contains("with space"));
}

#[test]
fn duplicates_do_not_break_construction() {
    let lines: Vec<String> = (0..5000).map(|i| format!("dup {}", i % 100)).collect();
    let mut with_sha = lines.clone();
    with_sha.push(sha1_hex("dup 7")); // the same entry as a SHA-1 line
    let filter = BreachFilter::from_lines(&with_sha).unwrap();
    assert_eq!(filter.len(), 100);
    assert!((0..100).all(|i| filter.contains(&format!("dup {i}"))));
}

#[test]
fn false_positive_count_is_near_the_stated_rate() {
    let n = 200_000;
    let filter = BreachFilter::from_lines((0..n).map(|i| format!("in-{i}"))).unwrap();
    let sample = 500_000u32;
    let fp = (0..sample).filter(|i| filter.contains(&format!("out-{i}"))).count();
    let expected = f64::from(sample) * BreachFilter::FALSE_POSITIVE_RATE; // ≈ 7.6
    // The inputs and the filter's seed are deterministic: this is a fixed count, not a flaky one.
    assert!(fp >= 1 && (fp as f64) < 4.0 * expected, "{fp} false positives, expected about {expected:.1}");
    // An 8-bit filter (1/256) would give ~1950 here; no filter at all would give 500000.
}

#[test]
fn nfkc_forms_match_each_other() {
    let composed = "caf\u{e9} au lait forever";
    let decomposed = "cafe\u{301} au lait forever";
    let from_composed = BreachFilter::from_text(composed).unwrap();
    assert!(from_composed.contains(decomposed));
    let from_decomposed = BreachFilter::from_text(decomposed).unwrap();
    assert!(from_decomposed.contains(composed));
    assert_eq!(from_decomposed.len(), 2, "both forms are keyed");
}

#[test]
fn round_trip_to_bytes() {
    let filter = BreachFilter::from_lines((0..20_000).map(|i| format!("p{i}"))).unwrap();
    let bytes = filter.to_bytes();
    assert_eq!(bytes.len(), filter.size_bytes());
    assert_eq!(&bytes[..8], b"AWBREACH");
    // ~18 bits per entry plus a 76-byte header and checksum
    assert!(bytes.len() < 20_000 * 20 / 8 + 76, "{} bytes", bytes.len());
    let back = BreachFilter::from_bytes(&bytes).unwrap();
    assert_eq!(back.len(), 20_000);
    assert_eq!(back.to_bytes(), bytes);
    for i in 0..20_000 {
        assert!(back.contains(&format!("p{i}")));
    }
    let differ = (0..20_000).filter(|i| filter.contains(&format!("q{i}")) != back.contains(&format!("q{i}")));
    assert_eq!(differ.count(), 0);
    // through a file, as the CLI writes it
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.filter");
    std::fs::write(&path, &bytes).unwrap();
    assert!(BreachFilter::load(&path).unwrap().contains("p42"));
    assert_eq!(code(BreachFilter::load(dir.path().join("missing.filter"))), ErrorCode::InvalidArgument);
}

fn refused(bytes: &[u8]) -> bool {
    matches!(BreachFilter::from_bytes(bytes), Err(e) if e.code() == ErrorCode::InvalidArgument)
}

/// Rewrites the checksum so only the deeper checks can refuse the bytes.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    use sha2::Digest as _;
    let n = bytes.len() - 32;
    let sum = sha2::Sha256::digest(&bytes[..n]);
    bytes[n..].copy_from_slice(&sum);
    bytes
}

#[test]
fn corrupted_truncated_and_foreign_bytes_are_refused_without_panic() {
    let bytes = BreachFilter::from_lines(["alpha", "beta", "gamma"]).unwrap().to_bytes();
    assert!(!refused(&bytes));
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        assert!(refused(&b), "a flipped bit at byte {i} went unnoticed");
    }
    for len in 0..bytes.len() {
        assert!(refused(&bytes[..len]), "truncated to {len} bytes was accepted");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(refused(&longer));
    assert!(refused(b""));
    assert!(refused(b"\x89PNG\r\n\x1a\n and then some more bytes that are not a filter at all....."));
    assert!(refused(&vec![0u8; 4096]));
    // a valid checksum over a wrong version, and over geometry that would index out of bounds
    let mut v2 = bytes.clone();
    v2[8] = 2;
    assert!(refused(&reseal(v2)));
    for (offset, value) in [(28usize, 1u32 << 20), (32, 0), (36, u32::MAX), (28, 3)] {
        let mut g = bytes.clone();
        g[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
        assert!(refused(&reseal(g)), "geometry {offset}={value} accepted");
    }
    let mut empty_with_fps = bytes.clone();
    empty_with_fps[12..20].copy_from_slice(&0u64.to_le_bytes());
    assert!(refused(&reseal(empty_with_fps)));
    let msg = BreachFilter::from_bytes(b"nope").unwrap_err().to_string();
    assert!(msg.contains("not a valid authward breach filter"), "{msg}");
}

// ----------------------------------------------------------------------------------------- service

fn service(filter: Option<BreachFilter>) -> (Authward, ManualClock) {
    let clock = ManualClock::new(T0);
    let options = AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: CHEAP,
        breached_passwords: filter.map(Arc::new),
        ..AuthwardOptions::default()
    };
    (Authward::in_memory(options).unwrap(), clock)
}

fn listed_filter() -> BreachFilter {
    BreachFilter::from_text(&format!("hunter2\n{}\n", sha1_hex(LISTED))).unwrap()
}

fn policy(reject_breached: bool) -> AccountPolicy {
    let mut p = AccountPolicy::default();
    p.password.reject_breached = reject_breached;
    p.password.min_age_days = 0;
    p
}

#[test]
fn breached_at_create_change_and_admin_set_password() {
    let (aw, _) = service(Some(listed_filter()));
    assert_eq!(violations(aw.create_user("alice", "acme", LISTED, None)), vec![ViolationCode::Breached]);
    // reported alongside the other violations
    let v = violations(aw.create_user("alice", "acme", "hunter2", None));
    assert_eq!(v, vec![ViolationCode::TooShort, ViolationCode::TooWeak, ViolationCode::Breached]);
    match aw.create_user("alice", "acme", LISTED, None).unwrap_err() {
        Error::PolicyViolation(v) => assert_eq!(v[0].message, BREACHED_MESSAGE),
        e => panic!("{e:?}"),
    }
    aw.create_user("alice", "acme", FRESH, None).unwrap();
    aw.set_account_policy("acme", &policy(true)).unwrap();
    assert_eq!(violations(aw.change_password("alice", FRESH, LISTED, LISTED)), vec![ViolationCode::Breached]);
    assert_eq!(violations(aw.set_password("alice", LISTED)), vec![ViolationCode::Breached]);
    aw.change_password("alice", FRESH, FRESH2, FRESH2).unwrap();
    assert_eq!(aw.sign_in("alice", FRESH2).unwrap().status, SignInStatus::Complete);
}

#[test]
fn policy_switch_off_accepts_listed_passwords() {
    let (aw, _) = service(Some(listed_filter()));
    aw.set_account_policy("acme", &policy(false)).unwrap();
    aw.create_user("alice", "acme", LISTED, None).unwrap();
    let s = aw.sign_in("alice", LISTED).unwrap();
    assert_eq!(s.status, SignInStatus::Complete);
    assert!(s.required_actions.is_empty());
    aw.create_user("bob", "acme", FRESH, None).unwrap();
    aw.change_password("bob", FRESH, LISTED, LISTED).unwrap();
    aw.create_user("carol", "acme", FRESH, None).unwrap();
    aw.set_password("carol", LISTED).unwrap();
    // the stored policy keeps the switch
    assert!(!aw.account_policy("acme").unwrap().password.reject_breached);
}

#[test]
fn without_a_filter_nothing_is_breached() {
    let (aw, _) = service(None);
    aw.create_user("alice", "acme", LISTED, None).unwrap();
    assert_eq!(aw.sign_in("alice", LISTED).unwrap().status, SignInStatus::Complete);
}

#[test]
fn sign_in_with_a_listed_password_requires_a_change() {
    let (aw, _) = service(Some(listed_filter()));
    // a user whose password predates the check (the account had it off)
    aw.set_account_policy("acme", &policy(false)).unwrap();
    aw.create_user("alice", "acme", LISTED, None).unwrap();
    aw.set_account_policy("acme", &policy(true)).unwrap();
    assert_eq!(code(aw.sign_in("alice", "wrong password here")), ErrorCode::InvalidCredentials);
    let s = aw.sign_in("alice", LISTED).unwrap();
    assert_eq!(s.status, SignInStatus::ActionRequired);
    assert_eq!(s.required_actions, vec![RequiredAction::ChangePassword]);
    assert_eq!(aw.status("alice").unwrap().required_actions, vec![RequiredAction::ChangePassword]);
    aw.change_password("alice", LISTED, FRESH, FRESH).unwrap();
    let s = aw.sign_in("alice", FRESH).unwrap();
    assert_eq!(s.status, SignInStatus::Complete);
    assert!(s.required_actions.is_empty());
}

#[test]
fn sign_in_with_two_factor_carries_the_required_change() {
    let (aw, clock) = service(Some(listed_filter()));
    aw.set_account_policy("acme", &policy(false)).unwrap();
    aw.create_user("alice", "acme", LISTED, None).unwrap();
    let e = aw.begin_totp_enrollment("alice", "ACME").unwrap();
    let cfg = TotpConfig::default();
    aw.confirm_totp_enrollment("alice", &totp::code(&e.secret, clock.now(), &cfg).unwrap()).unwrap();
    clock.advance(30);
    aw.set_account_policy("acme", &policy(true)).unwrap();
    let s = aw.sign_in("alice", LISTED).unwrap();
    assert_eq!(s.status, SignInStatus::SecondFactorRequired);
    let challenge = s.challenge.unwrap();
    let done =
        aw.verify_second_factor(&challenge, &totp::code(&e.secret, clock.now(), &cfg).unwrap()).unwrap();
    assert_eq!(done.status, SignInStatus::ActionRequired);
    assert_eq!(done.required_actions, vec![RequiredAction::ChangePassword]);
}

#[test]
fn rules_list_the_breach_check_when_active() {
    let p = PasswordPolicy::default();
    assert!(p.rules().iter().all(|r| r.code != ViolationCode::Breached), "check() alone never reports it");
    let with = p.rules_with_breach_check(true);
    let rule = with.iter().find(|r| r.code == ViolationCode::Breached).expect("listed");
    assert_eq!(rule.description, "Not in a list of breached passwords");
    let off = PasswordPolicy { reject_breached: false, ..PasswordPolicy::default() };
    assert!(off.rules_with_breach_check(true).iter().all(|r| r.code != ViolationCode::Breached));
    // the stateless check with a filter
    let f = listed_filter();
    assert_eq!(
        p.check_with_filter(LISTED, &[], Some(&f)).iter().map(|v| v.code).collect::<Vec<_>>(),
        vec![ViolationCode::Breached]
    );
    assert!(p.check_with_filter(FRESH, &[], Some(&f)).is_empty());
    assert!(off.check_with_filter(LISTED, &[], Some(&f)).is_empty());
    assert_eq!(ViolationCode::parse("BREACHED"), Some(ViolationCode::Breached));
    assert!(PasswordPolicy { breach_min_count: 0, ..PasswordPolicy::default() }.validate().is_err());
    assert!(
        PasswordPolicy { breach_min_count: 1_000_000_001, ..PasswordPolicy::default() }.validate().is_err()
    );
}

// ------------------------------------------------------------------------------------------- range

/// SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8.
const PASSWORD_SUFFIX: &str = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";

#[test]
fn range_prefix_is_the_first_five_hex_of_sha1() {
    assert_eq!(range_prefix("password"), "5BAA6");
    // SHA-1("P@ssw0rd") = 21BD12DC183F740EE76F27B78EB39C8AD972A757
    assert_eq!(range_prefix("P@ssw0rd"), "21BD1");
    // the UTF-8 bytes as given: SHA-1("") = DA39A3EE…
    assert_eq!(range_prefix(""), "DA39A");
    assert_eq!(range_prefix("caf\u{e9}"), sha1_hex("caf\u{e9}")[..5].to_uppercase());
}

#[test]
fn judge_counts_the_suffix_in_the_response() {
    let body = format!(
        "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n{}:3861493\r\n011053FD0102E94D6AE2F8B83D76FAF94F6:0\r\n",
        PASSWORD_SUFFIX.to_lowercase()
    );
    assert_eq!(range_count("password", &body).unwrap(), 3_861_493);
    assert_eq!(range_count("not the password", &body).unwrap(), 0);
    let p = PasswordPolicy::default();
    let v = judge_range("password", Some(&body), &p).unwrap();
    assert_eq!(v.count, Some(3_861_493));
    assert!(v.breached);
    assert_eq!(v.violation().unwrap().code, ViolationCode::Breached);
    let clean = judge_range("another password", Some(&body), &p).unwrap();
    assert_eq!((clean.count, clean.breached), (Some(0), false));
    assert!(clean.violation().is_none());
    // LF only, and HIBP's padding entries (count 0) never count, even for the suffix itself
    let padded = format!("{PASSWORD_SUFFIX}:0\n");
    assert_eq!(judge_range("password", Some(&padded), &p).unwrap().count, Some(0));
    assert!(!judge_range("password", Some(&padded), &p).unwrap().breached);
    assert_eq!(judge_range("password", Some(""), &p).unwrap().count, Some(0));
}

#[test]
fn judge_applies_the_threshold() {
    let body = format!("{PASSWORD_SUFFIX}:10\n");
    let at = |n| PasswordPolicy { breach_min_count: n, ..PasswordPolicy::default() };
    assert!(judge_range("password", Some(&body), &at(10)).unwrap().breached);
    assert!(!judge_range("password", Some(&body), &at(11)).unwrap().breached);
    let off = PasswordPolicy { reject_breached: false, ..PasswordPolicy::default() };
    let v = judge_range("password", Some(&body), &off).unwrap();
    assert_eq!((v.count, v.breached), (Some(10), false));
}

#[test]
fn judge_fails_open_or_closed_without_a_response() {
    let open = PasswordPolicy::default();
    assert!(!open.breach_fail_closed);
    let v = judge_range("password", None, &open).unwrap();
    assert_eq!((v.count, v.breached), (None, false));
    let closed = PasswordPolicy { breach_fail_closed: true, ..PasswordPolicy::default() };
    let v = judge_range("password", None, &closed).unwrap();
    assert_eq!((v.count, v.breached), (None, true));
    assert_eq!(v.violation().unwrap().code, ViolationCode::Breached);
}

#[test]
fn malformed_responses_are_clear_errors() {
    let p = PasswordPolicy::default();
    for bad in [
        "<html>rate limited</html>",
        "1E4C9B93F3F0682250B6CF8331B7EE68FD8",
        "1E4C9B93F3F0682250B6CF8331B7EE68FD8:",
        "1E4C9B93F3F0682250B6CF8331B7EE68FD8:-3",
        "1E4C9B93F3F0682250B6CF8331B7EE68FD:3",
        "ZZ4C9B93F3F0682250B6CF8331B7EE68FD8:3",
        "1E4C9B93F3F0682250B6CF8331B7EE68FD8:99999999999999999999999",
    ] {
        let e = judge_range("password", Some(bad), &p).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad:?}");
        assert!(e.to_string().contains("malformed range response at line 1"), "{e}");
    }
    let second = format!("{PASSWORD_SUFFIX}:2\ngarbage\n");
    assert!(judge_range("password", Some(&second), &p).unwrap_err().to_string().contains("line 2"));
    let huge = "A".repeat(MAX_RANGE_RESPONSE_BYTES + 1);
    assert_eq!(code(judge_range("password", Some(&huge), &p)), ErrorCode::InvalidArgument);
}
