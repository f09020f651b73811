//! Key rotation and row integrity.
//!
//! * **Integrity tags.** Every user row carries a tag (HMAC-SHA256 under a key derived from the app
//!   key, see the sealing module) over its security-relevant fields and the revision the store writes.
//!   The service checks it whenever it reads a row (snapshots, and first thing in every update
//!   closure) and makes it last thing in every update closure and at creation, so a row changed
//!   outside authward (a lowered `last_step`, an old sealed secret, a planted password or recovery-code
//!   hash) is refused with `CRYPTO` and never used. Every write goes through `Authward::update`:
//!   a flow calling `self.store.update_user` directly would write a stale tag and lock the user out.
//! * **Migration.** Rows written before tags existed have none. The key check value tells whether the
//!   store's rows are all tagged; while it does not, opening the store tags every untagged row (each in
//!   its own update, skipping rows another process tagged meanwhile), then records that tags are
//!   required. From then on a row without a tag is refused like a forged one.
//! * **Rotation.** [`Authward::rekey`] re-seals every TOTP secret (active and pending) and re-tags
//!   every row under the current key, in batches, keeping its cursor in the store so that a later
//!   call (in this process or another) continues where it stopped; the last batch re-seals the key
//!   check. Then the previous keys can be dropped from [`super::AuthwardOptions::previous_keys`].

use serde::{Deserialize, Serialize};

use super::sealing::Purpose;
use super::{Authward, KEY_CHECK, KEY_CHECK_OWNER, KEY_CHECK_PLAINTEXT, KEY_CHECK_TAGGED};
use crate::error::{Error, Result};
use crate::event::{EventKind, NewEvent};
use crate::store::{AccountRecord, UpdateFn, UserRecord};
use crate::totp::TotpConfig;

/// Most rows one [`Authward::rekey`] call re-seals.
pub const MAX_REKEY_BATCH: usize = 10_000;
/// Where a rotation in progress keeps its cursor.
const REKEY_CURSOR: &str = "rekey_cursor";

/// How far a key rotation ([`Authward::rekey`]) has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RekeyProgress {
    /// Users whose rows this pass has brought under the current key (or found there already).
    pub done: u64,
    /// Users this pass covers: `done` plus those still to do.
    pub total: u64,
    /// Every row and the key check are under the current key: previous keys may be dropped.
    pub finished: bool,
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    after: String,
    done: u64,
}

/// Length-prefixed, unambiguous encoding of the fields a tag covers.
struct Encoder(Vec<u8>);

impl Encoder {
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(&(b.len() as u64).to_be_bytes());
        self.0.extend_from_slice(b);
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn flag(&mut self, present: bool) {
        self.0.push(u8::from(present));
    }
    fn list(&mut self, items: &[String]) {
        self.u64(items.len() as u64);
        for i in items {
            self.bytes(i.as_bytes());
        }
    }
    fn config(&mut self, c: &TotpConfig) {
        self.bytes(c.algorithm.as_str().as_bytes());
        self.u64(u64::from(c.digits));
        self.u64(c.period);
        self.u64(u64::from(c.window));
    }
}

/// What the tag of `rec` covers, with `revision` in place of its revision.
fn encode_row(rec: &UserRecord, revision: u64) -> Vec<u8> {
    let mut e = Encoder(Vec::with_capacity(512));
    e.bytes(rec.user_id.as_bytes());
    e.bytes(rec.account_id.as_bytes());
    e.flag(rec.email.is_some());
    e.bytes(rec.email.as_deref().unwrap_or("").as_bytes());
    e.u64(rec.created_at);
    e.bytes(rec.password_hash.as_bytes());
    e.u64(rec.password_changed_at);
    e.flag(rec.must_change_password);
    e.list(&rec.password_history);
    e.u64(rec.credential_version);
    e.bytes(rec.lockout.to_json().as_bytes());
    e.flag(rec.totp.is_some());
    if let Some(t) = &rec.totp {
        e.bytes(&t.sealed_secret);
        e.config(&t.config);
        e.flag(t.last_step.is_some());
        e.u64(t.last_step.unwrap_or(0));
        e.u64(t.enabled_at);
    }
    e.flag(rec.pending_totp.is_some());
    if let Some(p) = &rec.pending_totp {
        e.bytes(&p.sealed_secret);
        e.config(&p.config);
        e.u64(p.expires_at);
    }
    e.list(&rec.recovery_codes);
    // Only rows with remembered devices encode them (after a marker), so the tags of rows written
    // before devices existed stay valid; the revision that follows is fixed-size, so this stays
    // unambiguous.
    if !rec.devices.is_empty() {
        e.bytes(b"devices v1");
        e.u64(rec.devices.len() as u64);
        for d in &rec.devices {
            e.bytes(d.id.as_bytes());
            e.bytes(&d.token_hash);
            e.bytes(d.label.as_bytes());
            e.u64(d.created_at);
            e.u64(d.last_used_at);
            e.u64(d.expires_at);
            e.u64(d.credential_version);
        }
    }
    e.u64(revision);
    e.0
}

