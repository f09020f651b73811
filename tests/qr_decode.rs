//! The three QR renderings decode back to the exact text with a real QR decoder (`rqrr`): the PNG through
//! the `png` decoder, the SVG by rasterising its path, the terminal blocks by reading the half blocks back
//! into modules (dark modules are spaces there, see `qr::terminal`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use authward::qr;
use authward::totp::{self, Algorithm, TotpConfig};

/// A pixel image, `true` = dark.
struct Bitmap {
    width: usize,
    height: usize,
    dark: Vec<bool>,
}

impl Bitmap {
    fn get(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// Every QR code the detector finds in the image, decoded.
    fn decode_all(&self) -> Vec<String> {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(self.width, self.height, |x, y| {
            if self.get(x, y) { 0 } else { 255 }
        });
        img.detect_grids().into_iter().map(|g| g.decode().expect("a detected grid decodes").1).collect()
    }

    fn decode(&self) -> String {
        let mut found = self.decode_all();
        assert_eq!(found.len(), 1, "expected exactly one QR code, found {found:?}");
        found.remove(0)
    }

    /// Module grid → image, `scale` pixels per module, with `margin` extra pixels of `margin_dark` around.
    fn from_modules(modules: &[Vec<bool>], scale: usize, margin: usize, margin_dark: bool) -> Bitmap {
        let side = modules.len();
        let width = side * scale + 2 * margin;
        let mut dark = vec![margin_dark; width * width];
        for (my, row) in modules.iter().enumerate() {
            assert_eq!(row.len(), side, "module grid is not square");
            for (mx, &d) in row.iter().enumerate() {
                for py in 0..scale {
                    for px in 0..scale {
                        dark[(margin + my * scale + py) * width + margin + mx * scale + px] = d;
                    }
                }
            }
        }
        Bitmap { width, height: width, dark }
    }
}

/// The module grid of `qr::modules` (quiet zone included) as rows.
fn reference_modules(text: &str) -> Vec<Vec<bool>> {
    let (flat, side) = qr::modules(text).unwrap();
    assert_eq!(flat.len(), side * side);
    flat.chunks(side).map(<[bool]>::to_vec).collect()
}

/// ISO/IEC 18004 asks for a light border of 4 modules; phone cameras need it.
const ISO_QUIET_ZONE: usize = 4;

fn assert_quiet_zone(modules: &[Vec<bool>]) {
    let side = modules.len();
    let q = ISO_QUIET_ZONE;
    assert!(qr::QUIET_ZONE >= q);
    for (y, row) in modules.iter().enumerate() {
        for (x, &d) in row.iter().enumerate() {
            if x < q || y < q || x >= side - q || y >= side - q {
                assert!(!d, "dark module ({x}, {y}) inside the {q}-module quiet zone");
            }
        }
    }
    // The code itself starts right after the quiet zone with a finder pattern's dark corner.
    let q = qr::QUIET_ZONE;
    assert!(modules[q][q] && modules[q][side - q - 1] && modules[side - q - 1][q]);
}

/// The code without its quiet zone, decoded directly as a grid (no detection involved).
fn decode_grid(modules: &[Vec<bool>]) -> String {
    let q = qr::QUIET_ZONE;
    let inner = modules.len() - 2 * q;
    let grid = rqrr::SimpleGrid::from_func(inner, |x, y| modules[y + q][x + q]);
    rqrr::Grid::new(grid).decode().expect("grid decodes").1
}

// ------------------------------------------------------------------------------------------------
// Readers for the three renderings

fn read_png(bytes: &[u8]) -> Bitmap {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // The image is 1-bit black and white; expand it to one byte per pixel (0 or 255) for reading.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    assert_eq!(reader.info().color_type, png::ColorType::Grayscale);
    assert_eq!(reader.info().bit_depth, png::BitDepth::One);
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let (width, height) = (info.width as usize, info.height as usize);
    assert_eq!(width, height);
    let mut dark = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = &buf[y * info.line_size..y * info.line_size + width];
        for &v in row {
            assert!(v == 0 || v == 255, "PNG pixels are pure black or white, got {v}");
            dark.push(v < 128);
        }
    }
    Bitmap { width, height, dark }
}

