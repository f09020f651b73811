//! Breached passwords (NIST SP 800-63B 5.1.1.2, OWASP ASVS 2.1.7), with the core staying network-free.
//!
//! * [`BreachFilter`]: an offline filter built from a list the app supplies, one entry per line: a
//!   password, or the SHA-1 of one as 40 hex digits (upper or lower case; HIBP's downloadable
//!   `SHA1:COUNT` lines are read as their SHA-1). A line that *is* 40 hex digits is always taken as a
//!   SHA-1, never as a password. Line endings (`\n`, `\r\n`) are removed and nothing else is trimmed;
//!   empty lines are skipped; duplicates are harmless. It is a binary fuse filter with 16-bit
//!   fingerprints (the `xorf` crate): about 18 bits per entry, no false negatives, and a false-positive
//!   rate of about 1/65536 ([`BreachFilter::FALSE_POSITIVE_RATE`]): one password in 65,536 that is *not*
//!   listed is reported as listed.
//! * [`range_prefix`] and [`judge_range`]: the k-anonymity helper for range APIs of the HIBP kind. The
//!   core names the 5-hex SHA-1 prefix to fetch, the app fetches `…/range/{prefix}` with its own HTTP
//!   client, and the core judges the response body under the policy's `breach_min_count` and
//!   `breach_fail_closed`. The app then shows the verdict's [`RangeVerdict::violation`] (`BREACHED`)
//!   itself; the service's flows never call the network.
//!
//! Keys are the SHA-1 of the password's UTF-8 bytes, as HIBP computes them. The service hashes and
//! checks passwords in their NFKC form ([`crate::password::normalize`]); a list entry is inserted as
//! typed and, when it differs, in its NFKC form too, and a lookup tries the password as given and its
//! NFKC form. So an entry matches however its accents were composed (a SHA-1 line only in the form it
//! was hashed from). For passwords whose NFKC form differs (never ASCII) two lookups double the
//! false-positive rate. [`range_prefix`] uses the password as given (HIBP's own convention).

use std::io::BufRead;
use std::path::Path;

use sha1::{Digest, Sha1};
use sha2::Sha256;
use xorf::{BinaryFuse16, Filter};

use crate::error::{Error, Result};
use crate::password::normalize;
use crate::password::policy::PasswordPolicy;
use crate::violation::{Violation, ViolationCode};

/// The message of a `BREACHED` violation (it never contains the password).
pub const BREACHED_MESSAGE: &str =
    "this password appears in a list of breached passwords; choose a different one";

/// The `BREACHED` violation.
pub fn breached_violation() -> Violation {
    Violation { code: ViolationCode::Breached, message: BREACHED_MESSAGE.to_string() }
}

/// The 8-byte key of a SHA-1 digest (its first 8 bytes, big-endian). 64 bits leave collisions
/// between distinct passwords at ~n²/2^65: none to speak of next to the filter's own rate.
fn key_of_digest(digest: &[u8]) -> u64 {
    let mut k = [0u8; 8];
    k.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(k)
}

fn sha1(bytes: &[u8]) -> [u8; 20] {
    Sha1::digest(bytes).into()
}

fn key_of(bytes: &[u8]) -> u64 {
    key_of_digest(&sha1(bytes))
}

/// The NFKC form of `text` when it differs from `text` (never for ASCII, which NFKC leaves alone: the
/// common case skips the normalizer).
fn nfkc_variant(text: &str) -> Option<zeroize::Zeroizing<String>> {
    if text.is_ascii()
        || unicode_normalization::is_nfkc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        return None;
    }
    let normalized = normalize(text);
    (normalized.as_str() != text).then_some(normalized)
}

