//! Known-answer tests from `tests/vectors/` (shared with the C, Python and Node suites): RFC 6238 TOTP,
//! RFC 4226 HOTP, RFC 9106 Argon2, PHC strings made by argon2-cffi, and the error-code table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use authward::password::hash::{self, argon2_raw};
use authward::totp::{self, Algorithm, TotpConfig};
use authward::{ErrorCode, HashParams};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an unsigned integer: {v}"))
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length: {text}");
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ------------------------------------------------------------------------------------------------
// TOTP / HOTP

fn totp_vectors() -> Vec<Value> {
    load("totp.json")["totp"].as_array().unwrap().clone()
}

fn config_of(v: &Value) -> TotpConfig {
    TotpConfig {
        algorithm: Algorithm::parse(s(&v["algorithm"])).unwrap(),
        digits: u8::try_from(u(&v["digits"])).unwrap(),
        period: u(&v["period"]),
        window: TotpConfig::DEFAULT_WINDOW,
    }
}

#[test]
fn rfc6238_table_is_complete() {
    let vectors = totp_vectors();
    assert_eq!(vectors.len(), 18);
    for alg in ["SHA1", "SHA256", "SHA512"] {
        let times: Vec<u64> =
            vectors.iter().filter(|v| v["algorithm"] == alg).map(|v| u(&v["time"])).collect();
        assert_eq!(times, [59, 1_111_111_109, 1_111_111_111, 1_234_567_890, 2_000_000_000, 20_000_000_000]);
    }
}

#[test]
fn rfc6238_codes() {
    for v in totp_vectors() {
        let config = config_of(&v);
        let secret = s(&v["secret_base32"]);
        let at = u(&v["time"]);
        let expected = s(&v["code"]);
        assert_eq!(totp::code(secret, at, &config).unwrap(), expected, "{v}");
        // The same secret from its raw bytes, and typed the way people paste it.
        let raw = unhex(s(&v["secret_hex"]));
        assert_eq!(raw, s(&v["secret_ascii"]).as_bytes());
        assert_eq!(totp::Totp::from_bytes(&raw, &config).unwrap().code_at(at), expected);
        let messy: String = secret
            .to_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(totp::code(&messy, at, &config).unwrap(), expected);
    }
}

#[test]
fn rfc6238_verify_returns_the_step_and_refuses_replay() {
    for v in totp_vectors() {
        let config = config_of(&v);
        let secret = s(&v["secret_base32"]);
        let at = u(&v["time"]);
        let step = u(&v["step"]);
        assert_eq!(step, u64::from_str_radix(s(&v["step_hex"]), 16).unwrap());
        let code = s(&v["code"]);
        assert_eq!(totp::verify(secret, code, at, None, &config).unwrap(), Some(step), "{v}");
        assert_eq!(totp::verify(secret, code, at, Some(step - 1), &config).unwrap(), Some(step));
        assert_eq!(totp::verify(secret, code, at, Some(step), &config).unwrap(), None, "replay: {v}");
        assert_eq!(totp::verify(secret, code, at, Some(step + 1), &config).unwrap(), None);
        // One step later the code is still inside the ±1 window, two steps later it is not.
        assert_eq!(totp::verify(secret, code, at + 30, None, &config).unwrap(), Some(step));
        assert_eq!(totp::verify(secret, code, at + 60, None, &config).unwrap(), None);
        let spaced = format!("{} {}", &code[..4], &code[4..]);
        assert_eq!(totp::verify(secret, &spaced, at, None, &config).unwrap(), Some(step));
    }
}

#[test]
fn rfc6238_six_digit_codes_are_the_last_six_digits() {
    // Dynamic truncation takes the value mod 10^digits, so the 6-digit code is the tail of the 8-digit one.
    for v in totp_vectors() {
        let config = TotpConfig { digits: 6, ..config_of(&v) };
        let expected = &s(&v["code"])[2..];
        assert_eq!(totp::code(s(&v["secret_base32"]), u(&v["time"]), &config).unwrap(), expected);
    }
}

