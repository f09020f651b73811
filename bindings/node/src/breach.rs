//! Breached passwords: `BreachFilter` (the offline filter; building one is slow: Promise + `…Sync`) and
//! `rangePrefix` / `judgeRange` (the k-anonymity helper for range APIs of the HIBP kind).

use std::sync::Arc;

use authward::password::breach;
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, Buffer, Either};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::convert::{PasswordPolicyOptions, number};
use crate::error::Violation;
use crate::task::{Job, call};

/// The stated false-positive rate of a `BreachFilter`: 1/65536 (16-bit fingerprints).
#[napi]
pub const BREACH_FALSE_POSITIVE_RATE: f64 = breach::BreachFilter::FALSE_POSITIVE_RATE;

/// An offline filter of breached passwords (a binary fuse filter of SHA-1 keys, ~18 bits per entry): no
/// false negatives, about 1 false positive in 65536. Build it from the app's list (one entry per line:
/// a password, or the SHA-1 of one as exactly 40 hex digits, HIBP's `SHA1:COUNT` lines too; empty lines
/// skipped, duplicates harmless), save it with `toBytes()`, load it with `fromBytes` / `load`, and attach
/// it with `Authward.open(…, { breachedPasswords })`. Immutable; share one.
#[napi]
pub struct BreachFilter {
    pub(crate) inner: Arc<breach::BreachFilter>,
}

fn wrap(f: breach::BreachFilter) -> BreachFilter {
    BreachFilter { inner: Arc::new(f) }
}

fn list_work(
    list: Either<String, Buffer>,
) -> impl FnOnce() -> authward::Result<BreachFilter> + Send + 'static {
    let bytes = match list {
        Either::A(s) => s.into_bytes(),
        Either::B(b) => b.to_vec(),
    };
    move || {
        let mut builder = breach::BreachFilter::builder();
        for line in bytes.split(|b| *b == b'\n') {
            builder.add_line(line);
        }
        builder.build().map(wrap)
    }
}

fn list_file_work(path: String) -> impl FnOnce() -> authward::Result<BreachFilter> + Send + 'static {
    move || breach::BreachFilter::from_list_file(&path).map(wrap)
}

#[napi]
impl BreachFilter {
    /// Builds a filter from a list (a string, or a Buffer whose lines need not be UTF-8), on the libuv
    /// thread pool.
    #[napi(strict, ts_return_type = "Promise<BreachFilter>")]
    pub fn from_list(list: Either<String, Buffer>) -> AsyncTask<Job<BreachFilter>> {
        Job::spawn(list_work(list))
    }

    /// `BreachFilter.fromList` on the calling thread.
    #[napi(strict)]
    pub fn from_list_sync(env: Env, list: Either<String, Buffer>) -> napi::Result<BreachFilter> {
        call(&env, list_work(list))
    }

    /// Builds a filter from a list file, on the libuv thread pool. Rejects with `INVALID_ARGUMENT` if it
    /// cannot be read.
    #[napi(strict, ts_return_type = "Promise<BreachFilter>")]
    pub fn from_list_file(path: String) -> AsyncTask<Job<BreachFilter>> {
        Job::spawn(list_file_work(path))
    }

    /// `BreachFilter.fromListFile` on the calling thread.
    #[napi(strict)]
    pub fn from_list_file_sync(env: Env, path: String) -> napi::Result<BreachFilter> {
        call(&env, list_file_work(path))
    }

    /// Reads the output of `toBytes()`; anything else (truncated, corrupted, another format) throws
    /// `INVALID_ARGUMENT`.
    #[napi(strict)]
    pub fn from_bytes(env: Env, bytes: Buffer) -> napi::Result<BreachFilter> {
        call(&env, || breach::BreachFilter::from_bytes(&bytes).map(wrap))
    }

    /// Loads a saved filter from a file (`toBytes()` output, or `authward-breach build`).
    #[napi(strict)]
    pub fn load(env: Env, path: String) -> napi::Result<BreachFilter> {
        call(&env, || breach::BreachFilter::load(&path).map(wrap))
    }

    /// The serialized filter (versioned header, fingerprints, SHA-256 checksum).
    #[napi(strict)]
    pub fn to_bytes(&self) -> Buffer {
        self.inner.to_bytes().into()
    }

    /// Whether the filter lists `password` (tried as given and in NFKC form).
    #[napi(strict)]
    pub fn contains(&self, password: String) -> bool {
        let password = Zeroizing::new(password);
        self.inner.contains(&password)
    }

    /// How many distinct entries the filter holds.
    #[napi(getter)]
    pub fn entries(&self) -> f64 {
        number(self.inner.len())
    }

    /// The size of `toBytes()` in bytes.
    #[napi(getter)]
    pub fn size_bytes(&self) -> f64 {
        number(self.inner.size_bytes() as u64)
    }
}

/// The judgement of a range response.
#[napi(object)]
pub struct RangeVerdict {
    /// How often the response lists the password (0: absent); `null` when there was no response.
    pub count: Option<f64>,
    /// Whether to refuse the password under the policy.
    pub breached: bool,
    /// The `BREACHED` violation to show when `breached`, else `null`.
    pub violation: Option<Violation>,
}

/// Options of `judgeRange`.
#[napi(object)]
pub struct JudgeRangeOptions {
    /// The policy whose `breachMinCount`, `breachFailClosed` and `rejectBreached` apply; default the
    /// default policy.
    pub policy: Option<PasswordPolicyOptions>,
}

/// The 5 upper-case hex digits of the password's SHA-1 to fetch from a range API
/// (`https://api.pwnedpasswords.com/range/${prefix}`); only this prefix leaves the server.
#[napi(strict)]
pub fn range_prefix(password: String) -> String {
    let password = Zeroizing::new(password);
    breach::range_prefix(&password)
}

/// Judges the app's fetched range response for `password`: `response` is the body fetched for
/// `rangePrefix(password)` (lines `SUFFIX:COUNT`, LF or CRLF; counts of 0 are padding), or `null` when
/// the fetch failed. Throws `INVALID_ARGUMENT` for a malformed response.
#[napi(strict)]
pub fn judge_range(
    env: Env,
    password: String,
    response: Option<String>,
    options: Option<JudgeRangeOptions>,
) -> napi::Result<RangeVerdict> {
    let password = Zeroizing::new(password);
    call(&env, || {
        let policy = PasswordPolicyOptions::to_core(options.as_ref().and_then(|o| o.policy.as_ref()))?;
        let v = breach::judge_range(&password, response.as_deref(), &policy)?;
        Ok(RangeVerdict {
            count: v.count.map(number),
            breached: v.breached,
            violation: v.violation().as_ref().map(Violation::from),
        })
    })
}
