//! Differential fuzzing of the core's Argon2 engine (`argon2-rust`) against RustCrypto's `argon2`
//! (issue 12, finding 10): the fuzzer picks the password, salt, secret, associated data, m, t, p,
//! variant (argon2d/i/id), version (0x10/0x13) and output length.
//!
//! Invariants: `argon2_phc` (core) and `hash_password_with_salt` (RustCrypto) give the same PHC string,
//! tag included; the core's `verify` accepts RustCrypto's string with the right password and secret and
//! rejects a wrong password; RustCrypto verifies the core's string; raw tags with associated data
//! (`argon2_raw`, version 0x13) are equal; an input one side refuses, the other refuses too.
//! Parameters stay small (m ≤ 8·p + 255 KiB, t ≤ 4) so the run measures agreement, not Argon2's speed.
#![no_main]

use arbitrary::Arbitrary;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Argon2, AssociatedData, ParamsBuilder};
use authward::HashParams;
use authward::password::hash;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    variant: u8,
    v0x10: bool,
    m: u8,
    t: u8,
    p: u8,
    password: String,
    salt: Vec<u8>,
    secret: Vec<u8>,
    ad: Vec<u8>,
    out_len: u8,
}

fuzz_target!(|input: Input| {
    let (name, algorithm) = [
        ("argon2d", argon2::Algorithm::Argon2d),
        ("argon2i", argon2::Algorithm::Argon2i),
        ("argon2id", argon2::Algorithm::Argon2id),
    ][usize::from(input.variant % 3)];
    let (version_number, version) =
        if input.v0x10 { (0x10, argon2::Version::V0x10) } else { (0x13, argon2::Version::V0x13) };
    let p = 1 + u32::from(input.p % 4);
    let m = 8 * p + u32::from(input.m);
    let t = 1 + u32::from(input.t % 4);
    let out_len = usize::from(input.out_len % 80);
    let params = HashParams { memory_kib: m, iterations: t, parallelism: p };
    let pw = input.password.as_bytes();

    let ours = hash::argon2_phc(name, version_number, &params, pw, &input.salt, &input.secret, out_len);
    // The core's bounds for a PHC string: salt 8..=64 bytes, output 4..=128, secret at most 64 bytes.
    let core_ok =
        (8..=64).contains(&input.salt.len()) && (4..=128).contains(&out_len) && input.secret.len() <= 64;
    assert_eq!(ours.is_ok(), core_ok, "{ours:?}");
    // RustCrypto's PHC salt holds at most 64 B64 characters (48 bytes), its tag 10..=64 bytes.
    let Ok(ours) = ours else { return };
    if input.salt.len() > 48 || !(10..=64).contains(&out_len) {
        return;
    }

    let mut builder = ParamsBuilder::new();
    builder.m_cost(m).t_cost(t).p_cost(p).output_len(out_len);
    let reference = |builder: &ParamsBuilder| {
        let params = builder.build().expect("reference params");
        if input.secret.is_empty() {
            Argon2::new(algorithm, version, params)
        } else {
            Argon2::new_with_secret(&input.secret, algorithm, version, params).expect("secret")
        }
    };
    let rc = reference(&builder);
    let theirs = rc.hash_password_with_salt(pw, &input.salt).expect("reference hash").to_string();
    assert_eq!(ours, theirs, "PHC strings differ");

    let pepper = (!input.secret.is_empty()).then_some(input.secret.as_slice());
    assert_eq!(
        hash::verify(&input.password, &theirs, pepper).ok(),
        Some(true),
        "core rejects argon2's string"
    );
    let mut wrong = input.password.clone();
    wrong.push('\u{1}');
    if wrong.len() <= authward::password::MAX_PASSWORD_BYTES {
        assert_eq!(hash::verify(&wrong, &theirs, pepper).ok(), Some(false), "core accepts a wrong password");
    }
    let parsed = PasswordHash::new(&ours).expect("argon2 parses the core's string");
    assert!(rc.verify_password(pw, &parsed).is_ok(), "argon2 rejects the core's string");

    if version_number == 0x13 && input.ad.len() <= 32 {
        let raw = hash::argon2_raw(name, &params, pw, &input.salt, &input.secret, &input.ad, out_len)
            .expect("core raw");
        builder.data(AssociatedData::new(&input.ad).expect("ad"));
        let mut tag = vec![0u8; out_len];
        reference(&builder).hash_password_into(pw, &input.salt, &mut tag).expect("reference raw");
        assert_eq!(raw, tag, "raw tags with associated data differ");
    }
});
