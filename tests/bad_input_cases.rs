//! Bad input never panics: it is an `INVALID_ARGUMENT` error, or a plain "no" (`Ok(None)`, `Ok(false)`,
//! `None`) where a wrong value is an outcome rather than an error.
//!
//! The hand-written cases of the Rust bad-input suite; the shared table of hostile inputs
//! (`tests/vectors/bad_inputs.json`) is walked by `tests/bad_input_table.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use authward::password::hash::{self, argon2_raw};
use authward::password::policy::PasswordPolicy;
use authward::totp::{self, Algorithm, TotpConfig};
use authward::{ErrorCode, HashParams, qr, recovery};

const MIB: usize = 1 << 20;
const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(r: authward::Result<T>, what: &str) {
    match r {
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{what}: {e}");
            let message = e.to_string();
            assert!(message.len() < 300, "{what}: error message is bounded, got {} bytes", message.len());
        }
        Ok(v) => panic!("{what}: expected INVALID_ARGUMENT, got Ok({v:?})"),
    }
}

/// Strings that are no base32 secret of 80–1024 bits.
fn bad_secrets() -> Vec<(String, &'static str)> {
    vec![
        (String::new(), "empty"),
        ("   ".into(), "spaces only"),
        ("====".into(), "padding only"),
        ("A".repeat(MIB), "1 MiB"),
        ("A".repeat(totp::MAX_SECRET_TEXT + 1), "just over the text bound"),
        ("not base32!".into(), "punctuation"),
        ("01890189018901890189".into(), "0, 1, 8, 9 are not base32"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ\u{0}".into(), "NUL"),
        ("ＧＥＺＤＧＮＢＶＧＹ３ＴＱＯＪＱ".into(), "full-width letters"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJÄ".into(), "non-ASCII"),
        ("GEZDGNBV".into(), "40 bits"),
        ("GEZDGNBVGY3TQOI".into(), "15 chars: 9 bytes, below 80 bits"),
        ("A".repeat(208), "130 bytes, above 1024 bits"),
        ("GEZDGNBV=GY3TQOJQ".into(), "padding in the middle"),
        ("GEZDGNBVG".into(), "impossible base32 length"),
    ]
}

#[test]
fn bad_secrets_are_invalid_argument() {
    let config = TotpConfig::default();
    for (secret, what) in bad_secrets() {
        assert_invalid(totp::decode_secret(&secret), what);
        assert_invalid(totp::code(&secret, 59, &config), what);
        assert_invalid(totp::verify(&secret, "123456", 59, None, &config), what);
        assert_invalid(totp::Totp::new(&secret, &config), what);
        assert_invalid(totp::build_uri(&secret, "ACME", "jd", &config), what);
    }
    for len in [0usize, 1, 9, 129, MIB] {
        assert_invalid(totp::Totp::from_bytes(&vec![7u8; len], &config), "raw secret length");
        assert_invalid(totp::hotp(&vec![7u8; len], 0, &config), "raw HOTP secret length");
    }
    // The bounds themselves are accepted: 80 bits (legacy) and 1024 bits.
    assert!(totp::decode_secret(&totp::encode_secret(&[1u8; 10])).is_ok());
    assert!(totp::decode_secret(&totp::encode_secret(&[1u8; 128])).is_ok());
}

#[test]
fn bad_configs_are_invalid_argument() {
    let d = TotpConfig::default();
    let bad = [
        TotpConfig { digits: 0, ..d },
        TotpConfig { digits: 5, ..d },
        TotpConfig { digits: 9, ..d },
        TotpConfig { digits: u8::MAX, ..d },
        TotpConfig { period: 0, ..d },
        TotpConfig { period: TotpConfig::MAX_PERIOD + 1, ..d },
        TotpConfig { period: u64::MAX, ..d },
        TotpConfig { window: TotpConfig::MAX_WINDOW + 1, ..d },
        TotpConfig { window: u8::MAX, ..d },
    ];
    for config in bad {
        let what = format!("{config:?}");
        assert_invalid(totp::code(SECRET, 59, &config), &what);
        assert_invalid(totp::verify(SECRET, "123456", 59, None, &config), &what);
        assert_invalid(totp::build_uri(SECRET, "ACME", "jd", &config), &what);
    }
    assert_invalid(Algorithm::parse("MD5"), "MD5");
    assert_invalid(Algorithm::parse(""), "empty algorithm");
    assert_invalid(Algorithm::parse(&"SHA1".repeat(MIB / 4)), "1 MiB algorithm");
}

#[test]
fn malformed_codes_never_match_and_never_panic() {
    let config = TotpConfig::default();
    let at = 1_111_111_111;
    let good = totp::code(SECRET, at, &config).unwrap();
    let step = at / 30;
    assert_eq!(totp::verify(SECRET, &good, at, None, &config).unwrap(), Some(step), "control");
    let fullwidth: String =
        good.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap()).collect();
    let arabic_indic: String =
        good.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0x0660).unwrap()).collect();
    let mut wrong = good.clone().into_bytes();
    wrong[5] = if wrong[5] == b'9' { b'0' } else { wrong[5] + 1 };
    let wrong = String::from_utf8(wrong).unwrap();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        (" ".repeat(6), "spaces"),
        (good[..5].to_string(), "too short"),
        (format!("{good}0"), "too long"),
        (format!("0{good}"), "leading digit"),
        (format!("{}a", &good[..5]), "letter"),
        ("abcdef".into(), "letters"),
        ("ABCDEF".into(), "upper-case letters"),
        (fullwidth, "full-width digits"),
        (arabic_indic, "Arabic-Indic digits"),
        (format!("+{good}"), "plus sign"),
        (format!("-{good}"), "minus sign"),
        (format!("{good}\n"), "newline"),
        (format!("\t{good}"), "tab"),
        (format!("{good}\0"), "NUL"),
        (format!("{}\u{00a0}{}", &good[..3], &good[3..]), "no-break space"),
        (format!("{}-{}", &good[..3], &good[3..]), "dash"),
        (format!("{}{good}", " ".repeat(100)), "padded beyond the bound"),
        (good.repeat(MIB / 6 + 1), "1 MiB of digits"),
        ("9".repeat(MIB), "1 MiB of nines"),
        (wrong, "wrong last digit"),
        (format!("{good}{good}"), "twice"),
        ("١٢٣٤٥٦".into(), "other digits"),
    ];
    for (code, what) in cases {
        assert_eq!(totp::verify(SECRET, &code, at, None, &config).unwrap(), None, "{what}: {code:?}");
    }
    // Spaces as authenticator apps show them are fine.
    let spaced = format!("{} {}", &good[..3], &good[3..]);
    assert_eq!(totp::verify(SECRET, &spaced, at, None, &config).unwrap(), Some(step));
}