fn integrity_error(user_id: &str) -> Error {
    Error::Crypto(format!(
        "the record of user {user_id:?} failed its integrity check (changed outside authward); refused"
    ))
}

impl Authward {
    /// Checks a row's tag as the store returned it: `CRYPTO` when it is missing or wrong.
    pub(super) fn verify_row(&self, rec: &UserRecord) -> Result<()> {
        match &rec.integrity_tag {
            Some(tag) if self.sealer.verify_tag(&encode_row(rec, rec.revision), tag) => Ok(()),
            _ => Err(integrity_error(&rec.user_id)),
        }
    }

    /// Tags a row for the revision the store will write.
    pub(super) fn tag_row(&self, rec: &mut UserRecord, revision: u64) {
        rec.integrity_tag = Some(self.sealer.tag(&encode_row(rec, revision)));
    }

    /// A verified snapshot of the user, if any.
    pub(super) fn find_user(&self, user_id: &str) -> Result<Option<UserRecord>> {
        let rec = self.store.get_user(user_id)?;
        if let Some(r) = &rec
            && let Err(e) = self.verify_row(r)
        {
            self.log_integrity_failure(&r.user_id, &r.account_id);
            return Err(e);
        }
        Ok(rec)
    }

    /// [`crate::store::Store::update_user`] with the row verified before `f` sees it and tagged after
    /// (over the revision the store writes: the one read plus one). Every write of a user row goes
    /// through here.
    pub(super) fn update(&self, user_id: &str, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.update_checked(user_id, Base::Read, f)?
            .ok_or_else(|| Error::Internal("the store wrote nothing".into()))
    }

    /// [`Authward::update`] from a snapshot just read or written (verified, as every row `f` sees):
    /// [`crate::store::Store::update_user_from`], which saves a PostgreSQL store its read.
    pub(super) fn update_from(&self, snapshot: &UserRecord, f: &mut UpdateFn<'_>) -> Result<UserRecord> {
        self.update_checked(&snapshot.user_id, Base::Snapshot(snapshot), f)?
            .ok_or_else(|| Error::Internal("the store wrote nothing".into()))
    }

    /// [`Authward::update_from`] only if neither the user (still at the snapshot's revision) nor the
    /// account's policy nor the challenge (still there, unused) moved on:
    /// [`crate::store::Store::update_user_if_unchanged`]. `Ok(None)`: one of them did, nothing was
    /// written.
    pub(super) fn update_if_unchanged(
        &self,
        snapshot: &UserRecord,
        account: &AccountRecord,
        challenge: &[u8; 32],
        f: &mut UpdateFn<'_>,
    ) -> Result<Option<UserRecord>> {
        self.update_checked(&snapshot.user_id, Base::Unchanged(snapshot, account, challenge), f)
    }

