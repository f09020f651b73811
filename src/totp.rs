//! TOTP (RFC 6238) over HOTP (RFC 4226): secrets, codes, verification with a window and replay step,
//! and the `otpauth://` Key URI format (build and parse).
//!
//! HMAC and code derivation come from `totp-rs`; this module adds what a verifier needs on top: the
//! matched time step (so the caller can refuse a step ≤ the last one used), constant-time comparison,
//! tolerant base32 input, bounded inputs, and a URI that authenticator apps and `pyotp` read.
//!
//! Choices: a code is exactly `digits` ASCII digits; ASCII spaces anywhere are ignored ("123 456" as
//! shown by most apps), anything else (letters, full-width digits, signs) never matches. Secrets are
//! generated with 160 bits; secrets of 80–127 bits are accepted only because existing (legacy) secrets
//! must keep working after import.

use std::fmt;
use std::sync::LazyLock;

use data_encoding::{BASE32_NOPAD, Encoding};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The HMAC hash of a TOTP configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, what every authenticator app supports. The default.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// `"SHA1"`, `"SHA256"` or `"SHA512"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Parses `"SHA1"`, `"SHA256"`, `"SHA512"` (case-insensitive; `"SHA-256"` also accepted).
    pub fn parse(name: &str) -> Result<Algorithm> {
        match name.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(Error::invalid(format!("unknown TOTP algorithm {:?}", truncate(name, 32)))),
        }
    }

    fn to_totp_rs(self) -> totp_rs::Algorithm {
        match self {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How codes are made and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TotpConfig {
    /// HMAC hash. Default SHA1.
    pub algorithm: Algorithm,
    /// Code length, 6–8. Default 6.
    pub digits: u8,
    /// Seconds per step, 1–3600. Default 30.
    pub period: u64,
    /// Steps accepted before and after the current one, 0–10. Default 1 (RFC 6238 §5.2).
    pub window: u8,
}

impl TotpConfig {
    /// Default digits.
    pub const DEFAULT_DIGITS: u8 = 6;
    /// Default period.
    pub const DEFAULT_PERIOD: u64 = 30;
    /// Default window.
    pub const DEFAULT_WINDOW: u8 = 1;
    /// Largest period accepted.
    pub const MAX_PERIOD: u64 = 3600;
    /// Largest window accepted.
    pub const MAX_WINDOW: u8 = 10;
    /// The defaults: SHA1, 6 digits, 30 s, ±1 step.
    pub const DEFAULT: TotpConfig = TotpConfig {
        algorithm: Algorithm::Sha1,
        digits: Self::DEFAULT_DIGITS,
        period: Self::DEFAULT_PERIOD,
        window: Self::DEFAULT_WINDOW,
    };

    /// Checks `digits` 6–8, `period` 1–3600, `window` 0–10.
    pub fn validate(&self) -> Result<()> {
        if !(6..=8).contains(&self.digits) {
            return Err(Error::invalid(format!("digits must be 6..=8, got {}", self.digits)));
        }
        if self.period == 0 || self.period > Self::MAX_PERIOD {
            return Err(Error::invalid(format!(
                "period must be 1..={} seconds, got {}",
                Self::MAX_PERIOD,
                self.period
            )));
        }
        if self.window > Self::MAX_WINDOW {
            return Err(Error::invalid(format!(
                "window must be 0..={}, got {}",
                Self::MAX_WINDOW,
                self.window
            )));
        }
        Ok(())
    }

    /// Settings that common authenticator apps ignore or mishandle: codes made with them would not match.
    pub fn compatibility_warnings(&self) -> Vec<CompatibilityWarning> {
        let mut out = Vec::new();
        if self.algorithm != Algorithm::Sha1 {
            out.push(CompatibilityWarning {
                setting: "algorithm",
                message: format!(
                    "Google Authenticator (and some other apps) ignore algorithm={} and use SHA1",
                    self.algorithm
                ),
            });
        }
        if self.digits != 6 {
            out.push(CompatibilityWarning {
                setting: "digits",
                message: format!(
                    "Google Authenticator ignores digits={} and shows 6-digit codes",
                    self.digits
                ),
            });
        }
        if self.period != 30 {
            out.push(CompatibilityWarning {
                setting: "period",
                message: format!("Google Authenticator ignores period={} and uses 30 seconds", self.period),
            });
        }
        out
    }
}

impl Default for TotpConfig {
    fn default() -> Self {
        TotpConfig::DEFAULT
    }
}

/// A setting that common authenticator apps do not honour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompatibilityWarning {
    /// `"algorithm"`, `"digits"` or `"period"`.
    pub setting: &'static str,
    /// What goes wrong, in English.
    pub message: String,
}

/// Bytes of a generated secret (160 bits, RFC 4226 §4's recommendation).
pub const SECRET_LEN: usize = 20;
/// Fewest secret bytes accepted (80 bits: legacy secrets from older systems).
pub const MIN_SECRET_LEN: usize = 10;
/// Most secret bytes accepted.
pub const MAX_SECRET_LEN: usize = 128;
/// Longest base32 secret text accepted (with spaces and padding).
pub const MAX_SECRET_TEXT: usize = 512;

/// Base32 (RFC 4648) without padding, not insisting that unused trailing bits are zero (other
/// generators do not always clear them). Built once.
static BASE32_LENIENT: LazyLock<Encoding> = LazyLock::new(|| {
    let mut spec = BASE32_NOPAD.specification();
    spec.check_trailing_bits = false;
    // The specification is a constant that is known to be valid.
    spec.encoding().unwrap_or_else(|_| BASE32_NOPAD.clone())
});

/// A new secret: 20 bytes from the OS CSPRNG, base32 without padding (32 characters).
pub fn generate_secret() -> Result<String> {
    let bytes = Zeroizing::new(crate::random::bytes::<SECRET_LEN>()?);
    Ok(BASE32_NOPAD.encode(bytes.as_ref()))
}

/// Decodes a base32 secret, tolerating lower case, spaces, dashes and `=` padding. Errors
/// (`INVALID_ARGUMENT`) for other characters, fewer than 80 or more than 1024 bits.
pub fn decode_secret(secret: &str) -> Result<Zeroizing<Vec<u8>>> {
    if secret.len() > MAX_SECRET_TEXT {
        return Err(Error::invalid("secret too long"));
    }
    let mut cleaned: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(secret.len()));
    cleaned
        .extend(secret.bytes().filter(|b| !matches!(b, b' ' | b'-' | b'\t')).map(|b| b.to_ascii_uppercase()));
    while cleaned.last() == Some(&b'=') {
        cleaned.pop();
    }
    let invalid = || Error::invalid("secret is not valid base32");
    let len = BASE32_LENIENT.decode_len(cleaned.len()).map_err(|_| invalid())?;
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    let written = BASE32_LENIENT.decode_mut(&cleaned, &mut bytes).map_err(|_| invalid())?;
    bytes.truncate(written);
    if bytes.len() < MIN_SECRET_LEN {
        return Err(Error::invalid(format!("secret must be at least {} bits", MIN_SECRET_LEN * 8)));
    }
    if bytes.len() > MAX_SECRET_LEN {
        return Err(Error::invalid(format!("secret must be at most {} bits", MAX_SECRET_LEN * 8)));
    }
    Ok(bytes)
}

