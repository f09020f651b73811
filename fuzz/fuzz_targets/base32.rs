//! Base32 TOTP secrets: `decode_secret`/`encode_secret` in the core and `authward_decode_totp_secret` /
//! `authward_encode_totp_secret` in C, on any text and on messy renderings of real secrets.
//!
//! Invariants: decoding gives 10–128 bytes or `INVALID_ARGUMENT` (never anything else, out-parameters
//! untouched); core and C agree; encode → decode is the identity; the forms people type (lower case,
//! spaces, dashes, tabs, `=` padding) decode to the same bytes as the canonical text.
#![no_main]

use arbitrary::Arbitrary;
use authward::ErrorCode;
use authward::totp::{MAX_SECRET_LEN, MIN_SECRET_LEN, decode_secret, encode_secret};
use authward_c::memory::authward_bytes_free;
use authward_c::result::authward_result;
use authward_c::totp::{authward_decode_totp_secret, authward_encode_totp_secret};
use authward_fuzz::{check_failure, cstr, take_string};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Input {
    /// Any text as a secret.
    Text(Vec<u8>),
    /// Real secret bytes, rendered messily: `(position, separator)` insertions, lower-casing, padding.
    Bytes { bytes: Vec<u8>, lower: u32, separators: Vec<(u8, u8)>, padding: u8 },
}

/// Decodes through C and the core; they must agree. `None` for an invalid secret.
fn decode_both(text: &[u8]) -> Option<Vec<u8>> {
    let c = cstr(text);
    let (mut out, mut len) = (0x5a5a as *mut u8, 0x5a5a_usize);
    // SAFETY: NUL-terminated input, writable out-parameters.
    let rc = unsafe { authward_decode_totp_secret(c.as_ptr(), &mut out, &mut len) };
    let core = std::str::from_utf8(c.as_bytes()).ok().map(decode_secret);
    match rc {
        authward_result::Ok => {
            assert!((MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&len), "{len}");
            // SAFETY: the library returned `len` bytes at `out`; copied, then freed once.
            let bytes = unsafe { std::slice::from_raw_parts(out, len) }.to_vec();
            // SAFETY: a buffer from the library, freed once.
            unsafe { authward_bytes_free(out) };
            let core = core.expect("C accepted it, so it is UTF-8").expect("core must accept it too");
            assert_eq!(core.as_slice(), bytes.as_slice());
            Some(bytes)
        }
        rc => {
            assert_eq!(rc, authward_result::InvalidArgument);
            assert_eq!((out as usize, len), (0x5a5a, 0x5a5a), "out-parameters written on failure");
            check_failure(rc, &[c.as_bytes()]);
            if let Some(core) = core {
                assert_eq!(core.expect_err("C refused it").code(), ErrorCode::InvalidArgument);
            }
            None
        }
    }
}

fuzz_target!(|input: Input| {
    match input {
        Input::Text(text) => {
            if let Some(bytes) = decode_both(&text) {
                // Canonical re-encoding decodes to the same bytes.
                assert_eq!(decode_both(encode_secret(&bytes).as_bytes()).as_deref(), Some(bytes.as_slice()));
            }
        }
        Input::Bytes { bytes, lower, separators, padding } => {
            let mut out = std::ptr::null_mut();
            // SAFETY: `bytes` valid for its length (or an empty slice's dangling-but-aligned pointer with
            // length 0, which the library accepts as an empty buffer); writable out-parameter.
            let rc = unsafe { authward_encode_totp_secret(bytes.as_ptr(), bytes.len(), &mut out) };
            if bytes.len() > authward_c::boundary::AUTHWARD_MAX_INPUT_BYTES {
                assert_eq!(rc, authward_result::InvalidArgument);
                return;
            }
            assert_eq!(rc, authward_result::Ok);
            // SAFETY: a string from the library, freed once inside.
            let canonical = unsafe { take_string(out) };
            assert_eq!(canonical, encode_secret(&bytes));
            assert!(canonical.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
            let mut messy: Vec<u8> = canonical
                .bytes()
                .enumerate()
                .map(|(i, b)| if lower >> (i % 32) & 1 == 1 { b.to_ascii_lowercase() } else { b })
                .collect();
            for (pos, sep) in separators.iter().take(64) {
                let sep = b" -\t"[usize::from(sep % 3)];
                let at = usize::from(*pos) % (messy.len() + 1);
                messy.insert(at, sep);
            }
            messy.extend(std::iter::repeat_n(b'=', usize::from(padding % 8)));
            let in_range = (MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&bytes.len());
            let text_ok = messy.len() <= authward::totp::MAX_SECRET_TEXT;
            let decoded = decode_both(&messy);
            if in_range && text_ok {
                assert_eq!(
                    decoded.as_deref(),
                    Some(bytes.as_slice()),
                    "messy form {:?}",
                    String::from_utf8_lossy(&messy)
                );
            } else {
                assert_eq!(decoded, None);
            }
        }
    }
});
