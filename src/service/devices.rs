//! "Remember this device": after a successful second factor the app may ask for a device token; a later
//! sign-in with the right password and that token skips the code while the token is valid.
//!
//! * The token is 32 random bytes (base64url), returned once. The record keeps only its keyed hash
//!   (HMAC-SHA256 under a key derived from the service key, with the user id bound in), so a copy of the
//!   database gives nobody a usable token.
//! * A token is valid while it is not expired, the user's `credential_version` is the one it was minted
//!   under, and the account's policy still sets `remember_device_days`. It expires `remember_device_days`
//!   after it was minted, counted with the shorter of the policy it was minted under and the policy in
//!   force at each sign-in: an admin who shortens the period (after a lost laptop, say) shortens it for
//!   the devices already remembered too; lengthening it never takes a device past the expiry it was
//!   minted with (and gives back, up to that, what a shortening had taken). To forget devices for good,
//!   revoke them. Every change of `credential_version` (password changed or set by an admin,
//!   2FA enabled, replaced, disabled or reset) forgets all devices, and so does a key rotation
//!   ([`Authward::rekey`] forgets devices remembered under a previous key; until it reaches a row they
//!   still work while that key is configured).
//! * A wrong, expired or revoked token is ignored: the sign-in asks for the code as if none was given,
//!   nothing is counted and nothing is logged.
//! * At most [`MAX_DEVICES`] per user: remembering one more forgets the least recently used. Expired
//!   devices are dropped whenever the record is written.

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use zeroize::Zeroizing;

use super::types::Device;
use super::{Authward, check_id, event};
use crate::account::AccountPolicy;
use crate::account::expiry::DAY;
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::store::{Changes, RememberedDevice, UserRecord};

/// Most remembered devices per user.
pub const MAX_DEVICES: usize = 10;
/// Longest device label (bytes).
pub const MAX_DEVICE_LABEL_LEN: usize = 200;
/// Longest string that can be a device token (base64url of 32 bytes is 43 characters).
const MAX_TOKEN_TEXT: usize = 64;

/// `INVALID_ARGUMENT` for a label over [`MAX_DEVICE_LABEL_LEN`] bytes or with control characters.
pub(super) fn check_label(label: &str) -> Result<()> {
    if label.len() > MAX_DEVICE_LABEL_LEN {
        return Err(Error::invalid(format!("device label longer than {MAX_DEVICE_LABEL_LEN} bytes")));
    }
    if label.chars().any(char::is_control) {
        return Err(Error::invalid("device label contains control characters"));
    }
    Ok(())
}

/// The token's bytes, or `None` for anything that cannot be a token (ignored like a wrong one).
pub(super) fn decode_token(token: Option<&str>) -> Option<Zeroizing<Vec<u8>>> {
    let t = token?;
    if t.len() > MAX_TOKEN_TEXT {
        return None;
    }
    let bytes = Zeroizing::new(BASE64URL_NOPAD.decode(t.as_bytes()).ok()?);
    (bytes.len() == 32).then_some(bytes)
}

/// A freshly minted token: its text for the app, and what the record keeps.
pub(super) struct Minted {
    pub(super) text: Zeroizing<String>,
    pub(super) device: RememberedDevice,
}

/// Forgets the devices of a record whose credentials changed (logged once), and the expired ones.
/// Run by `Authward::update` after every closure, so no flow can forget it.
pub(super) fn housekeep(rec: &mut UserRecord, version_before: u64, now: u64, changes: &mut Changes) {
    if rec.credential_version != version_before && !rec.devices.is_empty() {
        let n = rec.devices.len();
        rec.devices.clear();
        let detail =
            format!("{n} remembered device(s) forgotten: the password or two-factor settings changed");
        changes.events.push(event(rec, EventKind::DeviceRevoked, now, detail));
    }
    rec.devices.retain(|d| d.expires_at > now);
}

/// When `d` expires under `policy`: its own expiry, or sooner when the policy now remembers devices
/// for less time than when it was minted. (While the policy is off no device skips the code, but each
/// keeps its expiry: switched back on, the policy wakes those not expired.)
fn expires_at(d: &RememberedDevice, policy: &AccountPolicy) -> u64 {
    match policy.remember_device_days {
        Some(days) => d.expires_at.min(d.created_at.saturating_add(u64::from(days) * DAY)),
        None => d.expires_at,
    }
}

fn public(d: &RememberedDevice, expires_at: u64) -> Device {
    Device {
        id: d.id.clone(),
        label: d.label.clone(),
        created_at: d.created_at,
        last_used_at: d.last_used_at,
        expires_at,
    }
}

