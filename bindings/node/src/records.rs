//! What the service hands out: the classes holding a secret (`SignIn`, `Enrollment`: read-only
//! accessors, redacted by `toJSON` and `util.inspect`), the plain objects (`SecurityStatus`, `Event`,
//! `StoreInfo`, `RekeyProgress`) and the options objects of its calls.

use napi::bindgen_prelude::{Buffer, Either, Undefined};
use napi_derive::napi;

use crate::convert::number;

/// What `util.inspect`, `console.log` and `JSON.stringify` show in place of a secret.
pub const REDACTED: &str = "<redacted>";

/// `Some` as the value, `None` as `undefined` (napi turns a bare `None` into `null`).
fn present<T>(value: Option<T>) -> Either<T, Undefined> {
    value.map_or(Either::B(()), Either::A)
}

/// The result of `signIn` and `verifySecondFactor`. Every field is a read-only accessor; `challenge`
/// is read explicitly (`signIn.challenge`) and shown as `"<redacted>"` by `util.inspect`,
/// `console.log` and `JSON.stringify` (see `toJSON`), so logging a sign-in never logs the token.
#[napi]
pub struct SignIn {
    inner: authward::SignIn,
}

#[napi]
impl SignIn {
    /// `"complete"` (a full session), `"second_factor_required"` or `"action_required"` (a session
    /// limited to the required actions).
    #[napi(getter, ts_return_type = "SignInStatus")]
    pub fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }

    /// With `"second_factor_required"`: the single-use token for `verifySecondFactor` (5-minute life).
    /// A secret: hand it to the client on its own, never log it.
    #[napi(getter)]
    pub fn challenge(&self) -> Either<String, Undefined> {
        present(self.inner.challenge.as_ref().map(|c| c.to_string()))
    }

    /// With `"action_required"`: what the user must do before getting in; with `"complete"`: what is
    /// due later. `"enroll_two_factor"`, `"change_password"`.
    #[napi(getter, ts_return_type = "Array<RequiredAction>")]
    pub fn required_actions(&self) -> Vec<&'static str> {
        self.inner.required_actions.iter().map(|a| a.as_str()).collect()
    }

    /// Days until the password expires, once the warning window has begun (≤ 0: expired).
    #[napi(getter)]
    pub fn password_expires_in_days(&self) -> Either<f64, Undefined> {
        present(self.inner.password_expires_in_days.map(|d| d as f64))
    }

    /// When the password expires (unix seconds), if the account sets expiration.
    #[napi(getter)]
    pub fn password_expires_at(&self) -> Either<f64, Undefined> {
        present(self.inner.password_expires_at.map(number))
    }

    /// The 2FA enrolment deadline (unix seconds) of a user without 2FA under enforcement.
    #[napi(getter)]
    pub fn two_factor_deadline(&self) -> Either<f64, Undefined> {
        present(self.inner.two_factor_deadline.map(number))
    }

    /// Increases with every password or 2FA change: end the user's other sessions when it does.
    #[napi(getter)]
    pub fn credential_version(&self) -> f64 {
        number(self.inner.credential_version)
    }

    /// After `verifySecondFactor` with the `rememberDevice` option, under a policy with
    /// `rememberDeviceDays`: the new device token, given once (keep it in the device's cookie, pass it
    /// as the `deviceToken` option of `signIn`). A secret, like the challenge.
    #[napi(getter)]
    pub fn device_token(&self) -> Either<String, Undefined> {
        present(self.inner.device_token.as_ref().map(|t| t.to_string()))
    }

    /// Every field, with the challenge and the device token (when there are) as `"<redacted>"`: what
    /// `JSON.stringify` and `util.inspect` show.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> RedactedSignIn {
        let s = &self.inner;
        RedactedSignIn {
            status: s.status.as_str().to_string(),
            challenge: s.challenge.as_ref().map(|_| REDACTED.to_string()),
            required_actions: s.required_actions.iter().map(|a| a.as_str().to_string()).collect(),
            password_expires_in_days: s.password_expires_in_days.map(|d| d as f64),
            password_expires_at: s.password_expires_at.map(number),
            two_factor_deadline: s.two_factor_deadline.map(number),
            credential_version: number(s.credential_version),
            device_token: s.device_token.as_ref().map(|_| REDACTED.to_string()),
        }
    }
}