    fn update_checked(
        &self,
        user_id: &str,
        base: Base<'_>,
        f: &mut UpdateFn<'_>,
    ) -> Result<Option<UserRecord>> {
        let mut tampered: Option<String> = None;
        let mut checked = |rec: &mut UserRecord, changes: &mut crate::store::Changes| {
            if let Err(e) = self.verify_row(rec) {
                tampered = Some(rec.account_id.clone());
                return Err(e);
            }
            let next = rec.revision + 1;
            let version_before = rec.credential_version;
            f(rec, changes)?;
            super::devices::housekeep(rec, version_before, self.now(), changes);
            self.tag_row(rec, next);
            Ok(())
        };
        let result = match base {
            Base::Read => self.store.update_user(user_id, &mut checked).map(Some),
            Base::Snapshot(s) => self.store.update_user_from(s, &mut checked).map(Some),
            Base::Unchanged(s, account, challenge) => {
                self.store.update_user_if_unchanged(s, account, challenge, &mut checked)
            }
        };
        if let (Err(_), Some(account_id)) = (&result, &tampered) {
            self.log_integrity_failure(user_id, account_id);
        }
        result
    }

    /// [`Authward::find_user`] with the user's account, in one read where the store can.
    pub(super) fn find_user_with_account(
        &self,
        user_id: &str,
    ) -> Result<Option<(UserRecord, AccountRecord)>> {
        let Some((rec, account)) = self.store.user_with_account(user_id)? else { return Ok(None) };
        if let Err(e) = self.verify_row(&rec) {
            self.log_integrity_failure(&rec.user_id, &rec.account_id);
            return Err(e);
        }
        let account = account.unwrap_or_else(|| AccountRecord::unset(&rec.account_id));
        Ok(Some((rec, account)))
    }

    /// Logs `integrity_failed` for a refused row (once an hour per user, so a tampered row that is
    /// asked for again and again does not flood the log). Outside the refused transaction, and best
    /// effort: the refusal stands even if the log cannot be written.
    pub(super) fn log_integrity_failure(&self, user_id: &str, account_id: &str) {
        let now = self.now();
        let recent = self.store.events(user_id, 1).ok().and_then(|e| e.into_iter().next());
        // (An event dated in the future, planted by whoever wrote the row, does not silence the log.)
        if recent.is_some_and(|e| e.kind == EventKind::IntegrityFailed && e.at <= now && now - e.at < 3600) {
            return;
        }
        // The account id comes from the refused row: keep it only if it is a valid id.
        let account_id = if super::check_id("account id", account_id).is_ok() { account_id } else { "?" };
        let _ = self.store.append_event(&NewEvent {
            actor: None,
            account_id: account_id.to_string(),
            user_id: Some(user_id.to_string()),
            kind: EventKind::IntegrityFailed,
            at: now,
            detail: "the record was changed outside authward; refused until it is restored or deleted".into(),
        });
    }

