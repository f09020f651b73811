//! The `Authward` service: every call that hashes or touches the store returns a Promise (libuv pool)
//! and has a `…Sync` twin running the same closure on the calling thread.

use std::sync::Arc;

use authward::Authward as Core;
use authward::service::MAX_REKEY_BATCH;
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::breach::BreachFilter;
use crate::clock::ManualClock;
use crate::convert::{AccountPolicy, HashParams, number, unwrap_secret, whole, whole_u32};
use crate::records::{
    AccountReport, AdminOptions, AuditEntry, CreateUserOptions, Device, Enrollment, EnrollmentOptions, Event,
    EventsOptions, RekeyProgress, ReportOptions, SecondFactorOptions, SecurityStatus, SignIn, SignInOptions,
    StoreInfo,
};
use crate::task::{Job, call};

/// Options of `Authward.open` and `Authward.inMemory`.
#[napi(object, object_to_js = false)]
pub struct AuthwardOptions {
    /// The clock; default the system clock. A `ManualClock` lets tests and demos move time.
    pub clock: Option<&'static ManualClock>,
    /// Argon2id cost of new hashes (and of rehashes at sign-in); default OWASP (m=19456 KiB, t=2, p=1).
    pub hash_params: Option<HashParams>,
    /// A secret pepper (1–64 bytes) kept outside the database; default none.
    pub pepper: Option<Buffer>,
    /// `Authward.open` only: the keys used before `key` during a rotation (32 bytes each). Secrets and
    /// row tags made under them still work until `rekey` has moved everything to `key`; then drop
    /// them. Default none.
    pub previous_keys: Option<Vec<Buffer>>,
    /// A breached-password filter: listed passwords are refused with `BREACHED` at creation, change and
    /// admin reset, and a sign-in with a listed password is `action_required` with `change_password`
    /// (while the account's `rejectBreached` is on). Default none.
    pub breached_passwords: Option<&'static BreachFilter>,
}

fn core_options(options: Option<AuthwardOptions>) -> authward::Result<authward::AuthwardOptions> {
    let Some(o) = options else { return Ok(authward::AuthwardOptions::default()) };
    Ok(authward::AuthwardOptions {
        clock: o.clock.map(|c| Arc::new(c.core()) as Arc<dyn authward::Clock>),
        hash_params: HashParams::to_core(o.hash_params.as_ref())?,
        pepper: o.pepper.map(|p| p.to_vec()),
        previous_keys: o.previous_keys.unwrap_or_default().iter().map(|k| k.to_vec()).collect(),
        breached_passwords: o.breached_passwords.map(|f| f.inner.clone()),
    })
}

/// Users one `rekey()` call re-seals when no `batchSize` is given (as in Python).
const DEFAULT_REKEY_BATCH: usize = 1000;

fn secret(s: String) -> Zeroizing<String> {
    Zeroizing::new(s)
}

/// The account-security service over a store (SQLite file or memory). Share one per process.
#[napi]
pub struct Authward {
    inner: Arc<Core>,
}

fn open_work(
    path: String,
    key: Buffer,
    options: Option<AuthwardOptions>,
) -> impl FnOnce() -> authward::Result<Authward> + Send + 'static {
    let key = Zeroizing::new(key.to_vec());
    let options = core_options(options);
    move || Ok(Authward { inner: Arc::new(Core::open(&path, &key, options?)?) })
}

fn in_memory_work(
    options: Option<AuthwardOptions>,
) -> impl FnOnce() -> authward::Result<Authward> + Send + 'static {
    let options = core_options(options);
    move || {
        let options = options?;
        if !options.previous_keys.is_empty() {
            return Err(authward::Error::InvalidArgument(
                "previousKeys is an option of Authward.open (an in-memory store has a random key)"
                    .to_string(),
            ));
        }
        Ok(Authward { inner: Arc::new(Core::in_memory(options)?) })
    }
}