#[test]
fn extreme_times_do_not_overflow() {
    for period in [1u64, 30, 59, TotpConfig::MAX_PERIOD] {
        for window in [0u8, 1, TotpConfig::MAX_WINDOW] {
            let config = TotpConfig { period, window, ..TotpConfig::default() };
            for at in [0u64, 1, period - 1, u64::MAX - 1, u64::MAX] {
                let code = totp::code(SECRET, at, &config).unwrap();
                let got = totp::verify(SECRET, &code, at, None, &config).unwrap();
                assert!(got.is_some_and(|s| s >= at / period), "period {period} window {window} at {at}");
                assert_eq!(totp::verify(SECRET, &code, at, Some(u64::MAX), &config).unwrap(), None);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// PHC strings and password hashing

fn good_phc() -> String {
    hash::hash("correct horse battery staple", &CHEAP, None).unwrap()
}

#[test]
fn malformed_phc_strings_are_invalid_argument() {
    let phc = good_phc();
    let parts: Vec<&str> = phc.split('$').collect();
    let (salt, digest) = (parts[4], parts[5]);
    let with_params = |params: &str| format!("$argon2id$v=19${params}${salt}${digest}");
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("$".into(), "dollar"),
        ("$argon2id".into(), "algorithm only"),
        ("$argon2id$v=19".into(), "no params"),
        ("$argon2id$v=19$m=1024,t=1,p=1".into(), "no salt"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${salt}"), "no hash"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${salt}$"), "empty hash"),
        (phc.replace("v=19", "v=20"), "version 20"),
        (phc.replace("v=19", "v=0"), "version 0"),
        (phc.replace("v=19", "v=99999999999999999999"), "version overflow"),
        (phc.replace("v=19", "v=x"), "version not a number"),
        (with_params("m=0,t=1,p=1"), "m=0"),
        (with_params("m=7,t=1,p=1"), "m below 8 KiB"),
        (with_params("m=31,t=1,p=4"), "m below 8·p"),
        (with_params("m=4194305,t=1,p=1"), "m above 4 GiB"),
        (with_params("m=4294967295,t=1,p=1"), "m = u32::MAX"),
        (with_params("m=99999999999999999999,t=1,p=1"), "m overflows u32"),
        (with_params("m=-1,t=1,p=1"), "m negative"),
        (with_params("m=1024,t=0,p=1"), "t=0"),
        (with_params("m=1024,t=1025,p=1"), "t too large"),
        (with_params("m=1024,t=4294967295,p=1"), "t = u32::MAX"),
        (with_params("m=1024,t=1,p=0"), "p=0"),
        (with_params("m=8192,t=1,p=65"), "p too large"),
        (with_params("m=1024,t=1,p=16777216"), "p beyond argon2's limit"),
        (with_params("m=1024,t=1"), "p missing"),
        (with_params("t=1,p=1"), "m missing"),
        (with_params("m=1024,t=1,p=1,keyid=abcd"), "keyid"),
        (with_params("m=1024,t=1,p=1,x=1"), "unknown parameter"),
        (with_params("m=1024;t=1;p=1"), "wrong separator"),
        (with_params("m=1e3,t=1,p=1"), "not an integer"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1$!!!!!!!!$${digest}"), "bad base64 salt"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${salt}$****"), "bad base64 hash"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA${digest}"), "4-byte salt"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${}${digest}", "A".repeat(120)), "90-byte salt"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${salt}$AAA"), "2-byte hash"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${salt}${}", "A".repeat(200)), "150-byte hash"),
        (format!("$argon2id$v=19$m=1024,t=1,p=1${salt}={}", &digest[1..]), "padding character"),
        (phc.replace("$argon2id$", "$argon2$"), "argon2 without variant"),
        (phc.replace("$argon2id$", "$argon2ix$"), "unknown variant"),
        (phc.replace("$argon2id$", "$ARGON2ID$"), "upper-case variant"),
        ("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".into(), "bcrypt"),
        (
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E".into(),
            "scrypt",
        ),
        (
            "$pbkdf2-sha256$29000$N2bMuXrvnPPeux9D6H3PWQ$9l6lo0zVVE4d7iq7.qcYz1bd.g2J1iObqyDvAoRB3jY".into(),
            "pbkdf2",
        ),
        ("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/".into(), "md5-crypt"),
        ("5f4dcc3b5aa765d61d8327deb882cf99".into(), "bare md5 hex"),
        ("plaintext password".into(), "not a PHC string"),
        (format!("{phc}$extra"), "extra field"),
        (format!(" {phc}"), "leading space"),
        (format!("{phc}\0"), "trailing NUL"),
        (phc.replace('$', "\u{ff04}"), "full-width dollars"),
        (format!("{phc}{}", "A".repeat(MIB)), "1 MiB"),
        ("$".repeat(MIB), "1 MiB of dollars"),
    ];
    for (bad, what) in &cases {
        assert_invalid(hash::verify("correct horse battery staple", bad, None), what);
        assert_invalid(hash::needs_rehash(bad, &CHEAP), what);
    }
    // A repeated parameter is ambiguous (which value counts?): refused.
    assert_invalid(hash::verify("x", &with_params("m=1024,m=1024,t=1,p=1"), None), "repeated m");
    // Reordered parameters are unambiguous and accepted; a wrong password still does not verify.
    assert!(!hash::verify("wrong password", &with_params("t=1,m=1024,p=1"), None).unwrap());
}