impl From<authward::SignIn> for SignIn {
    fn from(inner: authward::SignIn) -> Self {
        SignIn { inner }
    }
}

/// `SignIn.toJSON()`: the fields of a `SignIn`, the challenge redacted.
#[napi(object, object_from_js = false)]
pub struct RedactedSignIn {
    /// As `SignIn.status`.
    #[napi(ts_type = "SignInStatus")]
    pub status: String,
    /// `"<redacted>"` when the sign-in has a challenge.
    #[napi(ts_type = "'<redacted>'")]
    pub challenge: Option<String>,
    /// As `SignIn.requiredActions`.
    #[napi(ts_type = "Array<RequiredAction>")]
    pub required_actions: Vec<String>,
    /// As `SignIn.passwordExpiresInDays`.
    pub password_expires_in_days: Option<f64>,
    /// As `SignIn.passwordExpiresAt`.
    pub password_expires_at: Option<f64>,
    /// As `SignIn.twoFactorDeadline`.
    pub two_factor_deadline: Option<f64>,
    /// As `SignIn.credentialVersion`.
    pub credential_version: f64,
    /// `"<redacted>"` when the sign-in has a device token.
    #[napi(ts_type = "'<redacted>'")]
    pub device_token: Option<String>,
}

/// Options of `signIn`.
#[napi(object)]
#[derive(Clone, Default)]
pub struct SignInOptions {
    /// Where the attempt comes from (the IP address, a device-cookie id): failures are counted per
    /// client, and strangers' failures never lock out a client the user signed in from before.
    pub client: Option<String>,
    /// A remembered-device token (`SignIn.deviceToken` from an earlier `verifySecondFactor(…, {
    /// rememberDevice })`): while valid it skips the code for a user with 2FA (never the password).
    /// A wrong, expired or revoked one is ignored (the code is asked for), never an error.
    pub device_token: Option<String>,
}

/// Options of `verifySecondFactor`.
#[napi(object)]
#[derive(Clone, Default)]
pub struct SecondFactorOptions {
    /// As `SignInOptions.client`; default: the client the password came from.
    pub client: Option<String>,
    /// Remember this device under this label (e.g. the browser; at most 200 bytes, no control
    /// characters): under a policy with `rememberDeviceDays` the result carries `deviceToken`.
    pub remember_device: Option<String>,
}

/// A remembered device as the user sees it (never its token).
#[napi(object, object_from_js = false)]
pub struct Device {
    /// Its public id (16 hex characters), for `revokeDevice`.
    pub id: String,
    /// The label the app gave when it was remembered.
    pub label: String,
    /// When it was remembered (unix seconds).
    pub created_at: f64,
    /// When it last skipped the second factor (`createdAt` until then).
    pub last_used_at: f64,
    /// When its token stops working (unix seconds).
    pub expires_at: f64,
}

impl From<authward::Device> for Device {
    fn from(d: authward::Device) -> Self {
        Device {
            id: d.id,
            label: d.label,
            created_at: number(d.created_at),
            last_used_at: number(d.last_used_at),
            expires_at: number(d.expires_at),
        }
    }
}

/// Options of `beginTotpEnrollment`.
#[napi(object)]
#[derive(Clone, Default)]
pub struct EnrollmentOptions {
    /// Replacing an active authenticator needs the current password (or a current code from it).
    pub password: Option<String>,
}

/// A pending TOTP enrolment: show the QR code (or the text secret), then `confirmTotpEnrollment`.
/// Every field is a read-only accessor; the secret and everything that encodes it (`uri`, `qrSvg`,
/// `qrPng`, `qrTerminal`) are read explicitly and shown as `"<redacted>"` by `util.inspect`,
/// `console.log` and `JSON.stringify` (see `toJSON`).
#[napi]
pub struct Enrollment {
    inner: authward::Enrollment,
}

