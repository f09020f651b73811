//! TOTP (RFC 6238): secrets, codes, verification with a window and a replay step, `otpauth://` URIs.

use std::ffi::c_char;

use crate::boundary::{Fallback, bytes_arg, call, opt_struct_arg, out_arg, str_arg, write_out};
use crate::memory::{CText, authward_strings, free_handle, into_handle, owned_bytes, owned_string, read};
use crate::result::authward_result;
use authward::clock;
use authward::error::{Error, Result};
use authward::totp::{self, Algorithm, TotpConfig, TotpUri};

/// Pass as `at` to mean "the current time" (the system clock).
pub const AUTHWARD_NOW: u64 = u64::MAX;

/// The HMAC hash of a TOTP configuration (the values of `authward_totp_config.algorithm`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy)]
pub enum authward_totp_algorithm {
    /// HMAC-SHA1, what every authenticator app supports. The default.
    Sha1 = 0,
    /// HMAC-SHA256.
    Sha256 = 1,
    /// HMAC-SHA512.
    Sha512 = 2,
}

/// How codes are made and checked (a plain struct; copy it freely). Start from
/// `authward_totp_config_default()`; functions taking `const authward_totp_config *` use the default
/// when it is NULL.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_totp_config {
    /// An `authward_totp_algorithm` value. Default `AUTHWARD_TOTP_ALGORITHM_SHA1`.
    pub algorithm: u32,
    /// Code length, 6–8. Default 6.
    pub digits: u8,
    /// Steps accepted before and after the current one, 0–10. Default 1.
    pub window: u8,
    /// Seconds per step, 1–3600. Default 30.
    pub period: u64,
}

impl From<&TotpConfig> for authward_totp_config {
    fn from(c: &TotpConfig) -> Self {
        let algorithm = match c.algorithm {
            Algorithm::Sha1 => authward_totp_algorithm::Sha1,
            Algorithm::Sha256 => authward_totp_algorithm::Sha256,
            Algorithm::Sha512 => authward_totp_algorithm::Sha512,
        };
        authward_totp_config {
            algorithm: algorithm as u32,
            digits: c.digits,
            window: c.window,
            period: c.period,
        }
    }
}

impl TryFrom<authward_totp_config> for TotpConfig {
    type Error = Error;
    fn try_from(c: authward_totp_config) -> Result<TotpConfig> {
        let algorithm = match c.algorithm {
            0 => Algorithm::Sha1,
            1 => Algorithm::Sha256,
            2 => Algorithm::Sha512,
            other => return Err(Error::InvalidArgument(format!("unknown TOTP algorithm {other}"))),
        };
        let config = TotpConfig { algorithm, digits: c.digits, period: c.period, window: c.window };
        config.validate()?;
        Ok(config)
    }
}

impl Fallback for authward_totp_config {
    fn fallback() -> Self {
        (&TotpConfig::default()).into()
    }
}

/// Reads an optional config (NULL: the default) and validates it.
///
/// # Safety
/// `p` is NULL or readable.
pub(crate) unsafe fn config_arg(p: *const authward_totp_config) -> Result<TotpConfig> {
    // SAFETY: forwarded caller promise.
    unsafe { opt_struct_arg(p) }.map_or(Ok(TotpConfig::DEFAULT), TotpConfig::try_from)
}

fn at_arg(at: u64) -> u64 {
    clock::at_or_now((at != AUTHWARD_NOW).then_some(at))
}

/// The default TOTP configuration (SHA1, 6 digits, 30 s, window ±1).
#[unsafe(no_mangle)]
pub extern "C" fn authward_totp_config_default() -> authward_totp_config {
    (&TotpConfig::default()).into()
}

/// `AUTHWARD_RESULT_OK` if the configuration is valid, else `AUTHWARD_RESULT_INVALID_ARGUMENT`. NULL
/// means the default.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_totp_config_validate(
    config: *const authward_totp_config,
) -> authward_result {
    // SAFETY: NULL or readable (the function's contract).
    call(|| unsafe { config_arg(config) }.map(drop))
}

/// Settings of `config` (NULL: the default) that some authenticator apps ignore, as English messages.
/// On success `*out_warnings` receives a list (empty for the default) to free with
/// `authward_strings_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_totp_config_compatibility_warnings(
    config: *const authward_totp_config,
    out_warnings: *mut *mut authward_strings,
) -> authward_result {
    call(|| {
        let out = out_arg(out_warnings, "out_warnings")?;
        // SAFETY: NULL or readable (the function's contract).
        let config = unsafe { config_arg(config) }?;
        let messages: Vec<String> = config.compatibility_warnings().into_iter().map(|w| w.message).collect();
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, into_handle(authward_strings::new(&messages)?)) };
        Ok(())
    })
}