#[test]
fn truncated_phc_strings_never_verify() {
    let phc = good_phc();
    for end in 0..phc.len() {
        let truncated = &phc[..end];
        match hash::verify("correct horse battery staple", truncated, None) {
            Ok(matched) => assert!(!matched, "{truncated:?} verified"),
            Err(e) => assert_eq!(e.code(), ErrorCode::InvalidArgument, "{truncated:?}: {e}"),
        }
    }
}

#[test]
fn a_flipped_character_never_verifies() {
    let phc = good_phc();
    let hash_start = phc.rfind('$').unwrap() + 1;
    let salt_start = phc[..hash_start - 1].rfind('$').unwrap() + 1;
    for i in salt_start..phc.len() {
        if i == hash_start - 1 {
            continue;
        }
        let mut bytes = phc.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        match hash::verify("correct horse battery staple", &changed, None) {
            Ok(matched) => assert!(!matched, "{changed} verified"),
            Err(e) => assert_eq!(e.code(), ErrorCode::InvalidArgument, "{changed}: {e}"),
        }
    }
}

#[test]
fn bad_passwords_params_and_peppers_are_invalid_argument() {
    let phc = good_phc();
    let huge = "a".repeat(MIB);
    assert_invalid(hash::hash(&huge, &CHEAP, None), "1 MiB password");
    assert_invalid(hash::verify(&huge, &phc, None), "1 MiB password");
    assert_invalid(hash::hash(&"é".repeat(2049), &CHEAP, None), "4098 bytes of é");
    assert_invalid(hash::hash("", &CHEAP, None), "empty password");
    assert!(!hash::verify("", &phc, None).unwrap(), "an empty password is a wrong one");
    let pepper = [9u8; 65];
    assert_invalid(hash::hash("a password", &CHEAP, Some(&pepper)), "65-byte pepper");
    assert_invalid(hash::verify("a password", &phc, Some(&pepper)), "65-byte pepper");
    assert_invalid(hash::hash("a password", &CHEAP, Some(&vec![1u8; MIB])), "1 MiB pepper");
    let bad_params = [
        HashParams { memory_kib: 0, ..CHEAP },
        HashParams { memory_kib: 7, ..CHEAP },
        HashParams { memory_kib: 31, iterations: 1, parallelism: 4 },
        HashParams { memory_kib: HashParams::MAX_MEMORY_KIB + 1, ..CHEAP },
        HashParams { memory_kib: u32::MAX, ..CHEAP },
        HashParams { iterations: 0, ..CHEAP },
        HashParams { iterations: HashParams::MAX_ITERATIONS + 1, ..CHEAP },
        HashParams { iterations: u32::MAX, ..CHEAP },
        HashParams { parallelism: 0, ..CHEAP },
        HashParams { memory_kib: 8192, iterations: 1, parallelism: HashParams::MAX_PARALLELISM + 1 },
        HashParams { parallelism: u32::MAX, ..CHEAP },
    ];
    for params in bad_params {
        let what = format!("{params:?}");
        assert_invalid(params.validate(), &what);
        assert_invalid(hash::hash("a password", &params, None), &what);
        assert_invalid(hash::needs_rehash(&phc, &params), &what);
        assert_invalid(argon2_raw("argon2id", &params, b"password", b"somesalt", &[], &[], 32), &what);
    }
}