#[napi]
impl Authward {
    /// Opens (creating if needed) the store at `path`: a SQLite file, or a `postgres://` /
    /// `postgresql://` URL (a PostgreSQL database shared by many app servers). `key` (32 bytes) encrypts
    /// TOTP secrets at rest: a different key than the store was created with rejects with `CRYPTO`; a
    /// file that is not an authward database, an unreachable server or bad credentials with `STORAGE`.
    #[napi(strict, ts_return_type = "Promise<Authward>")]
    pub fn open(path: String, key: Buffer, options: Option<AuthwardOptions>) -> AsyncTask<Job<Authward>> {
        Job::spawn(open_work(path, key, options))
    }

    /// `Authward.open` on the calling thread.
    #[napi(strict)]
    pub fn open_sync(
        env: Env,
        path: String,
        key: Buffer,
        options: Option<AuthwardOptions>,
    ) -> napi::Result<Authward> {
        call(&env, open_work(path, key, options))
    }

    /// A service over an in-memory store with a random key: for tests and demos.
    #[napi(strict, ts_return_type = "Promise<Authward>")]
    pub fn in_memory(options: Option<AuthwardOptions>) -> AsyncTask<Job<Authward>> {
        Job::spawn(in_memory_work(options))
    }

    /// `Authward.inMemory` on the calling thread.
    #[napi(strict)]
    pub fn in_memory_sync(env: Env, options: Option<AuthwardOptions>) -> napi::Result<Authward> {
        call(&env, in_memory_work(options))
    }

    /// The service's current time (unix seconds, from its clock).
    #[napi(strict)]
    pub fn now(&self) -> f64 {
        number(self.inner.now())
    }

    /// Sets the policy of an account (every field optional; see `AccountPolicy` for the defaults).
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn set_account_policy(
        &self,
        account_id: String,
        policy: AccountPolicy,
        options: Option<AdminOptions>,
    ) -> AsyncTask<Job<()>> {
        Job::spawn(self.set_account_policy_work(account_id, policy, options))
    }

