//! Signing in: the password step and the second-factor step, each attempt reserved against the
//! lockout before it is checked (see [`crate::account::lockout`]).

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use zeroize::Zeroizing;

use super::devices::{check_label, decode_token};
use super::sealing::Purpose;
use super::types::{SignIn, SignInStatus};
use super::{
    Authward, CHALLENGE_TTL, challenge_hash, check_id, check_password_arg, count_failure, event, locked_out,
    log_lock, signed_in,
};
use crate::account::LockoutPolicy;
use crate::account::lockout::{LastCode, Locked};
use crate::error::{Error, ErrorCode, Result};
use crate::event::EventKind;
use crate::password::hash;
use crate::recovery;
use crate::store::{AccountRecord, ChallengeContext, ChallengeRecord, UserRecord};
use crate::totp::{Check, Totp};

/// The id under which a challenge's wrong codes are counted: the first 8 bytes of its hash.
fn challenge_id(token_hash: &[u8; 32]) -> String {
    HEXLOWER.encode(&token_hash[..8])
}

impl Authward {
    /// First step of signing in; [`Authward::sign_in_from`] without a client.
    pub fn sign_in(&self, user_id: &str, password: &str) -> Result<SignIn> {
        self.sign_in_from(user_id, password, None)
    }

    /// First step of signing in, from `client` (an opaque string the app passes, e.g. the IP address or
    /// a device-cookie id; only its keyed hash is stored): failures are counted per client and per
    /// user (see [`crate::account::lockout`]).
    ///
    /// Unknown user or wrong password: `INVALID_CREDENTIALS`, with the same work and the same lockout
    /// either way. Budget spent: `LOCKED_OUT` (the attempt is not checked). With 2FA on:
    /// `SecondFactorRequired` and a challenge for [`Authward::verify_second_factor_from`]. Otherwise
    /// `Complete`, or `ActionRequired` when the user must enrol 2FA or change the password first (also
    /// when the attached breached-password filter lists the password: the user is then flagged to
    /// change it, as by an admin's `require_password_change`). A hash
    /// made with other parameters than today's is replaced.
    pub fn sign_in_from(&self, user_id: &str, password: &str, client: Option<&str>) -> Result<SignIn> {
        self.sign_in_with_device(user_id, password, client, None)
    }

