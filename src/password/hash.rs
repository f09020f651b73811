//! Argon2id password hashing to PHC strings (RFC 9106), with verification of argon2id/argon2i/argon2d
//! hashes from other libraries, `needs_rehash` and an optional pepper.
//!
//! * Passwords are NFKC-normalized before hashing. [`verify`] first tries the normalized form and, only
//!   if that fails and the raw form differs, the raw form: hashes that other libraries made from
//!   un-normalized input keep verifying, so users can be migrated.
//! * The engine is `argon2-rust`, a port of the reference implementation (phc-winner-argon2) with
//!   runtime-dispatched SIMD (AVX-512/AVX2/SSE2/NEON): twice as fast as the RustCrypto `argon2` crate
//!   here (6–7 ms vs 14 ms at OWASP parameters, same tags), which lets deployments afford stronger
//!   parameters. Correctness is pinned by the RFC 9106 vectors for all three variants and by
//!   cross-verification with argon2-cffi, libsodium and node-rs (tests/vectors, benches/compare/argon2).
//!   PHC strings are parsed with RustCrypto's `phc` crate.
//! * The Argon2 memory matrix (19 MiB at the default parameters) is borrowed from a process-wide,
//!   bounded pool of arenas ([`crate::password::arena`]) instead of being allocated per call: on this
//!   kind of machine fresh pages cost a third of the hash time in page faults. Any thread reuses any
//!   idle arena; at most one per CPU stays idle. The engine wipes the arena after every hash (its
//!   `zeroize-memory` feature), so no password-derived state outlives the call.
//! * A pepper is Argon2's secret input `K` (RFC 9106 §3.1): hashes made with one verify only with it.

use argon2_rust::params::{Memory, TagLen};
use argon2_rust::{Algorithm, Argon2, Params, Version};
use data_encoding::BASE64_NOPAD;
use phc::PasswordHash;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::password::{MAX_PASSWORD_BYTES, normalize};

/// Argon2 cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashParams {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl HashParams {
    /// OWASP's recommended memory: 19 MiB.
    pub const DEFAULT_MEMORY_KIB: u32 = 19_456;
    /// OWASP's recommended passes.
    pub const DEFAULT_ITERATIONS: u32 = 2;
    /// OWASP's recommended lanes.
    pub const DEFAULT_PARALLELISM: u32 = 1;
    /// Largest memory accepted when hashing or verifying: 4 GiB.
    pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    /// Most passes accepted.
    pub const MAX_ITERATIONS: u32 = 1024;
    /// Most lanes accepted.
    pub const MAX_PARALLELISM: u32 = 64;
    /// RFC 9106's first recommended option's shape at 64 MiB (m=65536, t=3, p=4).
    pub const RFC9106_LOW_MEMORY: HashParams =
        HashParams { memory_kib: 65_536, iterations: 3, parallelism: 4 };
    /// The defaults (OWASP: m=19456 KiB, t=2, p=1).
    pub const DEFAULT: HashParams = HashParams {
        memory_kib: Self::DEFAULT_MEMORY_KIB,
        iterations: Self::DEFAULT_ITERATIONS,
        parallelism: Self::DEFAULT_PARALLELISM,
    };

    /// Checks the values are within the bounds above and Argon2's own (`m ≥ 8·p`).
    pub fn validate(&self) -> Result<()> {
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return Err(Error::invalid(format!(
                "parallelism must be 1..={}, got {}",
                Self::MAX_PARALLELISM,
                self.parallelism
            )));
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return Err(Error::invalid(format!(
                "iterations must be 1..={}, got {}",
                Self::MAX_ITERATIONS,
                self.iterations
            )));
        }
        let min_memory = 8 * self.parallelism;
        if self.memory_kib < min_memory || self.memory_kib > Self::MAX_MEMORY_KIB {
            return Err(Error::invalid(format!(
                "memory_kib must be {min_memory}..={} for parallelism {}, got {}",
                Self::MAX_MEMORY_KIB,
                self.parallelism,
                self.memory_kib
            )));
        }
        Ok(())
    }

    fn argon2_params(&self, output_len: usize) -> Result<Params> {
        self.validate()?;
        // Worker threads for the lanes: never more than the machine has (the tag does not depend on it).
        // Asked once per process: the standard library reads the cgroup files on every call, a few
        // system calls per hash that showed in the PostgreSQL bench's profile of sign-ins.
        static CORES: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        let cores = *CORES.get_or_init(|| {
            std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(1))
        });
        Params::builder()
            .memory(Memory::kib(u64::from(self.memory_kib)))
            .passes(self.iterations)
            .lanes(self.parallelism)
            .threads(self.parallelism.min(cores).max(1))
            .tag_len(TagLen::bytes(output_len as u64))
            .build()
            .map_err(|e| Error::invalid(format!("argon2 parameters: {e}")))
    }
}