    /// `setAccountPolicy` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn set_account_policy_sync(
        &self,
        env: Env,
        account_id: String,
        policy: AccountPolicy,
        options: Option<AdminOptions>,
    ) -> napi::Result<()> {
        call(&env, self.set_account_policy_work(account_id, policy, options))
    }

    /// The policy of an account, every field filled in (the defaults for an account never set).
    #[napi(strict, ts_return_type = "Promise<AccountPolicy>")]
    pub fn account_policy(&self, account_id: String) -> AsyncTask<Job<AccountPolicy>> {
        Job::spawn(self.account_policy_work(account_id))
    }

    /// `accountPolicy` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn account_policy_sync(&self, env: Env, account_id: String) -> napi::Result<AccountPolicy> {
        call(&env, self.account_policy_work(account_id))
    }

    /// Creates a user of an account. The password must pass the account's policy
    /// (`POLICY_VIOLATION` with `violations`); an existing id is `ALREADY_EXISTS`.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn create_user(
        &self,
        user_id: String,
        account_id: String,
        password: String,
        options: Option<CreateUserOptions>,
    ) -> AsyncTask<Job<()>> {
        Job::spawn(self.create_user_work(user_id, account_id, password, options))
    }

    /// `createUser` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn create_user_sync(
        &self,
        env: Env,
        user_id: String,
        account_id: String,
        password: String,
        options: Option<CreateUserOptions>,
    ) -> napi::Result<()> {
        call(&env, self.create_user_work(user_id, account_id, password, options))
    }

    /// Deletes a user and everything stored about them (`NOT_FOUND` if unknown).
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn delete_user(&self, user_id: String) -> AsyncTask<Job<()>> {
        Job::spawn(self.delete_user_work(user_id))
    }

    /// `deleteUser` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn delete_user_sync(&self, env: Env, user_id: String) -> napi::Result<()> {
        call(&env, self.delete_user_work(user_id))
    }

    /// The user ids of an account (admin).
    #[napi(strict, ts_return_type = "Promise<Array<string>>")]
    pub fn list_users(&self, account_id: String) -> AsyncTask<Job<Vec<String>>> {
        Job::spawn(self.list_users_work(account_id))
    }

    /// `listUsers` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn list_users_sync(&self, env: Env, account_id: String) -> napi::Result<Vec<String>> {
        call(&env, self.list_users_work(account_id))
    }

    /// Changes a password: `WRONG_PASSWORD`, `PASSWORD_MISMATCH`, `POLICY_VIOLATION` (with every
    /// violation) or `PASSWORD_REUSED`. On success expiry restarts and `credentialVersion` grows.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn change_password(
        &self,
        user_id: String,
        current: String,
        new_password: String,
        confirm: String,
    ) -> AsyncTask<Job<()>> {
        Job::spawn(self.change_password_work(user_id, current, new_password, confirm))
    }

    /// `changePassword` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn change_password_sync(
        &self,
        env: Env,
        user_id: String,
        current: String,
        new_password: String,
        confirm: String,
    ) -> napi::Result<()> {
        call(&env, self.change_password_work(user_id, current, new_password, confirm))
    }

    /// Admin reset of a password (the policy and the history apply).
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn set_password(
        &self,
        user_id: String,
        new_password: String,
        options: Option<AdminOptions>,
    ) -> AsyncTask<Job<()>> {
        Job::spawn(self.set_password_work(user_id, new_password, options))
    }

    /// `setPassword` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn set_password_sync(
        &self,
        env: Env,
        user_id: String,
        new_password: String,
        options: Option<AdminOptions>,
    ) -> napi::Result<()> {
        call(&env, self.set_password_work(user_id, new_password, options))
    }

    /// Admin: the user's next sign-in gets the `"change_password"` action.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn require_password_change(
        &self,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> AsyncTask<Job<()>> {
        Job::spawn(self.require_password_change_work(user_id, options))
    }

    /// `requirePasswordChange` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn require_password_change_sync(
        &self,
        env: Env,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> napi::Result<()> {
        call(&env, self.require_password_change_work(user_id, options))
    }

    /// Signs in, optionally `{ client }` (the IP address or a device-cookie id, for client-aware
    /// lockout). Wrong password or unknown user: `INVALID_CREDENTIALS` (same work and lockout either
    /// way); budget spent: `LOCKED_OUT` with `retryAfter`. With 2FA the status is
    /// `"second_factor_required"` and `challenge` goes to `verifySecondFactor`; `"action_required"`
    /// means a session limited to the required actions, `"complete"` a full one.
    #[napi(strict, ts_return_type = "Promise<SignIn>")]
    pub fn sign_in(
        &self,
        user_id: String,
        password: String,
        options: Option<SignInOptions>,
    ) -> AsyncTask<Job<SignIn>> {
        Job::spawn(self.sign_in_work(user_id, password, options.unwrap_or_default()))
    }

    /// `signIn` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn sign_in_sync(
        &self,
        env: Env,
        user_id: String,
        password: String,
        options: Option<SignInOptions>,
    ) -> napi::Result<SignIn> {
        call(&env, self.sign_in_work(user_id, password, options.unwrap_or_default()))
    }

    /// Completes a sign-in with a TOTP code or a recovery code: `INVALID_CODE`, `CODE_REUSED`,
    /// `CHALLENGE_EXPIRED`, `LOCKED_OUT`. Of two concurrent uses of one code exactly one wins.
    /// With `{ rememberDevice: label }` under a policy with `rememberDeviceDays`, the result carries
    /// `deviceToken` for later `signIn(…, { deviceToken })`.
    #[napi(strict, ts_return_type = "Promise<SignIn>")]
    pub fn verify_second_factor(
        &self,
        challenge: String,
        code: String,
        options: Option<SecondFactorOptions>,
    ) -> AsyncTask<Job<SignIn>> {
        Job::spawn(self.verify_second_factor_work(challenge, code, options.unwrap_or_default()))
    }

    /// `verifySecondFactor` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn verify_second_factor_sync(
        &self,
        env: Env,
        challenge: String,
        code: String,
        options: Option<SecondFactorOptions>,
    ) -> napi::Result<SignIn> {
        call(&env, self.verify_second_factor_work(challenge, code, options.unwrap_or_default()))
    }

    /// Starts TOTP enrolment: a pending secret with its URI and QR codes. Replacing an active
    /// authenticator needs `{ password }` (or a current code from it): `WRONG_PASSWORD` otherwise,
    /// counted toward lockout.
    #[napi(strict, ts_return_type = "Promise<Enrollment>")]
    pub fn begin_totp_enrollment(
        &self,
        user_id: String,
        issuer: String,
        options: Option<EnrollmentOptions>,
    ) -> AsyncTask<Job<Enrollment>> {
        Job::spawn(self.begin_totp_enrollment_work(user_id, issuer, options.unwrap_or_default()))
    }

    /// `beginTotpEnrollment` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn begin_totp_enrollment_sync(
        &self,
        env: Env,
        user_id: String,
        issuer: String,
        options: Option<EnrollmentOptions>,
    ) -> napi::Result<Enrollment> {
        call(&env, self.begin_totp_enrollment_work(user_id, issuer, options.unwrap_or_default()))
    }

    /// Admin: exempts the user from the account's enforced 2FA (`true`: no enrolment deadline, and
    /// they may turn 2FA off; e.g. a service account or an SSO user) or ends the exemption (`false`).
    /// Logged as `policy_changed`.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn set_two_factor_exempt(
        &self,
        user_id: String,
        exempt: bool,
        options: Option<AdminOptions>,
    ) -> AsyncTask<Job<()>> {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        Job::spawn(move || svc.set_two_factor_exempt_by(&user_id, exempt, actor.as_deref()))
    }

    /// `setTwoFactorExempt` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn set_two_factor_exempt_sync(
        &self,
        env: Env,
        user_id: String,
        exempt: bool,
        options: Option<AdminOptions>,
    ) -> napi::Result<()> {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        call(&env, move || svc.set_two_factor_exempt_by(&user_id, exempt, actor.as_deref()))
    }

    /// Admin: the account's audit log, newest first (default limit `DEFAULT_EVENTS_LIMIT`, 100): its
    /// policy changes and every admin action on its users, each with its `actor`.
    #[napi(strict, ts_return_type = "Promise<Array<AuditEntry>>")]
    pub fn audit_log(
        &self,
        account_id: String,
        options: Option<EventsOptions>,
    ) -> AsyncTask<Job<Vec<AuditEntry>>> {
        Job::spawn(self.audit_log_work(account_id, options))
    }

    /// `auditLog` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn audit_log_sync(
        &self,
        env: Env,
        account_id: String,
        options: Option<EventsOptions>,
    ) -> napi::Result<Vec<AuditEntry>> {
        call(&env, self.audit_log_work(account_id, options))
    }

    /// Admin: every user of the account judged against its policy now, one page (default: 100 rows,
    /// overdue first) with the counts of the whole account.
    #[napi(strict, ts_return_type = "Promise<AccountReport>")]
    pub fn account_report(
        &self,
        account_id: String,
        options: Option<ReportOptions>,
    ) -> AsyncTask<Job<AccountReport>> {
        Job::spawn(self.account_report_work(account_id, options))
    }

    /// `accountReport` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn account_report_sync(
        &self,
        env: Env,
        account_id: String,
        options: Option<ReportOptions>,
    ) -> napi::Result<AccountReport> {
        call(&env, self.account_report_work(account_id, options))
    }

    /// The user's remembered devices not expired under the account's policy now, most recently used
    /// first, each with the expiry that applies (never a token); listed while the policy is off too.
    #[napi(strict, ts_return_type = "Promise<Array<Device>>")]
    pub fn list_devices(&self, user_id: String) -> AsyncTask<Job<Vec<Device>>> {
        Job::spawn(self.list_devices_work(user_id))
    }

    /// `listDevices` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn list_devices_sync(&self, env: Env, user_id: String) -> napi::Result<Vec<Device>> {
        call(&env, self.list_devices_work(user_id))
    }

    /// Forgets one remembered device (its token asks for the code again): `NOT_FOUND` for an unknown
    /// user or id.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn revoke_device(&self, user_id: String, device_id: String) -> AsyncTask<Job<()>> {
        let svc = Arc::clone(&self.inner);
        Job::spawn(move || svc.revoke_device(&user_id, &device_id))
    }

    /// `revokeDevice` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn revoke_device_sync(&self, env: Env, user_id: String, device_id: String) -> napi::Result<()> {
        let svc = Arc::clone(&self.inner);
        call(&env, move || svc.revoke_device(&user_id, &device_id))
    }

    /// Forgets every remembered device of the user; resolves with how many there were.
    #[napi(strict, ts_return_type = "Promise<number>")]
    pub fn revoke_all_devices(&self, user_id: String) -> AsyncTask<Job<u32>> {
        Job::spawn(self.revoke_all_devices_work(user_id))
    }

    /// `revokeAllDevices` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn revoke_all_devices_sync(&self, env: Env, user_id: String) -> napi::Result<u32> {
        call(&env, self.revoke_all_devices_work(user_id))
    }

    /// Admin: lifts every lockout of the user.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn unlock_user(&self, user_id: String, options: Option<AdminOptions>) -> AsyncTask<Job<()>> {
        Job::spawn(self.unlock_user_work(user_id, options))
    }

    /// `unlockUser` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn unlock_user_sync(
        &self,
        env: Env,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> napi::Result<()> {
        call(&env, self.unlock_user_work(user_id, options))
    }

    /// Confirms enrolment with a code from the app: enables 2FA and resolves with 10 one-time recovery
    /// codes (show them once).
    #[napi(strict, ts_return_type = "Promise<Array<string>>")]
    pub fn confirm_totp_enrollment(&self, user_id: String, code: String) -> AsyncTask<Job<Vec<String>>> {
        Job::spawn(self.confirm_totp_enrollment_work(user_id, code))
    }

    /// `confirmTotpEnrollment` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn confirm_totp_enrollment_sync(
        &self,
        env: Env,
        user_id: String,
        code: String,
    ) -> napi::Result<Vec<String>> {
        call(&env, self.confirm_totp_enrollment_work(user_id, code))
    }

    /// Turns 2FA off (needs the password); `TWO_FACTOR_ENFORCED` while the account enforces it.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn disable_totp(&self, user_id: String, password: String) -> AsyncTask<Job<()>> {
        Job::spawn(self.disable_totp_work(user_id, password))
    }

    /// `disableTotp` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn disable_totp_sync(&self, env: Env, user_id: String, password: String) -> napi::Result<()> {
        call(&env, self.disable_totp_work(user_id, password))
    }

    /// Replaces the recovery codes with 10 new ones (needs the password).
    #[napi(strict, ts_return_type = "Promise<Array<string>>")]
    pub fn regenerate_recovery_codes(
        &self,
        user_id: String,
        password: String,
    ) -> AsyncTask<Job<Vec<String>>> {
        Job::spawn(self.regenerate_recovery_codes_work(user_id, password))
    }

    /// `regenerateRecoveryCodes` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn regenerate_recovery_codes_sync(
        &self,
        env: Env,
        user_id: String,
        password: String,
    ) -> napi::Result<Vec<String>> {
        call(&env, self.regenerate_recovery_codes_work(user_id, password))
    }

    /// Admin: turns 2FA off for a user who lost their phone.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn reset_two_factor(&self, user_id: String, options: Option<AdminOptions>) -> AsyncTask<Job<()>> {
        Job::spawn(self.reset_two_factor_work(user_id, options))
    }

    /// `resetTwoFactor` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn reset_two_factor_sync(
        &self,
        env: Env,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> napi::Result<()> {
        call(&env, self.reset_two_factor_work(user_id, options))
    }

    /// The user's security log, newest first (default limit `DEFAULT_EVENTS_LIMIT`, 100).
    #[napi(strict, ts_return_type = "Promise<Array<Event>>")]
    pub fn events(&self, user_id: String, options: Option<EventsOptions>) -> AsyncTask<Job<Vec<Event>>> {
        Job::spawn(self.events_work(user_id, options))
    }

    /// `events` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn events_sync(
        &self,
        env: Env,
        user_id: String,
        options: Option<EventsOptions>,
    ) -> napi::Result<Vec<Event>> {
        call(&env, self.events_work(user_id, options))
    }

    /// The user's security state.
    #[napi(strict, ts_return_type = "Promise<SecurityStatus>")]
    pub fn status(&self, user_id: String) -> AsyncTask<Job<SecurityStatus>> {
        Job::spawn(self.status_work(user_id))
    }

    /// `status` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn status_sync(&self, env: Env, user_id: String) -> napi::Result<SecurityStatus> {
        call(&env, self.status_work(user_id))
    }

    /// Copies the store to a new private file at `path` while the service stays in use (SQLite's
    /// online backup; the copy opens with the same key). `ALREADY_EXISTS` if `path` exists,
    /// `INVALID_STATE` for a store without a file (in memory, PostgreSQL). The supported way to back up
    /// or copy the file: never open it with another SQLite library in this process.
    #[napi(strict, ts_return_type = "Promise<void>")]
    pub fn backup(&self, path: String) -> AsyncTask<Job<()>> {
        Job::spawn(self.backup_work(path))
    }

    /// `backup` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn backup_sync(&self, env: Env, path: String) -> napi::Result<()> {
        call(&env, self.backup_work(path))
    }

    /// A read-only look at the store for a health endpoint: backend, schema version, user count and
    /// the backend's consistency check (SQLite `PRAGMA quick_check`, which reads the whole file).
    #[napi(strict, ts_return_type = "Promise<StoreInfo>")]
    pub fn store_info(&self) -> AsyncTask<Job<StoreInfo>> {
        Job::spawn(self.store_info_work())
    }

    /// `storeInfo` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn store_info_sync(&self, env: Env) -> napi::Result<StoreInfo> {
        call(&env, self.store_info_work())
    }

    /// Re-seals the TOTP secrets of up to `batchSize` users (1–10000, default 1000) under the current
    /// key and re-tags their rows. Call it until `finished` (the cursor is kept in the store, so calls
    /// may be spread over time and processes), then open without `previousKeys`. `CRYPTO` if a row
    /// fails its integrity check.
    #[napi(strict, ts_return_type = "Promise<RekeyProgress>")]
    pub fn rekey(&self, batch_size: Option<f64>) -> AsyncTask<Job<RekeyProgress>> {
        Job::spawn(self.rekey_work(batch_size))
    }

    /// `rekey` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn rekey_sync(&self, env: Env, batch_size: Option<f64>) -> napi::Result<RekeyProgress> {
        call(&env, self.rekey_work(batch_size))
    }

    /// Deletes the security-log entries older than `retentionDays` days (≥ 1) by the service's
    /// clock; resolves with how many were deleted. Run it from a daily job.
    #[napi(strict, ts_return_type = "Promise<number>")]
    pub fn purge_events(&self, retention_days: f64) -> AsyncTask<Job<f64>> {
        Job::spawn(self.purge_events_work(retention_days))
    }

    /// `purgeEvents` on the calling thread (blocks the event loop).
    #[napi(strict)]
    pub fn purge_events_sync(&self, env: Env, retention_days: f64) -> napi::Result<f64> {
        call(&env, self.purge_events_work(retention_days))
    }
}