#[test]
fn bad_raw_argon2_inputs_are_invalid_argument() {
    let ok = |alg: &str, salt: &[u8], secret: &[u8], out: usize| {
        argon2_raw(alg, &CHEAP, b"pw", salt, secret, &[], out)
    };
    assert!(ok("argon2id", b"somesalt", &[], 32).is_ok(), "control");
    assert_invalid(ok("argon2", b"somesalt", &[], 32), "unknown variant");
    assert_invalid(ok("", b"somesalt", &[], 32), "empty variant");
    assert_invalid(ok("argon2id", b"short", &[], 32), "5-byte salt");
    assert_invalid(ok("argon2id", b"somesalt", &[], 0), "empty output");
    assert_invalid(ok("argon2id", b"somesalt", &[], 3), "3-byte output");
    assert_invalid(ok("argon2id", b"somesalt", &[], usize::MAX), "usize::MAX output");
    // The raw API takes any secret length RFC 9106 allows (the 64-byte bound is for peppers).
    assert!(ok("argon2id", b"somesalt", &[3u8; 65], 32).is_ok());
}

// ------------------------------------------------------------------------------------------------
// URIs, QR, recovery codes, password policy

#[test]
fn bad_uris_are_invalid_argument() {
    let s = SECRET;
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("otpauth://".into(), "scheme only"),
        ("otpauth://totp/".into(), "no label"),
        (format!("otpauth://totp/?secret={s}"), "empty label"),
        ("otpauth://totp/A:b".into(), "no secret"),
        ("otpauth://totp/A:b?secret=".into(), "empty secret"),
        ("otpauth://totp/A:b?secret=!!".into(), "bad secret"),
        (format!("otpauth://totp/A:b?secret={}", "A".repeat(MIB)), "1 MiB secret"),
        (format!("otpauth://totp/{}?secret={s}", "a".repeat(MIB)), "1 MiB label"),
        (format!("otpauth://totp/A:b?secret={s}&issuer={}", "A".repeat(3000)), "long issuer"),
        (format!("otpauth://totp/A:%FF%FE?secret={s}"), "invalid UTF-8"),
        (format!("otpauth://totp/A:b?secret={s}&issuer=%C3"), "truncated UTF-8 issuer"),
        (format!("otpauth://totp/A:b?secret={s}&digits=abc"), "digits not a number"),
        (format!("otpauth://totp/A:b?secret={s}&digits=99999999999999999999"), "digits overflow"),
        (format!("otpauth://totp/A:b?secret={s}&digits=10"), "10 digits"),
        (format!("otpauth://totp/A:b?secret={s}&period=-30"), "negative period"),
        (format!("otpauth://totp/A:b?secret={s}&period=0"), "zero period"),
        (format!("otpauth://totp/A:b?secret={s}&algorithm=MD5"), "MD5"),
        (format!("otpauth://totp/A:b?secret={s}&secret={s}"), "repeated secret"),
        (format!("otpauth://totp/A:b?secret={s}&issuer=B"), "issuers differ"),
        (format!("otpauth://hotp/A:b?secret={s}&counter=0"), "HOTP"),
        (format!("https://totp/A:b?secret={s}"), "other scheme"),
        (format!("otpauth:/totp/A:b?secret={s}"), "one slash"),
        (format!("otpauth://totp/A:?secret={s}"), "empty account"),
        (format!("otpauth://totp/A:%20%20?secret={s}"), "blank account"),
        ("\0".repeat(100), "NULs"),
        ("&".repeat(MIB), "1 MiB of ampersands"),
    ];
    for (uri, what) in cases {
        assert_invalid(totp::parse_uri(&uri), what);
    }
    // Percent signs that start no escape are kept as they are (lenient, like the URL standard).
    assert_eq!(totp::parse_uri(&format!("otpauth://totp/A:%?secret={s}")).unwrap().account_name, "%");
    assert_eq!(totp::parse_uri(&format!("otpauth://totp/A:b%2?secret={s}")).unwrap().account_name, "b%2");
    let config = TotpConfig::default();
    for (issuer, account, what) in [
        ("", "jd", "empty issuer"),
        ("ACME", "", "empty account"),
        ("AC:ME", "jd", "':' in issuer"),
        ("ACME\n", "jd", "newline in issuer"),
        ("ACME", "j\0d", "NUL in account"),
        ("ACME", "j\u{7f}d", "DEL in account"),
        ("ACME", " jd", "leading space in account"),
        ("ACME", "\u{3000}jd", "leading ideographic space in account"),
    ] {
        assert_invalid(totp::build_uri(SECRET, issuer, account, &config), what);
    }
    let long = "a".repeat(MIB);
    assert_invalid(totp::build_uri(SECRET, &long, "jd", &config), "1 MiB issuer");
    assert_invalid(totp::build_uri(SECRET, "ACME", &long, &config), "1 MiB account");
    assert_invalid(totp::build_uri(SECRET, &"é".repeat(257), "jd", &config), "257-character issuer");
    assert!(totp::build_uri(SECRET, &"é".repeat(256), "jd", &config).is_ok(), "256 characters are fine");
}