/// Writes a fresh TOTP secret (160 bits from the OS CSPRNG, base32 without padding) to `*out_secret`;
/// free it with `authward_string_free()` (which wipes it).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_generate_totp_secret(out_secret: *mut *mut c_char) -> authward_result {
    call(|| {
        let out = out_arg(out_secret, "out_secret")?;
        let secret = zeroize::Zeroizing::new(totp::generate_secret()?);
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&secret)?) };
        Ok(())
    })
}

/// Writes the code for base32 `secret` at unix time `at` (`AUTHWARD_NOW`: now) under `config` (NULL:
/// default) to `*out_code`; free it with `authward_string_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_totp_code(
    secret: *const c_char,
    at: u64,
    config: *const authward_totp_config,
    out_code: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_code, "out_code")?;
        // SAFETY: NULL or valid (the function's contract).
        let (secret, config) = unsafe { (str_arg(secret, "secret")?, config_arg(config)?) };
        let code = zeroize::Zeroizing::new(totp::code(secret, at_arg(at), &config)?);
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&code)?) };
        Ok(())
    })
}

/// Verifies `code` for base32 `secret` at unix time `at` (`AUTHWARD_NOW`: now) within the config's
/// window. A code whose step is ≤ `*last_step` never matches (replay); pass NULL when no code was used
/// yet. On success `*out_valid` says whether it matched and `*out_step` receives the matched step (0
/// when not valid): store it as the new last step. A wrong code is not an error. Thread-safe.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_verify_totp(
    secret: *const c_char,
    code: *const c_char,
    at: u64,
    last_step: *const u64,
    config: *const authward_totp_config,
    out_valid: *mut bool,
    out_step: *mut u64,
) -> authward_result {
    call(|| {
        let (out_valid, out_step) = (out_arg(out_valid, "out_valid")?, out_arg(out_step, "out_step")?);
        // SAFETY: every pointer is NULL or valid (the function's contract).
        let (secret, code, last_step, config) = unsafe {
            (
                str_arg(secret, "secret")?,
                str_arg(code, "code")?,
                opt_struct_arg(last_step),
                config_arg(config)?,
            )
        };
        let step = totp::verify(secret, code, at_arg(at), last_step, &config)?;
        // SAFETY: both checked non-NULL, writable.
        unsafe {
            write_out(out_valid, step.is_some());
            write_out(out_step, step.unwrap_or(0));
        }
        Ok(())
    })
}

/// Writes the RFC 4226 HOTP code of raw secret bytes at `counter` (the config's algorithm and digits
/// apply) to `*out_code`; free it with `authward_string_free()`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_hotp(
    secret: *const u8,
    secret_len: usize,
    counter: u64,
    config: *const authward_totp_config,
    out_code: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_code, "out_code")?;
        // SAFETY: NULL or valid for its length (the function's contract).
        let (secret, config) = unsafe { (bytes_arg(secret, secret_len, "secret")?, config_arg(config)?) };
        let code = zeroize::Zeroizing::new(totp::hotp(secret, counter, &config)?);
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&code)?) };
        Ok(())
    })
}

/// Decodes a base32 secret (case, spaces, dashes and padding tolerated; 80–1024 bits) into raw bytes:
/// `*out_bytes` (free with `authward_bytes_free()`, which wipes it) and `*out_len`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_decode_totp_secret(
    secret: *const c_char,
    out_bytes: *mut *mut u8,
    out_len: *mut usize,
) -> authward_result {
    call(|| {
        let (out_bytes, out_len) = (out_arg(out_bytes, "out_bytes")?, out_arg(out_len, "out_len")?);
        // SAFETY: NULL or valid (the function's contract).
        let secret = unsafe { str_arg(secret, "secret") }?;
        let bytes = totp::decode_secret(secret)?;
        let p = owned_bytes(&bytes)?;
        // SAFETY: both checked non-NULL, writable.
        unsafe {
            write_out(out_bytes, p);
            write_out(out_len, bytes.len());
        }
        Ok(())
    })
}

/// Encodes raw secret bytes as base32 without padding into `*out_secret` (free with
/// `authward_string_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_encode_totp_secret(
    bytes: *const u8,
    len: usize,
    out_secret: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_secret, "out_secret")?;
        // SAFETY: NULL or valid for `len` bytes (the function's contract).
        let bytes = unsafe { bytes_arg(bytes, len, "bytes") }?;
        let text = zeroize::Zeroizing::new(totp::encode_secret(bytes));
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&text)?) };
        Ok(())
    })
}