/// A line's SHA-1 if it is one: exactly 40 hex digits, optionally followed by `:COUNT` (HIBP's
/// downloadable lists).
fn sha1_line(line: &[u8]) -> Option<[u8; 20]> {
    let hex = match line.len() {
        40 => line,
        n if n > 41 && line[40] == b':' && line[41..].iter().all(u8::is_ascii_digit) => &line[..40],
        _ => return None,
    };
    let mut out = [0u8; 20];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// Collects the lines of a list, then builds a [`BreachFilter`] ([`BreachFilter::builder`]).
#[derive(Debug, Default)]
pub struct BreachFilterBuilder {
    keys: Vec<u64>,
}

impl BreachFilterBuilder {
    /// Adds one line of a list (see the module docs). A trailing `\n` or `\r\n` is removed; an empty
    /// line is skipped; bytes that are not UTF-8 are keyed as they are (they can never match a
    /// password given as text, which is UTF-8).
    pub fn add_line(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return;
        }
        if let Some(digest) = sha1_line(line) {
            self.keys.push(key_of_digest(&digest));
            return;
        }
        self.keys.push(key_of(line));
        if let Some(normalized) = std::str::from_utf8(line).ok().and_then(nfkc_variant) {
            self.keys.push(key_of(normalized.as_bytes()));
        }
    }

    /// Adds every line of `text` (split at `\n`; `\r\n` works too).
    pub fn add_text(&mut self, text: &str) {
        for line in text.split('\n') {
            self.add_line(line.as_bytes());
        }
    }

    /// Adds every line read from `reader`. `INVALID_ARGUMENT` if reading fails.
    pub fn add_reader(&mut self, mut reader: impl BufRead) -> Result<()> {
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::invalid(format!("cannot read the password list: {e}")))?;
            if n == 0 {
                return Ok(());
            }
            self.add_line(&line);
        }
    }

    /// How many keys were added so far (before duplicates are removed).
    pub fn added(&self) -> usize {
        self.keys.len()
    }

    /// Builds the filter (duplicates removed). `INVALID_ARGUMENT` over
    /// [`BreachFilter::MAX_ENTRIES`] distinct entries.
    pub fn build(mut self) -> Result<BreachFilter> {
        self.keys.sort_unstable();
        self.keys.dedup();
        if self.keys.len() as u64 > BreachFilter::MAX_ENTRIES {
            return Err(Error::invalid(format!(
                "a breach filter holds at most {} entries, the list has {}",
                BreachFilter::MAX_ENTRIES,
                self.keys.len()
            )));
        }
        let entries = self.keys.len() as u64;
        if entries == 0 {
            return Ok(BreachFilter { filter: None, entries });
        }
        let filter = BinaryFuse16::try_from(&self.keys)
            .map_err(|e| Error::Internal(format!("building the breach filter failed: {e}")))?;
        Ok(BreachFilter { filter: Some(filter), entries })
    }
}

/// An offline filter of breached passwords (see the module docs). Immutable and `Send + Sync`: build
/// or load it once and share it (`Arc`) between services and threads.
#[derive(Clone)]
pub struct BreachFilter {
    filter: Option<BinaryFuse16>,
    entries: u64,
}

impl std::fmt::Debug for BreachFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BreachFilter")
            .field("entries", &self.entries)
            .field("size_bytes", &self.size_bytes())
            .finish()
    }
}

const MAGIC: &[u8; 8] = b"AWBREACH";
const VERSION: u16 = 1;
const FINGERPRINT_BITS: u16 = 16;
/// magic, version, fingerprint bits, entries, seed, segment length, mask, segment count length,
/// fingerprint count.
const HEADER_LEN: usize = 8 + 2 + 2 + 8 + 8 + 4 + 4 + 4 + 4;
const CHECKSUM_LEN: usize = 32;

/// Reads little-endian integers from a slice whose length was checked before.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let (head, rest) = self.0.split_at(N.min(self.0.len()));
        out[..head.len()].copy_from_slice(head);
        self.0 = rest;
        out
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
}

fn refused(why: &str) -> Error {
    Error::invalid(format!("not a valid authward breach filter: {why}"))
}