    /// [`Authward::sign_in_from`] with a remembered-device token (from
    /// [`Authward::verify_second_factor_remember`]). The password is checked exactly as without one
    /// (a token never skips it); then, for a user with 2FA, a valid token of theirs (not expired, their
    /// credentials unchanged since, the account's policy still remembering devices) answers what a
    /// completed second factor answers (`Complete` or `ActionRequired`), logged as a sign-in with a
    /// remembered device. A wrong, expired, revoked or malformed token is ignored: the answer is
    /// `SecondFactorRequired` as without one, nothing counted and no error.
    pub fn sign_in_with_device(
        &self,
        user_id: &str,
        password: &str,
        client: Option<&str>,
        device_token: Option<&str>,
    ) -> Result<SignIn> {
        check_id("user id", user_id)?;
        check_password_arg("password", password)?;
        let device_token = decode_token(device_token);
        let client = self.client_key(client)?;
        let Some((snapshot, account)) = self.find_user_with_account(user_id)? else {
            return self.sign_in_unknown(user_id, password, &client);
        };
        let lockout = account.policy.lockout;
        let now = self.now();

        // 1. Reserve the attempt (or answer the lock, after the same work as any answer).
        let mut reservation = None;
        let reserved = self.update_from(&snapshot, &mut |rec, changes| {
            let r = rec.lockout.reserve(&lockout, &client, now).map_err(|l| locked_out(l, now))?;
            log_lock(rec, &r, now, changes);
            reservation = Some(r);
            Ok(())
        });
        let reserved = match reserved {
            Ok(rec) => rec,
            Err(e) => {
                if e.code() == ErrorCode::LockedOut {
                    let _ = self.dummy_verify(password);
                }
                return Err(e);
            }
        };
        let Some(r) = reservation else {
            return Err(Error::Internal("no reservation".into()));
        };

        // 2. Check, outside any transaction.
        let (ok, output) =
            hash::verify_with_output(password, &snapshot.password_hash, self.pepper(), &self.verify_limits)?;
        let tag = self.wrong_tag(&output);
        drop(output);
        // NIST 800-63B 5.1.1.2: a right password the attached filter lists must be changed.
        let breached =
            ok && account.policy.password.breach_violation(password, self.breach_filter()).is_some();
        let outdated = hash::needs_rehash(&snapshot.password_hash, &self.hash_params).unwrap_or(true);
        let rehash = match (ok, outdated) {
            (true, true) => Some(hash::hash(password, &self.hash_params, self.pepper())?),
            // A wrong password on an outdated hash pays for today's parameters too, as the right one
            // does when it is rehashed: dormant users cost what unknown ids cost.
            (false, true) => {
                let _ = self.dummy_verify(password);
                None
            }
            _ => None,
        };

        // 3. Judge: give the attempt back, or leave it counted.
        let token = Zeroizing::new(crate::random::bytes::<32>()?);
        let token_hash = challenge_hash(token.as_ref());
        let now = self.now();
        let mut right = false;
        let mut challenge_issued = false;
        // From the record the reservation wrote: unless another request wrote the user meanwhile,
        // the store needs no second read.
        let rec = self.update_from(&reserved, &mut |rec, changes| {
            right = ok && rec.password_hash == snapshot.password_hash;
            challenge_issued = false;
            if !right {
                if rec.lockout.seen_wrong(&tag, now) {
                    rec.lockout.give_back(&r);
                    changes.events.push(event(
                        rec,
                        EventKind::SignInFailed,
                        now,
                        "wrong password, the same as just before (not counted again)",
                    ));
                } else {
                    changes.events.push(event(rec, EventKind::SignInFailed, now, "wrong password"));
                }
                return Ok(());
            }
            rec.lockout.give_back(&r);
            if breached {
                // Kept until the user's own change, so the second factor's step requires it too.
                rec.must_change_password = true;
            }
            if let Some(h) = &rehash {
                rec.password_hash.clone_from(h);
                changes.events.push(event(
                    rec,
                    EventKind::PasswordRehashed,
                    now,
                    "upgraded to current parameters",
                ));
            }
            let device = match &device_token {
                Some(t) if rec.totp.is_some() => self.matching_device(rec, &account.policy, t, now),
                _ => None,
            };
            if let Some(i) = device {
                rec.devices[i].last_used_at = now;
                rec.lockout.complete(&client);
                rec.lockout.signed_in_at = now;
                let detail = format!("password and remembered device {}", rec.devices[i].id);
                changes.events.push(event(rec, EventKind::SignIn, now, detail));
            } else if rec.totp.is_some() {
                let expires_at = now + CHALLENGE_TTL;
                rec.lockout.open_challenge(&challenge_id(&token_hash), &client, expires_at, now);
                changes.new_challenge = Some(ChallengeRecord {
                    token_hash,
                    user_id: rec.user_id.clone(),
                    expires_at,
                    used: false,
                });
                changes.purge_challenges_before = Some(now);
                challenge_issued = true;
            } else {
                rec.lockout.complete(&client);
                rec.lockout.signed_in_at = now;
                changes.events.push(event(rec, EventKind::SignIn, now, "password"));
            }
            Ok(())
        })?;
        if !right {
            return Err(Error::InvalidCredentials);
        }
        if challenge_issued {
            if let Some(cache) = &self.challenge_cache {
                let challenge = ChallengeRecord {
                    token_hash,
                    user_id: rec.user_id.clone(),
                    expires_at: now + CHALLENGE_TTL,
                    used: false,
                };
                let context =
                    ChallengeContext { challenge, user: Some(rec.clone()), account: Some(account.clone()) };
                cache.put(context, now);
            }
            return Ok(SignIn {
                status: SignInStatus::SecondFactorRequired,
                challenge: Some(Zeroizing::new(BASE64URL_NOPAD.encode(token.as_ref()))),
                required_actions: Vec::new(),
                password_expires_in_days: None,
                password_expires_at: None,
                two_factor_deadline: None,
                credential_version: rec.credential_version,
                device_token: None,
            });
        }
        Ok(signed_in(&rec, &account, now))
    }