/// Samples a pixel image back into modules of `scale` pixels, checking each module is uniform.
fn modules_of(bitmap: &Bitmap, scale: usize) -> Vec<Vec<bool>> {
    assert_eq!(bitmap.width % scale, 0);
    let side = bitmap.width / scale;
    (0..side)
        .map(|my| {
            (0..side)
                .map(|mx| {
                    let d = bitmap.get(mx * scale, my * scale);
                    for py in 0..scale {
                        for px in 0..scale {
                            assert_eq!(bitmap.get(mx * scale + px, my * scale + py), d, "module ({mx},{my})");
                        }
                    }
                    d
                })
                .collect()
        })
        .collect()
}

fn attr(svg: &str, name: &str) -> usize {
    let start =
        svg.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in svg")) + name.len() + 3;
    let end = start + svg[start..].find('"').unwrap();
    svg[start..end].parse().unwrap()
}

/// Rectangles `(x, y, w, h)` of the dark path `M{x} {y}h{w}v{h}H{x}V{y}…`.
fn svg_rects(svg: &str) -> Vec<(usize, usize, usize, usize)> {
    assert!(
        svg.contains(r##"<path fill="#000000" d=""##),
        "dark path missing: {}",
        &svg[..svg.len().min(400)]
    );
    let start = svg.find(" d=\"").unwrap() + 4;
    let end = start + svg[start..].find('"').unwrap();
    let path = &svg[start..end];
    let mut rects = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let mut take = |prefix: char, stop: char| -> usize {
            assert!(rest.starts_with(prefix), "expected {prefix:?} at {:?}", &rest[..rest.len().min(20)]);
            let body = &rest[1..];
            let n = body.find(stop).unwrap_or(body.len());
            let value = body[..n].parse().unwrap();
            rest = &body[n..];
            value
        };
        let x = take('M', ' ');
        let y = take(' ', 'h');
        let w = take('h', 'v');
        let h = take('v', 'H');
        let x2 = take('H', 'V');
        let y2 = take('V', 'M');
        assert_eq!((x2, y2), (x, y), "the path closes back at its start");
        rects.push((x, y, w, h));
    }
    rects
}