/// The shared work of every call: one closure, run on the libuv pool or on the calling thread.
impl Authward {
    fn set_account_policy_work(
        &self,
        account_id: String,
        policy: AccountPolicy,
        options: Option<AdminOptions>,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        move || svc.set_account_policy_by(&account_id, &AccountPolicy::to_core(&policy)?, actor.as_deref())
    }

    fn audit_log_work(
        &self,
        account_id: String,
        options: Option<EventsOptions>,
    ) -> impl FnOnce() -> authward::Result<Vec<AuditEntry>> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || {
            let limit = match options.and_then(|o| o.limit) {
                None => authward::service::DEFAULT_EVENTS_LIMIT,
                Some(l) => whole("limit", l, 1_000_000)? as usize,
            };
            Ok(svc.audit_log(&account_id, limit)?.into_iter().map(AuditEntry::from).collect())
        }
    }

    fn account_policy_work(
        &self,
        account_id: String,
    ) -> impl FnOnce() -> authward::Result<AccountPolicy> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || Ok(AccountPolicy::from_core(&svc.account_policy(&account_id)?))
    }

    fn create_user_work(
        &self,
        user_id: String,
        account_id: String,
        password: String,
        options: Option<CreateUserOptions>,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let password = secret(password);
            let email = options.and_then(|o| o.email);
            move || svc.create_user(&user_id, &account_id, &password, email.as_deref())
        }
    }

    fn delete_user_work(&self, user_id: String) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || svc.delete_user(&user_id)
    }

    fn list_users_work(
        &self,
        account_id: String,
    ) -> impl FnOnce() -> authward::Result<Vec<String>> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || svc.list_users(&account_id)
    }

    fn change_password_work(
        &self,
        user_id: String,
        current: String,
        new_password: String,
        confirm: String,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let (current, new_password, confirm) = (secret(current), secret(new_password), secret(confirm));
            move || svc.change_password(&user_id, &current, &new_password, &confirm)
        }
    }

    fn set_password_work(
        &self,
        user_id: String,
        new_password: String,
        options: Option<AdminOptions>,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        {
            let new_password = secret(new_password);
            move || svc.set_password_by(&user_id, &new_password, actor.as_deref())
        }
    }

    fn require_password_change_work(
        &self,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        move || svc.require_password_change_by(&user_id, actor.as_deref())
    }

    fn sign_in_work(
        &self,
        user_id: String,
        password: String,
        options: SignInOptions,
    ) -> impl FnOnce() -> authward::Result<SignIn> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let password = secret(password);
            let token = options.device_token.map(secret);
            move || {
                svc.sign_in_with_device(
                    &user_id,
                    &password,
                    options.client.as_deref(),
                    token.as_deref().map(|t| t.as_str()),
                )
                .map(SignIn::from)
            }
        }
    }

    fn verify_second_factor_work(
        &self,
        challenge: String,
        code: String,
        options: SecondFactorOptions,
    ) -> impl FnOnce() -> authward::Result<SignIn> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let (challenge, code) = (secret(challenge), secret(code));
            move || {
                let client = options.client.as_deref();
                match options.remember_device.as_deref() {
                    Some(label) => svc.verify_second_factor_remember(&challenge, &code, client, label),
                    None => svc.verify_second_factor_from(&challenge, &code, client),
                }
                .map(SignIn::from)
            }
        }
    }

    fn list_devices_work(
        &self,
        user_id: String,
    ) -> impl FnOnce() -> authward::Result<Vec<Device>> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || Ok(svc.list_devices(&user_id)?.into_iter().map(Device::from).collect())
    }

    fn revoke_all_devices_work(
        &self,
        user_id: String,
    ) -> impl FnOnce() -> authward::Result<u32> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || Ok(u32::try_from(svc.revoke_all_devices(&user_id)?).unwrap_or(u32::MAX))
    }

    fn begin_totp_enrollment_work(
        &self,
        user_id: String,
        issuer: String,
        options: EnrollmentOptions,
    ) -> impl FnOnce() -> authward::Result<Enrollment> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        let password = options.password.map(secret);
        move || {
            svc.begin_totp_enrollment_with_proof(&user_id, &issuer, password.as_ref().map(|p| p.as_str()))
                .map(Enrollment::from)
        }
    }

    fn unlock_user_work(
        &self,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        move || svc.unlock_user_by(&user_id, actor.as_deref())
    }

    fn confirm_totp_enrollment_work(
        &self,
        user_id: String,
        code: String,
    ) -> impl FnOnce() -> authward::Result<Vec<String>> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let code = secret(code);
            move || svc.confirm_totp_enrollment(&user_id, &code).map(unwrap_secret)
        }
    }

    fn disable_totp_work(
        &self,
        user_id: String,
        password: String,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let password = secret(password);
            move || svc.disable_totp(&user_id, &password)
        }
    }

    fn regenerate_recovery_codes_work(
        &self,
        user_id: String,
        password: String,
    ) -> impl FnOnce() -> authward::Result<Vec<String>> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        {
            let password = secret(password);
            move || svc.regenerate_recovery_codes(&user_id, &password).map(unwrap_secret)
        }
    }

    fn reset_two_factor_work(
        &self,
        user_id: String,
        options: Option<AdminOptions>,
    ) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        let actor = actor(options);
        move || svc.reset_two_factor_by(&user_id, actor.as_deref())
    }

    fn events_work(
        &self,
        user_id: String,
        options: Option<EventsOptions>,
    ) -> impl FnOnce() -> authward::Result<Vec<Event>> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || events(&svc, &user_id, options)
    }

    fn account_report_work(
        &self,
        account_id: String,
        options: Option<ReportOptions>,
    ) -> impl FnOnce() -> authward::Result<AccountReport> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || {
            let d = authward::ReportQuery::default();
            let o = options.unwrap_or(ReportOptions { sort: None, offset: None, limit: None });
            let query = authward::ReportQuery {
                sort: o.sort.as_deref().map_or(Ok(d.sort), authward::ReportSort::parse)?,
                offset: o.offset.map_or(Ok(0), |v| whole("offset", v, u64::from(u32::MAX)))? as usize,
                limit: o.limit.map_or(Ok(d.limit as u64), |v| whole("limit", v, 1_000_000))? as usize,
            };
            svc.account_report(&account_id, &query).map(AccountReport::from)
        }
    }

    fn status_work(
        &self,
        user_id: String,
    ) -> impl FnOnce() -> authward::Result<SecurityStatus> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || svc.status(&user_id).map(SecurityStatus::from)
    }

    fn backup_work(&self, path: String) -> impl FnOnce() -> authward::Result<()> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || svc.backup(&path)
    }

    fn store_info_work(&self) -> impl FnOnce() -> authward::Result<StoreInfo> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || svc.store_info().map(StoreInfo::from)
    }

    fn rekey_work(
        &self,
        batch_size: Option<f64>,
    ) -> impl FnOnce() -> authward::Result<RekeyProgress> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || {
            let batch = match batch_size {
                None => DEFAULT_REKEY_BATCH,
                Some(n) => match whole("batchSize", n, MAX_REKEY_BATCH as u64)? {
                    0 => return Err(authward::Error::InvalidArgument("batchSize must be at least 1".into())),
                    n => n as usize,
                },
            };
            svc.rekey(batch).map(RekeyProgress::from)
        }
    }

    fn purge_events_work(
        &self,
        retention_days: f64,
    ) -> impl FnOnce() -> authward::Result<f64> + Send + 'static {
        let svc = Arc::clone(&self.inner);
        move || Ok(number(svc.purge_events(whole_u32("retentionDays", retention_days)?)?))
    }
}

/// The `actor` of an admin call's options.
fn actor(options: Option<AdminOptions>) -> Option<String> {
    options.and_then(|o| o.actor)
}

fn events(svc: &Core, user_id: &str, options: Option<EventsOptions>) -> authward::Result<Vec<Event>> {
    let limit = match options.and_then(|o| o.limit) {
        None => authward::service::DEFAULT_EVENTS_LIMIT,
        Some(l) => whole("limit", l, 1_000_000)? as usize,
    };
    Ok(svc.events(user_id, limit)?.into_iter().map(Event::from).collect())
}