impl Authward {
    /// A new token for `user_id` (not yet stored), if `policy` remembers devices.
    pub(super) fn mint_device(
        &self,
        user_id: &str,
        policy: &AccountPolicy,
        label: &str,
        now: u64,
    ) -> Result<Option<Minted>> {
        let Some(days) = policy.remember_device_days else { return Ok(None) };
        let token = Zeroizing::new(crate::random::bytes::<32>()?);
        let id = HEXLOWER.encode(&crate::random::bytes::<8>()?);
        Ok(Some(Minted {
            text: Zeroizing::new(BASE64URL_NOPAD.encode(token.as_ref())),
            device: RememberedDevice {
                id,
                token_hash: self.sealer.device_hash(user_id, token.as_ref()),
                label: label.to_string(),
                created_at: now,
                last_used_at: now,
                expires_at: now.saturating_add(u64::from(days) * DAY),
                // set by `remember` to the version of the record it joins
                credential_version: 0,
            },
        }))
    }

    /// Stores a minted device in the record (within the update that completed the second factor),
    /// forgetting the least recently used ones over [`MAX_DEVICES`], and logs it.
    pub(super) fn remember(
        rec: &mut UserRecord,
        mut device: RememberedDevice,
        now: u64,
        changes: &mut Changes,
    ) {
        device.credential_version = rec.credential_version;
        rec.devices.retain(|d| d.expires_at > now);
        let label =
            if device.label.is_empty() { "unlabelled device".to_string() } else { device.label.clone() };
        let days = device.expires_at.saturating_sub(now) / DAY;
        rec.devices.push(device);
        while rec.devices.len() > MAX_DEVICES {
            let Some(oldest) = rec
                .devices
                .iter()
                .enumerate()
                .min_by_key(|(_, d)| (d.last_used_at, d.created_at))
                .map(|(i, _)| i)
            else {
                break;
            };
            let gone = rec.devices.remove(oldest);
            changes.events.push(event(
                rec,
                EventKind::DeviceRevoked,
                now,
                format!(
                    "{} forgotten: more than {MAX_DEVICES} remembered devices (least recently used)",
                    gone.id
                ),
            ));
        }
        changes.events.push(event(
            rec,
            EventKind::DeviceRemembered,
            now,
            format!("{label}, for {days} days"),
        ));
    }

    /// The index of the device `token` belongs to, if it is valid now. Every stored hash is checked
    /// (constant-time each, no early exit), so the work does not depend on which one matches.
    pub(super) fn matching_device(
        &self,
        rec: &UserRecord,
        policy: &AccountPolicy,
        token: &[u8],
        now: u64,
    ) -> Option<usize> {
        policy.remember_device_days?;
        let mut found = None;
        for (i, d) in rec.devices.iter().enumerate() {
            let matches = self.sealer.verify_device_hash(&rec.user_id, token, &d.token_hash);
            if matches
                && found.is_none()
                && expires_at(d, policy) > now
                && d.credential_version == rec.credential_version
            {
                found = Some(i);
            }
        }
        found
    }

    /// The user's remembered devices not expired under the account's policy now, most recently used
    /// first, each with the expiry that applies (no token or hash). While the policy is off they are
    /// listed too (so the user can revoke one before the policy is switched back on). `NOT_FOUND` for
    /// an unknown user.
    pub fn list_devices(&self, user_id: &str) -> Result<Vec<Device>> {
        let rec = self.user(user_id)?;
        let policy = self.account(&rec.account_id)?.policy;
        let now = self.now();
        let mut out: Vec<Device> = rec
            .devices
            .iter()
            .filter(|d| d.credential_version == rec.credential_version)
            .map(|d| public(d, expires_at(d, &policy)))
            .filter(|d| d.expires_at > now)
            .collect();
        out.sort_by(|a, b| b.last_used_at.cmp(&a.last_used_at).then_with(|| b.created_at.cmp(&a.created_at)));
        Ok(out)
    }

    /// Forgets one remembered device (its token then asks for the code again); logged as
    /// `device_revoked`. `NOT_FOUND` for an unknown user or device id.
    pub fn revoke_device(&self, user_id: &str, device_id: &str) -> Result<()> {
        check_id("user id", user_id)?;
        check_id("device id", device_id)?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            let Some(i) = rec.devices.iter().position(|d| d.id == device_id) else {
                return Err(Error::NotFound(format!("device {device_id:?}")));
            };
            let gone = rec.devices.remove(i);
            changes.events.push(event(rec, EventKind::DeviceRevoked, now, format!("{} forgotten", gone.id)));
            Ok(())
        })?;
        Ok(())
    }

    /// Forgets every remembered device of the user; returns how many there were (logged as one
    /// `device_revoked` when any). `NOT_FOUND` for an unknown user.
    pub fn revoke_all_devices(&self, user_id: &str) -> Result<usize> {
        check_id("user id", user_id)?;
        let now = self.now();
        let mut count = 0;
        self.update(user_id, &mut |rec, changes| {
            count = rec.devices.iter().filter(|d| d.expires_at > now).count();
            rec.devices.clear();
            if count > 0 {
                changes.events.push(event(
                    rec,
                    EventKind::DeviceRevoked,
                    now,
                    format!("all {count} remembered device(s) forgotten"),
                ));
            }
            Ok(())
        })?;
        Ok(count)
    }
}