fn read_svg(svg: &str) -> Bitmap {
    assert!(svg.contains("<svg") && svg.ends_with("</svg>"));
    let (width, height) = (attr(svg, "width"), attr(svg, "height"));
    assert_eq!(width, height);
    assert!(width >= 256, "at least 256 px wide, got {width}");
    assert!(
        svg.contains(&format!(r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##))
    );
    let mut dark = vec![false; width * height];
    for (x, y, w, h) in svg_rects(svg) {
        assert!(x + w <= width && y + h <= height);
        for py in y..y + h {
            for px in x..x + w {
                dark[py * width + px] = true;
            }
        }
    }
    Bitmap { width, height, dark }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The module size of an SVG: the gcd of every coordinate and length of its rectangles.
fn svg_module_size(svg: &str) -> usize {
    svg_rects(svg).iter().fold(0, |g, &(x, y, w, h)| gcd(gcd(gcd(gcd(g, x), y), w), h))
}

/// Terminal text → modules. Light modules are blocks, dark ones spaces (for a dark terminal), two module
/// rows per line: '█' light/light, '▀' light/dark, '▄' dark/light, ' ' dark/dark.
fn read_terminal(text: &str) -> Vec<Vec<bool>> {
    let mut rows: Vec<Vec<bool>> = Vec::new();
    for line in text.split('\n') {
        let (mut top, mut bottom) = (Vec::new(), Vec::new());
        for c in line.chars() {
            let (t_light, b_light) = match c {
                '\u{2588}' => (true, true),
                '\u{2580}' => (true, false),
                '\u{2584}' => (false, true),
                ' ' => (false, false),
                other => panic!("unexpected character {other:?} in terminal QR"),
            };
            top.push(!t_light);
            bottom.push(!b_light);
        }
        rows.push(top);
        rows.push(bottom);
    }
    let width = rows[0].len();
    assert!(rows.iter().all(|r| r.len() == width), "ragged terminal QR");
    // An odd number of module rows leaves the last line's lower half empty (terminal background).
    if rows.len() == width + 1 {
        let last = rows.pop().unwrap();
        assert!(last.iter().all(|&d| d), "the spare half row is left to the (dark) background");
    }
    assert_eq!(rows.len(), width, "terminal QR is not square");
    rows
}

// ------------------------------------------------------------------------------------------------

fn enrolment_uri() -> String {
    let secret = totp::encode_secret(b"12345678901234567890");
    // ~110 characters, like a real enrolment (the size benches/core.rs renders).
    let uri = totp::build_uri(&secret, "ACME", "jd@acme.io", &TotpConfig::default()).unwrap();
    assert!((100..=120).contains(&uri.len()), "{} chars: {uri}", uri.len());
    uri
}

fn texts() -> Vec<String> {
    let secret = totp::encode_secret(&[0xA5; 20]);
    let sha512 = TotpConfig { algorithm: Algorithm::Sha512, digits: 8, period: 60, window: 1 };
    vec![
        enrolment_uri(),
        totp::build_uri(&secret, "Ünïcødé & Söhne GmbH", "zoë+2fa@exämple.org", &sha512).unwrap(),
        "x".to_string(),
        "héllo wörld ✓".to_string(),
        // A long URI (a 128-byte secret): a much larger QR version.
        totp::build_uri(
            &totp::encode_secret(&[7u8; 128]),
            "Example",
            "someone@example.com",
            &TotpConfig::default(),
        )
        .unwrap(),
    ]
}

#[test]
fn png_decodes_to_the_exact_text() {
    for text in texts() {
        for scale in [1u32, 3, qr::DEFAULT_SCALE] {
            let bytes = qr::png(&text, scale).unwrap();
            let bitmap = read_png(&bytes);
            let modules = modules_of(&bitmap, scale as usize);
            assert_eq!(modules, reference_modules(&text), "PNG at scale {scale}");
            assert_quiet_zone(&modules);
            assert_eq!(decode_grid(&modules), text);
            if scale > 1 {
                assert_eq!(bitmap.decode(), text, "scale {scale}");
            }
        }
    }
}

#[test]
fn svg_decodes_to_the_exact_text() {
    for text in texts() {
        let svg = qr::svg(&text).unwrap();
        let bitmap = read_svg(&svg);
        let unit = svg_module_size(&svg);
        assert!(unit >= 1);
        let modules = modules_of(&bitmap, unit);
        assert_eq!(modules, reference_modules(&text));
        assert_quiet_zone(&modules);
        assert_eq!(decode_grid(&modules), text);
        assert_eq!(bitmap.decode(), text);
    }
}

#[test]
fn terminal_decodes_to_the_exact_text() {
    for text in texts() {
        let rendered = qr::terminal(&text).unwrap();
        let modules = read_terminal(&rendered);
        assert_eq!(modules, reference_modules(&text));
        assert_quiet_zone(&modules);
        assert_eq!(decode_grid(&modules), text);
        // What a camera sees on a dark terminal: the code, its light quiet zone, then dark background.
        let on_dark_terminal = Bitmap::from_modules(&modules, 4, 24, true);
        assert_eq!(on_dark_terminal.decode(), text);
    }
}

#[test]
fn terminal_without_inversion_would_not_be_the_same_code() {
    // Guards the test's own reading of the half blocks: reading dark/light the other way round gives
    // an image whose quiet zone is dark, which is not the code.
    let text = enrolment_uri();
    let inverted: Vec<Vec<bool>> = read_terminal(&qr::terminal(&text).unwrap())
        .into_iter()
        .map(|r| r.into_iter().map(|d| !d).collect())
        .collect();
    assert_ne!(inverted, reference_modules(&text));
}