impl BreachFilter {
    /// The stated false-positive rate: 2^-16 (≈ 0.0015 %), the rate of 16-bit fingerprints. Measured
    /// in `benches/breach.rs` (see docs/performance.md).
    pub const FALSE_POSITIVE_RATE: f64 = 1.0 / 65536.0;
    /// Most distinct entries one filter holds (the filter's 32-bit indices).
    pub const MAX_ENTRIES: u64 = 1 << 31;
    /// The serialized format's version ([`BreachFilter::to_bytes`]).
    pub const FORMAT_VERSION: u16 = VERSION;

    /// A builder to add lines to.
    pub fn builder() -> BreachFilterBuilder {
        BreachFilterBuilder::default()
    }

    /// A filter of the lines of `text` (see the module docs for what a line is).
    pub fn from_text(text: &str) -> Result<BreachFilter> {
        let mut b = Self::builder();
        b.add_text(text);
        b.build()
    }

    /// A filter of the given lines.
    pub fn from_lines<I, S>(lines: I) -> Result<BreachFilter>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut b = Self::builder();
        for line in lines {
            b.add_line(line.as_ref());
        }
        b.build()
    }

    /// A filter of the lines of a list file (a text file, one entry per line). `INVALID_ARGUMENT` if
    /// it cannot be read.
    pub fn from_list_file(path: impl AsRef<Path>) -> Result<BreachFilter> {
        let file = std::fs::File::open(path.as_ref())
            .map_err(|e| Error::invalid(format!("cannot open the password list: {e}")))?;
        let mut b = Self::builder();
        b.add_reader(std::io::BufReader::new(file))?;
        b.build()
    }

    /// Loads a filter saved with [`BreachFilter::to_bytes`] from a file. `INVALID_ARGUMENT` if it
    /// cannot be read or is not a valid filter.
    pub fn load(path: impl AsRef<Path>) -> Result<BreachFilter> {
        let bytes = std::fs::read(path.as_ref())
            .map_err(|e| Error::invalid(format!("cannot read the breach filter: {e}")))?;
        Self::from_bytes(&bytes)
    }

    /// Whether `password` is listed (or is one of the ~1/65536 false positives). Tries the password
    /// as given and its NFKC form.
    pub fn contains(&self, password: &str) -> bool {
        let Some(filter) = &self.filter else { return false };
        if filter.contains(&key_of(password.as_bytes())) {
            return true;
        }
        nfkc_variant(password).is_some_and(|n| filter.contains(&key_of(n.as_bytes())))
    }

    /// Whether the password with this SHA-1 (20 bytes) is listed.
    pub fn contains_sha1(&self, digest: &[u8; 20]) -> bool {
        self.filter.as_ref().is_some_and(|f| f.contains(&key_of_digest(digest)))
    }

    /// How many distinct entries the filter holds (an entry whose NFKC form differs counts twice).
    pub fn len(&self) -> u64 {
        self.entries
    }

    /// Whether the filter is empty (it then lists nothing).
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The size of [`BreachFilter::to_bytes`]'s output.
    pub fn size_bytes(&self) -> usize {
        HEADER_LEN + CHECKSUM_LEN + self.filter.as_ref().map_or(0, |f| f.fingerprints.len() * 2)
    }

    /// The serialized filter: a 44-byte header (magic `AWBREACH`, format version, fingerprint bits,
    /// entry count, the filter's seed and segment geometry, fingerprint count; little-endian), the
    /// fingerprints, and a SHA-256 checksum of everything before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_bytes());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&FINGERPRINT_BITS.to_le_bytes());
        out.extend_from_slice(&self.entries.to_le_bytes());
        let (seed, len, mask, count_len, fps): (u64, u32, u32, u32, &[u16]) = match &self.filter {
            Some(f) => (
                f.descriptor.seed,
                f.descriptor.segment_length,
                f.descriptor.segment_length_mask,
                f.descriptor.segment_count_length,
                &f.fingerprints,
            ),
            None => (0, 0, 0, 0, &[]),
        };
        out.extend_from_slice(&seed.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&mask.to_le_bytes());
        out.extend_from_slice(&count_len.to_le_bytes());
        // fits: the geometry checks of from_bytes hold for every built filter (≤ u32::MAX slots)
        out.extend_from_slice(&u32::try_from(fps.len()).unwrap_or(u32::MAX).to_le_bytes());
        for fp in fps {
            out.extend_from_slice(&fp.to_le_bytes());
        }
        let checksum = Sha256::digest(&out);
        out.extend_from_slice(&checksum);
        out
    }

    /// Reads [`BreachFilter::to_bytes`]'s output. Anything else (another file, a truncated or
    /// corrupted filter, another format version) is `INVALID_ARGUMENT`, never a panic: the checksum
    /// is verified and the geometry checked so that no lookup can index outside the fingerprints.
    pub fn from_bytes(bytes: &[u8]) -> Result<BreachFilter> {
        if bytes.len() < HEADER_LEN + CHECKSUM_LEN || &bytes[..8] != MAGIC {
            return Err(refused("wrong magic or too short"));
        }
        let (body, checksum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
        let mut r = Reader(&body[8..]);
        let version = r.u16();
        if version != VERSION {
            return Err(refused(&format!("format version {version}, this build reads {VERSION}")));
        }
        if r.u16() != FINGERPRINT_BITS {
            return Err(refused("unsupported fingerprint size"));
        }
        let entries = r.u64();
        let seed = r.u64();
        let segment_length = r.u32();
        let segment_length_mask = r.u32();
        let segment_count_length = r.u32();
        let count = r.u32() as usize;
        if body.len() != HEADER_LEN + count.saturating_mul(2) {
            return Err(refused("truncated or wrong length"));
        }
        if Sha256::digest(body).as_slice() != checksum {
            return Err(refused("checksum mismatch (corrupted)"));
        }
        if entries > Self::MAX_ENTRIES {
            return Err(refused("too many entries"));
        }
        if entries == 0 {
            if count != 0 {
                return Err(refused("an empty filter with fingerprints"));
            }
            return Ok(BreachFilter { filter: None, entries });
        }
        // The lookup reads slots h0 < segment_count_length and h0 + L, h0 + 2L (with bits of the mask
        // flipped inside their segment): L a power of two, the mask L - 1, whole segments, and two more
        // segments of fingerprints than the count length, with no u32 overflow.
        let l = u64::from(segment_length);
        let geometry_ok = segment_length.is_power_of_two()
            && segment_length_mask == segment_length - 1
            && segment_count_length > 0
            && u64::from(segment_count_length) % l == 0
            && u64::from(segment_count_length) + 2 * l <= u64::from(u32::MAX)
            && count as u64 == u64::from(segment_count_length) + 2 * l;
        if !geometry_ok {
            return Err(refused("inconsistent geometry"));
        }
        let fingerprints: Box<[u16]> =
            body[HEADER_LEN..].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        let descriptor = xorf::Descriptor { seed, segment_length, segment_length_mask, segment_count_length };
        Ok(BreachFilter { filter: Some(BinaryFuse16 { descriptor, fingerprints }), entries })
    }
}

