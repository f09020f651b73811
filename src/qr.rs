//! QR codes of any text (an `otpauth://` URI in practice) as SVG, PNG and UTF-8 blocks for a terminal.
//!
//! Error correction level M (15 %), the usual choice for screen-displayed codes; a quiet zone of four
//! modules on every side, which phone cameras need to find the code.
//!
//! A QR code of an `otpauth://` URI is as secret as the URI, so every rendering is returned in a
//! zeroizing buffer, and the buffers built here on the way (module matrix, pixel rows) are wiped when
//! dropped. The `qrcode` and `png` crates' own working buffers (the code's module list, the deflate
//! state, the growing output before it is handed over) are freed without wiping: keep the secret's
//! life short by rendering only what the page shows.

use qrcode::render::{svg, unicode};
use qrcode::{Color, EcLevel, QrCode};

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Modules of light border around the code (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;
/// Default PNG pixels per module.
pub const DEFAULT_SCALE: u32 = 8;
/// Largest PNG pixels per module.
pub const MAX_SCALE: u32 = 64;

fn encode(text: &str) -> Result<QrCode> {
    if text.is_empty() {
        return Err(Error::invalid("QR text is empty"));
    }
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::invalid(format!("text does not fit in a QR code: {e}")))
}

/// An SVG document (black on white, 4-module quiet zone, at least 256 px wide).
pub fn svg(text: &str) -> Result<Zeroizing<String>> {
    let code = encode(text)?;
    Ok(Zeroizing::new(
        code.render::<svg::Color<'_>>()
            .quiet_zone(true)
            .min_dimensions(256, 256)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    ))
}

/// The module matrix with the quiet zone: `true` is dark. Returns `(matrix, side)`.
pub fn modules(text: &str) -> Result<(Zeroizing<Vec<bool>>, usize)> {
    let code = encode(text)?;
    let inner = code.width();
    let side = inner + 2 * QUIET_ZONE;
    let mut out = Zeroizing::new(vec![false; side * side]);
    for y in 0..inner {
        for x in 0..inner {
            // read module by module: `to_colors()` would make an unwiped copy of the matrix
            out[(y + QUIET_ZONE) * side + x + QUIET_ZONE] = code[(x, y)] == Color::Dark;
        }
    }
    Ok((out, side))
}

/// A black-and-white PNG (1-bit greyscale), `scale` pixels per module (1–64), with the quiet zone.
pub fn png(text: &str, scale: u32) -> Result<Zeroizing<Vec<u8>>> {
    if scale == 0 || scale > MAX_SCALE {
        return Err(Error::invalid(format!("scale must be 1..={MAX_SCALE}, got {scale}")));
    }
    let (matrix, side) = modules(text)?;
    let scale = scale as usize;
    let px = side * scale;
    // 1 bit per pixel (1 = white), rows padded to whole bytes: 8× less data to deflate than greyscale.
    let row_bytes = px.div_ceil(8);
    let mut pixels = Zeroizing::new(vec![0u8; row_bytes * px]);
    for y in 0..px {
        let modules = &matrix[(y / scale) * side..(y / scale + 1) * side];
        let row = &mut pixels[y * row_bytes..(y + 1) * row_bytes];
        for x in 0..px {
            if !modules[x / scale] {
                row[x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    // Room for the whole (1-bit, deflated) image up front, so the buffer does not grow and leave
    // unwiped partial copies behind.
    let mut out = Zeroizing::new(Vec::with_capacity(row_bytes * px + 1024));
    let side_px = u32::try_from(px).map_err(|_| Error::invalid("QR image too large"))?;
    let mut encoder = png::Encoder::new(&mut *out, side_px, side_px);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().map_err(|e| Error::Internal(format!("png: {e}")))?;
    writer.write_image_data(&pixels).map_err(|e| Error::Internal(format!("png: {e}")))?;
    writer.finish().map_err(|e| Error::Internal(format!("png: {e}")))?;
    Ok(out)
}

/// UTF-8 half blocks, two module rows per line, for a terminal with a dark background: light modules
/// are drawn as blocks and dark ones as spaces, with the quiet zone drawn light.
pub fn terminal(text: &str) -> Result<Zeroizing<String>> {
    let code = encode(text)?;
    Ok(Zeroizing::new(
        code.render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_and_oversized() {
        assert!(svg("").is_err());
        assert!(png(&"x".repeat(5000), 4).is_err());
        assert!(png("x", 0).is_err());
        assert!(png("x", 65).is_err());
    }

    #[test]
    fn png_has_signature_and_svg_is_svg() {
        let p = png("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", 4).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert!(svg("hello").unwrap().contains("<svg"));
    }
}