#[napi]
impl Enrollment {
    /// The base32 secret, for typing into the app by hand.
    #[napi(getter)]
    pub fn secret(&self) -> String {
        self.inner.secret.to_string()
    }

    /// The `otpauth://totp/…` URI the QR code holds (it contains the secret).
    #[napi(getter)]
    pub fn uri(&self) -> String {
        self.inner.uri.to_string()
    }

    /// The QR code as an SVG document.
    #[napi(getter)]
    pub fn qr_svg(&self) -> String {
        self.inner.qr_svg.to_string()
    }

    /// The QR code as a PNG image (a new Buffer on every read).
    #[napi(getter)]
    pub fn qr_png(&self) -> Buffer {
        Buffer::from(self.inner.qr_png.to_vec())
    }

    /// The QR code as UTF-8 blocks for a terminal.
    #[napi(getter)]
    pub fn qr_terminal(&self) -> String {
        self.inner.qr_terminal.to_string()
    }

    /// When the pending secret stops being confirmable (unix seconds).
    #[napi(getter)]
    pub fn expires_at(&self) -> f64 {
        number(self.inner.expires_at)
    }

    /// Every field, with the secret, the URI and the QR codes as `"<redacted>"`: what
    /// `JSON.stringify` and `util.inspect` show.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> RedactedEnrollment {
        RedactedEnrollment {
            secret: REDACTED.to_string(),
            uri: REDACTED.to_string(),
            qr_svg: REDACTED.to_string(),
            qr_png: REDACTED.to_string(),
            qr_terminal: REDACTED.to_string(),
            expires_at: number(self.inner.expires_at),
        }
    }
}

impl From<authward::Enrollment> for Enrollment {
    fn from(inner: authward::Enrollment) -> Self {
        Enrollment { inner }
    }
}

/// `Enrollment.toJSON()`: the fields of an `Enrollment`, everything that holds the secret redacted.
#[napi(object, object_from_js = false)]
pub struct RedactedEnrollment {
    /// `"<redacted>"`.
    #[napi(ts_type = "'<redacted>'")]
    pub secret: String,
    /// `"<redacted>"`.
    #[napi(ts_type = "'<redacted>'")]
    pub uri: String,
    /// `"<redacted>"`.
    #[napi(ts_type = "'<redacted>'")]
    pub qr_svg: String,
    /// `"<redacted>"`.
    #[napi(ts_type = "'<redacted>'")]
    pub qr_png: String,
    /// `"<redacted>"`.
    #[napi(ts_type = "'<redacted>'")]
    pub qr_terminal: String,
    /// As `Enrollment.expiresAt`.
    pub expires_at: f64,
}

/// A user's security state, for the Security settings page (times in unix seconds).
#[napi(object)]
pub struct SecurityStatus {
    /// Whether TOTP 2FA is on.
    pub two_factor_enabled: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Last password change.
    pub password_changed_at: f64,
    /// When the password expires, if the account sets expiration.
    pub password_expires_at: Option<f64>,
    /// Days left until it expires (≤ 0: expired), if the account sets expiration.
    pub password_expires_in_days: Option<f64>,
    /// Whether the expiry warning window has begun.
    pub password_expiry_warning: bool,
    /// What the next sign-in will require: `"enroll_two_factor"`, `"change_password"`.
    #[napi(ts_type = "Array<RequiredAction>")]
    pub required_actions: Vec<String>,
    /// The 2FA enrolment deadline of a user without 2FA under enforcement (past: overdue).
    pub two_factor_deadline: Option<f64>,
    /// End of the longest current lockout (of any client), if one holds.
    pub locked_until: Option<f64>,
    /// Why: `"too_many_failures"`, `"unfamiliar_clients"` or `"hourly_limit"`.
    pub lock_reason: Option<String>,
    /// Increases with every password or 2FA change.
    pub credential_version: f64,
}

