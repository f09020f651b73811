//! QR codes of any text (an `otpauth://` URI in practice). Fast and synchronous.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::convert::{unwrap_secret, whole_u32};
use crate::task::call;

/// Options of `qrPng`.
#[napi(object)]
pub struct QrPngOptions {
    /// Pixels per module, 1–64. Default 8.
    pub scale: Option<f64>,
}

/// The QR code of `text` as an SVG document (black on white, 4-module quiet zone, ≥ 256 px).
#[napi(strict)]
pub fn qr_svg(env: Env, text: String) -> napi::Result<String> {
    call(&env, || authward::qr::svg(&text)).map(unwrap_secret)
}

/// The QR code of `text` as a PNG image.
#[napi(strict)]
pub fn qr_png(env: Env, text: String, options: Option<QrPngOptions>) -> napi::Result<Buffer> {
    call(&env, || {
        let scale = options
            .and_then(|o| o.scale)
            .map_or(Ok(authward::qr::DEFAULT_SCALE), |s| whole_u32("scale", s))?;
        authward::qr::png(&text, scale)
    })
    .map(|png| Buffer::from(unwrap_secret(png)))
}

/// The QR code of `text` as UTF-8 half blocks for a terminal.
#[napi(strict)]
pub fn qr_terminal(env: Env, text: String) -> napi::Result<String> {
    call(&env, || authward::qr::terminal(&text)).map(unwrap_secret)
}
