//! `otpauth://` URIs: `parse_uri` on any text and `build_uri` with any issuer and account name, in the
//! core and through `authward_parse_totp_uri` / `authward_totp_uri` and the parsed-URI accessors.
//!
//! Invariants: parse(build(x)) == x (secret canonical, issuer, account name, algorithm, digits, period);
//! anything parse accepts and build accepts back round-trips too; a refused input is
//! `INVALID_ARGUMENT` and nothing else, with out-parameters untouched; core and C agree field by field.
#![no_main]

use std::ffi::c_char;

use arbitrary::Arbitrary;
use authward::totp::{self, Algorithm, MAX_LABEL_PART, TotpConfig, TotpUri, decode_secret, encode_secret};
use authward::{ErrorCode, Result};
use authward_c::result::authward_result;
use authward_c::totp::{
    authward_parse_totp_uri, authward_parsed_totp_uri, authward_totp_config, authward_totp_uri,
    authward_totp_uri_account_name, authward_totp_uri_config, authward_totp_uri_free,
    authward_totp_uri_issuer, authward_totp_uri_secret,
};
use authward_fuzz::{check_failure, cstr, cstr_of, lent, take_string};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Input {
    /// Any text as a URI.
    Parse(Vec<u8>),
    /// A URI built from parts, then parsed back.
    Build { secret: Vec<u8>, issuer: String, account: String, algorithm: u8, digits: u8, period: u16 },
    /// A plausible URI with fuzzed label and parameters.
    Shaped { label: String, params: Vec<(u8, String)>, secret: Vec<u8> },
}

fn c_config(c: &TotpConfig) -> authward_totp_config {
    authward_totp_config::from(c)
}

/// Parses through C and the core; they must agree. Returns the core's result.
fn parse_both(text: &[u8]) -> Option<TotpUri> {
    let c = cstr(text);
    let mut out = 0x5a5a as *mut authward_parsed_totp_uri;
    // SAFETY: NUL-terminated input, writable out-parameter.
    let rc = unsafe { authward_parse_totp_uri(c.as_ptr(), &mut out) };
    let core: Option<Result<TotpUri>> = std::str::from_utf8(c.as_bytes()).ok().map(totp::parse_uri);
    if rc != authward_result::Ok {
        assert_eq!(rc, authward_result::InvalidArgument);
        assert_eq!(out as usize, 0x5a5a, "out-parameter written on failure");
        check_failure(rc, &[]);
        if let Some(core) = core {
            assert_eq!(core.expect_err("C refused it").code(), ErrorCode::InvalidArgument);
        }
        return None;
    }
    let parsed = core.expect("UTF-8").expect("core must accept what C accepts");
    // SAFETY: `out` is a live parsed URI; accessors lend strings until it is freed below.
    unsafe {
        assert_eq!(lent(authward_totp_uri_secret(out)).as_deref(), Some(parsed.secret.as_str()));
        assert_eq!(lent(authward_totp_uri_issuer(out)).as_deref(), Some(parsed.issuer.as_str()));
        assert_eq!(lent(authward_totp_uri_account_name(out)).as_deref(), Some(parsed.account_name.as_str()));
        let cfg = authward_totp_uri_config(out);
        let expect = c_config(&parsed.config);
        assert_eq!(
            (cfg.algorithm, cfg.digits, cfg.window, cfg.period),
            (expect.algorithm, expect.digits, expect.window, expect.period)
        );
        authward_totp_uri_free(out);
    }
    // What parse gives is well formed.
    parsed.config.validate().expect("parsed config is valid");
    assert_eq!(parsed.config.window, TotpConfig::DEFAULT_WINDOW);
    let bytes = decode_secret(&parsed.secret).expect("parsed secret decodes");
    assert_eq!(encode_secret(&bytes), *parsed.secret, "secret is canonical");
    assert!(!parsed.account_name.is_empty());
    assert!(parsed.account_name.chars().count() <= MAX_LABEL_PART);
    assert!(parsed.issuer.chars().count() <= MAX_LABEL_PART);
    Some(parsed)
}