    /// An id that is no user: the same two store transactions, the same Argon2 work and the same
    /// lockout (under the default policy) as a user with a wrong password.
    fn sign_in_unknown(&self, user_id: &str, password: &str, client: &str) -> Result<SignIn> {
        let key = self.unknown_key(user_id);
        let lockout = LockoutPolicy::default();
        let now = self.now();
        let mut reservation = None;
        let mut locked: Option<Locked> = None;
        let reserved = self.store.update_unknown(&key, now, &mut |state| {
            locked = None;
            match state.reserve(&lockout, client, now) {
                Ok(r) => {
                    reservation = Some(r);
                    Ok(())
                }
                Err(l) => {
                    locked = Some(l);
                    Err(locked_out(l, now))
                }
            }
        });
        let tag = self.dummy_verify(password);
        if let Some(l) = locked {
            return Err(locked_out(l, now));
        }
        reserved?;
        let now = self.now();
        self.store.update_unknown(&key, now, &mut |state| {
            if state.seen_wrong(&tag, now)
                && let Some(r) = &reservation
            {
                state.give_back(r);
            }
            Ok(())
        })?;
        Err(Error::InvalidCredentials)
    }

    /// Second step; [`Authward::verify_second_factor_from`] without a client.
    pub fn verify_second_factor(&self, challenge: &str, code: &str) -> Result<SignIn> {
        self.verify_second_factor_from(challenge, code, None)
    }

    /// Second step: a TOTP code or a recovery code for the challenge `sign_in` gave, from `client`
    /// (without one, the client the password came from is used).
    ///
    /// Errors: `CHALLENGE_EXPIRED` (unknown, used, older than 5 minutes, or spent by 5 wrong codes),
    /// `INVALID_CODE` (the challenge stays valid; the failure counts toward lockout), `CODE_REUSED` (a
    /// code whose time step was already used; also the code that completed this very challenge posted
    /// on it again, which costs nothing), `LOCKED_OUT`. Of two concurrent uses of one code exactly
    /// one succeeds. Success is `Complete` or `ActionRequired`, as for [`Authward::sign_in_from`].
    pub fn verify_second_factor_from(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
    ) -> Result<SignIn> {
        self.second_factor(challenge, code, client, None)
    }

    /// [`Authward::verify_second_factor_from`], asking to remember the device ("don't ask for a code on
    /// this device"): on success, when the account's policy sets `remember_device_days`, the answer
    /// carries [`SignIn::device_token`] (returned once) for [`Authward::sign_in_with_device`], and the
    /// device is listed under `label` (the app's name for it, e.g. the browser: at most 200 bytes, no
    /// control characters, else `INVALID_ARGUMENT`) and logged as `device_remembered`. With the policy
    /// off the answer is the same without a token (not an error). A user keeps at most
    /// [`super::MAX_DEVICES`]; one more forgets the least recently used.
    pub fn verify_second_factor_remember(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
        label: &str,
    ) -> Result<SignIn> {
        check_label(label)?;
        self.second_factor(challenge, code, client, Some(label))
    }

    fn second_factor(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
        remember: Option<&str>,
    ) -> Result<SignIn> {
        if challenge.len() > 128 {
            return Err(Error::ChallengeExpired);
        }
        let given_client = client.map(|c| self.client_key(Some(c))).transpose()?;
        let token = BASE64URL_NOPAD.decode(challenge.as_bytes()).map_err(|_| Error::ChallengeExpired)?;
        let token = Zeroizing::new(token);
        if token.len() != 32 {
            return Err(Error::ChallengeExpired);
        }
        let token_hash = challenge_hash(&token);
        let now = self.now();
        let attempt = SecondFactor { token_hash, code, client: given_client.as_deref(), remember, now };
        // What this server's sign-in wrote with the challenge, if it kept it: judged with no read, and
        // written only if nothing moved on since (else from a read, as if it had not been kept).
        if let Some(context) = self.challenge_cache.as_ref().and_then(|c| c.take(&token_hash, now))
            && let Some(answer) = self.judge_second_factor(&attempt, context, true)?
        {
            return Ok(answer);
        }
        // One read: the challenge, its user and their account.
        let Some(context) = self.store.challenge_with_user(&token_hash)? else {
            return Err(Error::ChallengeExpired);
        };
        self.judge_second_factor(&attempt, context, false)?
            .ok_or_else(|| Error::Internal("a judgement from a read did not write".into()))
    }