impl Default for HashParams {
    fn default() -> Self {
        HashParams::DEFAULT
    }
}

/// The most a PHC string may ask [`verify_with_limits`] (and [`needs_rehash`]) to spend.
///
/// A stored hash names its own cost, so a planted or imported one (`m=4194304,t=1024`) could make one
/// verification allocate 4 GiB and run for hours. A PHC string over any limit is refused with
/// `INVALID_ARGUMENT` before any Argon2 memory is allocated.
///
/// The default, [`VerifyLimits::DEFAULT`], is [`VerifyLimits::for_params`] of the default
/// [`HashParams`]: m ≤ 77824 KiB (76 MiB), t ≤ 8, p ≤ 16, so the worst verification costs 16× a
/// default hash (about 0.1 s here). The service derives its limits from its own hash parameters the
/// same way ([`crate::Authward::with_verify_limits`] overrides them, e.g. while migrating from
/// stronger parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyLimits {
    /// Most memory in KiB (`m`).
    pub max_memory_kib: u32,
    /// Most passes (`t`).
    pub max_iterations: u32,
    /// Most lanes (`p`).
    pub max_parallelism: u32,
}

impl VerifyLimits {
    /// How many times the larger of the default and the configured `m` and `t` a hash may ask for.
    pub const FACTOR: u32 = 4;
    /// Lanes accepted whatever the configured parameters (other libraries use up to 8 or 16).
    pub const MIN_PARALLELISM: u32 = 16;
    /// The limits for the default parameters: m ≤ 77824 KiB, t ≤ 8, p ≤ 16.
    pub const DEFAULT: VerifyLimits = VerifyLimits::for_params(&HashParams::DEFAULT);

    /// Limits for a deployment hashing at `params`: m and t at most [`Self::FACTOR`] × the larger of
    /// the default and `params`' value, p at most the larger of [`Self::MIN_PARALLELISM`] and `params`'
    /// value, all within [`HashParams`]' absolute bounds.
    pub const fn for_params(params: &HashParams) -> VerifyLimits {
        const fn scaled(default: u32, configured: u32, cap: u32) -> u32 {
            let base = if configured > default { configured } else { default };
            let limit = base.saturating_mul(VerifyLimits::FACTOR);
            if limit < cap { limit } else { cap }
        }
        let p = if params.parallelism > Self::MIN_PARALLELISM {
            params.parallelism
        } else {
            Self::MIN_PARALLELISM
        };
        VerifyLimits {
            max_memory_kib: scaled(
                HashParams::DEFAULT_MEMORY_KIB,
                params.memory_kib,
                HashParams::MAX_MEMORY_KIB,
            ),
            max_iterations: scaled(
                HashParams::DEFAULT_ITERATIONS,
                params.iterations,
                HashParams::MAX_ITERATIONS,
            ),
            max_parallelism: if p < HashParams::MAX_PARALLELISM { p } else { HashParams::MAX_PARALLELISM },
        }
    }

    /// Refuses (`INVALID_ARGUMENT`) parameters over a limit.
    pub fn check(&self, params: &HashParams) -> Result<()> {
        let over = [
            ("m", params.memory_kib, self.max_memory_kib),
            ("t", params.iterations, self.max_iterations),
            ("p", params.parallelism, self.max_parallelism),
        ];
        for (name, value, limit) in over {
            if value > limit {
                return Err(Error::invalid(format!(
                    "PHC parameter {name}={value} is over the verify limit {limit}"
                )));
            }
        }
        Ok(())
    }
}

impl Default for VerifyLimits {
    fn default() -> Self {
        VerifyLimits::DEFAULT
    }
}

/// Salt length of new hashes (bytes). RFC 9106 recommends 16.
pub const SALT_LEN: usize = 16;
/// Output length of new hashes (bytes).
pub const OUTPUT_LEN: usize = 32;
/// Longest pepper accepted (bytes).
pub const MAX_PEPPER_LEN: usize = 64;

