//! Signing in: the password step and the second-factor step.

use data_encoding::BASE64URL_NOPAD;
use zeroize::Zeroizing;

use super::sealing::Purpose;
use super::types::{SignIn, SignInStatus};
use super::{
    Authward, CHALLENGE_TTL, challenge_hash, check_id, check_password_arg, complete, event, locked_for,
    record_failure,
};
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::password::hash;
use crate::recovery;
use crate::store::ChallengeRecord;
use crate::totp::{Check, Totp};

impl Authward {
    // ---------------------------------------------------------------- sign-in

    /// First step of signing in.
    ///
    /// Unknown user or wrong password: `INVALID_CREDENTIALS`, with the same Argon2 work either way. Too
    /// many failures: `LOCKED_OUT`. With 2FA on: `SecondFactorRequired` and a challenge for
    /// [`Authward::verify_second_factor`]. Otherwise `Complete` with the required actions. A hash made
    /// with other parameters than today's is replaced.
    pub fn sign_in(&self, user_id: &str, password: &str) -> Result<SignIn> {
        check_id("user id", user_id)?;
        check_password_arg("password", password)?;
        let Some(snapshot) = self.store.get_user(user_id)? else {
            let _ = hash::verify(password, &self.dummy_hash, self.pepper());
            return Err(Error::InvalidCredentials);
        };
        let account = self.account(&snapshot.account_id)?;
        let now = self.now();
        if let Some(wait) = locked_for(&snapshot, now) {
            return Err(Error::LockedOut { retry_after: wait });
        }
        if !hash::verify(password, &snapshot.password_hash, self.pepper())? {
            self.store.update_user(user_id, &mut |rec, changes| {
                record_failure(rec, &account.policy.lockout, now, changes, "wrong password");
                Ok(())
            })?;
            return Err(Error::InvalidCredentials);
        }
        let rehash = if hash::needs_rehash(&snapshot.password_hash, &self.hash_params).unwrap_or(true) {
            Some(hash::hash(password, &self.hash_params, self.pepper())?)
        } else {
            None
        };
        let token = Zeroizing::new(crate::random::bytes::<32>()?);
        let now = self.now();
        let mut challenge_issued = false;
        let rec = self.store.update_user(user_id, &mut |rec, changes| {
            if let Some(wait) = locked_for(rec, now) {
                return Err(Error::LockedOut { retry_after: wait });
            }
            if rec.password_hash != snapshot.password_hash {
                return Err(Error::InvalidCredentials);
            }
            rec.failed_count = 0;
            if let Some(h) = &rehash {
                rec.password_hash.clone_from(h);
                changes.events.push(event(
                    rec,
                    EventKind::PasswordRehashed,
                    now,
                    "upgraded to current parameters",
                ));
            }
            if rec.totp.is_some() {
                changes.new_challenge = Some(ChallengeRecord {
                    token_hash: challenge_hash(token.as_ref()),
                    user_id: rec.user_id.clone(),
                    expires_at: now + CHALLENGE_TTL,
                });
                changes.purge_challenges_before = Some(now);
                challenge_issued = true;
            } else {
                changes.events.push(event(rec, EventKind::SignIn, now, "password"));
            }
            Ok(())
        })?;
        if challenge_issued {
            return Ok(SignIn {
                status: SignInStatus::SecondFactorRequired,
                challenge: Some(Zeroizing::new(BASE64URL_NOPAD.encode(token.as_ref()))),
                required_actions: Vec::new(),
                password_expires_in_days: None,
                credential_version: rec.credential_version,
            });
        }
        Ok(complete(&rec, &account, now))
    }

    /// Second step: a TOTP code or a recovery code for the challenge `sign_in` gave.
    ///
    /// Errors: `CHALLENGE_EXPIRED` (unknown, used, or older than 5 minutes), `INVALID_CODE` (the challenge
    /// stays valid; the failure counts toward lockout), `CODE_REUSED` (a code whose time step was already
    /// used), `LOCKED_OUT`. Of two concurrent uses of one code exactly one succeeds.
    pub fn verify_second_factor(&self, challenge: &str, code: &str) -> Result<SignIn> {
        if challenge.len() > 128 {
            return Err(Error::ChallengeExpired);
        }
        let token = BASE64URL_NOPAD.decode(challenge.as_bytes()).map_err(|_| Error::ChallengeExpired)?;
        let token = Zeroizing::new(token);
        if token.len() != 32 {
            return Err(Error::ChallengeExpired);
        }
        let token_hash = challenge_hash(&token);
        let now = self.now();
        let found = self.store.get_challenge(&token_hash)?.ok_or(Error::ChallengeExpired)?;
        if now > found.expires_at {
            return Err(Error::ChallengeExpired);
        }
        let snapshot = self.user(&found.user_id)?;
        let account = self.account(&snapshot.account_id)?;
        let mut outcome: Result<()> = Err(Error::Internal("no outcome".into()));
        let rec = self.store.update_user(&found.user_id, &mut |rec, changes| {
            if let Some(wait) = locked_for(rec, now) {
                return Err(Error::LockedOut { retry_after: wait });
            }
            let Some(active) = rec.totp.clone() else {
                return Err(Error::ChallengeExpired);
            };
            let secret = self.sealer.open(&rec.user_id, Purpose::ActiveTotp, &active.sealed_secret)?;
            let totp = Totp::from_bytes(&secret, &active.config)?;
            match totp.check(code, now, active.last_step) {
                Check::Valid(step) => {
                    if let Some(t) = rec.totp.as_mut() {
                        t.last_step = Some(step);
                    }
                    rec.failed_count = 0;
                    changes.consume_challenge = Some(token_hash);
                    changes.events.push(event(
                        rec,
                        EventKind::SignIn,
                        now,
                        "password and authenticator code",
                    ));
                    outcome = Ok(());
                }
                Check::Reused(_) => {
                    changes.events.push(event(
                        rec,
                        EventKind::CodeReused,
                        now,
                        "authenticator code replayed",
                    ));
                    record_failure(rec, &account.policy.lockout, now, changes, "reused code");
                    outcome = Err(Error::CodeReused);
                }
                Check::Invalid => match recovery::find(code, &rec.recovery_codes) {
                    Some(i) => {
                        rec.recovery_codes.remove(i);
                        rec.failed_count = 0;
                        changes.consume_challenge = Some(token_hash);
                        let left = rec.recovery_codes.len();
                        changes.events.push(event(
                            rec,
                            EventKind::RecoveryCodeUsed,
                            now,
                            format!("{left} left"),
                        ));
                        changes.events.push(event(rec, EventKind::SignIn, now, "password and recovery code"));
                        outcome = Ok(());
                    }
                    None => {
                        record_failure(rec, &account.policy.lockout, now, changes, "wrong code");
                        outcome = Err(Error::InvalidCode);
                    }
                },
            }
            Ok(())
        })?;
        outcome?;
        Ok(complete(&rec, &account, now))
    }
}