    /// Tags every untagged row (a store from before row integrity), then marks the store as tagged.
    /// Safe to run in several processes at once: each row is tagged in its own transaction, and a row
    /// already tagged is left alone.
    pub(super) fn migrate_tags(&self) -> Result<()> {
        let mut after: Option<String> = None;
        loop {
            let page = self.store.user_ids_after(after.as_deref(), 500)?;
            for id in &page.ids {
                match self.store.get_user(id)? {
                    Some(r) if r.integrity_tag.is_none() => {}
                    _ => continue,
                }
                let tagged = self.store.update_user(id, &mut |rec, _| {
                    if rec.integrity_tag.is_some() {
                        self.verify_row(rec)?; // tagged by another process meanwhile
                    }
                    let next = rec.revision + 1;
                    self.tag_row(rec, next);
                    Ok(())
                });
                match tagged {
                    Ok(_) => {}
                    Err(e) if e.code() == crate::ErrorCode::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            match page.ids.last() {
                Some(last) if page.remaining > page.ids.len() as u64 => after = Some(last.clone()),
                _ => break,
            }
        }
        let check = self.sealer.seal(KEY_CHECK_OWNER, Purpose::KeyCheck, KEY_CHECK_TAGGED)?;
        self.store.set_meta(KEY_CHECK, Some(&check))
    }

    /// Re-seals under the current key the TOTP secrets of up to `batch_size` (1–10000) users, and
    /// re-tags their rows; returns how far the rotation has come. Call it until
    /// [`RekeyProgress::finished`]: the cursor lives in the store, so the calls may be spread over time,
    /// processes and restarts, and running it again after it finished is harmless (rows already under
    /// the current key are not rewritten). The last call re-seals the store's key check, after which
    /// previous keys may be removed from the options. A row that fails its integrity check stops the
    /// rotation with `CRYPTO` (delete or restore that user, then call again).
    pub fn rekey(&self, batch_size: usize) -> Result<RekeyProgress> {
        if batch_size == 0 || batch_size > MAX_REKEY_BATCH {
            return Err(Error::invalid(format!("batch_size must be 1..={MAX_REKEY_BATCH}")));
        }
        let cursor = match self.store.get_meta(REKEY_CURSOR)? {
            Some(v) => serde_json::from_slice::<Cursor>(&v).ok(),
            None => None,
        };
        let (after, done_before) = match cursor {
            Some(c) => (Some(c.after), c.done),
            None => (None, 0),
        };
        let page = self.store.user_ids_after(after.as_deref(), batch_size)?;
        for id in &page.ids {
            self.rekey_user(id)?;
        }
        let done = done_before + page.ids.len() as u64;
        match page.ids.last() {
            Some(last) if page.remaining > page.ids.len() as u64 => {
                let c = Cursor { after: last.clone(), done };
                let text = serde_json::to_vec(&c).map_err(|e| Error::Internal(e.to_string()))?;
                self.store.set_meta(REKEY_CURSOR, Some(&text))?;
                Ok(RekeyProgress {
                    done,
                    total: done + page.remaining - page.ids.len() as u64,
                    finished: false,
                })
            }
            _ => {
                let check = self.sealer.seal(KEY_CHECK_OWNER, Purpose::KeyCheck, KEY_CHECK_TAGGED)?;
                self.store.set_meta(KEY_CHECK, Some(&check))?;
                self.store.set_meta(REKEY_CURSOR, None)?;
                Ok(RekeyProgress { done, total: done, finished: true })
            }
        }
    }

    fn rekey_user(&self, user_id: &str) -> Result<()> {
        let Some(snapshot) = self.find_user(user_id)? else { return Ok(()) };
        if self.is_current(&snapshot) {
            return Ok(());
        }
        let now = self.now();
        let result = self.update(user_id, &mut |rec, changes| {
            let owner = rec.user_id.clone();
            // A device token cannot be re-hashed (only its hash is kept): a rotation forgets the devices
            // remembered under previous keys.
            let before = rec.devices.len();
            rec.devices.retain(|d| self.sealer.device_hash_is_current(&d.token_hash));
            if rec.devices.len() < before {
                let detail =
                    format!("{} remembered device(s) forgotten: key rotation", before - rec.devices.len());
                changes.events.push(super::event(rec, EventKind::DeviceRevoked, now, detail));
            }
            if let Some(t) = rec.totp.as_mut()
                && !self.sealer.is_current(&t.sealed_secret)
            {
                let plain = self.sealer.open(&owner, Purpose::ActiveTotp, &t.sealed_secret)?;
                t.sealed_secret = self.sealer.seal(&owner, Purpose::ActiveTotp, &plain)?;
            }
            if let Some(p) = rec.pending_totp.as_mut()
                && !self.sealer.is_current(&p.sealed_secret)
            {
                let plain = self.sealer.open(&owner, Purpose::PendingTotp, &p.sealed_secret)?;
                p.sealed_secret = self.sealer.seal(&owner, Purpose::PendingTotp, &plain)?;
            }
            Ok(())
        });
        match result {
            Err(e) if e.code() == crate::ErrorCode::NotFound => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Whether a row's secrets and tag are all under the current key.
    fn is_current(&self, rec: &UserRecord) -> bool {
        rec.totp.as_ref().is_none_or(|t| self.sealer.is_current(&t.sealed_secret))
            && rec.pending_totp.as_ref().is_none_or(|p| self.sealer.is_current(&p.sealed_secret))
            && rec.integrity_tag.as_deref().is_some_and(|t| self.sealer.tag_is_current(t))
            && rec.devices.iter().all(|d| self.sealer.device_hash_is_current(&d.token_hash))
    }

    /// Opens the key check: `Ok(true)` when the store's rows are all tagged, `Ok(false)` for a store
    /// from before row integrity, `CRYPTO` when no configured key opens it.
    pub(super) fn read_key_check(&self, stored: &[u8]) -> Result<bool> {
        let plain = self.sealer.open(KEY_CHECK_OWNER, Purpose::KeyCheck, stored).map_err(|_| {
            Error::Crypto(
                "the key does not match the one this database was created with (nor does any previous key)"
                    .into(),
            )
        })?;
        match plain.as_slice() {
            p if p == KEY_CHECK_TAGGED => Ok(true),
            p if p == KEY_CHECK_PLAINTEXT => Ok(false),
            _ => Err(Error::Crypto("the store's key check is not one authward writes".into())),
        }
    }
}

/// What [`Authward::update_checked`] writes from.
enum Base<'a> {
    /// The store's own read.
    Read,
    /// A snapshot just read or written ([`crate::store::Store::update_user_from`]).
    Snapshot(&'a UserRecord),
    /// A snapshot, written only if it, the account and the challenge are unchanged
    /// ([`crate::store::Store::update_user_if_unchanged`]).
    Unchanged(&'a UserRecord, &'a AccountRecord, &'a [u8; 32]),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::lockout::LockoutState;
    use crate::store::TotpRecord;

    fn record() -> UserRecord {
        UserRecord {
            user_id: "u".into(),
            account_id: "a".into(),
            email: None,
            created_at: 1,
            password_hash: "h".into(),
            password_changed_at: 2,
            must_change_password: false,
            password_history: vec!["h0".into()],
            credential_version: 3,
            lockout: LockoutState::default(),
            totp: Some(TotpRecord {
                sealed_secret: vec![1, 2],
                config: TotpConfig::default(),
                last_step: Some(5),
                enabled_at: 4,
            }),
            pending_totp: None,
            recovery_codes: vec!["r".into()],
            devices: vec![crate::store::RememberedDevice {
                id: "d".into(),
                token_hash: vec![9; 40],
                label: "l".into(),
                created_at: 1,
                last_used_at: 2,
                expires_at: 3,
                credential_version: 3,
            }],
            revision: 7,
            integrity_tag: None,
        }
    }

    #[test]
    fn every_covered_field_changes_the_encoding() {
        let base = encode_row(&record(), 7);
        type Edit = Box<dyn Fn(&mut UserRecord)>;
        let edits: Vec<Edit> = vec![
            Box::new(|r| r.user_id.push('x')),
            Box::new(|r| r.account_id.push('x')),
            Box::new(|r| r.email = Some(String::new())),
            Box::new(|r| r.created_at += 1),
            Box::new(|r| r.password_hash.push('x')),
            Box::new(|r| r.password_changed_at += 1),
            Box::new(|r| r.must_change_password = true),
            Box::new(|r| r.password_history.clear()),
            Box::new(|r| r.credential_version += 1),
            Box::new(|r| r.lockout.strangers_locked_until = 9),
            Box::new(|r| r.totp.as_mut().unwrap().sealed_secret.push(0)),
            Box::new(|r| r.totp.as_mut().unwrap().config.digits = 8),
            Box::new(|r| r.totp.as_mut().unwrap().last_step = Some(4)),
            Box::new(|r| r.totp.as_mut().unwrap().last_step = None),
            Box::new(|r| r.totp.as_mut().unwrap().enabled_at += 1),
            Box::new(|r| r.totp = None),
            Box::new(|r| r.recovery_codes.push("s".into())),
            Box::new(|r| r.devices.clear()),
            Box::new(|r| r.devices.push(r.devices[0].clone())),
            Box::new(|r| r.devices[0].id.push('x')),
            Box::new(|r| r.devices[0].token_hash[0] ^= 1),
            Box::new(|r| r.devices[0].label.push('x')),
            Box::new(|r| r.devices[0].created_at += 1),
            Box::new(|r| r.devices[0].last_used_at += 1),
            Box::new(|r| r.devices[0].expires_at += 1),
            Box::new(|r| r.devices[0].credential_version += 1),
            // Moving an item from one list to another is not the same row.
            Box::new(|r| {
                r.password_history.push("r".into());
                r.recovery_codes.clear();
            }),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut r = record();
            edit(&mut r);
            assert_ne!(encode_row(&r, 7), base, "edit {i} not covered");
        }
        assert_ne!(encode_row(&record(), 8), base, "revision not covered");
    }
}