/// Inputs of one Argon2 computation.
struct Job<'a> {
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &'a [u8],
    salt: &'a [u8],
    secret: &'a [u8],
    associated_data: &'a [u8],
}

/// Runs Argon2 with an arena from the process-wide pool (wiped by the engine after each hash).
fn argon2_into(job: &Job<'_>, out: &mut [u8]) -> Result<()> {
    #[cfg(test)]
    tests::CHECKOUTS.with(|c| c.set(c.get() + 1));
    let ctx = Argon2::new(job.algorithm, job.version, job.params);
    crate::password::arena::global().with_hasher(ctx, |hasher| {
        hasher
            .hash_into_with_ad(job.password, job.salt, job.secret, job.associated_data, out)
            .map_err(|e| Error::invalid(format!("argon2: {e}")))
    })
}

fn check_password_len(password: &str) -> Result<()> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::invalid(format!("password longer than {MAX_PASSWORD_BYTES} bytes")));
    }
    Ok(())
}

fn check_pepper(pepper: Option<&[u8]>) -> Result<&[u8]> {
    let pepper = pepper.unwrap_or(&[]);
    if pepper.len() > MAX_PEPPER_LEN {
        return Err(Error::invalid(format!("pepper longer than {MAX_PEPPER_LEN} bytes")));
    }
    Ok(pepper)
}

/// Hashes `password` with Argon2id at `params` and a fresh 16-byte salt from the OS CSPRNG.
///
/// Returns a PHC string `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>` that other Argon2 libraries verify
/// (unless a pepper is used). Errors: `INVALID_ARGUMENT` for an empty password, one over
/// [`MAX_PASSWORD_BYTES`], bad params or a pepper over [`MAX_PEPPER_LEN`].
pub fn hash(password: &str, params: &HashParams, pepper: Option<&[u8]>) -> Result<String> {
    check_password_len(password)?;
    if password.is_empty() {
        return Err(Error::invalid("password is empty"));
    }
    let pepper = check_pepper(pepper)?;
    let mut salt = [0u8; SALT_LEN];
    crate::random::fill(&mut salt)?;
    let normalized = normalize(password);
    let job = Job {
        algorithm: Algorithm::Argon2id,
        version: Version::V0x13,
        params: params.argon2_params(OUTPUT_LEN)?,
        password: normalized.as_bytes(),
        salt: &salt,
        secret: pepper,
        associated_data: &[],
    };
    let mut out = Zeroizing::new([0u8; OUTPUT_LEN]);
    argon2_into(&job, out.as_mut())?;
    Ok(phc_string(Algorithm::Argon2id, Version::V0x13, params, &salt, out.as_ref()))
}

/// The PHC string of one Argon2 output: `$<variant>$v=<16|19>$m=…,t=…,p=…$<salt>$<hash>` (B64 without
/// padding, as RustCrypto, argon2-cffi and the reference implementation write it).
fn phc_string(
    algorithm: Algorithm,
    version: Version,
    params: &HashParams,
    salt: &[u8],
    out: &[u8],
) -> String {
    let name = match algorithm {
        Algorithm::Argon2d => "argon2d",
        Algorithm::Argon2i => "argon2i",
        Algorithm::Argon2id => "argon2id",
    };
    let v = match version {
        Version::V0x10 => 0x10,
        Version::V0x13 => 0x13,
    };
    format!(
        "${name}$v={v}$m={},t={},p={}${}${}",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        BASE64_NOPAD.encode(salt),
        BASE64_NOPAD.encode(out)
    )
}

