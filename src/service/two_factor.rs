//! Two-factor authentication: enrolment, confirmation, disabling, recovery codes, admin reset.

use zeroize::Zeroizing;

use super::sealing::Purpose;
use super::types::Enrollment;
use super::{
    Authward, PENDING_ENROLLMENT_TTL, admin_event, check_actor, check_id, check_password_arg, count_failure,
    event, generate_recovery_codes, locked_out,
};
use crate::account::AccountPolicy;
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::qr;
use crate::store::{PendingTotp, TotpRecord, UserRecord};
use crate::totp::{self, Check, Totp};

impl Authward {
    // ---------------------------------------------------------------- two-factor

    /// Starts a TOTP enrolment; [`Authward::begin_totp_enrollment_with_proof`] without proof, which is
    /// enough for a first enrolment but refused (`WRONG_PASSWORD`) while an authenticator is active.
    pub fn begin_totp_enrollment(&self, user_id: &str, issuer: &str) -> Result<Enrollment> {
        self.begin_totp_enrollment_with_proof(user_id, issuer, None)
    }

    /// Starts a TOTP enrolment: a new secret (pending for 15 minutes, replacing any earlier pending one)
    /// with its `otpauth://` URI and QR renderings. The account name in the URI is the user's email, or
    /// their id. The account's TOTP settings apply.
    ///
    /// Replacing an active authenticator (a new phone) needs `proof`: the current password, or a
    /// current code from the authenticator being replaced. A missing or wrong proof is `WRONG_PASSWORD`
    /// and counts toward lockout like any other proof (`LOCKED_OUT` once the budget is spent); the old
    /// authenticator keeps working until the new one is confirmed. A first enrolment needs none.
    pub fn begin_totp_enrollment_with_proof(
        &self,
        user_id: &str,
        issuer: &str,
        proof: Option<&str>,
    ) -> Result<Enrollment> {
        if let Some(p) = proof {
            check_password_arg("proof", p)?;
        }
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        if snapshot.totp.is_some() {
            self.prove_for_replacement(&snapshot, &account.policy, proof)?;
        }
        let config = account.policy.totp;
        let secret = Zeroizing::new(totp::generate_secret()?);
        let bytes = totp::decode_secret(&secret)?;
        let account_name = snapshot.email.as_deref().unwrap_or(user_id);
        let uri = Zeroizing::new(totp::build_uri(&secret, issuer, account_name, &config)?);
        let sealed = self.sealer.seal(user_id, Purpose::PendingTotp, &bytes)?;
        let enrollment = Enrollment {
            qr_svg: qr::svg(&uri)?,
            qr_png: qr::png(&uri, qr::DEFAULT_SCALE)?,
            qr_terminal: qr::terminal(&uri)?,
            secret,
            uri,
            expires_at: self.now() + PENDING_ENROLLMENT_TTL,
        };
        let expires_at = enrollment.expires_at;
        self.update(user_id, &mut |rec, _| {
            if rec.totp.is_some() && snapshot.totp.is_none() {
                // 2FA was turned on meanwhile: this enrolment would now be a replacement without proof.
                return Err(Error::InvalidState(
                    "two-factor authentication was enabled meanwhile; begin again".into(),
                ));
            }
            rec.pending_totp = Some(PendingTotp { sealed_secret: sealed.clone(), config, expires_at });
            Ok(())
        })?;
        Ok(enrollment)
    }

    /// The proof a replacement enrolment needs: a current code of the active authenticator (checked
    /// and counted in one transaction, its step then used) or the password (reserved, then hashed).
    fn prove_for_replacement(
        &self,
        snapshot: &UserRecord,
        policy: &AccountPolicy,
        proof: Option<&str>,
    ) -> Result<()> {
        let Some(proof) = proof else {
            return Err(Error::WrongPassword);
        };
        let lockout = policy.lockout;
        let looks_like_code = snapshot.totp.as_ref().is_some_and(|t| {
            proof.len() == usize::from(t.config.digits) && proof.bytes().all(|b| b.is_ascii_digit())
        });
        if looks_like_code {
            let now = self.now();
            let mut matched = false;
            self.update(&snapshot.user_id, &mut |rec, _| {
                matched = false;
                if let Some(l) = rec.lockout.lock_for("", now) {
                    return Err(locked_out(l, now));
                }
                let Some(active) = rec.totp.clone() else {
                    return Err(Error::InvalidState(
                        "two-factor authentication was turned off meanwhile".into(),
                    ));
                };
                let secret = self.sealer.open(&rec.user_id, Purpose::ActiveTotp, &active.sealed_secret)?;
                if let Check::Valid(step) =
                    Totp::from_bytes(&secret, &active.config)?.check(proof, now, active.last_step)
                {
                    if let Some(t) = rec.totp.as_mut() {
                        t.last_step = Some(step);
                    }
                    matched = true;
                }
                Ok(())
            })?;
            if matched {
                return Ok(());
            }
            // Not a current code: it may still be a (digits-only) password; that check counts.
        }
        self.checked_password(
            snapshot,
            &lockout,
            proof,
            "",
            EventKind::ReauthenticationFailed,
            Error::WrongPassword,
        )
    }

