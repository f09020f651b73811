//! Single-use recovery codes: what a user types when the phone with the authenticator is gone.
//!
//! A code is 16 characters of Crockford base32 (80 bits from the OS CSPRNG), shown in four groups:
//! `7KQ2-M9XD-4HTB-0WRE`. The alphabet has no I, L, O or U; typing is forgiving: case, dashes and spaces
//! do not matter and O/I/L are read as 0/1/1. Only a salted SHA-256 of each code is stored (80 bits of
//! entropy make a slow hash unnecessary: 2^80 guesses are out of reach). Checking compares against every
//! stored hash in constant time.

use data_encoding::BASE64_NOPAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Codes handed out at a time.
pub const COUNT: usize = 10;
/// Characters per code (5 bits each: 80 bits).
pub const CODE_CHARS: usize = 16;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SALT_LEN: usize = 16;
const PREFIX: &str = "rc1$";

/// `count` fresh codes, formatted `XXXX-XXXX-XXXX-XXXX`, in a buffer that wipes them when dropped.
pub fn generate(count: usize) -> Result<Zeroizing<Vec<String>>> {
    if count == 0 || count > 100 {
        return Err(Error::invalid("recovery code count must be 1..=100"));
    }
    let mut codes = Zeroizing::new(Vec::with_capacity(count));
    for _ in 0..count {
        codes.push(generate_one()?);
    }
    Ok(codes)
}

fn generate_one() -> Result<String> {
    let raw = Zeroizing::new(crate::random::bytes::<10>()?);
    // 80 bits → 16 symbols of 5 bits.
    let mut acc = Zeroizing::new(0u128);
    for b in raw.iter() {
        *acc = (*acc << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(CODE_CHARS + 3);
    for i in 0..CODE_CHARS {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let shift = 5 * (CODE_CHARS - 1 - i);
        out.push(char::from(ALPHABET[((*acc >> shift) & 31) as usize]));
    }
    Ok(out)
}

/// The canonical 16 characters of what a user typed, or `None` if it cannot be a code.
pub fn normalize(entered: &str) -> Option<Zeroizing<String>> {
    if entered.len() > 64 {
        return None;
    }
    let mut out = Zeroizing::new(String::with_capacity(CODE_CHARS));
    for c in entered.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == CODE_CHARS).then_some(out)
}

fn digest(salt: &[u8], code: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"authward recovery code v1");
    h.update(salt);
    h.update(code.as_bytes());
    h.finalize().into()
}

/// The stored form of a code: `rc1$<salt>$<sha256>` (base64). Errors if `code` is not a code.
pub fn hash(code: &str) -> Result<String> {
    let normalized = normalize(code).ok_or_else(|| Error::invalid("not a recovery code"))?;
    let salt = crate::random::bytes::<SALT_LEN>()?;
    Ok(format!("{PREFIX}{}${}", BASE64_NOPAD.encode(&salt), BASE64_NOPAD.encode(&digest(&salt, &normalized))))
}

/// The index of the stored hash that `entered` matches, checking all of them in constant time.
/// Malformed stored entries never match.
pub fn find(entered: &str, stored: &[String]) -> Option<usize> {
    let normalized = normalize(entered)?;
    let mut found = None;
    for (i, entry) in stored.iter().enumerate() {
        let Some((salt, expected)) = parse(entry) else { continue };
        let matches: bool = digest(&salt, &normalized).ct_eq(&expected[..]).into();
        if matches && found.is_none() {
            found = Some(i);
        }
    }
    found
}

fn parse(entry: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let rest = entry.strip_prefix(PREFIX)?;
    let (salt, hash) = rest.split_once('$')?;
    let salt = BASE64_NOPAD.decode(salt.as_bytes()).ok()?;
    let hash = BASE64_NOPAD.decode(hash.as_bytes()).ok()?;
    (hash.len() == 32).then_some((salt, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_80_bits() {
        let codes = generate(COUNT).unwrap();
        assert_eq!(codes.len(), 10);
        for c in codes.iter() {
            assert_eq!(c.len(), 19);
            assert!(!c.contains(['I', 'L', 'O', 'U']));
            assert_eq!(normalize(c).unwrap().len(), CODE_CHARS);
        }
        let mut dedup = codes.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), 10);
    }

    #[test]
    fn stored_hash_matches_forgiving_input_only() {
        let codes = generate(3).unwrap();
        let stored: Vec<String> = codes.iter().map(|c| hash(c).unwrap()).collect();
        for s in &stored {
            assert!(!s.contains(&codes[0]));
        }
        let typed = codes[1].to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(find(&typed, &stored), Some(1));
        assert_eq!(find("0000-0000-0000-0000", &stored), None);
        assert_eq!(find("", &stored), None);
        assert_eq!(find(&codes[0][..10], &stored), None);
        // the same code hashes differently each time (salted)
        assert_ne!(hash(&codes[0]).unwrap(), hash(&codes[0]).unwrap());
    }
}