/// A parsed PHC string: what [`verify`] and [`needs_rehash`] look at.
struct Phc {
    algorithm: Algorithm,
    version: Version,
    params: HashParams,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

/// Longest PHC string accepted (bytes); real ones are under 200.
pub const MAX_PHC_LEN: usize = 1024;

/// Parses a PHC string and checks its parameters against Argon2's bounds and `limits`: nothing is
/// allocated for a hash that asks for more.
fn parse_phc(phc: &str, limits: &VerifyLimits) -> Result<Phc> {
    if phc.len() > MAX_PHC_LEN {
        return Err(Error::invalid("PHC string too long"));
    }
    let parsed = PasswordHash::new(phc).map_err(|e| Error::invalid(format!("malformed PHC string: {e}")))?;
    let algorithm = match parsed.algorithm.as_str() {
        "argon2id" => Algorithm::Argon2id,
        "argon2i" => Algorithm::Argon2i,
        "argon2d" => Algorithm::Argon2d,
        other => return Err(Error::invalid(format!("unsupported PHC algorithm {other:?}"))),
    };
    let version = match parsed.version {
        Some(0x13) => Version::V0x13,
        Some(0x10) | None => Version::V0x10,
        Some(v) => return Err(Error::invalid(format!("unsupported argon2 version {v}"))),
    };
    let mut m = None;
    let mut t = None;
    let mut p = None;
    for (name, value) in parsed.params.iter() {
        // Canonical PHC decimals only: ASCII digits, no sign, no leading zero (`m=019456` is refused).
        let value = value.decimal().map_err(|_| {
            Error::invalid(format!("PHC parameter {} is not a canonical decimal", name.as_str()))
        })?;
        let slot = match name.as_str() {
            "m" => &mut m,
            "t" => &mut t,
            "p" => &mut p,
            // keyid/data are not supported in PHC strings here.
            other => return Err(Error::invalid(format!("unsupported PHC parameter {other:?}"))),
        };
        if slot.replace(value).is_some() {
            return Err(Error::invalid(format!("PHC parameter {} repeated", name.as_str())));
        }
    }
    let (Some(memory_kib), Some(iterations), Some(parallelism)) = (m, t, p) else {
        return Err(Error::invalid("PHC string lacks m, t or p"));
    };
    let params = HashParams { memory_kib, iterations, parallelism };
    params.validate()?;
    limits.check(&params)?;
    let salt = parsed.salt.ok_or_else(|| Error::invalid("PHC string has no salt"))?;
    let salt = salt.as_ref().to_vec();
    let hash = parsed.hash.ok_or_else(|| Error::invalid("PHC string has no hash"))?;
    let hash = hash.as_bytes().to_vec();
    if salt.len() < 8 || salt.len() > 64 {
        return Err(Error::invalid("PHC salt must be 8..=64 bytes"));
    }
    if hash.len() < 4 || hash.len() > 128 {
        return Err(Error::invalid("PHC hash must be 4..=128 bytes"));
    }
    Ok(Phc { algorithm, version, params, salt, hash })
}

/// Checks `password` against a PHC string made by authward or any Argon2 library (argon2id, argon2i or
/// argon2d, version 0x10 or 0x13).
///
/// A wrong password is `Ok(false)`, not an error. Errors: `INVALID_ARGUMENT` for a malformed PHC string
/// (truncated, unknown algorithm or version, non-canonical decimals, absurd parameters, bad base64), a
/// PHC string over [`VerifyLimits::DEFAULT`], a password over [`MAX_PASSWORD_BYTES`] or a bad pepper.
pub fn verify(password: &str, phc: &str, pepper: Option<&[u8]>) -> Result<bool> {
    verify_with_limits(password, phc, pepper, &VerifyLimits::DEFAULT)
}

/// [`verify`] with other cost limits than the default (for hashes made at stronger parameters).
pub fn verify_with_limits(
    password: &str,
    phc: &str,
    pepper: Option<&[u8]>,
    limits: &VerifyLimits,
) -> Result<bool> {
    verify_with_output(password, phc, pepper, limits).map(|(ok, _)| ok)
}

/// [`verify_with_limits`], also returning the Argon2 output computed for the (NFKC-normalized) password
/// under the stored salt and parameters. The service keys it to recognise a wrong password typed again
/// without keeping anything cheaper to attack than the stored hash itself.
pub fn verify_with_output(
    password: &str,
    phc: &str,
    pepper: Option<&[u8]>,
    limits: &VerifyLimits,
) -> Result<(bool, Zeroizing<Vec<u8>>)> {
    check_password_len(password)?;
    let pepper = check_pepper(pepper)?;
    let parsed = parse_phc(phc, limits)?;
    let normalized = normalize(password);
    let mut job = Job {
        algorithm: parsed.algorithm,
        version: parsed.version,
        params: parsed.params.argon2_params(parsed.hash.len())?,
        password: normalized.as_bytes(),
        salt: &parsed.salt,
        secret: pepper,
        associated_data: &[],
    };
    let mut out = Zeroizing::new(vec![0u8; parsed.hash.len()]);
    argon2_into(&job, &mut out)?;
    if bool::from(out.ct_eq(&parsed.hash)) {
        return Ok((true, out));
    }
    if normalized.as_str() != password {
        job.password = password.as_bytes();
        let mut raw = Zeroizing::new(vec![0u8; parsed.hash.len()]);
        argon2_into(&job, &mut raw)?;
        if bool::from(raw.ct_eq(&parsed.hash)) {
            return Ok((true, raw));
        }
    }
    Ok((false, out))
}

/// Whether a PHC string should be replaced by a fresh [`hash`] at `params`: true for another algorithm
/// than argon2id, version 0x10, other parameters, a salt under 16 bytes or an output under 32 bytes.
/// Errors: `INVALID_ARGUMENT` for a malformed PHC string, one over [`VerifyLimits::for_params`]`(params)`
/// (which [`verify`] would refuse too) or bad params.
pub fn needs_rehash(phc: &str, params: &HashParams) -> Result<bool> {
    params.validate()?;
    let parsed = parse_phc(phc, &VerifyLimits::for_params(params))?;
    Ok(parsed.algorithm != Algorithm::Argon2id
        || parsed.version != Version::V0x13
        || parsed.params != *params
        || parsed.salt.len() < SALT_LEN
        || parsed.hash.len() < OUTPUT_LEN)
}

/// Raw Argon2 (RFC 9106 §3) with every input, for known-answer tests and advanced callers.
///
/// `algorithm` is `"argon2id"`, `"argon2i"` or `"argon2d"`; `secret` is `K`, `associated_data` is `X`.
pub fn argon2_raw(
    algorithm: &str,
    params: &HashParams,
    password: &[u8],
    salt: &[u8],
    secret: &[u8],
    associated_data: &[u8],
    output_len: usize,
) -> Result<Vec<u8>> {
    let algorithm = parse_algorithm(algorithm)?;
    if associated_data.len() > MAX_RAW_INPUT || secret.len() > MAX_RAW_INPUT {
        return Err(Error::invalid(format!(
            "secret and associated data must be at most {MAX_RAW_INPUT} bytes"
        )));
    }
    if !(4..=MAX_RAW_INPUT).contains(&output_len) {
        return Err(Error::invalid(format!("output length must be 4..={MAX_RAW_INPUT}")));
    }
    let job = Job {
        algorithm,
        version: Version::V0x13,
        params: params.argon2_params(output_len)?,
        password,
        salt,
        secret,
        associated_data,
    };
    let mut out = vec![0u8; output_len];
    argon2_into(&job, &mut out)?;
    Ok(out)
}

/// Argon2 of any variant and version (`0x10` or `0x13`) with a caller-chosen salt, as the PHC string
/// [`verify`] reads: for differential and known-answer tests against other Argon2 libraries.
/// Applications use [`hash`], which draws a fresh salt. `secret` is `K` (a pepper); salts of 8..=64
/// bytes and outputs of 4..=128 bytes, as [`verify`] accepts them.
pub fn argon2_phc(
    algorithm: &str,
    version: u32,
    params: &HashParams,
    password: &[u8],
    salt: &[u8],
    secret: &[u8],
    output_len: usize,
) -> Result<String> {
    let algorithm = parse_algorithm(algorithm)?;
    let version = match version {
        0x13 => Version::V0x13,
        0x10 => Version::V0x10,
        other => return Err(Error::invalid(format!("unsupported argon2 version {other}"))),
    };
    if !(8..=64).contains(&salt.len()) {
        return Err(Error::invalid("salt must be 8..=64 bytes"));
    }
    if !(4..=128).contains(&output_len) {
        return Err(Error::invalid("output length must be 4..=128"));
    }
    check_pepper(Some(secret))?;
    let job = Job {
        algorithm,
        version,
        params: params.argon2_params(output_len)?,
        password,
        salt,
        secret,
        associated_data: &[],
    };
    let mut out = Zeroizing::new(vec![0u8; output_len]);
    argon2_into(&job, &mut out)?;
    Ok(phc_string(algorithm, version, params, salt, &out))
}

fn parse_algorithm(algorithm: &str) -> Result<Algorithm> {
    match algorithm {
        "argon2id" => Ok(Algorithm::Argon2id),
        "argon2i" => Ok(Algorithm::Argon2i),
        "argon2d" => Ok(Algorithm::Argon2d),
        other => Err(Error::invalid(format!("unknown argon2 variant {other:?}"))),
    }
}

/// Longest secret, associated data and output accepted by [`argon2_raw`] (bytes).
pub const MAX_RAW_INPUT: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    #[test]
    fn hash_then_verify_and_reject_wrong() {
        let phc = hash("correct horse battery staple", &CHEAP, None).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(verify("correct horse battery staple", &phc, None).unwrap());
        assert!(!verify("correct horse battery stapler", &phc, None).unwrap());
    }

