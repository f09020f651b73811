//! Encryption at rest of TOTP secrets: XChaCha20-Poly1305 under the application's 32-byte key, with the
//! user id and the secret's purpose as associated data, so a sealed secret moved to another user's row
//! (or from "pending" to "active" by hand) fails to open instead of working.
//!
//! **Key rotation.** A [`Sealer`] holds the current key and any number of previous keys. A sealed value
//! names the key that sealed it (version 2: `2 || key id (8) || nonce (24) || ciphertext+tag`; the key
//! id is an HMAC of a fixed label under the key, which tells nothing about the key); values of version 1
//! (authward 0.1: `1 || nonce || ciphertext+tag`, no key id) still open, with any configured key. New
//! values are always sealed under the current key; `Authward::rekey` re-seals the old ones.
//!
//! **Row integrity.** [`Sealer::tag`] makes the integrity tag of a user row: `key id (8) ||
//! HMAC-SHA256(row key, encoded row)`, where the row key is derived from the app key with its own label
//! (distinct from the keyed-hash key), and [`Sealer::verify_tag`] checks one made under any configured key.

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
/// Bytes of a key id.
pub(crate) const KEY_ID_LEN: usize = 8;
/// Sealed values of authward 0.1: no key id.
const VERSION_1: u8 = 1;
/// Sealed values naming their key.
const VERSION_2: u8 = 2;
const TAG_LEN: usize = 16;
/// Bytes of a row integrity tag (key id + HMAC-SHA256).
pub(crate) const ROW_TAG_LEN: usize = KEY_ID_LEN + 32;

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

/// One key and what is derived from it.
struct KeyMaterial {
    id: [u8; KEY_ID_LEN],
    cipher: XChaCha20Poly1305,
    /// Keys the keyed hashes (client ids, unknown ids, wrong passwords).
    mac_key: Zeroizing<[u8; 32]>,
    /// Keys the row integrity tags.
    row_key: Zeroizing<[u8; 32]>,
    /// Keys the hashes of remembered-device tokens.
    device_key: Zeroizing<[u8; 32]>,
}

fn derive(key: &[u8], label: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| Error::invalid("bad key length"))?;
    mac.update(label);
    Ok(Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes())))
}

impl KeyMaterial {
    fn new(key: &[u8]) -> Result<KeyMaterial> {
        if key.len() != KEY_LEN {
            return Err(Error::invalid(format!("key must be {KEY_LEN} bytes, got {}", key.len())));
        }
        let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| Error::invalid("bad key length"))?;
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&derive(key, b"authward key id v1")?[..KEY_ID_LEN]);
        Ok(KeyMaterial {
            id,
            cipher,
            mac_key: derive(key, b"authward keyed-hash key v1")?,
            row_key: derive(key, b"authward row-integrity key v1")?,
            device_key: derive(key, b"authward device-token key v1")?,
        })
    }

    fn row_mac(&self, row: &[u8]) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.row_key.as_ref()).ok()?;
        mac.update(b"authward user row v1\0");
        mac.update(row);
        Some(mac)
    }
}

/// Bytes of a device token's keyed hash (key id + HMAC-SHA256).
pub(crate) const DEVICE_HASH_LEN: usize = KEY_ID_LEN + 32;

impl KeyMaterial {
    fn device_mac(&self, user_id: &str, token: &[u8]) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.device_key.as_ref()).ok()?;
        mac.update(b"authward device token v1\0");
        mac.update(&(user_id.len() as u64).to_be_bytes());
        mac.update(user_id.as_bytes());
        mac.update(token);
        Some(mac)
    }
}

/// Seals and opens small secrets, makes keyed hashes (of client ids, unknown user ids, wrong
/// passwords' Argon2 outputs) and row integrity tags, under keys derived from the current key (and
/// opens and verifies under previous keys too). Its `Debug` does not show them.
pub(crate) struct Sealer {
    current: KeyMaterial,
    previous: Vec<KeyMaterial>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealer(<key redacted>, {} previous)", self.previous.len())
    }
}