/// Canonical base32 (upper case, no padding) of raw secret bytes.
pub fn encode_secret(bytes: &[u8]) -> String {
    BASE32_NOPAD.encode(bytes)
}

/// A decoded secret with its configuration, ready to make and check codes many times.
pub struct Totp {
    inner: totp_rs::Totp,
    config: TotpConfig,
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp").field("secret", &"<redacted>").field("config", &self.config).finish()
    }
}

/// What a code check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The code matches this step, which is newer than the last used one.
    Valid(u64),
    /// The code matches a step that is not newer than the last used one (a replay).
    Reused(u64),
    /// The code matches no step in the window (or is malformed).
    Invalid,
}

/// A stack buffer for a code, so checking never allocates.
struct CodeBuf {
    buf: [u8; 16],
    len: usize,
}

impl Drop for CodeBuf {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

impl Totp {
    /// Decodes `secret` (base32) and validates `config`.
    pub fn new(secret: &str, config: &TotpConfig) -> Result<Totp> {
        let bytes = decode_secret(secret)?;
        Totp::from_bytes(&bytes, config)
    }

    /// From raw secret bytes (80–1024 bits).
    pub fn from_bytes(secret: &[u8], config: &TotpConfig) -> Result<Totp> {
        config.validate()?;
        if secret.len() < MIN_SECRET_LEN || secret.len() > MAX_SECRET_LEN {
            return Err(Error::invalid("secret must be 80..=1024 bits"));
        }
        let inner = totp_rs::Builder::new()
            .with_algorithm(config.algorithm.to_totp_rs())
            .with_digits(config.digits)
            .with_skew(0)
            .with_step_duration(config.period)
            .with_secret(secret)
            // `build` insists on 128 bits; the bounds above were checked instead.
            .build_noncompliant();
        Ok(Totp { inner, config: *config })
    }