impl From<authward::SecurityStatus> for SecurityStatus {
    fn from(s: authward::SecurityStatus) -> Self {
        SecurityStatus {
            two_factor_enabled: s.two_factor_enabled,
            recovery_codes_left: s.recovery_codes_left,
            password_changed_at: number(s.password_changed_at),
            password_expires_at: s.password_expires_at.map(number),
            password_expires_in_days: s.password_expires_in_days.map(|d| d as f64),
            password_expiry_warning: s.password_expiry_warning,
            required_actions: s.required_actions.iter().map(|a| a.as_str().to_string()).collect(),
            two_factor_deadline: s.two_factor_deadline.map(number),
            locked_until: s.locked_until.map(number),
            lock_reason: s.lock_reason.map(|r| r.as_str().to_string()),
            credential_version: number(s.credential_version),
        }
    }
}

/// One entry of a user's security log (never containing a secret).
#[napi(object)]
pub struct Event {
    /// `"sign_in"`, `"sign_in_failed"`, `"password_changed"`, `"password_rehashed"`,
    /// `"two_factor_enabled"`, `"two_factor_disabled"`, `"recovery_code_used"`,
    /// `"recovery_codes_regenerated"`, `"code_reused"`, `"locked_out"`, `"policy_changed"`, … (see
    /// `EventKind`; `"device_remembered"` and `"device_revoked"` for remembered devices).
    #[napi(ts_type = "EventKind")]
    pub kind: String,
    /// When (unix seconds).
    pub at: f64,
    /// A short English detail.
    pub detail: String,
    /// Whether to tell the user (one message per such event): password changed, 2FA enabled,
    /// disabled or replaced, a recovery code used, recovery codes regenerated, a lockout, a device
    /// remembered.
    pub notify: bool,
    /// Who did it, for admin actions (the `actor` the app passed, or `"admin"`); absent otherwise.
    pub actor: Option<String>,
}

/// Options of the admin calls (`setAccountPolicy`, `setPassword`, `requirePasswordChange`,
/// `unlockUser`, `resetTwoFactor`, `setTwoFactorExempt`).
#[napi(object)]
pub struct AdminOptions {
    /// Who does it (e.g. the admin's email), recorded with the event and in the account's audit log;
    /// default `"admin"`.
    pub actor: Option<String>,
}

/// One entry of an account's audit log (`auditLog`): the `Event` as the user's own log shows it,
/// with the user it concerned.
#[napi(object, object_from_js = false)]
pub struct AuditEntry {
    /// The user it concerned; absent for account-wide entries (policy changes).
    pub user_id: Option<String>,
    /// What happened, when, and who did it (`actor` is absent only for policy changes logged before
    /// authward 0.2).
    pub event: Event,
}

impl From<authward::Event> for Event {
    fn from(e: authward::Event) -> Self {
        Event {
            kind: e.kind.as_str().to_string(),
            at: number(e.at),
            notify: e.kind.notifies_user(),
            detail: e.detail,
            actor: e.actor,
        }
    }
}

impl From<authward::AuditEntry> for AuditEntry {
    fn from(e: authward::AuditEntry) -> Self {
        AuditEntry { user_id: e.user_id, event: e.event.into() }
    }
}

/// Options of `createUser`.
#[napi(object)]
pub struct CreateUserOptions {
    /// The user's email (also checked against the password). Default none.
    pub email: Option<String>,
}

/// Options of `accountReport`.
#[napi(object)]
pub struct ReportOptions {
    /// `"attention"` (default: overdue first, then due, nearest deadline first), `"user_id"`,
    /// `"password_age"` (oldest first) or `"last_sign_in"` (longest ago first).
    #[napi(ts_type = "ReportSort")]
    pub sort: Option<String>,
    /// Rows to skip. Default 0.
    pub offset: Option<f64>,
    /// Rows to return, 1–1000. Default 100.
    pub limit: Option<f64>,
}

