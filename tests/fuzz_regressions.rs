//! Regression tests for what the fuzz targets (fuzz/fuzz_targets/, fuzz/README.md) found, and for the
//! bounds they rely on.
#![allow(clippy::unwrap_used)]

use authward::ErrorCode;
use authward::password::hash::{self, HashParams};
use authward::totp::{self, MAX_URI_LEN, TotpConfig};

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// Found by the `uri` target's parse(build(x)) == x invariant: `build_uri` accepted issuer and account
/// names of up to 256 characters each, but non-ASCII characters grow up to 12-fold when
/// percent-encoded (the issuer appears twice), so it made URIs of up to ~9.3 KB that `parse_uri` refuses
/// (`MAX_URI_LEN` = 4096): an enrolment URI the library itself could not import back. `build_uri` now
/// refuses such names with `INVALID_ARGUMENT`; everything it accepts parses back unchanged.
#[test]
fn build_uri_only_makes_uris_that_parse_back() {
    let emoji = "\u{1F600}".repeat(256);
    let err = totp::build_uri(SECRET, &emoji, &emoji, &TotpConfig::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
    assert!(!err.to_string().contains(SECRET));

    // Walk across the limit: 'é' is 6 bytes percent-encoded, 12 for the issuer (label + parameter).
    let account = "\u{e9}".repeat(256);
    let (mut built, mut refused) = (0, 0);
    for n in 1..=256 {
        let issuer = "\u{e9}".repeat(n);
        match totp::build_uri(SECRET, &issuer, &account, &TotpConfig::default()) {
            Ok(uri) => {
                built += 1;
                assert!(uri.len() <= MAX_URI_LEN);
                let parsed = totp::parse_uri(&uri).unwrap();
                assert_eq!(
                    (parsed.issuer.as_str(), parsed.account_name.as_str()),
                    (issuer.as_str(), account.as_str())
                );
                assert_eq!(parsed.secret.as_str(), SECRET);
            }
            Err(e) => {
                refused += 1;
                assert_eq!(e.code(), ErrorCode::InvalidArgument);
            }
        }
    }
    assert!(built > 100 && refused > 0, "built {built}, refused {refused}");
    // ASCII names at the 256-character limit stay well under the URI limit.
    let ascii = "a".repeat(256);
    let uri = totp::build_uri(SECRET, &ascii, &ascii, &TotpConfig::default()).unwrap();
    assert_eq!(totp::parse_uri(&uri).unwrap().issuer, ascii);
}

fn phc(m: &str, t: &str, p: &str) -> String {
    format!(
        "$argon2id$v=19$m={m},t={t},p={p}$c29tZXNhbHRzb21lc2FsdA$2GNQD1oD/eZK8E1mQQm4yA0IlTBLcxwRLy3ubSydsE4"
    )
}

/// The `phc` target only runs Argon2 on small parameters; these pin the parser's bounds on the rest.
/// A PHC string may ask for at most `MAX_MEMORY_KIB` (4 GiB), `MAX_ITERATIONS` (1024) and
/// `MAX_PARALLELISM` (64): anything above is `INVALID_ARGUMENT` before any memory is allocated (checked
/// here with `needs_rehash`, which parses without hashing). What the bounds still allow is in
/// fuzz/README.md ("Argon2 parameters in PHC strings").
#[test]
fn phc_parameters_are_bounded_before_any_work() {
    let params = HashParams::DEFAULT;
    let max = HashParams::MAX_MEMORY_KIB.to_string();
    // The bound itself parses for a deployment hashing at it (its verify limits reach the bound); at the
    // default params it is over the verify limits (issue 12, finding 4).
    let at_max = HashParams { memory_kib: HashParams::MAX_MEMORY_KIB, ..params };
    assert!(hash::needs_rehash(&phc(&max, "1", "1"), &at_max).is_ok());
    assert_eq!(
        hash::needs_rehash(&phc(&max, "1", "1"), &params).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    for (m, t, p) in [
        ((HashParams::MAX_MEMORY_KIB + 1).to_string(), "1".to_string(), "1".to_string()),
        ("4294967295".into(), "1".into(), "1".into()),
        ("99999999999".into(), "1".into(), "1".into()),
        ("1024".into(), (HashParams::MAX_ITERATIONS + 1).to_string(), "1".into()),
        ("1024".into(), "1".into(), (HashParams::MAX_PARALLELISM + 1).to_string()),
        ("1024".into(), "0".into(), "1".into()),
        ("7".into(), "1".into(), "1".into()),
        ("-1".into(), "1".into(), "1".into()),
    ] {
        let s = phc(&m, &t, &p);
        assert_eq!(hash::needs_rehash(&s, &params).unwrap_err().code(), ErrorCode::InvalidArgument, "{s}");
        // verify refuses the same strings without running Argon2 (this would take minutes otherwise).
        assert_eq!(hash::verify("pw", &s, None).unwrap_err().code(), ErrorCode::InvalidArgument, "{s}");
    }
}