    /// The configuration.
    pub fn config(&self) -> &TotpConfig {
        &self.config
    }

    /// The code for time step `step` (counter).
    pub fn code_for_step(&self, step: u64) -> String {
        let mut buf = CodeBuf { buf: [0; 16], len: 0 };
        self.write_step(step, &mut buf);
        String::from_utf8_lossy(&buf.buf[..buf.len]).into_owned()
    }

    fn write_step(&self, step: u64, buf: &mut CodeBuf) {
        // HMAC from totp-rs (`sign` divides by the period again, so pass the step's first second), then
        // RFC 4226 §5.3 dynamic truncation and zero-padded decimal digits, without `fmt`.
        let mac = self.inner.sign(step.saturating_mul(self.config.period));
        let mac = mac.as_ref();
        let offset = usize::from(mac[mac.len() - 1] & 0x0f);
        let binary = u32::from_be_bytes([mac[offset], mac[offset + 1], mac[offset + 2], mac[offset + 3]])
            & 0x7fff_ffff;
        let digits = usize::from(self.config.digits);
        let mut value = binary % 10u32.pow(u32::from(self.config.digits));
        for slot in buf.buf[..digits].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
        buf.len = digits;
    }

    /// The code at unix time `at`.
    pub fn code_at(&self, at: u64) -> String {
        self.code_for_step(at / self.config.period)
    }

    /// The step of unix time `at`.
    pub fn step_at(&self, at: u64) -> u64 {
        at / self.config.period
    }

    /// Checks `code` at time `at` against the steps `at/period ± window`, comparing in constant time.
    /// A match on a step ≤ `last_step` is [`Check::Reused`]; the newest matching step wins.
    pub fn check(&self, code: &str, at: u64, last_step: Option<u64>) -> Check {
        let Some(given) = parse_code(code, self.config.digits) else {
            return Check::Invalid;
        };
        let current = at / self.config.period;
        let window = u64::from(self.config.window);
        let first = current.saturating_sub(window);
        let last = current.saturating_add(window).min(u64::MAX / self.config.period);
        let mut found: Option<u64> = None;
        let mut buf = CodeBuf { buf: [0; 16], len: 0 };
        for step in first..=last {
            self.write_step(step, &mut buf);
            let matches: bool = buf.buf[..buf.len].ct_eq(&given.buf[..given.len]).into();
            if matches {
                found = Some(step);
            }
        }
        match (found, last_step) {
            (None, _) => Check::Invalid,
            (Some(step), Some(used)) if step <= used => Check::Reused(step),
            (Some(step), _) => Check::Valid(step),
        }
    }