    #[test]
    fn salts_differ() {
        assert_ne!(hash("pw-one-two", &CHEAP, None).unwrap(), hash("pw-one-two", &CHEAP, None).unwrap());
    }

    #[test]
    fn pepper_is_required_to_verify() {
        let phc = hash("hunter2hunter2", &CHEAP, Some(b"server-pepper")).unwrap();
        assert!(verify("hunter2hunter2", &phc, Some(b"server-pepper")).unwrap());
        assert!(!verify("hunter2hunter2", &phc, None).unwrap());
        assert!(!verify("hunter2hunter2", &phc, Some(b"other-pepper")).unwrap());
    }

    #[test]
    fn nfkc_forms_match() {
        // "é" precomposed vs e + combining acute; full-width "Ａ" vs "A".
        let phc = hash("caf\u{e9} \u{FF21}", &CHEAP, None).unwrap();
        assert!(verify("cafe\u{301} A", &phc, None).unwrap());
    }

    #[test]
    fn bounds() {
        let long = "a".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(hash(&long, &CHEAP, None).unwrap_err().code(), crate::ErrorCode::InvalidArgument);
        assert!(hash(&"a".repeat(MAX_PASSWORD_BYTES), &CHEAP, None).is_ok());
        assert_eq!(hash("", &CHEAP, None).unwrap_err().code(), crate::ErrorCode::InvalidArgument);
        let bad = HashParams { memory_kib: 7, iterations: 1, parallelism: 1 };
        assert!(hash("x-long-enough", &bad, None).is_err());
    }

