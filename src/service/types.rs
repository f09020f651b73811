//! The values the service hands out: sign-in results, enrolments and status.

use std::fmt;

use zeroize::Zeroizing;

/// Where a sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignInStatus {
    /// The user is signed in (possibly with [`RequiredAction`]s to take first).
    Complete,
    /// The password was right; a TOTP or recovery code is needed with the challenge.
    SecondFactorRequired,
}

impl SignInStatus {
    /// `"complete"` or `"second_factor_required"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SignInStatus::Complete => "complete",
            SignInStatus::SecondFactorRequired => "second_factor_required",
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
    /// With `Complete`: what the user must do first.
    pub required_actions: Vec<RequiredAction>,
    /// Days until the password expires, when expiration is on and the warning window has begun
    /// (0 or negative: expired).
    pub password_expires_in_days: Option<i64>,
    /// The user's credential version (changes with every password change; apps end other sessions).
    pub credential_version: u64,
}

impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("status", &self.status)
            .field("challenge", &self.challenge.as_ref().map(|_| "<redacted>"))
            .field("required_actions", &self.required_actions)
            .field("password_expires_in_days", &self.password_expires_in_days)
            .field("credential_version", &self.credential_version)
            .finish()
    }
}

/// A pending TOTP enrolment: show the QR code (or the text secret) and ask for a code.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The base32 secret, for typing into the app by hand.
    pub secret: Zeroizing<String>,
    /// The `otpauth://totp/…` URI the QR code holds.
    pub uri: Zeroizing<String>,
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// The QR code as a PNG image.
    pub qr_png: Vec<u8>,
    /// The QR code as UTF-8 blocks for a terminal.
    pub qr_terminal: String,
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
    /// End of the current lockout, if locked.
    pub locked_until: Option<u64>,
    /// Increases with every password change.
    pub credential_version: u64,
}