/// Builds the `otpauth://totp/Issuer:account?secret=…` URI an authenticator app scans, into
/// `*out_uri` (free with `authward_string_free()`; it holds the secret and is wiped when freed).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_totp_uri(
    secret: *const c_char,
    issuer: *const c_char,
    account_name: *const c_char,
    config: *const authward_totp_config,
    out_uri: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_uri, "out_uri")?;
        // SAFETY: every pointer is NULL or valid (the function's contract).
        let (secret, issuer, account, config) = unsafe {
            (
                str_arg(secret, "secret")?,
                str_arg(issuer, "issuer")?,
                str_arg(account_name, "account_name")?,
                config_arg(config)?,
            )
        };
        let uri = zeroize::Zeroizing::new(totp::build_uri(secret, issuer, account, &config)?);
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&uri)?) };
        Ok(())
    })
}

/// A parsed `otpauth://totp/` URI (for importing a secret). Immutable; readable from several threads.
/// Free it with `authward_totp_uri_free()`, which wipes the secret.
#[allow(non_camel_case_types)]
pub struct authward_parsed_totp_uri {
    secret: CText,
    issuer: CText,
    account_name: CText,
    config: authward_totp_config,
}

impl authward_parsed_totp_uri {
    fn new(uri: &TotpUri) -> Result<authward_parsed_totp_uri> {
        Ok(authward_parsed_totp_uri {
            secret: CText::new(&uri.secret)?,
            issuer: CText::new(&uri.issuer)?,
            account_name: CText::new(&uri.account_name)?,
            config: (&uri.config).into(),
        })
    }
}

/// Parses an `otpauth://totp/…` URI into `*out_uri` (free with `authward_totp_uri_free()`). Malformed
/// URIs, HOTP URIs and bad secrets are `AUTHWARD_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_parse_totp_uri(
    uri: *const c_char,
    out_uri: *mut *mut authward_parsed_totp_uri,
) -> authward_result {
    call(|| {
        let out = out_arg(out_uri, "out_uri")?;
        // SAFETY: NULL or valid (the function's contract).
        let uri = unsafe { str_arg(uri, "uri") }?;
        let parsed = authward_parsed_totp_uri::new(&totp::parse_uri(uri)?)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, into_handle(parsed)) };
        Ok(())
    })
}

/// The canonical base32 secret (lent: valid until the URI is freed), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_totp_uri_secret(uri: *const authward_parsed_totp_uri) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(uri, |u| u.secret.as_ptr()) }
}

/// The issuer (`""` when the URI has none; lent), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_totp_uri_issuer(uri: *const authward_parsed_totp_uri) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(uri, |u| u.issuer.as_ptr()) }
}

/// The account name (lent), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_totp_uri_account_name(
    uri: *const authward_parsed_totp_uri,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(uri, |u| u.account_name.as_ptr()) }
}

/// The configuration the URI asks for (the default config for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_totp_uri_config(
    uri: *const authward_parsed_totp_uri,
) -> authward_totp_config {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(uri, |u| u.config) }
}