/// Builds through C and the core; they must agree. Returns the URI.
fn build_both(secret: &str, issuer: &str, account: &str, config: &TotpConfig) -> Option<String> {
    let core = totp::build_uri(secret, issuer, account, config);
    let (s, i, a) = (cstr_of(secret), cstr_of(issuer), cstr_of(account));
    let cfg = c_config(config);
    let mut out: *mut c_char = 0x5a5a as *mut c_char;
    // SAFETY: NUL-terminated inputs, readable config, writable out-parameter.
    let rc = unsafe { authward_totp_uri(s.as_ptr(), i.as_ptr(), a.as_ptr(), &cfg, &mut out) };
    let has_nul = [secret, issuer, account].iter().any(|x| x.contains('\0'));
    match core {
        Ok(uri) => {
            if has_nul {
                // C sees the text up to the NUL: a different input; only the code's range is checked.
                if rc == authward_result::Ok {
                    // SAFETY: a string from the library, freed once.
                    unsafe { take_string(out) };
                }
                return Some(uri);
            }
            assert_eq!(rc, authward_result::Ok);
            // SAFETY: a string from the library, freed once.
            assert_eq!(unsafe { take_string(out) }, uri);
            Some(uri)
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{e}");
            if !has_nul {
                assert_eq!(rc, authward_result::InvalidArgument);
                assert_eq!(out as usize, 0x5a5a);
                check_failure(rc, &[secret.as_bytes()]);
            } else if rc == authward_result::Ok {
                // SAFETY: as above.
                unsafe { take_string(out) };
            }
            None
        }
    }
}

/// parse(build(x)) == x.
fn round_trip(secret: &str, issuer: &str, account: &str, config: &TotpConfig) {
    let Some(uri) = build_both(secret, issuer, account, config) else { return };
    let parsed = parse_both(uri.as_bytes())
        .unwrap_or_else(|| panic!("build_uri made a URI that parse_uri refuses ({} bytes)", uri.len()));
    let canonical = encode_secret(&decode_secret(secret).expect("build accepted the secret"));
    assert_eq!(*parsed.secret, canonical);
    assert_eq!(parsed.issuer, issuer);
    assert_eq!(parsed.account_name, account);
    assert_eq!(parsed.config, TotpConfig { window: TotpConfig::DEFAULT_WINDOW, ..*config });
}

fn algorithm(n: u8) -> Algorithm {
    [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(n % 3)]
}

fuzz_target!(|input: Input| {
    match input {
        Input::Parse(text) => {
            if let Some(p) = parse_both(&text) {
                // What an import gives back can be exported again, and then reads the same.
                round_trip(&p.secret, &p.issuer, &p.account_name, &p.config);
            }
        }
        Input::Build { secret, issuer, account, algorithm: alg, digits, period } => {
            let secret = encode_secret(&secret);
            let config = TotpConfig {
                algorithm: algorithm(alg),
                digits: if digits >= 16 { 6 + digits % 3 } else { digits },
                period: u64::from(period),
                window: TotpConfig::DEFAULT_WINDOW,
            };
            round_trip(&secret, &issuer, &account, &config);
        }
        Input::Shaped { label, params, secret } => {
            let names = ["secret", "issuer", "algorithm", "digits", "period", "image", "SECRET", "counter"];
            let mut uri = format!("otpauth://totp/{label}?secret={}", encode_secret(&secret));
            for (k, v) in params.iter().take(8) {
                uri.push_str(&format!("&{}={v}", names[usize::from(k % 8)]));
            }
            if let Some(p) = parse_both(uri.as_bytes()) {
                round_trip(&p.secret, &p.issuer, &p.account_name, &p.config);
            }
        }
    }
});