#[test]
fn bad_qr_input_is_invalid_argument() {
    assert_invalid(qr::svg(""), "empty svg");
    assert_invalid(qr::png("", 4), "empty png");
    assert_invalid(qr::terminal(""), "empty terminal");
    assert_invalid(qr::modules(""), "empty modules");
    let huge = "x".repeat(MIB);
    assert_invalid(qr::svg(&huge), "1 MiB svg");
    assert_invalid(qr::png(&huge, 4), "1 MiB png");
    assert_invalid(qr::terminal(&huge), "1 MiB terminal");
    // Just over what a QR code holds at level M (2331 bytes in version 40).
    assert_invalid(qr::svg(&"x".repeat(2332)), "2332 bytes");
    assert!(qr::svg(&"x".repeat(2331)).is_ok(), "2331 bytes fit");
    for scale in [0u32, qr::MAX_SCALE + 1, u32::MAX] {
        assert_invalid(qr::png("x", scale), "scale");
    }
}

#[test]
fn bad_recovery_codes_never_match() {
    let codes = recovery::generate(3).unwrap();
    let stored: Vec<String> = codes.iter().map(|c| recovery::hash(c).unwrap()).collect();
    assert_eq!(recovery::find(&codes[2], &stored), Some(2), "control");
    let huge = "A".repeat(MIB);
    for bad in [
        "",
        "-",
        "0000-0000-0000-000",
        "0000-0000-0000-00000",
        "ÄÄÄÄ-ÄÄÄÄ-ÄÄÄÄ-ÄÄÄÄ",
        "UUUU-UUUU-UUUU-UUUU",
        &huge,
    ] {
        assert_eq!(recovery::find(bad, &stored), None, "{:?}", &bad[..bad.len().min(30)]);
        assert!(recovery::hash(bad).is_err());
    }
    let garbage = vec![String::new(), "rc1$".into(), "rc1$$".into(), "rc1$!!$!!".into(), "x".repeat(MIB)];
    assert_eq!(recovery::find(&codes[0], &garbage), None);
    assert_invalid(recovery::generate(0), "0 codes");
    assert_invalid(recovery::generate(101), "101 codes");
    assert_invalid(recovery::generate(usize::MAX), "usize::MAX codes");
}

#[test]
fn huge_passwords_in_the_policy_check_are_reported_not_fatal() {
    let policy = PasswordPolicy::default();
    let start = std::time::Instant::now();
    let huge = "correct horse ".repeat(MIB / 14);
    let codes: Vec<_> = policy.check(&huge, &["jane.doe@example.com"]).into_iter().map(|v| v.code).collect();
    assert!(codes.contains(&authward::ViolationCode::TooLong), "{codes:?}");
    let inputs = ["x".repeat(MIB)];
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let _ = policy.check("a fine long passphrase", &refs);
    assert!(start.elapsed() < std::time::Duration::from_secs(30), "took {:?}", start.elapsed());
}
