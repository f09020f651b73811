//! The core's Argon2 engine (`argon2-rust`) against RustCrypto's `argon2` (issue 12, finding 10):
//! thousands of random cases (password, salt, secret, m, t, p, variant argon2d/i/id, version 0x10/0x13,
//! output length) must give the same tag and the same PHC string, each side must verify the other's
//! string (and reject a wrong password), and raw tags with associated data must agree too.
//!
//! The cases come from a fixed-seed generator (reproducible: a failure prints the case and its index);
//! `AUTHWARD_DIFF_CASES` and `AUTHWARD_DIFF_SEED` run more or other cases. Parameters are small
//! (m ≤ 256 KiB) so the default 1,000 cases take about 7 s of CPU in a debug build (each p > 1 hash
//! starts worker threads: on a loaded machine the wall time is mostly waiting for them); the engines' code paths for
//! larger m are the same (only the number of blocks grows), and larger m is covered by the RFC 9106
//! vectors and the fuzz target `argon2_diff`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Argon2, AssociatedData, ParamsBuilder};
use authward::HashParams;
use authward::password::hash;

/// SplitMix64: a small, well-mixed, reproducible generator (no dependency needed for test data).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn bytes(&mut self, lo: usize, hi: usize) -> Vec<u8> {
        let n = self.range(lo as u64, hi as u64) as usize;
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// A password as the core's string API takes it: ASCII, Latin-1, CJK, emoji and combining marks
    /// (NFKC-changing text included: the core must still verify the raw form RustCrypto hashed).
    fn password(&mut self) -> String {
        let n = self.range(0, 40);
        (0..n)
            .map(|_| match self.range(0, 9) {
                0 => char::from_u32(self.range(0xC0, 0xFF) as u32).unwrap(),
                1 => char::from_u32(self.range(0x4E00, 0x4FFF) as u32).unwrap(),
                2 => char::from_u32(self.range(0x1F600, 0x1F64F) as u32).unwrap(),
                3 => ['\u{301}', '\u{FF21}', '\u{2126}', '\u{FB01}', ' '][self.range(0, 4) as usize],
                _ => char::from_u32(self.range(0x21, 0x7E) as u32).unwrap(),
            })
            .collect()
    }
}

#[derive(Debug)]
struct Case {
    variant: &'static str,
    version: u32,
    m: u32,
    t: u32,
    p: u32,
    password: String,
    salt: Vec<u8>,
    secret: Vec<u8>,
    ad: Vec<u8>,
    /// Tag length of the PHC strings (RustCrypto's PHC `Output` holds 10..=64 bytes).
    out_len: usize,
    /// Tag length of the raw comparison (4..=64 bytes).
    raw_len: usize,
}

fn case(rng: &mut Rng) -> Case {
    let p = rng.range(1, 4) as u32;
    // Argon2 needs m ≥ 8·p; the smallest matrices (where rounding of lanes and segments is tightest)
    // are the most likely, up to 256 KiB.
    let m =
        if rng.range(0, 3) == 0 { rng.range(8 * u64::from(p), 256) } else { rng.range(8 * u64::from(p), 64) };
    Case {
        variant: ["argon2d", "argon2i", "argon2id"][rng.range(0, 2) as usize],
        version: [0x10, 0x13][rng.range(0, 1) as usize],
        m: m as u32,
        t: rng.range(1, 3) as u32,
        p,
        password: rng.password(),
        // PHC salts: 8 bytes and up (RustCrypto's `Salt` takes at most 64 B64 characters, 48 bytes).
        salt: rng.bytes(8, 48),
        secret: if rng.range(0, 2) == 0 { Vec::new() } else { rng.bytes(1, 64) },
        ad: if rng.range(0, 2) == 0 { Vec::new() } else { rng.bytes(1, 32) },
        out_len: if rng.range(0, 1) == 0 { 32 } else { rng.range(10, 64) as usize },
        raw_len: rng.range(4, 64) as usize,
    }
}

fn reference<'k>(c: &Case, secret: &'k [u8], with_ad: bool, out_len: usize) -> Argon2<'k> {
    let algorithm = match c.variant {
        "argon2d" => argon2::Algorithm::Argon2d,
        "argon2i" => argon2::Algorithm::Argon2i,
        _ => argon2::Algorithm::Argon2id,
    };
    let version = if c.version == 0x10 { argon2::Version::V0x10 } else { argon2::Version::V0x13 };
    let mut params = ParamsBuilder::new();
    params.m_cost(c.m).t_cost(c.t).p_cost(c.p).output_len(out_len);
    if with_ad {
        params.data(AssociatedData::new(&c.ad).unwrap());
    }
    let params = params.build().unwrap();
    if secret.is_empty() {
        Argon2::new(algorithm, version, params)
    } else {
        Argon2::new_with_secret(secret, algorithm, version, params).unwrap()
    }
}