    /// The matched step if `code` is valid at `at` and newer than `last_step`; `None` otherwise.
    pub fn verify(&self, code: &str, at: u64, last_step: Option<u64>) -> Option<u64> {
        match self.check(code, at, last_step) {
            Check::Valid(step) => Some(step),
            _ => None,
        }
    }
}

/// Longest code text looked at (with spaces).
const MAX_CODE_TEXT: usize = 64;

/// `code` without ASCII spaces, if it is exactly `digits` ASCII digits.
fn parse_code(code: &str, digits: u8) -> Option<CodeBuf> {
    if code.len() > MAX_CODE_TEXT {
        return None;
    }
    let mut out = CodeBuf { buf: [0; 16], len: 0 };
    for b in code.bytes() {
        match b {
            b' ' => continue,
            b'0'..=b'9' if out.len < usize::from(digits) => {
                out.buf[out.len] = b;
                out.len += 1;
            }
            _ => return None,
        }
    }
    (out.len == usize::from(digits)).then_some(out)
}

/// The code for `secret` at unix time `at`.
pub fn code(secret: &str, at: u64, config: &TotpConfig) -> Result<String> {
    Ok(Totp::new(secret, config)?.code_at(at))
}

/// The matched step if `code` is valid for `secret` at `at` and its step is newer than `last_step`.
/// A wrong or malformed code is `Ok(None)`; a bad secret or config is `INVALID_ARGUMENT`.
pub fn verify(
    secret: &str,
    code: &str,
    at: u64,
    last_step: Option<u64>,
    config: &TotpConfig,
) -> Result<Option<u64>> {
    Ok(Totp::new(secret, config)?.verify(code, at, last_step))
}

/// HOTP (RFC 4226): the code for `counter`. Uses `config.algorithm` and `config.digits` only.
pub fn hotp(secret: &[u8], counter: u64, config: &TotpConfig) -> Result<String> {
    let cfg = TotpConfig { period: 1, window: 0, ..*config };
    Ok(Totp::from_bytes(secret, &cfg)?.code_for_step(counter))
}

// ---------------------------------------------------------------------------------------------------
// Key URI format: otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…

/// A parsed (or to-be-built) `otpauth://totp/` URI.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpUri {
    /// Base32 secret, canonical (upper case, no padding).
    pub secret: Zeroizing<String>,
    /// The service name (may be empty when the URI had none).
    pub issuer: String,
    /// The user's account name.
    pub account_name: String,
    /// Algorithm, digits and period from the URI (window is the default: URIs do not carry it).
    pub config: TotpConfig,
}

impl fmt::Debug for TotpUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpUri")
            .field("secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("account_name", &self.account_name)
            .field("config", &self.config)
            .finish()
    }
}

/// Longest issuer or account name (characters).
pub const MAX_LABEL_PART: usize = 256;
/// Longest URI parsed (bytes).
pub const MAX_URI_LEN: usize = 4096;

/// Everything but RFC 3986 unreserved characters is percent-encoded; `@` stays readable in the label,
/// as Google's and pyotp's URIs do.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'@');
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn check_label_part(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(format!("{what} is empty")));
    }
    if value.chars().count() > MAX_LABEL_PART {
        return Err(Error::invalid(format!("{what} longer than {MAX_LABEL_PART} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(format!("{what} must not contain control characters")));
    }
    Ok(())
}

/// Builds `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…`.
///
/// Issuer and account name must be non-empty, without control characters, at most 256 characters; the
/// issuer must not contain `:`. Both are percent-encoded, so an account name with `:` (a user id such as
/// `corp:alice`) is written as `%3A` and comes back intact: readers split the label at its first colon. The account name must not start with whitespace: the Key URI format reads
/// spaces after the `:` as padding, so [`parse_uri`] could not give it back. The secret is validated and
/// written canonically. A URI longer than [`MAX_URI_LEN`] once percent-encoded (possible with long
/// non-ASCII names) is refused, since [`parse_uri`] would refuse it.
pub fn build_uri(secret: &str, issuer: &str, account_name: &str, config: &TotpConfig) -> Result<String> {
    config.validate()?;
    check_label_part("issuer", issuer)?;
    check_label_part("account name", account_name)?;
    if issuer.contains(':') {
        return Err(Error::invalid("issuer must not contain ':'"));
    }
    if account_name.starts_with(char::is_whitespace) {
        return Err(Error::invalid("account name must not start with whitespace"));
    }
    let bytes = decode_secret(secret)?;
    let canonical = Zeroizing::new(encode_secret(&bytes));
    let uri = Zeroizing::new(format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm={}&digits={}&period={}",
        utf8_percent_encode(issuer, LABEL),
        utf8_percent_encode(account_name, LABEL),
        canonical.as_str(),
        utf8_percent_encode(issuer, QUERY),
        config.algorithm,
        config.digits,
        config.period
    ));
    if uri.len() > MAX_URI_LEN {
        return Err(Error::invalid(format!(
            "issuer and account name too long: the URI would exceed {MAX_URI_LEN} bytes once percent-encoded"
        )));
    }
    Ok(uri.to_string())
}

fn decode_component(what: &str, raw: &str) -> Result<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::invalid(format!("{what} is not valid UTF-8 after percent-decoding")))
}