/// One user of an `AccountReport` (times in unix seconds).
#[napi(object, object_from_js = false)]
pub struct UserReport {
    /// The user's id.
    pub user_id: String,
    /// `"overdue"` (deadline passed, password expired or change required, locked), `"due"` (a deadline
    /// ahead, the expiry warning) or `"fine"`.
    #[napi(ts_type = "Attention")]
    pub attention: String,
    /// Whether 2FA is on.
    pub two_factor_enabled: bool,
    /// Whether an admin exempted the user from enforced 2FA.
    pub two_factor_exempt: bool,
    /// When the user must have enrolled (enforced, not exempt, 2FA off); may be past.
    pub two_factor_deadline: Option<f64>,
    /// Last password change.
    pub password_changed_at: f64,
    /// Whole days since then.
    pub password_age_days: f64,
    /// When the password expires, if the account sets expiration.
    pub password_expires_at: Option<f64>,
    /// What the next sign-in will require.
    #[napi(ts_type = "Array<RequiredAction>")]
    pub required_actions: Vec<String>,
    /// End of the longest current lockout, if one holds.
    pub locked_until: Option<f64>,
    /// The last complete sign-in (every factor given), if any was recorded.
    pub last_sign_in_at: Option<f64>,
}

/// A page of `accountReport`: the rows asked for and the counts of the whole account.
#[napi(object, object_from_js = false)]
pub struct AccountReport {
    /// The rows of this page, in the order asked for.
    pub users: Vec<UserReport>,
    /// Users in the account.
    pub total: u32,
    /// Of them, overdue.
    pub overdue: u32,
    /// Of them, with something due.
    pub due: u32,
    /// When the report judged (unix seconds).
    pub at: f64,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<authward::AccountReport> for AccountReport {
    fn from(r: authward::AccountReport) -> Self {
        AccountReport {
            users: r
                .users
                .into_iter()
                .map(|u| UserReport {
                    attention: u.attention.as_str().to_string(),
                    two_factor_enabled: u.two_factor_enabled,
                    two_factor_exempt: u.two_factor_exempt,
                    two_factor_deadline: u.two_factor_deadline.map(number),
                    password_changed_at: number(u.password_changed_at),
                    password_age_days: number(u.password_age_days),
                    password_expires_at: u.password_expires_at.map(number),
                    required_actions: u.required_actions.iter().map(|a| a.as_str().to_string()).collect(),
                    locked_until: u.locked_until.map(number),
                    last_sign_in_at: u.last_sign_in_at.map(number),
                    user_id: u.user_id,
                })
                .collect(),
            total: count(r.total),
            overdue: count(r.overdue),
            due: count(r.due),
            at: number(r.at),
        }
    }
}

/// Options of `events`.
#[napi(object)]
pub struct EventsOptions {
    /// Most entries returned, newest first. Default `DEFAULT_EVENTS_LIMIT` (100).
    pub limit: Option<f64>,
}

/// `storeInfo()`: a read-only look at the store, for a health endpoint (no second SQLite needed).
#[napi(object, object_from_js = false)]
pub struct StoreInfo {
    /// `"memory"`, `"sqlite"` or `"postgres"`.
    #[napi(ts_type = "'memory' | 'sqlite' | 'postgres'")]
    pub backend: String,
    /// The schema version the store is at.
    pub schema_version: u32,
    /// How many users it holds.
    pub users: f64,
    /// The backend's own consistency check passed (SQLite `PRAGMA quick_check`).
    pub healthy: bool,
}

impl From<authward::store::StoreInfo> for StoreInfo {
    fn from(i: authward::store::StoreInfo) -> Self {
        StoreInfo {
            backend: i.backend.to_string(),
            schema_version: i.schema_version,
            users: number(i.users),
            healthy: i.healthy,
        }
    }
}

/// `rekey()`: how far a key rotation has come.
#[napi(object, object_from_js = false)]
pub struct RekeyProgress {
    /// Users whose rows this pass has brought under the current key (or found there already).
    pub done: f64,
    /// Users this pass covers: `done` plus those still to do.
    pub total: f64,
    /// Every row and the key check are under the current key: `previousKeys` may be dropped.
    pub finished: bool,
}

impl From<authward::RekeyProgress> for RekeyProgress {
    fn from(p: authward::RekeyProgress) -> Self {
        RekeyProgress { done: number(p.done), total: number(p.total), finished: p.finished }
    }
}
