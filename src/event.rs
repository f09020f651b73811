//! The security log's types, shared by the [`crate::store`] that keeps events and the
//! [`crate::service`] that writes them.

use std::fmt;

/// What happened, in a user's security log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A completed sign-in.
    SignIn,
    /// A wrong password or code at sign-in.
    SignInFailed,
    /// The password was changed (by the user or an admin).
    PasswordChanged,
    /// The password hash was upgraded to current parameters.
    PasswordRehashed,
    /// TOTP 2FA was turned on.
    TwoFactorEnabled,
    /// TOTP 2FA was turned off (by the user or an admin reset).
    TwoFactorDisabled,
    /// A recovery code was used.
    RecoveryCodeUsed,
    /// New recovery codes replaced the old ones.
    RecoveryCodesRegenerated,
    /// A TOTP code was presented again (replay).
    CodeReused,
    /// Too many failures locked the user out.
    LockedOut,
    /// The account's policy changed.
    PolicyChanged,
    /// A wrong current password in a password change.
    PasswordChangeFailed,
    /// A wrong code when confirming a 2FA enrolment.
    EnrollmentFailed,
    /// A wrong password (or code) given to prove it is the user (disable 2FA, new recovery codes,
    /// replacing the authenticator).
    ReauthenticationFailed,
    /// An active authenticator was replaced by a new one (with proof).
    TwoFactorReplaced,
    /// An admin lifted a lockout.
    Unlocked,
    /// The user's record failed its integrity check (changed outside authward) and was refused.
    IntegrityFailed,
    /// A device was remembered after a second factor (its token skips the code until it expires).
    DeviceRemembered,
    /// A remembered device was forgotten (by the user, or because the credentials changed).
    DeviceRevoked,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 19] = [
        EventKind::SignIn,
        EventKind::SignInFailed,
        EventKind::PasswordChanged,
        EventKind::PasswordRehashed,
        EventKind::TwoFactorEnabled,
        EventKind::TwoFactorDisabled,
        EventKind::RecoveryCodeUsed,
        EventKind::RecoveryCodesRegenerated,
        EventKind::CodeReused,
        EventKind::LockedOut,
        EventKind::PolicyChanged,
        EventKind::PasswordChangeFailed,
        EventKind::EnrollmentFailed,
        EventKind::ReauthenticationFailed,
        EventKind::TwoFactorReplaced,
        EventKind::Unlocked,
        EventKind::IntegrityFailed,
        EventKind::DeviceRemembered,
        EventKind::DeviceRevoked,
    ];

    /// The stable name, e.g. `"sign_in_failed"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::SignIn => "sign_in",
            EventKind::SignInFailed => "sign_in_failed",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PasswordRehashed => "password_rehashed",
            EventKind::TwoFactorEnabled => "two_factor_enabled",
            EventKind::TwoFactorDisabled => "two_factor_disabled",
            EventKind::RecoveryCodeUsed => "recovery_code_used",
            EventKind::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            EventKind::CodeReused => "code_reused",
            EventKind::LockedOut => "locked_out",
            EventKind::PolicyChanged => "policy_changed",
            EventKind::PasswordChangeFailed => "password_change_failed",
            EventKind::EnrollmentFailed => "enrollment_failed",
            EventKind::ReauthenticationFailed => "reauthentication_failed",
            EventKind::TwoFactorReplaced => "two_factor_replaced",
            EventKind::Unlocked => "unlocked",
            EventKind::IntegrityFailed => "integrity_failed",
            EventKind::DeviceRemembered => "device_remembered",
            EventKind::DeviceRevoked => "device_revoked",
        }
    }

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl EventKind {
    /// Whether the user should be told (one message per such event, e.g. an email "your password was
    /// changed"): a change to their credentials or a sign of an attack on them (OWASP ASVS 4.0.3 2.2.3
    /// and 2.5.5; NIST 800-63B 6.1.2.2). Password changed, 2FA enabled, disabled or replaced, a
    /// recovery code used, recovery codes regenerated, a lockout, a device remembered. Routine sign-ins, single failures and
    /// admin-only matters (policy changes, rehashes, a record refused by its integrity check, which is
    /// for the operator) are not.
    pub const fn notifies_user(self) -> bool {
        matches!(
            self,
            EventKind::PasswordChanged
                | EventKind::TwoFactorEnabled
                | EventKind::TwoFactorDisabled
                | EventKind::TwoFactorReplaced
                | EventKind::RecoveryCodeUsed
                | EventKind::RecoveryCodesRegenerated
                | EventKind::LockedOut
                | EventKind::DeviceRemembered
        )
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a user's security log. `detail` never contains a secret; whether to tell the user is
/// [`EventKind::notifies_user`] of its `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When (unix seconds).
    pub at: u64,
    /// A short English detail (e.g. "wrong password", "admin reset").
    pub detail: String,
    /// Who did it, for admin actions: the name the app passed as `actor` (e.g. the admin's email), or
    /// `"admin"` when it gave none; `None` for what the user did or what happened to them.
    pub actor: Option<String>,
}

/// One entry of an account's audit log ([`crate::Authward::audit_log`]): policy changes and admin
/// actions, newest first. The entry is the [`Event`] as the user's own log shows it (its `actor` is
/// `None` only for policy changes logged before authward 0.2), with the user it concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The user it concerned, or `None` for account-wide entries (policy changes).
    pub user_id: Option<String>,
    /// What happened, when, and who did it.
    pub event: Event,
}

/// An event to append to the security log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The account it belongs to.
    pub account_id: String,
    /// The user, or `None` for account-wide events (policy changes).
    pub user_id: Option<String>,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub at: u64,
    /// Detail without secrets.
    pub detail: String,
    /// Who did it, for admin actions (see [`Event::actor`]).
    pub actor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_is_told_about_credential_changes_and_lockouts_only() {
        let told: Vec<&str> =
            EventKind::ALL.iter().filter(|k| k.notifies_user()).map(|k| k.as_str()).collect();
        assert_eq!(
            told,
            [
                "password_changed",
                "two_factor_enabled",
                "two_factor_disabled",
                "recovery_code_used",
                "recovery_codes_regenerated",
                "locked_out",
                "two_factor_replaced",
                "device_remembered",
            ]
        );
    }
}