/// Parses an `otpauth://totp/` URI (import from another system or app).
///
/// Accepts a label `Issuer:account` or `account`, the `issuer` parameter (which wins when both are
/// present, as the Key URI spec says; they must agree if both are given), `algorithm`, `digits`,
/// `period`; other parameters (`image`, …) are ignored. Errors (`INVALID_ARGUMENT`): not `otpauth`,
/// `hotp`, no or bad secret, repeated or malformed parameters, over 4096 bytes.
pub fn parse_uri(uri: &str) -> Result<TotpUri> {
    if uri.len() > MAX_URI_LEN {
        return Err(Error::invalid(format!("URI longer than {MAX_URI_LEN} bytes")));
    }
    let rest =
        strip_prefix_ignore_case(uri, "otpauth://").ok_or_else(|| Error::invalid("not an otpauth:// URI"))?;
    let rest = strip_prefix_ignore_case(rest, "totp/").ok_or_else(|| {
        if strip_prefix_ignore_case(rest, "hotp/").is_some() {
            Error::invalid("HOTP URIs are not supported, only TOTP")
        } else {
            Error::invalid("expected otpauth://totp/")
        }
    })?;
    let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let label = decode_component("label", label)?;
    let (label_issuer, account) = match label.split_once(':') {
        Some((issuer, account)) => (Some(issuer.to_string()), account.trim_start().to_string()),
        None => (None, label),
    };

    let mut secret: Option<Zeroizing<String>> = None;
    let mut issuer_param: Option<String> = None;
    let mut config = TotpConfig::default();
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = key.to_ascii_lowercase();
        if seen.contains(&key) {
            return Err(Error::invalid(format!("parameter {:?} repeated", truncate(&key, 32))));
        }
        seen.push(key.clone());
        match key.as_str() {
            "secret" => {
                let value = Zeroizing::new(decode_component("secret", value)?);
                let bytes = decode_secret(&value)?;
                secret = Some(Zeroizing::new(encode_secret(&bytes)));
            }
            "issuer" => issuer_param = Some(decode_component("issuer", value)?),
            "algorithm" => config.algorithm = Algorithm::parse(&decode_component("algorithm", value)?)?,
            "digits" => {
                config.digits = value.parse().map_err(|_| Error::invalid("digits is not a number"))?;
            }
            "period" => {
                config.period = value.parse().map_err(|_| Error::invalid("period is not a number"))?;
            }
            _ => {}
        }
    }
    config.validate()?;
    let secret = secret.ok_or_else(|| Error::invalid("URI has no secret"))?;
    let issuer = match (label_issuer, issuer_param) {
        (Some(l), Some(p)) if l != p => {
            return Err(Error::invalid("issuer in the label and the issuer parameter differ"));
        }
        (_, Some(p)) => p,
        (Some(l), None) => l,
        (None, None) => String::new(),
    };
    if account.is_empty() {
        return Err(Error::invalid("URI has no account name"));
    }
    if account.chars().count() > MAX_LABEL_PART || issuer.chars().count() > MAX_LABEL_PART {
        return Err(Error::invalid("issuer or account name too long"));
    }
    Ok(TotpUri { secret, issuer, account_name: account, config })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SHA1: &[u8] = b"12345678901234567890";

    #[test]
    fn generated_secret_is_160_bits_base32() {
        let s = generate_secret().unwrap();
        assert_eq!(s.len(), 32);
        assert_eq!(decode_secret(&s).unwrap().len(), 20);
        assert_ne!(s, generate_secret().unwrap());
    }

    #[test]
    fn base32_is_tolerant() {
        let canonical = encode_secret(RFC_SHA1);
        let messy = canonical
            .to_lowercase()
            .chars()
            .collect::<Vec<_>>()
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(&*decode_secret(&messy).unwrap(), RFC_SHA1);
        assert_eq!(&*decode_secret(&format!("{canonical}====")).unwrap(), RFC_SHA1);
        assert!(decode_secret("not base32!").is_err());
        assert!(decode_secret("").is_err());
        assert!(decode_secret("AAAAAAAA").is_err()); // 40 bits
    }

    #[test]
    fn code_spaces_ok_but_letters_and_fullwidth_never_match() {
        let t = Totp::from_bytes(RFC_SHA1, &TotpConfig::default()).unwrap();
        let c = t.code_at(59);
        let spaced = format!("{} {}", &c[..3], &c[3..]);
        assert_eq!(t.check(&spaced, 59, None), Check::Valid(1));
        let fullwidth: String =
            c.chars().map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10).unwrap()).collect();
        assert_eq!(t.check(&fullwidth, 59, None), Check::Invalid);
        assert_eq!(t.check("12345a", 59, None), Check::Invalid);
        assert_eq!(t.check(&c[..5], 59, None), Check::Invalid);
        assert_eq!(t.check(&format!("{c}0"), 59, None), Check::Invalid);
        assert_eq!(t.check("", 59, None), Check::Invalid);
    }

    #[test]
    fn replay_step_is_refused() {
        let t = Totp::from_bytes(RFC_SHA1, &TotpConfig::default()).unwrap();
        let c = t.code_at(1_000_000);
        let step = t.step_at(1_000_000);
        assert_eq!(t.check(&c, 1_000_000, Some(step - 1)), Check::Valid(step));
        assert_eq!(t.check(&c, 1_000_000, Some(step)), Check::Reused(step));
        assert_eq!(t.verify(&c, 1_000_000, Some(step)), None);
    }

    #[test]
    fn window_accepts_neighbours_only() {
        let t = Totp::from_bytes(RFC_SHA1, &TotpConfig::default()).unwrap();
        let at = 30 * 1000;
        assert_eq!(t.verify(&t.code_for_step(999), at, None), Some(999));
        assert_eq!(t.verify(&t.code_for_step(1001), at, None), Some(1001));
        assert_eq!(t.verify(&t.code_for_step(998), at, None), None);
        assert_eq!(t.verify(&t.code_for_step(1002), at, None), None);
    }

    #[test]
    fn uri_round_trip_and_encoding() {
        let s = encode_secret(RFC_SHA1);
        let uri = build_uri(&s, "ACME Co", "jane.doe@example.com", &TotpConfig::default()).unwrap();
        assert_eq!(
            uri,
            format!(
                "otpauth://totp/ACME%20Co:jane.doe@example.com?secret={s}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
            )
        );
        let parsed = parse_uri(&uri).unwrap();
        assert_eq!(parsed.issuer, "ACME Co");
        assert_eq!(parsed.account_name, "jane.doe@example.com");
        assert_eq!(parsed.secret.as_str(), s);
        assert!(!format!("{parsed:?}").contains(&s));
    }

    #[test]
    fn account_name_with_colon_round_trips() {
        let s = encode_secret(RFC_SHA1);
        let uri = build_uri(&s, "ACME", "corp:alice", &TotpConfig::default()).unwrap();
        assert!(uri.starts_with("otpauth://totp/ACME:corp%3Aalice?"));
        let parsed = parse_uri(&uri).unwrap();
        assert_eq!((parsed.issuer.as_str(), parsed.account_name.as_str()), ("ACME", "corp:alice"));
    }

    #[test]
    fn uri_rejects_bad_input() {
        let s = encode_secret(RFC_SHA1);
        assert!(build_uri(&s, "a:b", "x", &TotpConfig::default()).is_err());
        assert!(build_uri(&s, "", "x", &TotpConfig::default()).is_err());
        assert!(parse_uri("https://example.com").is_err());
        assert!(parse_uri(&format!("otpauth://hotp/A:b?secret={s}&counter=1")).is_err());
        assert!(parse_uri("otpauth://totp/A:b?issuer=A").is_err());
        assert!(parse_uri(&format!("otpauth://totp/A:b?secret={s}&secret={s}")).is_err());
        assert!(parse_uri(&format!("otpauth://totp/A:b?secret={s}&issuer=B")).is_err());
        assert!(parse_uri(&format!("otpauth://totp/A:b?secret={s}&digits=9")).is_err());
        assert!(parse_uri(&format!("otpauth://totp/A:b?secret={s}&period=0")).is_err());
        assert!(parse_uri(&format!("otpauth://totp/A:%FF?secret={s}")).is_err());
        assert!(parse_uri(&format!("otpauth://totp/A:?secret={s}")).is_err());
    }

    #[test]
    fn warnings_for_settings_apps_ignore() {
        assert!(TotpConfig::default().compatibility_warnings().is_empty());
        let w = TotpConfig { algorithm: Algorithm::Sha256, digits: 8, period: 60, window: 1 }
            .compatibility_warnings();
        let settings: Vec<_> = w.iter().map(|w| w.setting).collect();
        assert_eq!(settings, vec!["algorithm", "digits", "period"]);
    }
}