/// Compares both engines on one case; `Err` describes the first difference.
fn check(c: &Case) -> Result<(), String> {
    let params = HashParams { memory_kib: c.m, iterations: c.t, parallelism: c.p };
    let pw = c.password.as_bytes();

    // 1. The PHC string (tag included), byte for byte.
    let ours = hash::argon2_phc(c.variant, c.version, &params, pw, &c.salt, &c.secret, c.out_len)
        .map_err(|e| format!("core: {e}"))?;
    let rc = reference(c, &c.secret, false, c.out_len);
    let theirs = rc.hash_password_with_salt(pw, &c.salt).map_err(|e| format!("argon2: {e}"))?.to_string();
    if ours != theirs {
        return Err(format!("PHC strings differ:\n core   {ours}\n argon2 {theirs}"));
    }

    // 2. Each verifies the other's string with the right password and secret, and only with them.
    let pepper = (!c.secret.is_empty()).then_some(c.secret.as_slice());
    if !hash::verify_with_limits(&c.password, &theirs, pepper, &hash::VerifyLimits::DEFAULT)
        .map_err(|e| format!("core verify: {e}"))?
    {
        return Err("the core rejects argon2's string".into());
    }
    let mut wrong = c.password.clone();
    wrong.push('!');
    if hash::verify(&wrong, &theirs, pepper).map_err(|e| format!("core verify: {e}"))? {
        return Err("the core accepts a wrong password".into());
    }
    let parsed = PasswordHash::new(&ours).map_err(|e| format!("argon2 parse: {e}"))?;
    rc.verify_password(pw, &parsed).map_err(|e| format!("argon2 rejects the core's string: {e}"))?;
    if rc.verify_password(wrong.as_bytes(), &parsed).is_ok() {
        return Err("argon2 accepts a wrong password".into());
    }
    if !c.secret.is_empty() && hash::verify(&c.password, &theirs, None).map_err(|e| e.to_string())? {
        return Err("the core verifies a peppered hash without the pepper".into());
    }

    // 3. Raw tags with associated data (version 0x13: the core's raw API is RFC 9106's).
    if c.version == 0x13 {
        let ours = hash::argon2_raw(c.variant, &params, pw, &c.salt, &c.secret, &c.ad, c.raw_len)
            .map_err(|e| format!("core raw: {e}"))?;
        let mut theirs = vec![0u8; c.raw_len];
        reference(c, &c.secret, true, c.raw_len)
            .hash_password_into(pw, &c.salt, &mut theirs)
            .map_err(|e| format!("argon2 raw: {e}"))?;
        if ours != theirs {
            return Err("raw tags with associated data differ".into());
        }
    }
    Ok(())
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_cases_agree_with_rustcrypto_argon2() {
    let cases = env_u64("AUTHWARD_DIFF_CASES", 1000);
    let seed = env_u64("AUTHWARD_DIFF_SEED", 0x6175_7468_7761_7264);
    let mut rng = Rng(seed);
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..cases {
        let c = case(&mut rng);
        if let Err(why) = check(&c) {
            panic!("case {i} (seed {seed:#x}) differs: {why}\n{c:?}");
        }
        seen.insert((c.variant, c.version, c.p, c.secret.is_empty(), c.out_len == 32));
    }
    // Every variant × version × lane count × with/without secret × output length was exercised.
    if cases >= 1000 {
        assert_eq!(seen.len(), 3 * 2 * 4 * 2 * 2, "combinations seen: {seen:?}");
    }
}

#[test]
fn default_and_rfc9106_parameters_agree_with_rustcrypto_argon2() {
    // The parameters deployments use, once each (the random cases keep m small).
    for params in [HashParams::DEFAULT, HashParams::RFC9106_LOW_MEMORY] {
        let c = Case {
            variant: "argon2id",
            version: 0x13,
            m: params.memory_kib,
            t: params.iterations,
            p: params.parallelism,
            password: "correct horse battery staple".into(),
            salt: b"0123456789abcdef".to_vec(),
            secret: b"server pepper".to_vec(),
            ad: b"context".to_vec(),
            out_len: 32,
            raw_len: 32,
        };
        check(&c).unwrap_or_else(|why| panic!("{params:?}: {why}"));
        // And a hash from the core's own `hash` (fresh salt) verifies in RustCrypto.
        let phc = hash::hash(&c.password, &params, None).unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        Argon2::default().verify_password(c.password.as_bytes(), &parsed).unwrap();
    }
}

#[test]
fn argon2_phc_refuses_what_verify_would_refuse() {
    let params = HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };
    let salt = b"saltsalt";
    for (variant, version, salt, secret, out) in [
        ("argon2x", 0x13, &salt[..], &b""[..], 32),
        ("argon2id", 0x12, &salt[..], &b""[..], 32),
        ("argon2id", 0x13, &salt[..7], &b""[..], 32),
        ("argon2id", 0x13, &salt[..], &[7u8; 65][..], 32),
        ("argon2id", 0x13, &salt[..], &b""[..], 3),
        ("argon2id", 0x13, &salt[..], &b""[..], 129),
    ] {
        let e = hash::argon2_phc(variant, version, &params, b"pw", salt, secret, out).unwrap_err();
        assert_eq!(e.code(), authward::ErrorCode::InvalidArgument, "{variant} {version} {e}");
    }
}