/// The upper-case hex SHA-1 of the password's UTF-8 bytes (as given, not normalized), as HIBP lists it.
fn sha1_hex_upper(password: &str) -> String {
    data_encoding::HEXUPPER.encode(&sha1(password.as_bytes()))
}

/// The 5 upper-case hex digits of the password's SHA-1 to fetch from a range API
/// (`https://api.pwnedpasswords.com/range/{prefix}`): the service learns only this prefix, shared by
/// ~1 in 2^20 of all passwords. The SHA-1 is of the UTF-8 bytes as given (HIBP's convention).
pub fn range_prefix(password: &str) -> String {
    let mut hex = sha1_hex_upper(password);
    hex.truncate(5);
    hex
}

/// Largest range response [`judge_range`] reads (HIBP's are ~30 KiB; padded ones ~40 KiB).
pub const MAX_RANGE_RESPONSE_BYTES: usize = 1 << 20;

/// The judgement of a range response for one password (see [`judge_range`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeVerdict {
    /// How often the range lists the password (0 when it is absent); `None` when there was no response
    /// (the fetch failed).
    pub count: Option<u64>,
    /// Whether to refuse the password: listed at least `breach_min_count` times, or no response and the
    /// policy fails closed. Always false when the policy's `reject_breached` is off.
    pub breached: bool,
}