    /// The second step on `context`: the challenge, its user and their account, as read from the store
    /// or (`cached`) as this server's sign-in wrote them. `Ok(None)` only when `cached` and the user,
    /// the account's policy or the challenge moved on since, or the judgement refused on what was
    /// remembered: nothing was written, and the caller judges again from a read.
    fn judge_second_factor(
        &self,
        attempt: &SecondFactor<'_>,
        context: ChallengeContext,
        cached: bool,
    ) -> Result<Option<SignIn>> {
        let SecondFactor { token_hash, code, client: given_client, remember, now } = *attempt;
        let ChallengeContext { challenge: found, user, account } = context;
        let cid = challenge_id(&token_hash);
        if now > found.expires_at {
            return Err(Error::ChallengeExpired);
        }
        if found.used {
            return Err(self.used_challenge_reposted(user, code, now));
        }
        let Some(snapshot) = user else {
            return Err(Error::NotFound(format!("user {:?}", found.user_id)));
        };
        if let Err(e) = self.verify_row(&snapshot) {
            self.log_integrity_failure(&snapshot.user_id, &snapshot.account_id);
            return Err(e);
        }
        let account = account.unwrap_or_else(|| AccountRecord::unset(&snapshot.account_id));
        let lockout = account.policy.lockout;
        let minted = match remember {
            Some(label) => self.mint_device(&found.user_id, &account.policy, label, now)?,
            None => None,
        };
        let mut outcome: Result<()> = Err(Error::Internal("no outcome".into()));
        // Whether the challenge stays open after this write (a wrong code), and whether the judgement
        // itself refused (nothing written).
        let (mut stays_open, mut refused) = (false, false);
        let mut judge = |rec: &mut crate::store::UserRecord, changes: &mut crate::store::Changes| {
            let client = given_client.map_or_else(|| rec.lockout.challenge_client(&cid), str::to_string);
            if let Some(l) = rec.lockout.lock_for(&client, now) {
                return Err(locked_out(l, now));
            }
            let Some(active) = rec.totp.clone() else {
                return Err(Error::ChallengeExpired);
            };
            let secret = self.sealer.open(&rec.user_id, Purpose::ActiveTotp, &active.sealed_secret)?;
            let totp = Totp::from_bytes(&secret, &active.config)?;
            let failure = |rec: &mut crate::store::UserRecord,
                           changes: &mut crate::store::Changes,
                           kind: EventKind,
                           detail: &str|
             -> Result<()> {
                count_failure(rec, &lockout, &client, now, changes, kind, detail)
                    .map_err(|l| locked_out(l, now))?;
                if rec.lockout.challenge_failed(&cid) {
                    // Its last chance is gone: the user signs in again.
                    rec.lockout.close_challenge(&cid);
                    changes.consume_challenge = Some(token_hash);
                }
                Ok(())
            };
            match totp.check(code, now, active.last_step) {
                Check::Valid(step) => {
                    if let Some(t) = rec.totp.as_mut() {
                        t.last_step = Some(step);
                    }
                    rec.lockout.complete(&client);
                    rec.lockout.signed_in_at = now;
                    rec.lockout.close_challenge(&cid);
                    rec.lockout.last_code = Some(LastCode { step, client: client.clone() });
                    // Kept, marked used, until its end: the same form posted again is CODE_REUSED.
                    changes.use_challenge = Some(token_hash);
                    changes.events.push(event(
                        rec,
                        EventKind::SignIn,
                        now,
                        "password and authenticator code",
                    ));
                    if let Some(m) = &minted {
                        Self::remember(rec, m.device.clone(), now, changes);
                    }
                    outcome = Ok(());
                }
                Check::Reused(step) => {
                    let same_post =
                        rec.lockout.last_code.as_ref().is_some_and(|l| l.step == step && l.client == client);
                    if same_post {
                        changes.events.push(event(
                            rec,
                            EventKind::CodeReused,
                            now,
                            "the code of the last sign-in, sent again from the same client (not counted)",
                        ));
                    } else {
                        failure(rec, changes, EventKind::CodeReused, "authenticator code replayed")?;
                    }
                    outcome = Err(Error::CodeReused);
                }
                Check::Invalid => match recovery::find(code, &rec.recovery_codes) {
                    Some(i) => {
                        rec.recovery_codes.remove(i);
                        rec.lockout.complete(&client);
                        rec.lockout.signed_in_at = now;
                        rec.lockout.close_challenge(&cid);
                        changes.consume_challenge = Some(token_hash);
                        let left = rec.recovery_codes.len();
                        changes.events.push(event(
                            rec,
                            EventKind::RecoveryCodeUsed,
                            now,
                            format!("{left} left"),
                        ));
                        changes.events.push(event(rec, EventKind::SignIn, now, "password and recovery code"));
                        if let Some(m) = &minted {
                            Self::remember(rec, m.device.clone(), now, changes);
                        }
                        outcome = Ok(());
                    }
                    None => {
                        failure(rec, changes, EventKind::SignInFailed, "wrong code")?;
                        outcome = Err(Error::InvalidCode);
                    }
                },
            }
            Ok(())
        };
        let mut judged = |rec: &mut crate::store::UserRecord, changes: &mut crate::store::Changes| {
            let judgement = judge(rec, changes);
            refused = judgement.is_err();
            stays_open = changes.consume_challenge.is_none() && changes.use_challenge.is_none();
            judgement
        };
        let rec = if cached {
            match self.update_if_unchanged(&snapshot, &account, &token_hash, &mut judged) {
                Ok(Some(rec)) => rec,
                Ok(None) => return Ok(None),
                // Refused on what the sign-in wrote (locked, 2FA gone): that may have moved on too.
                Err(_) if refused => return Ok(None),
                Err(e) => return Err(e),
            }
        } else {
            self.update_from(&snapshot, &mut judged)?
        };
        if stays_open && let Some(cache) = &self.challenge_cache {
            let context = ChallengeContext {
                challenge: found,
                user: Some(rec.clone()),
                account: Some(account.clone()),
            };
            cache.put(context, now);
        }
        outcome?;
        let mut answer = signed_in(&rec, &account, now);
        answer.device_token = minted.map(|m| m.text);
        Ok(Some(answer))
    }

