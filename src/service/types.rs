//! The values the service hands out: sign-in results, enrolments and status.

use std::fmt;

use zeroize::Zeroizing;

use crate::account::lockout::LockReason;

/// Where a sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignInStatus {
    /// The user is signed in: a full session. [`RequiredAction`]s may be listed with their deadline
    /// (inside a 2FA grace period or the password-expiry warning window) so the UI can remind them.
    Complete,
    /// The password was right; a TOTP or recovery code is needed with the challenge.
    SecondFactorRequired,
    /// The credentials were right, but the user must first take the listed actions (enrol 2FA after
    /// the grace period, change an expired or admin-flagged password): give them a session limited to
    /// those pages, never a full one.
    ActionRequired,
}

impl SignInStatus {
    /// Every status.
    pub const ALL: [SignInStatus; 3] =
        [SignInStatus::Complete, SignInStatus::SecondFactorRequired, SignInStatus::ActionRequired];

    /// `"complete"`, `"second_factor_required"` or `"action_required"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SignInStatus::Complete => "complete",
            SignInStatus::SecondFactorRequired => "second_factor_required",
            SignInStatus::ActionRequired => "action_required",
        }
    }
}

impl fmt::Display for SignInStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the user must do before using the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequiredAction {
    /// The account enforces 2FA, the grace period is over, and the user has not enrolled.
    EnrollTwoFactor,
    /// The password expired or an admin asked for a change.
    ChangePassword,
}

impl RequiredAction {
    /// Every action, in declaration order (the C binding's mask bit of each is `1 << index`).
    pub const ALL: [RequiredAction; 2] = [RequiredAction::EnrollTwoFactor, RequiredAction::ChangePassword];

    /// `"enroll_two_factor"` or `"change_password"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequiredAction::EnrollTwoFactor => "enroll_two_factor",
            RequiredAction::ChangePassword => "change_password",
        }
    }
}

impl fmt::Display for RequiredAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of [`crate::Authward::sign_in`] and [`crate::Authward::verify_second_factor`].
#[derive(Clone, PartialEq, Eq)]
pub struct SignIn {
    /// Complete, or a second factor is required.
    pub status: SignInStatus,
    /// With `SecondFactorRequired`: the single-use token to pass to `verify_second_factor` (5-minute life).
    pub challenge: Option<Zeroizing<String>>,
    /// With `ActionRequired`: what the user must do before getting in. With `Complete`: actions due
    /// later (enrolment inside the grace period, a password inside its warning window).
    pub required_actions: Vec<RequiredAction>,
    /// Days until the password expires, when expiration is on and the warning window has begun
    /// (0 or negative: expired).
    pub password_expires_in_days: Option<i64>,
    /// When the password expires, if the account sets expiration.
    pub password_expires_at: Option<u64>,
    /// The 2FA enrolment deadline (unix seconds) of a user without 2FA under enforcement.
    pub two_factor_deadline: Option<u64>,
    /// The user's credential version (increases with every password or 2FA change; apps end other
    /// sessions when it moves).
    pub credential_version: u64,
    /// A new remembered-device token (32 random bytes, base64url), only from
    /// [`crate::Authward::verify_second_factor_remember`] when the account's policy sets
    /// `remember_device_days`: returned once (only its keyed hash is kept), to be passed to
    /// [`crate::Authward::sign_in_with_device`] later. Wiped when dropped.
    pub device_token: Option<Zeroizing<String>>,
}

impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("status", &self.status)
            .field("challenge", &self.challenge.as_ref().map(|_| "<redacted>"))
            .field("required_actions", &self.required_actions)
            .field("password_expires_in_days", &self.password_expires_in_days)
            .field("password_expires_at", &self.password_expires_at)
            .field("two_factor_deadline", &self.two_factor_deadline)
            .field("credential_version", &self.credential_version)
            .field("device_token", &self.device_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A remembered device as the user sees it in their settings (no token, no hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Its public id (16 hex characters), for [`crate::Authward::revoke_device`].
    pub id: String,
    /// The label the app gave when it was remembered (e.g. the browser).
    pub label: String,
    /// When it was remembered (unix seconds).
    pub created_at: u64,
    /// When it last skipped the second factor (`created_at` until then).
    pub last_used_at: u64,
    /// When its token stops working.
    pub expires_at: u64,
}

/// A pending TOTP enrolment: show the QR code (or the text secret) and ask for a code.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The base32 secret, for typing into the app by hand.
    pub secret: Zeroizing<String>,
    /// The `otpauth://totp/…` URI the QR code holds.
    pub uri: Zeroizing<String>,
    /// The QR code as an SVG document (as secret as the URI it draws).
    pub qr_svg: Zeroizing<String>,
    /// The QR code as a PNG image.
    pub qr_png: Zeroizing<Vec<u8>>,
    /// The QR code as UTF-8 blocks for a terminal.
    pub qr_terminal: Zeroizing<String>,
    /// When the pending secret stops being confirmable (unix seconds).
    pub expires_at: u64,
}

impl fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Enrollment")
            .field("secret", &"<redacted>")
            .field("uri", &"<redacted>")
            .field("qr_png_bytes", &self.qr_png.len())
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A user's security state, for the Security settings page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityStatus {
    /// Whether TOTP 2FA is on.
    pub two_factor_enabled: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Last password change (unix seconds).
    pub password_changed_at: u64,
    /// When the password expires, if the account sets expiration.
    pub password_expires_at: Option<u64>,
    /// Days left until it expires (0 or negative: expired), if the account sets expiration.
    pub password_expires_in_days: Option<i64>,
    /// Whether the expiry warning window has begun.
    pub password_expiry_warning: bool,
    /// What the next sign-in will require.
    pub required_actions: Vec<RequiredAction>,
    /// The 2FA enrolment deadline of a user without 2FA under enforcement (past: overdue).
    pub two_factor_deadline: Option<u64>,
    /// End of the longest current lock (of any client), if one holds.
    pub locked_until: Option<u64>,
    /// Why that lock holds.
    pub lock_reason: Option<LockReason>,
    /// Increases with every password or 2FA change.
    pub credential_version: u64,
}