fn nonce_at(bytes: &[u8]) -> XNonce {
    let mut n = [0u8; NONCE_LEN];
    n.copy_from_slice(&bytes[..NONCE_LEN]);
    XNonce::from(n)
}

fn aad(owner: &str, purpose: Purpose, header: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + owner.len() + header.len());
    out.extend_from_slice(b"authward v1\0");
    out.extend_from_slice(purpose.label());
    out.push(0);
    out.extend_from_slice(owner.as_bytes());
    // Version 1 bound nothing more; version 2 binds its header (version and key id) too.
    out.extend_from_slice(header);
    out
}

impl Sealer {
    /// A sealer for a 32-byte key (`INVALID_ARGUMENT` for another length).
    pub(crate) fn new(key: &[u8]) -> Result<Sealer> {
        Sealer::with_previous(key, &[])
    }

    /// A sealer sealing under `key` and opening under `key` or any of `previous` (each 32 bytes;
    /// a previous key equal to the current one is ignored).
    pub(crate) fn with_previous(key: &[u8], previous: &[Vec<u8>]) -> Result<Sealer> {
        let current = KeyMaterial::new(key)?;
        let mut keys: Vec<KeyMaterial> = Vec::with_capacity(previous.len());
        for (i, p) in previous.iter().enumerate() {
            let k = KeyMaterial::new(p).map_err(|_| {
                Error::invalid(format!("previous key {i} must be {KEY_LEN} bytes, got {}", p.len()))
            })?;
            if k.id != current.id && keys.iter().all(|o| o.id != k.id) {
                keys.push(k);
            }
        }
        Ok(Sealer { current, previous: keys })
    }

    /// A sealer with a fresh random key (for the in-memory store).
    pub(crate) fn random() -> Result<Sealer> {
        let key = Zeroizing::new(crate::random::bytes::<KEY_LEN>()?);
        Sealer::new(key.as_ref())
    }

    fn keys(&self) -> impl Iterator<Item = &KeyMaterial> {
        std::iter::once(&self.current).chain(self.previous.iter())
    }

    fn key_by_id(&self, id: &[u8]) -> Option<&KeyMaterial> {
        self.keys().find(|k| k.id == id)
    }