impl RangeVerdict {
    /// The `BREACHED` violation to show when the verdict refuses the password.
    pub fn violation(&self) -> Option<Violation> {
        self.breached.then(breached_violation)
    }
}

/// How often a range response lists `password`: lines `SUFFIX:COUNT` (35 hex digits, any case; a
/// count of 0 is HIBP's padding and ignored), separated by LF or CRLF. `INVALID_ARGUMENT` for a
/// malformed line or a response over [`MAX_RANGE_RESPONSE_BYTES`].
pub fn range_count(password: &str, response: &str) -> Result<u64> {
    if response.len() > MAX_RANGE_RESPONSE_BYTES {
        return Err(Error::invalid(format!("range response longer than {MAX_RANGE_RESPONSE_BYTES} bytes")));
    }
    let hex = sha1_hex_upper(password);
    let suffix = &hex[5..];
    let mut found = 0u64;
    for (i, line) in response.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line).trim();
        if line.is_empty() {
            continue;
        }
        let malformed =
            || Error::invalid(format!("malformed range response at line {}: expected SUFFIX:COUNT", i + 1));
        let (s, c) = line.split_once(':').ok_or_else(malformed)?;
        let c = c.trim();
        if s.len() != 35 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed());
        }
        if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let count: u64 = c.parse().map_err(|_| malformed())?;
        if count > 0 && s.eq_ignore_ascii_case(suffix) {
            found = found.saturating_add(count);
        }
    }
    Ok(found)
}

/// Judges the app's fetched range response for `password` under `policy`: `response` is the body
/// fetched for [`range_prefix`]`(password)`, or `None` when the fetch failed. With a response the
/// password is breached when listed at least `breach_min_count` times; without one, when the policy
/// fails closed (`breach_fail_closed`). Nothing is breached while `reject_breached` is off (the count
/// is still given). Errors: `INVALID_ARGUMENT` for a malformed response.
pub fn judge_range(password: &str, response: Option<&str>, policy: &PasswordPolicy) -> Result<RangeVerdict> {
    let count = response.map(|r| range_count(password, r)).transpose()?;
    let breached = policy.reject_breached
        && match count {
            Some(n) => n >= u64::from(policy.breach_min_count.max(1)),
            None => policy.breach_fail_closed,
        };
    Ok(RangeVerdict { count, breached })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_lines_are_recognized() {
        let d = sha1_line(b"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8").unwrap();
        assert_eq!(d, sha1(b"password"));
        assert_eq!(sha1_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493").unwrap(), d);
        assert!(sha1_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD").is_none());
        assert!(sha1_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDZ").is_none());
        assert!(sha1_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:").is_none());
        assert!(sha1_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:x1").is_none());
    }

    #[test]
    fn one_entry_and_empty_filters() {
        let one = BreachFilter::from_text("hunter2\n").unwrap();
        assert_eq!(one.len(), 1);
        assert!(one.contains("hunter2"));
        let back = BreachFilter::from_bytes(&one.to_bytes()).unwrap();
        assert!(back.contains("hunter2"));
        let empty = BreachFilter::from_text("\n\r\n").unwrap();
        assert!(empty.is_empty());
        assert!(!empty.contains("hunter2"));
        assert!(BreachFilter::from_bytes(&empty.to_bytes()).unwrap().is_empty());
    }
}
