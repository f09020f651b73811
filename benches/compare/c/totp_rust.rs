//! The Rust side of the TOTP comparison: the same verification called directly in Rust
//! (`authward::totp::verify`), and through the exported C function from Rust, in one process.
//! Built by run.sh with rustc against the release rlibs of the core and of the C crate (bindings/c).
use std::ffi::CString;
use std::time::Instant;

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const AT: u64 = 1111111109;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    let config = authward::TotpConfig::default();
    let code = authward::totp::code(SECRET, AT, &config).expect("code");
    let batch = 20_000;
    let mut matched = 0u64;
    let mut direct = Vec::new();
    let mut abi = Vec::new();
    let (cs, cc) = (CString::new(SECRET).expect("secret"), CString::new(code.as_str()).expect("code"));
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..batch {
            let r = authward::totp::verify(
                std::hint::black_box(SECRET),
                std::hint::black_box(&code),
                AT,
                None,
                &config,
            );
            matched += u64::from(r.expect("verify").is_some());
        }
        direct.push(t.elapsed().as_nanos() as f64 / batch as f64);
        let t = Instant::now();
        for _ in 0..batch {
            let (mut valid, mut step) = (false, 0u64);
            // SAFETY: valid NUL-terminated strings and writable out-parameters.
            let rc = unsafe {
                authward_c::totp::authward_verify_totp(
                    std::hint::black_box(cs.as_ptr()),
                    cc.as_ptr(),
                    AT,
                    std::ptr::null(),
                    std::ptr::null(),
                    &mut valid,
                    &mut step,
                )
            };
            assert_eq!(rc, authward_c::result::authward_result::Ok);
            matched += u64::from(valid);
        }
        abi.push(t.elapsed().as_nanos() as f64 / batch as f64);
    }
    println!("rust_totp_verify_ns {:.1}", median(direct));
    println!("rust_via_c_abi_totp_verify_ns {:.1} ({matched} matched)", median(abi));
}
