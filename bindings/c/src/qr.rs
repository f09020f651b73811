//! QR codes of any text (an `otpauth://` URI): SVG, PNG and UTF-8 blocks for a terminal.

use std::ffi::c_char;

use crate::boundary::{call, out_arg, str_arg, write_out};
use crate::memory::{owned_bytes, owned_string};
use crate::result::authward_result;
use authward::qr;

/// PNG pixels per QR module used by the examples (8).
pub const AUTHWARD_QR_DEFAULT_SCALE: u32 = 8;

/// Renders `text` as an SVG document into `*out_svg` (free with `authward_string_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_qr_svg(text: *const c_char, out_svg: *mut *mut c_char) -> authward_result {
    call(|| {
        let out = out_arg(out_svg, "out_svg")?;
        // SAFETY: NULL or valid (the function's contract).
        let text = unsafe { str_arg(text, "text") }?;
        let svg = qr::svg(text)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&svg)?) };
        Ok(())
    })
}

/// Renders `text` as a greyscale PNG with `scale` pixels per module (1–64) into `*out_png` /
/// `*out_len` (free the buffer with `authward_bytes_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_qr_png(
    text: *const c_char,
    scale: u32,
    out_png: *mut *mut u8,
    out_len: *mut usize,
) -> authward_result {
    call(|| {
        let (out_png, out_len) = (out_arg(out_png, "out_png")?, out_arg(out_len, "out_len")?);
        // SAFETY: NULL or valid (the function's contract).
        let text = unsafe { str_arg(text, "text") }?;
        let png = qr::png(text, scale)?;
        let p = owned_bytes(&png)?;
        // SAFETY: both checked non-NULL, writable.
        unsafe {
            write_out(out_png, p);
            write_out(out_len, png.len());
        }
        Ok(())
    })
}

/// Renders `text` as UTF-8 half blocks for a terminal into `*out_text` (free with
/// `authward_string_free()`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn authward_qr_terminal(
    text: *const c_char,
    out_text: *mut *mut c_char,
) -> authward_result {
    call(|| {
        let out = out_arg(out_text, "out_text")?;
        // SAFETY: NULL or valid (the function's contract).
        let text = unsafe { str_arg(text, "text") }?;
        let rendered = qr::terminal(text)?;
        // SAFETY: checked non-NULL, writable.
        unsafe { write_out(out, owned_string(&rendered)?) };
        Ok(())
    })
}