    /// The answer to a used challenge (one that completed a sign-in, still within its life), from the
    /// read that found it: `CODE_REUSED` when `code` is the code that completed it, so the same form
    /// posted twice reads as a replay; `CHALLENGE_EXPIRED` otherwise. Nothing is written and nothing
    /// counted: a used challenge gives no guesses (only its holder, who just signed in, learns anything).
    fn used_challenge_reposted(&self, user: Option<UserRecord>, code: &str, now: u64) -> Error {
        let reused = || -> Result<bool> {
            let Some(rec) = user else { return Ok(false) };
            if let Err(e) = self.verify_row(&rec) {
                self.log_integrity_failure(&rec.user_id, &rec.account_id);
                return Err(e);
            }
            let (Some(active), Some(last)) = (rec.totp.as_ref(), rec.lockout.last_code.as_ref()) else {
                return Ok(false);
            };
            let secret = self.sealer.open(&rec.user_id, Purpose::ActiveTotp, &active.sealed_secret)?;
            let totp = Totp::from_bytes(&secret, &active.config)?;
            Ok(matches!(totp.check(code, now, active.last_step), Check::Reused(step) if step == last.step))
        };
        match reused() {
            Ok(true) => Error::CodeReused,
            Ok(false) => Error::ChallengeExpired,
            Err(e) => e,
        }
    }
}

/// One second-factor post, as [`Authward::judge_second_factor`] judges it.
#[derive(Clone, Copy)]
struct SecondFactor<'a> {
    token_hash: [u8; 32],
    code: &'a str,
    /// The client's keyed hash, if the call named one.
    client: Option<&'a str>,
    remember: Option<&'a str>,
    now: u64,
}
