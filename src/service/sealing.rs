//! Encryption at rest of TOTP secrets: XChaCha20-Poly1305 under the application's 32-byte key, with the
//! user id and the secret's purpose as associated data, so a sealed secret moved to another user's row
//! (or from "pending" to "active" by hand) fails to open instead of working.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::HEXLOWER;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const NONCE_LEN: usize = 24;
/// Bytes of a store key.
pub const KEY_LEN: usize = 32;
const VERSION: u8 = 1;

/// What a sealed value is, bound into its associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The active TOTP secret.
    ActiveTotp,
    /// A pending (unconfirmed) TOTP secret.
    PendingTotp,
    /// The store's key check value.
    KeyCheck,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::ActiveTotp => b"totp-active",
            Purpose::PendingTotp => b"totp-pending",
            Purpose::KeyCheck => b"key-check",
        }
    }
}

/// Seals and opens small secrets, and makes keyed hashes (of client ids, unknown user ids, wrong
/// passwords' Argon2 outputs) under a key derived from the same key. Its `Debug` does not show them.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
    mac_key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(<key redacted>)")
    }
}

fn aad(owner: &str, purpose: Purpose) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + owner.len());
    out.extend_from_slice(b"authward v1\0");
    out.extend_from_slice(purpose.label());
    out.push(0);
    out.extend_from_slice(owner.as_bytes());
    out
}

impl Sealer {
    /// A sealer for a 32-byte key (`INVALID_ARGUMENT` for another length).
    pub(crate) fn new(key: &[u8]) -> Result<Sealer> {
        if key.len() != KEY_LEN {
            return Err(Error::invalid(format!("key must be {KEY_LEN} bytes, got {}", key.len())));
        }
        let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| Error::invalid("bad key length"))?;
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| Error::invalid("bad key length"))?;
        mac.update(b"authward keyed-hash key v1");
        let mac_key = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
        Ok(Sealer { cipher, mac_key })
    }

    /// A sealer with a fresh random key (for the in-memory store).
    pub(crate) fn random() -> Result<Sealer> {
        let key = Zeroizing::new(crate::random::bytes::<KEY_LEN>()?);
        Sealer::new(key.as_ref())
    }

    /// A keyed hash of `data` for `label` (128 bits, hex): equal inputs give equal hashes, and without the
    /// key nobody can compute or invert them.
    pub(crate) fn keyed_hash(&self, label: &str, data: &[u8]) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(self.mac_key.as_ref()) else {
            return String::new(); // unreachable: HMAC takes keys of any length
        };
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        HEXLOWER.encode(&mac.finalize().into_bytes()[..16])
    }

    /// `version || nonce || ciphertext+tag`.
    pub(crate) fn seal(&self, owner: &str, purpose: Purpose, plaintext: &[u8]) -> Result<Vec<u8>> {
        let nonce_bytes = crate::random::bytes::<NONCE_LEN>()?;
        let nonce = XNonce::from(nonce_bytes);
        let aad = aad(owner, purpose);
        let ct = self
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: &aad })
            .map_err(|_| Error::Crypto("encryption failed".into()))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens a sealed value; a wrong key, owner, purpose or any tampering is `CRYPTO`.
    pub(crate) fn open(&self, owner: &str, purpose: Purpose, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != VERSION {
            return Err(Error::Crypto("sealed value is malformed".into()));
        }
        let mut nonce_bytes = [0u8; NONCE_LEN];
        nonce_bytes.copy_from_slice(&sealed[1..1 + NONCE_LEN]);
        let nonce = XNonce::from(nonce_bytes);
        let aad = aad(owner, purpose);
        self.cipher
            .decrypt(&nonce, Payload { msg: &sealed[1 + NONCE_LEN..], aad: &aad })
            .map(Zeroizing::new)
            .map_err(|_| Error::Crypto("cannot decrypt a stored secret: wrong key or tampered data".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let s = Sealer::new(&[7u8; 32]).unwrap();
        let sealed = s.seal("alice", Purpose::ActiveTotp, b"secret bytes").unwrap();
        assert_eq!(&*s.open("alice", Purpose::ActiveTotp, &sealed).unwrap(), b"secret bytes");
        assert_eq!(s.open("bob", Purpose::ActiveTotp, &sealed).unwrap_err().code(), crate::ErrorCode::Crypto);
        assert!(s.open("alice", Purpose::PendingTotp, &sealed).is_err());
        let other = Sealer::new(&[8u8; 32]).unwrap();
        assert!(other.open("alice", Purpose::ActiveTotp, &sealed).is_err());
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(s.open("alice", Purpose::ActiveTotp, &tampered).is_err());
        assert!(Sealer::new(&[0u8; 31]).is_err());
    }
}