    #[test]
    fn needs_rehash_detects_changes() {
        let phc = hash("some password", &CHEAP, None).unwrap();
        assert!(!needs_rehash(&phc, &CHEAP).unwrap());
        assert!(needs_rehash(&phc, &HashParams { iterations: 2, ..CHEAP }).unwrap());
        let argon2i =
            "$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$2GNQD1oD/eZK8E1mQQm4yA0IlTBLcxwRLy3ubSydsE4";
        assert!(needs_rehash(argon2i, &CHEAP).unwrap());
    }

    thread_local! {
        /// Arenas this thread borrowed from the pool (every Argon2 computation borrows one).
        pub(super) static CHECKOUTS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// The fixture of tests/vectors/bad_inputs.json: "correct horse battery staple" at m=1024,t=1,p=1.
    const FIXTURE_TAIL: &str = "$pARn2c9qzrPkdbXFsZWW3w$b2QhegeUnyyv+TnGuXmEzH3ZZFkwkEpfWw25GUsCBQM";
    const FIXTURE_PASSWORD: &str = "correct horse battery staple";

    fn phc_with(head: &str) -> String {
        format!("{head}{FIXTURE_TAIL}")
    }

    #[track_caller]
    fn assert_invalid<T: std::fmt::Debug>(r: Result<T>, what: &str) {
        match r {
            Err(e) => assert_eq!(e.code(), crate::ErrorCode::InvalidArgument, "{what}: {e}"),
            Ok(v) => panic!("{what}: expected INVALID_ARGUMENT, got Ok({v:?})"),
        }
    }

    #[test]
    fn fixture_verifies() {
        let phc = phc_with("$argon2id$v=19$m=1024,t=1,p=1");
        assert!(verify(FIXTURE_PASSWORD, &phc, None).unwrap());
        assert!(!needs_rehash(&phc, &CHEAP).unwrap());
    }

    #[test]
    fn only_canonical_decimals() {
        for head in [
            "$argon2id$v=19$m=01024,t=1,p=1",
            "$argon2id$v=19$m=+1024,t=1,p=1",
            "$argon2id$v=19$m=1024,t=01,p=1",
            "$argon2id$v=19$m=1024,t=1,p=+1",
            "$argon2id$v=19$m=1024,t=1,p=-1",
            "$argon2id$v=19$m= 1024,t=1,p=1",
            "$argon2id$v=019$m=1024,t=1,p=1",
            "$argon2id$v=+19$m=1024,t=1,p=1",
        ] {
            let phc = phc_with(head);
            assert_invalid(verify(FIXTURE_PASSWORD, &phc, None), &phc);
            assert_invalid(needs_rehash(&phc, &CHEAP), &phc);
        }
    }

    #[test]
    fn default_limits_are_a_small_multiple_of_the_defaults() {
        let d = VerifyLimits::DEFAULT;
        assert_eq!((d.max_memory_kib, d.max_iterations, d.max_parallelism), (77_824, 8, 16));
        assert_eq!(VerifyLimits::default(), d);
        // Cheaper configured params never lower the limits below the defaults' multiple.
        assert_eq!(VerifyLimits::for_params(&CHEAP), d);
        let strong = VerifyLimits::for_params(&HashParams::RFC9106_LOW_MEMORY);
        assert_eq!((strong.max_memory_kib, strong.max_iterations, strong.max_parallelism), (262_144, 12, 16));
        let max = HashParams {
            memory_kib: HashParams::MAX_MEMORY_KIB,
            iterations: HashParams::MAX_ITERATIONS,
            parallelism: HashParams::MAX_PARALLELISM,
        };
        let capped = VerifyLimits::for_params(&max);
        assert_eq!(
            (capped.max_memory_kib, capped.max_iterations, capped.max_parallelism),
            (HashParams::MAX_MEMORY_KIB, HashParams::MAX_ITERATIONS, HashParams::MAX_PARALLELISM)
        );
    }

    #[test]
    fn costly_hashes_are_refused_before_any_memory_is_allocated() {
        let started = std::time::Instant::now();
        // A fresh thread: none of the refusals may borrow an arena (the pool allocates on first use).
        let arena = std::thread::spawn(|| {
            for head in [
                "$argon2id$v=19$m=4194304,t=1024,p=1",
                "$argon2id$v=19$m=4194304,t=1,p=1",
                "$argon2id$v=19$m=1024,t=1024,p=1",
                "$argon2id$v=19$m=77825,t=1,p=1",
                "$argon2id$v=19$m=1024,t=9,p=1",
                "$argon2id$v=19$m=1024,t=1,p=17",
                "$argon2i$v=19$m=1048576,t=3,p=4",
                "$argon2d$v=16$m=1048576,t=3,p=4",
            ] {
                let phc = phc_with(head);
                assert_invalid(verify(FIXTURE_PASSWORD, &phc, None), &phc);
                assert_invalid(
                    verify_with_output(FIXTURE_PASSWORD, &phc, None, &VerifyLimits::DEFAULT),
                    &phc,
                );
                assert_invalid(needs_rehash(&phc, &CHEAP), &phc);
                assert_invalid(needs_rehash(&phc, &HashParams::DEFAULT), &phc);
            }
            CHECKOUTS.with(std::cell::Cell::get)
        })
        .join()
        .unwrap();
        assert_eq!(arena, 0, "a refused hash borrowed Argon2 memory");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
    }

    #[test]
    fn limits_are_inclusive_and_configurable() {
        // At the default limit on t: verified (wrong password, so false), not refused.
        let at_t = phc_with("$argon2id$v=19$m=1024,t=8,p=1");
        assert!(!verify(FIXTURE_PASSWORD, &at_t, None).unwrap());
        let at_p = phc_with("$argon2id$v=19$m=1024,t=1,p=16");
        assert!(!verify(FIXTURE_PASSWORD, &at_p, None).unwrap());
        // Over it by default, accepted with raised limits.
        let over =
            hash("a stronger one", &HashParams { memory_kib: 1024, iterations: 9, parallelism: 17 }, None)
                .unwrap();
        assert_invalid(verify("a stronger one", &over, None), "t=9,p=17 by default");
        let raised = VerifyLimits { max_memory_kib: 1024, max_iterations: 9, max_parallelism: 17 };
        assert!(verify_with_limits("a stronger one", &over, None, &raised).unwrap());
        let tight = VerifyLimits { max_memory_kib: 1023, ..raised };
        assert_invalid(verify_with_limits("a stronger one", &over, None, &tight), "m over a tight limit");
        // needs_rehash follows the configured params: at t=9,p=17 the hash is current.
        let params = HashParams { memory_kib: 1024, iterations: 9, parallelism: 17 };
        assert!(!needs_rehash(&over, &params).unwrap());
        assert_invalid(needs_rehash(&over, &CHEAP), "needs_rehash over the limits of cheap params");
    }
}
