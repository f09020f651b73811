//! Criterion benches of the core: Argon2id at OWASP and RFC 9106 parameters, TOTP verification of a wrong
//! code against a baseline of three raw HMAC-SHA1 computations, and QR rendering of an enrolment URI.
//!
//! `cargo bench --bench core` (about 2–3 minutes on 2 cores). Sample sizes are small on purpose: the
//! Argon2 figures are tens of milliseconds each and only need to be compared with the peers measured
//! by `benches/compare/argon2/run.sh`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use authward::password::hash;
use authward::totp::{self, Totp, TotpConfig};
use authward::{HashParams, qr};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};

const PASSWORD: &str = "correct horse battery staple";
/// RFC 6238's SHA1 seed, "12345678901234567890", in base32.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// A fixed time, so the wrong code below stays wrong for every step of the window.
const AT: u64 = 1_111_111_111;

fn argon2(c: &mut Criterion) {
    for (name, params, measure) in [
        ("owasp_m19456_t2_p1", HashParams::DEFAULT, Duration::from_secs(4)),
        ("rfc9106_m65536_t3_p4", HashParams::RFC9106_LOW_MEMORY, Duration::from_secs(6)),
    ] {
        let mut group = c.benchmark_group(format!("argon2id/{name}"));
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(measure);
        let phc = hash::hash(PASSWORD, &params, None).unwrap();
        group.bench_function("hash", |b| b.iter(|| hash::hash(black_box(PASSWORD), &params, None).unwrap()));
        group.bench_function("verify", |b| {
            b.iter(|| assert!(hash::verify(black_box(PASSWORD), black_box(&phc), None).unwrap()))
        });
        group.finish();
    }
}

/// A 6-digit code that matches none of the steps of the window around `AT`.
fn wrong_code(totp: &Totp) -> String {
    let step = totp.step_at(AT);
    let window: Vec<String> = (step - 1..=step + 1).map(|s| totp.code_for_step(s)).collect();
    (0..1_000_000u32).map(|n| format!("{n:06}")).find(|c| !window.contains(c)).unwrap()
}

fn totp_verify(c: &mut Criterion) {
    let config = TotpConfig::default();
    assert_eq!(config.window, 1);
    let totp = Totp::new(SECRET, &config).unwrap();
    let wrong = wrong_code(&totp);
    let key = totp::decode_secret(SECRET).unwrap();
    let step = AT / 30;

    let mut group = c.benchmark_group("totp");
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    group.bench_function("verify_invalid_window1/prepared", |b| {
        b.iter(|| assert_eq!(totp.verify(black_box(&wrong), black_box(AT), None), None))
    });
    group.bench_function("verify_invalid_window1/from_base32", |b| {
        b.iter(|| {
            assert_eq!(
                totp::verify(black_box(SECRET), black_box(&wrong), black_box(AT), None, &config).unwrap(),
                None
            )
        })
    });
    // The floor: the three HMAC-SHA1 computations a ±1 window needs, nothing else.
    group.bench_function("baseline_3x_hmac_sha1", |b| {
        b.iter(|| {
            for s in step - 1..=step + 1 {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(black_box(&key)).unwrap();
                mac.update(&s.to_be_bytes());
                black_box(mac.finalize().into_bytes());
            }
        })
    });
    group.finish();
}

fn qr_render(c: &mut Criterion) {
    // ~110 characters (113): a typical enrolment URI.
    let uri = totp::build_uri(SECRET, "ACME", "jd@acme", &TotpConfig::default()).unwrap();
    assert!((105..=115).contains(&uri.len()), "{} characters: {uri}", uri.len());
    let mut group = c.benchmark_group("qr_113_chars");
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    group.bench_function("svg", |b| b.iter(|| qr::svg(black_box(&uri)).unwrap()));
    group.bench_function("png_scale8", |b| b.iter(|| qr::png(black_box(&uri), qr::DEFAULT_SCALE).unwrap()));
    group.bench_function("terminal", |b| b.iter(|| qr::terminal(black_box(&uri)).unwrap()));
    group.finish();
}

criterion_group!(benches, argon2, totp_verify, qr_render);
criterion_main!(benches);