/// Frees a parsed URI and wipes its secret. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_totp_uri_free(uri: *mut authward_parsed_totp_uri) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(uri) }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;
    use crate::memory::{
        authward_bytes_free, authward_string_free, authward_strings_free, authward_strings_len,
    };

    // Small enough for Miri: base32 buffers, URI handles and their accessors, codes through C.

    fn take(p: *mut c_char) -> String {
        // SAFETY: a string from the library, read then freed once.
        unsafe {
            let s = CStr::from_ptr(p).to_str().unwrap().to_string();
            authward_string_free(p);
            s
        }
    }

    const SECRET: &CStr = c"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn secrets_decode_encode_and_refuse() {
        let (mut bytes, mut len) = (std::ptr::null_mut(), 0);
        // SAFETY: NUL-terminated strings, writable out-parameters; buffers freed once.
        unsafe {
            assert_eq!(
                authward_decode_totp_secret(c"gezd gnbv-gy3t qojq====".as_ptr(), &mut bytes, &mut len),
                authward_result::Ok
            );
            assert_eq!(std::slice::from_raw_parts(bytes, len), b"1234567890");
            let mut out = std::ptr::null_mut();
            assert_eq!(authward_encode_totp_secret(bytes, len, &mut out), authward_result::Ok);
            assert_eq!(take(out), "GEZDGNBVGY3TQOJQ");
            authward_bytes_free(bytes);
            let (mut b2, mut l2) = (std::ptr::null_mut::<u8>(), 77);
            assert_eq!(
                authward_decode_totp_secret(c"not base32!".as_ptr(), &mut b2, &mut l2),
                authward_result::InvalidArgument
            );
            assert_eq!(
                authward_decode_totp_secret(std::ptr::null(), &mut b2, &mut l2),
                authward_result::InvalidArgument
            );
            assert_eq!(
                authward_decode_totp_secret(SECRET.as_ptr(), std::ptr::null_mut(), &mut l2),
                authward_result::InvalidArgument
            );
            assert!(b2.is_null() && l2 == 77, "out-parameters are written only on success");
        }
    }

    #[test]
    fn codes_and_verification_through_c() {
        let config = authward_totp_config_default();
        let mut code = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings, readable config and last step, writable out-parameters.
        unsafe {
            assert_eq!(authward_totp_code(SECRET.as_ptr(), 59, &config, &mut code), authward_result::Ok);
            let code = std::ffi::CString::new(take(code)).unwrap();
            assert_eq!(code.to_str().unwrap(), "287082");
            let (mut valid, mut step) = (false, 0);
            assert_eq!(
                authward_verify_totp(
                    SECRET.as_ptr(),
                    code.as_ptr(),
                    59,
                    std::ptr::null(),
                    &config,
                    &mut valid,
                    &mut step
                ),
                authward_result::Ok
            );
            assert!(valid && step == 1);
            let last = 1_u64;
            assert_eq!(
                authward_verify_totp(
                    SECRET.as_ptr(),
                    code.as_ptr(),
                    59,
                    &last,
                    &config,
                    &mut valid,
                    &mut step
                ),
                authward_result::Ok
            );
            assert!(!valid && step == 0, "a replayed step never matches");
            let bad = authward_totp_config { digits: 9, ..config };
            let (mut v2, mut s2) = (true, 5);
            assert_eq!(
                authward_verify_totp(
                    SECRET.as_ptr(),
                    code.as_ptr(),
                    59,
                    std::ptr::null(),
                    &bad,
                    &mut v2,
                    &mut s2
                ),
                authward_result::InvalidArgument
            );
            assert_eq!(
                authward_verify_totp(
                    SECRET.as_ptr(),
                    c"\xff".as_ptr(),
                    59,
                    std::ptr::null(),
                    &config,
                    &mut v2,
                    &mut s2
                ),
                authward_result::InvalidArgument
            );
            assert!(v2 && s2 == 5);
            let mut hotp = std::ptr::null_mut();
            assert_eq!(
                authward_hotp(b"12345678901234567890".as_ptr(), 20, 0, std::ptr::null(), &mut hotp),
                authward_result::Ok
            );
            assert_eq!(take(hotp), "755224");
            assert_eq!(authward_totp_config_validate(&bad), authward_result::InvalidArgument);
            let odd = authward_totp_config { algorithm: 7, ..config };
            assert_eq!(authward_totp_config_validate(&odd), authward_result::InvalidArgument);
            let mut warnings = std::ptr::null_mut();
            let sha256 = authward_totp_config { algorithm: 1, ..config };
            assert_eq!(
                authward_totp_config_compatibility_warnings(&sha256, &mut warnings),
                authward_result::Ok
            );
            assert_eq!(authward_strings_len(warnings), 1);
            authward_strings_free(warnings);
        }
    }

    #[test]
    fn uri_build_parse_and_accessors() {
        let config = authward_totp_config_default();
        let mut uri = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings, readable config, writable out-parameters; handles freed once.
        unsafe {
            assert_eq!(
                authward_totp_uri(
                    SECRET.as_ptr(),
                    c"ACME Co".as_ptr(),
                    c"jane@example.com".as_ptr(),
                    &config,
                    &mut uri
                ),
                authward_result::Ok
            );
            let uri = std::ffi::CString::new(take(uri)).unwrap();
            let mut parsed = std::ptr::null_mut();
            assert_eq!(authward_parse_totp_uri(uri.as_ptr(), &mut parsed), authward_result::Ok);
            assert_eq!(CStr::from_ptr(authward_totp_uri_secret(parsed)), SECRET);
            assert_eq!(CStr::from_ptr(authward_totp_uri_issuer(parsed)).to_str().unwrap(), "ACME Co");
            assert_eq!(
                CStr::from_ptr(authward_totp_uri_account_name(parsed)).to_str().unwrap(),
                "jane@example.com"
            );
            assert_eq!(authward_totp_uri_config(parsed).period, 30);
            authward_totp_uri_free(parsed);
            assert!(authward_totp_uri_secret(std::ptr::null()).is_null());
            assert_eq!(authward_totp_uri_config(std::ptr::null()).digits, 6);
            authward_totp_uri_free(std::ptr::null_mut());
            let mut untouched = std::ptr::null_mut();
            assert_eq!(
                authward_parse_totp_uri(
                    c"otpauth://hotp/A:b?secret=GEZDGNBVGY3TQOJQ".as_ptr(),
                    &mut untouched
                ),
                authward_result::InvalidArgument
            );
            let mut out = std::ptr::null_mut();
            assert_eq!(
                authward_totp_uri(SECRET.as_ptr(), c"a:b".as_ptr(), c"x".as_ptr(), &config, &mut out),
                authward_result::InvalidArgument
            );
            assert!(untouched.is_null() && out.is_null());
        }
    }
}