#[test]
fn rfc4226_hotp_codes() {
    let h = &load("totp.json")["hotp"];
    let secret = unhex(s(&h["secret_hex"]));
    assert_eq!(secret, s(&h["secret_ascii"]).as_bytes());
    assert_eq!(totp::decode_secret(s(&h["secret_base32"])).unwrap().as_slice(), secret.as_slice());
    let config = TotpConfig { digits: 6, algorithm: Algorithm::Sha1, ..TotpConfig::default() };
    let vectors = h["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 10);
    for (i, v) in vectors.iter().enumerate() {
        assert_eq!(u(&v["counter"]), i as u64);
        assert_eq!(totp::hotp(&secret, u(&v["counter"]), &config).unwrap(), s(&v["code"]));
    }
}

// ------------------------------------------------------------------------------------------------
// Argon2

fn params_of(v: &Value) -> HashParams {
    HashParams {
        memory_kib: u32::try_from(u(&v["memory_kib"])).unwrap(),
        iterations: u32::try_from(u(&v["iterations"])).unwrap(),
        parallelism: u32::try_from(u(&v["parallelism"])).unwrap(),
    }
}

fn raw_of(v: &Value) -> Vec<u8> {
    argon2_raw(
        s(&v["algorithm"]),
        &params_of(v),
        &unhex(s(&v["password_hex"])),
        &unhex(s(&v["salt_hex"])),
        &unhex(s(&v["secret_hex"])),
        &unhex(s(&v["associated_data_hex"])),
        usize::try_from(u(&v["tag_length"])).unwrap(),
    )
    .unwrap()
}

#[test]
fn rfc9106_argon2_vectors_with_secret_and_associated_data() {
    let vectors = load("argon2.json")["rfc9106"].as_array().unwrap().clone();
    let algorithms: Vec<&str> = vectors.iter().map(|v| s(&v["algorithm"])).collect();
    assert_eq!(algorithms, ["argon2d", "argon2i", "argon2id"]);
    for v in &vectors {
        assert_eq!(u(&v["version"]), 19);
        assert_eq!(hex(&raw_of(v)), s(&v["tag_hex"]), "{}", s(&v["section"]));
    }
    // The §5.3 tag, spelled out here as well so a bad edit of the JSON cannot hide a regression.
    assert_eq!(s(&vectors[2]["tag_hex"]), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

#[test]
fn rfc9106_vector_changes_with_any_input() {
    let v = &load("argon2.json")["rfc9106"][2];
    let params = params_of(v);
    let run = |password: &[u8], salt: &[u8], secret: &[u8], ad: &[u8]| {
        hex(&argon2_raw("argon2id", &params, password, salt, secret, ad, 32).unwrap())
    };
    let (p, sa, k, x) = ([1u8; 32], [2u8; 16], [3u8; 8], [4u8; 12]);
    let tag = s(&v["tag_hex"]);
    assert_eq!(run(&p, &sa, &k, &x), tag);
    assert_ne!(run(&p, &sa, &[], &x), tag, "the secret (pepper) must be used");
    assert_ne!(run(&p, &sa, &k, &[]), tag, "the associated data must be used");
    assert_ne!(run(&p, &[2u8; 17], &k, &x), tag);
    assert_ne!(run(&[1u8; 31], &sa, &k, &x), tag);
}

#[test]
fn argon2_raw_vectors_from_the_reference_implementation() {
    let vectors = load("argon2.json")["raw"].as_array().unwrap().clone();
    assert!(!vectors.is_empty());
    for v in &vectors {
        assert_eq!(hex(&raw_of(v)), s(&v["tag_hex"]), "{v}");
    }
}

#[test]
fn phc_strings_from_argon2_cffi_verify() {
    let vectors = load("argon2.json")["phc"].as_array().unwrap().clone();
    let mut seen = std::collections::BTreeSet::new();
    for v in &vectors {
        let phc = s(&v["phc"]);
        let password = s(&v["password"]);
        seen.insert(s(&v["algorithm"]).to_string());
        assert!(phc.starts_with(&format!("${}$v={}$", s(&v["algorithm"]), u(&v["version"]))));
        assert!(hash::verify(password, phc, None).unwrap(), "{v}");
        assert!(!hash::verify(&format!("{password}x"), phc, None).unwrap(), "{v}");
        assert!(!hash::verify("", phc, None).unwrap(), "{v}");
        // A pepper that the hash was not made with never verifies.
        assert!(!hash::verify(password, phc, Some(b"pepper")).unwrap(), "{v}");
        assert_eq!(
            hash::needs_rehash(phc, &HashParams::DEFAULT).unwrap(),
            v["needs_rehash_at_default"].as_bool().unwrap(),
            "{v}"
        );
        // At its own parameters, only argon2id v=19 with a 16-byte salt and a 32-byte hash is up to date.
        let up_to_date = s(&v["algorithm"]) == "argon2id"
            && u(&v["version"]) == 19
            && u(&v["salt_length"]) >= 16
            && u(&v["hash_length"]) >= 32;
        assert_eq!(hash::needs_rehash(phc, &params_of(v)).unwrap(), !up_to_date, "{v}");
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["argon2d", "argon2i", "argon2id"]);
}

#[test]
fn phc_of_an_unnormalized_password_from_another_library_verifies_as_typed() {
    let vectors = load("argon2.json")["phc"].as_array().unwrap().clone();
    let v = vectors.iter().find(|v| v["password_is_nfkc"] == false).expect("a non-NFKC vector");
    assert!(hash::verify(s(&v["password"]), s(&v["phc"]), None).unwrap());
}

const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

#[test]
fn phc_round_trip_shape() {
    let phc = hash::hash("correct horse battery staple", &CHEAP, None).unwrap();
    let parts: Vec<&str> = phc.split('$').collect();
    assert_eq!(parts[..4], ["", "argon2id", "v=19", "m=1024,t=1,p=1"]);
    // 16-byte salt and 32-byte hash in unpadded standard base64 (22 and 43 characters).
    assert_eq!(parts[4].len(), 22);
    assert_eq!(parts[5].len(), 43);
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    assert!(parts[4].chars().all(b64) && parts[5].chars().all(b64), "{phc}");
    assert!(hash::verify("correct horse battery staple", &phc, None).unwrap());
    assert!(!hash::verify("correct horse battery stapl", &phc, None).unwrap());
    assert!(!hash::needs_rehash(&phc, &CHEAP).unwrap());
    assert!(hash::needs_rehash(&phc, &HashParams::DEFAULT).unwrap());
}

#[test]
fn phc_round_trip_at_default_params() {
    // The real parameters are the point here (OWASP m=19456, t=2, p=1): ~0.5 s per hash in debug builds.
    let phc = hash::hash("a long enough passphrase", &HashParams::DEFAULT, None).unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(hash::verify("a long enough passphrase", &phc, None).unwrap());
    assert!(!hash::needs_rehash(&phc, &HashParams::default()).unwrap());
}

// ------------------------------------------------------------------------------------------------
// Error codes

#[test]
fn error_codes_match_the_shared_table() {
    let table = load("errors.json");
    let table = table.as_array().unwrap();
    assert_eq!(table.len(), 18);
    assert_eq!(table.len(), ErrorCode::ALL.len());
    for (entry, code) in table.iter().zip(ErrorCode::ALL) {
        let value = u32::try_from(u(&entry["value"])).unwrap();
        assert_eq!(code.as_str(), s(&entry["name"]));
        assert_eq!(code.as_u32(), value);
        assert_eq!(code as u32, value);
        assert_eq!(ErrorCode::from_u32(value), Some(code));
        assert_eq!(code.to_string(), s(&entry["name"]));
        assert!(!code.description().is_empty());
    }
    assert_eq!(ErrorCode::from_u32(18), None);
    assert_eq!(ErrorCode::from_u32(u32::MAX), None);
}

#[test]
fn errors_map_to_their_codes() {
    use authward::Error;
    let cases = [
        (Error::InvalidArgument("x".into()), "INVALID_ARGUMENT"),
        (Error::InvalidCredentials, "INVALID_CREDENTIALS"),
        (Error::WrongPassword, "WRONG_PASSWORD"),
        (Error::PasswordMismatch, "PASSWORD_MISMATCH"),
        (Error::PolicyViolation(vec![]), "POLICY_VIOLATION"),
        (Error::PasswordReused, "PASSWORD_REUSED"),
        (Error::InvalidCode, "INVALID_CODE"),
        (Error::CodeReused, "CODE_REUSED"),
        (Error::LockedOut { retry_after: 7 }, "LOCKED_OUT"),
        (Error::NotFound("user".into()), "NOT_FOUND"),
        (Error::AlreadyExists("user".into()), "ALREADY_EXISTS"),
        (Error::TwoFactorEnforced, "TWO_FACTOR_ENFORCED"),
        (Error::InvalidState("x".into()), "INVALID_STATE"),
        (Error::ChallengeExpired, "CHALLENGE_EXPIRED"),
        (Error::Storage("x".into()), "STORAGE"),
        (Error::Crypto("x".into()), "CRYPTO"),
        (Error::Internal("x".into()), "INTERNAL"),
    ];
    let table = load("errors.json");
    for (error, name) in cases {
        assert_eq!(error.code().as_str(), name);
        let value = table.as_array().unwrap().iter().find(|e| e["name"] == name).unwrap()["value"].clone();
        assert_eq!(u64::from(error.code().as_u32()), u(&value));
        let message = error.to_string();
        assert!(!message.is_empty() && !message.ends_with('.'), "{message}");
    }
    assert_eq!(Error::LockedOut { retry_after: 7 }.retry_after(), Some(7));
}