    /// Confirms the pending enrolment with a code from the app: 2FA is on from now, the code's time step
    /// counts as used (it cannot be replayed at the next sign-in), and 10 new recovery codes are returned
    /// (shown once; only hashes are kept; the buffer wipes them when dropped). Errors: `INVALID_STATE`
    /// (nothing pending, or it expired), `INVALID_CODE` (counts toward lockout), `LOCKED_OUT`.
    pub fn confirm_totp_enrollment(&self, user_id: &str, code: &str) -> Result<Zeroizing<Vec<String>>> {
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let (codes, hashes) = generate_recovery_codes()?;
        let now = self.now();
        let mut outcome: Result<()> = Err(Error::Internal("no outcome".into()));
        self.update(user_id, &mut |rec, changes| {
            if let Some(l) = rec.lockout.lock_for("", now) {
                return Err(locked_out(l, now));
            }
            let pending = match &rec.pending_totp {
                Some(p) if now <= p.expires_at => p.clone(),
                Some(_) => return Err(Error::InvalidState("the enrolment expired; begin again".into())),
                None => return Err(Error::InvalidState("no enrolment in progress".into())),
            };
            let secret = self.sealer.open(&rec.user_id, Purpose::PendingTotp, &pending.sealed_secret)?;
            match Totp::from_bytes(&secret, &pending.config)?.check(code, now, None) {
                Check::Valid(step) => {
                    let sealed = self.sealer.seal(&rec.user_id, Purpose::ActiveTotp, &secret)?;
                    let replaced = rec.totp.is_some();
                    rec.totp = Some(TotpRecord {
                        sealed_secret: sealed,
                        config: pending.config,
                        last_step: Some(step),
                        enabled_at: now,
                    });
                    rec.pending_totp = None;
                    rec.recovery_codes = hashes.clone();
                    rec.credential_version += 1;
                    changes.drop_user_challenges = true;
                    let (kind, detail) = if replaced {
                        (
                            EventKind::TwoFactorReplaced,
                            "new authenticator app; the old one and its recovery codes no longer work",
                        )
                    } else {
                        (EventKind::TwoFactorEnabled, "authenticator app")
                    };
                    changes.events.push(event(rec, kind, now, detail));
                    outcome = Ok(());
                }
                _ => {
                    count_failure(
                        rec,
                        &account.policy.lockout,
                        "",
                        now,
                        changes,
                        EventKind::EnrollmentFailed,
                        "wrong enrolment code",
                    )
                    .map_err(|l| locked_out(l, now))?;
                    outcome = Err(Error::InvalidCode);
                }
            }
            Ok(())
        })?;
        outcome.map(|()| codes)
    }

    /// The user turns 2FA off (password required). Errors: `TWO_FACTOR_ENFORCED` while the account
    /// enforces 2FA (from the moment it is switched on, a start date ahead included) and the user is
    /// not [exempt](Authward::set_two_factor_exempt), `WRONG_PASSWORD`, `LOCKED_OUT`, `INVALID_STATE` if 2FA is off.
    pub fn disable_totp(&self, user_id: &str, password: &str) -> Result<()> {
        check_password_arg("password", password)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        if account.policy.enforce_two_factor && !snapshot.lockout.two_factor_exempt {
            return Err(Error::TwoFactorEnforced);
        }
        self.verify_for_flow(&snapshot, &account.policy, password, EventKind::ReauthenticationFailed)?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            // An exemption ended while the password was being checked still holds the user to 2FA.
            if account.policy.enforce_two_factor && !rec.lockout.two_factor_exempt {
                return Err(Error::TwoFactorEnforced);
            }
            if rec.totp.is_none() {
                return Err(Error::InvalidState("two-factor authentication is not enabled".into()));
            }
            rec.totp = None;
            rec.pending_totp = None;
            rec.recovery_codes.clear();
            rec.credential_version += 1;
            changes.drop_user_challenges = true;
            changes.events.push(event(rec, EventKind::TwoFactorDisabled, now, "by the user"));
            Ok(())
        })?;
        Ok(())
    }

    /// New recovery codes replacing the old ones (password required; the buffer wipes them when
    /// dropped). Errors: `WRONG_PASSWORD`, `LOCKED_OUT`, `INVALID_STATE` if 2FA is off.
    pub fn regenerate_recovery_codes(&self, user_id: &str, password: &str) -> Result<Zeroizing<Vec<String>>> {
        check_password_arg("password", password)?;
        let snapshot = self.user(user_id)?;
        let account = self.account(&snapshot.account_id)?;
        self.verify_for_flow(&snapshot, &account.policy, password, EventKind::ReauthenticationFailed)?;
        let (codes, hashes) = generate_recovery_codes()?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            if rec.totp.is_none() {
                return Err(Error::InvalidState("two-factor authentication is not enabled".into()));
            }
            rec.recovery_codes = hashes.clone();
            changes.events.push(event(rec, EventKind::RecoveryCodesRegenerated, now, "by the user"));
            Ok(())
        })?;
        Ok(codes)
    }

    /// Admin (lost phone): turns the user's 2FA off and removes the secret, pending enrolment, recovery
    /// codes and open challenges. Under enforcement the user must enrol again at the next sign-in.
    pub fn reset_two_factor(&self, user_id: &str) -> Result<()> {
        self.reset_two_factor_by(user_id, None)
    }

    /// [`Authward::reset_two_factor`] with the admin's name (`actor`) in the event and the account's
    /// audit log.
    pub fn reset_two_factor_by(&self, user_id: &str, actor: Option<&str>) -> Result<()> {
        check_id("user id", user_id)?;
        check_actor(actor)?;
        let now = self.now();
        self.update(user_id, &mut |rec, changes| {
            let was_on = rec.totp.is_some();
            rec.totp = None;
            rec.pending_totp = None;
            rec.recovery_codes.clear();
            changes.drop_user_challenges = true;
            if was_on {
                rec.credential_version += 1;
                changes.events.push(admin_event(
                    rec,
                    EventKind::TwoFactorDisabled,
                    now,
                    "admin reset",
                    actor,
                ));
            }
            Ok(())
        })?;
        Ok(())
    }
}
