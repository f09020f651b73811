//! Passwords: Argon2id hashing ([`hash`], its memory in [`arena`]), the password policy ([`policy`]) and
//! breached-password checks ([`breach`]).
//!
//! Both normalize the password with Unicode NFKC first ([`normalize`]), so a password typed on another
//! keyboard or OS (composed vs decomposed accents, full-width forms) still matches, and lengths count
//! what the user sees.

pub mod arena;
pub mod breach;
pub mod hash;
pub mod policy;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Longest password accepted anywhere, in UTF-8 bytes, before any work is done (DoS bound).
pub const MAX_PASSWORD_BYTES: usize = 4096;

/// The NFKC form of `password`, in a buffer that is wiped when dropped.
pub fn normalize(password: &str) -> Zeroizing<String> {
    Zeroizing::new(password.nfkc().collect())
}
