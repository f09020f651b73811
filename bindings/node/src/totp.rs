//! TOTP: secrets, codes, verification, `otpauth://` URIs. All fast and synchronous.

use napi::Env;
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::convert::{TotpConfig, number, time_or_now, whole};
use crate::task::call;

/// Options of `totpCode`.
#[napi(object)]
pub struct TotpCodeOptions {
    /// Unix time in seconds; default now.
    pub at: Option<f64>,
    /// Algorithm, digits, period; default SHA1, 6 digits, 30 s.
    pub config: Option<TotpConfig>,
}

/// Options of `verifyTotp`.
#[napi(object)]
pub struct VerifyTotpOptions {
    /// Unix time in seconds; default now.
    pub at: Option<f64>,
    /// The step of the last accepted code: a code of this step or an earlier one never matches
    /// (replay). Default none.
    pub last_step: Option<f64>,
    /// Algorithm, digits, period, window; default SHA1, 6 digits, 30 s, ±1 step.
    pub config: Option<TotpConfig>,
}

/// Options of `totpUri`.
#[napi(object)]
pub struct TotpUriOptions {
    /// Algorithm, digits, period written into the URI; default SHA1, 6 digits, 30 s.
    pub config: Option<TotpConfig>,
}

/// A parsed `otpauth://totp/` URI.
#[napi(object)]
pub struct TotpUri {
    /// The base32 secret, canonical (upper case, no padding).
    pub secret: String,
    /// The service name (empty when the URI had none).
    pub issuer: String,
    /// The user's account name.
    pub account_name: String,
    /// Algorithm, digits and period from the URI (window: the default 1).
    pub config: TotpConfig,
}

/// A new TOTP secret: 20 bytes (160 bits) from the OS CSPRNG, base32 without padding.
#[napi(strict)]
pub fn generate_totp_secret(env: Env) -> napi::Result<String> {
    call(&env, authward::totp::generate_secret)
}

/// The code for `secret` (base32) at `at` (default now). Codes agree with RFC 6238.
#[napi(strict)]
pub fn totp_code(env: Env, secret: String, options: Option<TotpCodeOptions>) -> napi::Result<String> {
    let secret = Zeroizing::new(secret);
    call(&env, || {
        let at = time_or_now(options.as_ref().and_then(|o| o.at))?;
        let config = TotpConfig::to_core(options.as_ref().and_then(|o| o.config.as_ref()))?;
        authward::totp::code(&secret, at, &config)
    })
}

/// The matched time step if `code` is valid for `secret` at `at` (default now) within the window and
/// newer than `lastStep`; `null` for a wrong, malformed or replayed code. Throws `INVALID_ARGUMENT`
/// for a bad secret or config.
#[napi(strict)]
pub fn verify_totp(
    env: Env,
    secret: String,
    code: String,
    options: Option<VerifyTotpOptions>,
) -> napi::Result<Option<f64>> {
    let secret = Zeroizing::new(secret);
    let code = Zeroizing::new(code);
    call(&env, || {
        let o = options.as_ref();
        let at = time_or_now(o.and_then(|o| o.at))?;
        let last = o.and_then(|o| o.last_step).map(|v| whole("lastStep", v, u64::MAX)).transpose()?;
        let config = TotpConfig::to_core(o.and_then(|o| o.config.as_ref()))?;
        Ok(authward::totp::verify(&secret, &code, at, last, &config)?.map(number))
    })
}

/// `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…` for an
/// authenticator app (label and parameters percent-encoded). Issuer and account name: non-empty, no
/// `:`, at most 256 characters.
#[napi(strict)]
pub fn totp_uri(
    env: Env,
    secret: String,
    issuer: String,
    account_name: String,
    options: Option<TotpUriOptions>,
) -> napi::Result<String> {
    let secret = Zeroizing::new(secret);
    call(&env, || {
        let config = TotpConfig::to_core(options.as_ref().and_then(|o| o.config.as_ref()))?;
        authward::totp::build_uri(&secret, &issuer, &account_name, &config)
    })
}

/// Parses an `otpauth://totp/` URI (import from another system). Throws `INVALID_ARGUMENT` for
/// anything else (HOTP, no or bad secret, repeated parameters, over 4096 bytes).
#[napi(strict)]
pub fn parse_totp_uri(env: Env, uri: String) -> napi::Result<TotpUri> {
    let uri = Zeroizing::new(uri);
    call(&env, || {
        let parsed = authward::totp::parse_uri(&uri)?;
        Ok(TotpUri {
            secret: parsed.secret.to_string(),
            issuer: parsed.issuer.clone(),
            account_name: parsed.account_name.clone(),
            config: TotpConfig::from_core(&parsed.config),
        })
    })
}