    /// A keyed hash of `data` for `label` (128 bits, hex): equal inputs give equal hashes, and without the
    /// key nobody can compute or invert them. Always under the current key.
    pub(crate) fn keyed_hash(&self, label: &str, data: &[u8]) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(self.current.mac_key.as_ref()) else {
            return String::new(); // unreachable: HMAC takes keys of any length
        };
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        HEXLOWER.encode(&mac.finalize().into_bytes()[..16])
    }

    /// `2 || key id || nonce || ciphertext+tag`, under the current key.
    pub(crate) fn seal(&self, owner: &str, purpose: Purpose, plaintext: &[u8]) -> Result<Vec<u8>> {
        let nonce_bytes = crate::random::bytes::<NONCE_LEN>()?;
        let nonce = XNonce::from(nonce_bytes);
        let mut out = Vec::with_capacity(1 + KEY_ID_LEN + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(VERSION_2);
        out.extend_from_slice(&self.current.id);
        let aad = aad(owner, purpose, &out);
        let ct = self
            .current
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: &aad })
            .map_err(|_| Error::Crypto("encryption failed".into()))?;
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens a sealed value (either version, under any configured key); a key that is not configured,
    /// a wrong owner or purpose, or any tampering is `CRYPTO`.
    pub(crate) fn open(&self, owner: &str, purpose: Purpose, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let malformed = || Error::Crypto("sealed value is malformed".into());
        let failed = || Error::Crypto("cannot decrypt a stored secret: wrong key or tampered data".into());
        match sealed.first() {
            Some(&VERSION_1) if sealed.len() >= 1 + NONCE_LEN + TAG_LEN => {
                let nonce = nonce_at(&sealed[1..]);
                let aad = aad(owner, purpose, &[]);
                self.keys()
                    .find_map(|k| {
                        k.cipher.decrypt(&nonce, Payload { msg: &sealed[1 + NONCE_LEN..], aad: &aad }).ok()
                    })
                    .map(Zeroizing::new)
                    .ok_or_else(failed)
            }
            Some(&VERSION_2) if sealed.len() >= 1 + KEY_ID_LEN + NONCE_LEN + TAG_LEN => {
                let (header, rest) = sealed.split_at(1 + KEY_ID_LEN);
                let key = self.key_by_id(&header[1..]).ok_or_else(|| {
                    Error::Crypto(
                        "a stored secret was sealed under a key that is neither the current key nor a \
                         previous one"
                            .into(),
                    )
                })?;
                let nonce = nonce_at(rest);
                let aad = aad(owner, purpose, header);
                key.cipher
                    .decrypt(&nonce, Payload { msg: &rest[NONCE_LEN..], aad: &aad })
                    .map(Zeroizing::new)
                    .map_err(|_| failed())
            }
            _ => Err(malformed()),
        }
    }

    /// Whether `sealed` is of the current version and under the current key (nothing to re-seal).
    pub(crate) fn is_current(&self, sealed: &[u8]) -> bool {
        sealed.len() > KEY_ID_LEN && sealed[0] == VERSION_2 && sealed[1..=KEY_ID_LEN] == self.current.id
    }

    /// The integrity tag of an encoded row, under the current key.
    pub(crate) fn tag(&self, row: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(ROW_TAG_LEN);
        out.extend_from_slice(&self.current.id);
        if let Some(mac) = self.current.row_mac(row) {
            out.extend_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// Whether `tag` is a valid tag of `row` under any configured key (constant-time comparison).
    pub(crate) fn verify_tag(&self, row: &[u8], tag: &[u8]) -> bool {
        if tag.len() != ROW_TAG_LEN {
            return false;
        }
        let (id, mac) = tag.split_at(KEY_ID_LEN);
        self.key_by_id(id).and_then(|k| k.row_mac(row)).is_some_and(|m| m.verify_slice(mac).is_ok())
    }

    /// The keyed hash of a remembered-device token of `user_id`: `key id || HMAC-SHA256(device key,
    /// user id || token)`, under the current key (the user id is bound in, so a hash copied to another
    /// user's row matches nothing there).
    pub(crate) fn device_hash(&self, user_id: &str, token: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(DEVICE_HASH_LEN);
        out.extend_from_slice(&self.current.id);
        if let Some(mac) = self.current.device_mac(user_id, token) {
            out.extend_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// Whether `stored` is [`Sealer::device_hash`] of this token under any configured key (the MAC is
    /// compared in constant time).
    pub(crate) fn verify_device_hash(&self, user_id: &str, token: &[u8], stored: &[u8]) -> bool {
        if stored.len() != DEVICE_HASH_LEN {
            return false;
        }
        let (id, mac) = stored.split_at(KEY_ID_LEN);
        self.key_by_id(id)
            .and_then(|k| k.device_mac(user_id, token))
            .is_some_and(|m| m.verify_slice(mac).is_ok())
    }

    /// Whether a device-token hash was made under the current key.
    pub(crate) fn device_hash_is_current(&self, hash: &[u8]) -> bool {
        hash.len() == DEVICE_HASH_LEN && hash[..KEY_ID_LEN] == self.current.id
    }

    /// Whether `tag` was made under the current key.
    pub(crate) fn tag_is_current(&self, tag: &[u8]) -> bool {
        tag.len() == ROW_TAG_LEN && tag[..KEY_ID_LEN] == self.current.id
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

    /// A value sealed the way authward 0.1 did (version 1, no key id).
    fn seal_v1(key: &[u8], owner: &str, purpose: Purpose, plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new_from_slice(key).unwrap();
        let nonce = [9u8; NONCE_LEN];
        let ct = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &aad(owner, purpose, &[]) })
            .unwrap();
        [&[VERSION_1][..], &nonce, &ct].concat()
    }

    #[test]
    fn version_1_values_still_open_with_any_configured_key() {
        let old = seal_v1(&[7u8; 32], "alice", Purpose::ActiveTotp, b"old secret");
        let s = Sealer::new(&[7u8; 32]).unwrap();
        assert_eq!(&*s.open("alice", Purpose::ActiveTotp, &old).unwrap(), b"old secret");
        assert!(!s.is_current(&old));
        let rotated = Sealer::with_previous(&[8u8; 32], &[vec![7u8; 32]]).unwrap();
        assert_eq!(&*rotated.open("alice", Purpose::ActiveTotp, &old).unwrap(), b"old secret");
        assert!(Sealer::new(&[8u8; 32]).unwrap().open("alice", Purpose::ActiveTotp, &old).is_err());
        assert!(s.open("bob", Purpose::ActiveTotp, &old).is_err());
    }

    #[test]
    fn values_name_their_key_and_previous_keys_open_them() {
        let old = Sealer::new(&[7u8; 32]).unwrap();
        let sealed = old.seal("alice", Purpose::PendingTotp, b"s").unwrap();
        assert_eq!(sealed[0], VERSION_2);
        assert!(old.is_current(&sealed));
        let rotated = Sealer::with_previous(&[8u8; 32], &[vec![7u8; 32], vec![8u8; 32]]).unwrap();
        assert_eq!(rotated.previous.len(), 1, "the current key among the previous ones is ignored");
        assert_eq!(&*rotated.open("alice", Purpose::PendingTotp, &sealed).unwrap(), b"s");
        assert!(!rotated.is_current(&sealed));
        let resealed = rotated.seal("alice", Purpose::PendingTotp, b"s").unwrap();
        assert!(rotated.is_current(&resealed));
        let err = Sealer::new(&[8u8; 32]).unwrap().open("alice", Purpose::PendingTotp, &sealed).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Crypto);
        // The header is authenticated: another key id in front of the same ciphertext fails.
        let mut swapped = sealed.clone();
        swapped[1..=KEY_ID_LEN].copy_from_slice(&rotated.current.id);
        assert!(rotated.open("alice", Purpose::PendingTotp, &swapped).is_err());
        assert!(Sealer::with_previous(&[8u8; 32], &[vec![1u8; 31]]).is_err());
    }

    #[test]
    fn row_tags_verify_under_current_and_previous_keys_only() {
        let old = Sealer::new(&[7u8; 32]).unwrap();
        let tag = old.tag(b"row");
        assert_eq!(tag.len(), ROW_TAG_LEN);
        assert!(old.verify_tag(b"row", &tag) && old.tag_is_current(&tag));
        assert!(!old.verify_tag(b"rox", &tag));
        let rotated = Sealer::with_previous(&[8u8; 32], &[vec![7u8; 32]]).unwrap();
        assert!(rotated.verify_tag(b"row", &tag) && !rotated.tag_is_current(&tag));
        assert!(!Sealer::new(&[8u8; 32]).unwrap().verify_tag(b"row", &tag));
        // Device-token hashes: bound to the user and the token, verified under previous keys too.
        let h = old.device_hash("alice", b"token");
        assert!(old.verify_device_hash("alice", b"token", &h));
        assert!(!old.verify_device_hash("bob", b"token", &h));
        assert!(!old.verify_device_hash("alice", b"tokem", &h));
        assert!(rotated.verify_device_hash("alice", b"token", &h));
        assert!(!Sealer::new(&[8u8; 32]).unwrap().verify_device_hash("alice", b"token", &h));
        // The row key is not the keyed-hash key: a keyed hash is no tag.
        assert_ne!(
            &tag[KEY_ID_LEN..KEY_ID_LEN + 16],
            HEXLOWER.decode(old.keyed_hash("", b"row").as_bytes()).unwrap()
        );
    }
}
