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
//! * The Argon2 memory matrix (19 MiB at the default parameters) is reused per thread (one
//!   `argon2_rust::Hasher` arena per thread) instead of being allocated per call; on this kind of machine
//!   fresh pages cost a third of the hash time in page faults. The engine wipes the arena after every
//!   hash (its `zeroize-memory` feature), so no password-derived state outlives the call.
//! * A pepper is Argon2's secret input `K` (RFC 9106 §3.1): hashes made with one verify only with it.

use std::cell::RefCell;

use argon2_rust::params::{Memory, TagLen};
use argon2_rust::{Algorithm, Argon2, Hasher, Params, Version};
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
        let cores = std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(1));
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

/// Salt length of new hashes (bytes). RFC 9106 recommends 16.
pub const SALT_LEN: usize = 16;
/// Output length of new hashes (bytes).
pub const OUTPUT_LEN: usize = 32;
/// Longest pepper accepted (bytes).
pub const MAX_PEPPER_LEN: usize = 64;

thread_local! {
    static HASHER: RefCell<Option<Hasher>> = const { RefCell::new(None) };
}

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

/// Runs Argon2 with this thread's reusable arena (wiped by the engine after each hash).
fn argon2_into(job: &Job<'_>, out: &mut [u8]) -> Result<()> {
    let ctx = Argon2::new(job.algorithm, job.version, job.params);
    let mut run = |hasher: &mut Hasher| {
        hasher
            .hash_into_with_ad(job.password, job.salt, job.secret, job.associated_data, out)
            .map_err(|e| Error::invalid(format!("argon2: {e}")))
    };
    HASHER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let hasher = slot.get_or_insert_with(|| ctx.hasher());
            hasher.set_argon2(ctx);
            let result = run(hasher);
            // Do not keep more than 64 MiB per thread after an unusually large hash.
            if hasher.reserved_blocks() > 65_536 {
                hasher.clear();
            }
            result
        }
        // A re-entrant call (cannot happen today) gets its own arena instead of a panic.
        Err(_) => run(&mut ctx.hasher()),
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
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        BASE64_NOPAD.encode(&salt),
        BASE64_NOPAD.encode(out.as_ref())
    ))
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

fn parse_phc(phc: &str) -> Result<Phc> {
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
        let value: u32 = value
            .as_str()
            .parse()
            .map_err(|_| Error::invalid(format!("PHC parameter {} is not a number", name.as_str())))?;
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
/// (truncated, unknown algorithm or version, absurd parameters, bad base64), a password over
/// [`MAX_PASSWORD_BYTES`] or a bad pepper.
pub fn verify(password: &str, phc: &str, pepper: Option<&[u8]>) -> Result<bool> {
    verify_with_output(password, phc, pepper).map(|(ok, _)| ok)
}

/// [`verify`], also returning the Argon2 output computed for the (NFKC-normalized) password under the
/// stored salt and parameters. The service keys it to recognise a wrong password typed again without
/// keeping anything cheaper to attack than the stored hash itself.
pub fn verify_with_output(
    password: &str,
    phc: &str,
    pepper: Option<&[u8]>,
) -> Result<(bool, Zeroizing<Vec<u8>>)> {
    check_password_len(password)?;
    let pepper = check_pepper(pepper)?;
    let parsed = parse_phc(phc)?;
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
/// Errors: `INVALID_ARGUMENT` for a malformed PHC string or bad params.
pub fn needs_rehash(phc: &str, params: &HashParams) -> Result<bool> {
    params.validate()?;
    let parsed = parse_phc(phc)?;
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
    let algorithm = match algorithm {
        "argon2id" => Algorithm::Argon2id,
        "argon2i" => Algorithm::Argon2i,
        "argon2d" => Algorithm::Argon2d,
        other => return Err(Error::invalid(format!("unknown argon2 variant {other:?}"))),
    };
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
}
