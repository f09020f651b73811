//! The plain objects the service hands out (`SignIn`, `Enrollment`, `SecurityStatus`, `Event`,
//! `StoreInfo`, `RekeyProgress`) and the options objects of its calls.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::convert::number;

/// The result of `signIn` and `verifySecondFactor`.
#[napi(object)]
pub struct SignIn {
    /// `"complete"` (a full session), `"second_factor_required"` or `"action_required"` (a session
    /// limited to the required actions).
    #[napi(ts_type = "SignInStatus")]
    pub status: String,
    /// With `"second_factor_required"`: the single-use token for `verifySecondFactor` (5-minute life).
    pub challenge: Option<String>,
    /// With `"action_required"`: what the user must do before getting in; with `"complete"`: what is
    /// due later. `"enroll_two_factor"`, `"change_password"`.
    #[napi(ts_type = "Array<RequiredAction>")]
    pub required_actions: Vec<String>,
    /// Days until the password expires, once the warning window has begun (≤ 0: expired).
    pub password_expires_in_days: Option<f64>,
    /// When the password expires (unix seconds), if the account sets expiration.
    pub password_expires_at: Option<f64>,
    /// The 2FA enrolment deadline (unix seconds) of a user without 2FA under enforcement.
    pub two_factor_deadline: Option<f64>,
    /// Increases with every password or 2FA change: end the user's other sessions when it does.
    pub credential_version: f64,
}

impl From<authward::SignIn> for SignIn {
    fn from(s: authward::SignIn) -> Self {
        SignIn {
            status: s.status.as_str().to_string(),
            challenge: s.challenge.as_ref().map(|c| c.to_string()),
            required_actions: s.required_actions.iter().map(|a| a.as_str().to_string()).collect(),
            password_expires_in_days: s.password_expires_in_days.map(|d| d as f64),
            password_expires_at: s.password_expires_at.map(number),
            two_factor_deadline: s.two_factor_deadline.map(number),
            credential_version: number(s.credential_version),
        }
    }
}

/// Options of `signIn` and `verifySecondFactor`.
#[napi(object)]
#[derive(Clone, Default)]
pub struct SignInOptions {
    /// Where the attempt comes from (the IP address, a device-cookie id): failures are counted per
    /// client, and strangers' failures never lock out a client the user signed in from before.
    pub client: Option<String>,
}

/// Options of `beginTotpEnrollment`.
#[napi(object)]
#[derive(Clone, Default)]
pub struct EnrollmentOptions {
    /// Replacing an active authenticator needs the current password (or a current code from it).
    pub password: Option<String>,
}

/// A pending TOTP enrolment: show the QR code (or the text secret), then `confirmTotpEnrollment`.
#[napi(object)]
pub struct Enrollment {
    /// The base32 secret, for typing into the app by hand.
    pub secret: String,
    /// The `otpauth://totp/…` URI the QR code holds.
    pub uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// The QR code as a PNG image.
    pub qr_png: Buffer,
    /// The QR code as UTF-8 blocks for a terminal.
    pub qr_terminal: String,
    /// When the pending secret stops being confirmable (unix seconds).
    pub expires_at: f64,
}

impl From<authward::Enrollment> for Enrollment {
    fn from(e: authward::Enrollment) -> Self {
        Enrollment {
            secret: e.secret.to_string(),
            uri: e.uri.to_string(),
            qr_svg: e.qr_svg,
            qr_png: Buffer::from(e.qr_png),
            qr_terminal: e.qr_terminal,
            expires_at: number(e.expires_at),
        }
    }
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
    /// `"recovery_codes_regenerated"`, `"code_reused"`, `"locked_out"` or `"policy_changed"`.
    #[napi(ts_type = "EventKind")]
    pub kind: String,
    /// When (unix seconds).
    pub at: f64,
    /// A short English detail.
    pub detail: String,
}

/// Options of `createUser`.
#[napi(object)]
pub struct CreateUserOptions {
    /// The user's email (also checked against the password). Default none.
    pub email: Option<String>,
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
