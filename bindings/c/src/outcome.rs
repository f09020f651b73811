//! What the service hands out: sign-in results, enrolments, security status and events, each readable
//! from C without parsing text.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use crate::boundary::{Fallback, boundary};
use crate::memory::{CText, free_handle, read, static_name};
use authward::account::lockout::LockReason;
use authward::error::Result;
use authward::{
    AuditEntry, Enrollment, Event, EventKind, RequiredAction, SecurityStatus, SignIn, SignInStatus,
};

/// Bit of a required-actions mask: the account enforces 2FA and the user must enrol first.
pub const AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR: u32 = 1;
/// Bit of a required-actions mask: the password expired or an admin asked for a change.
pub const AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD: u32 = 2;

/// The `AUTHWARD_REQUIRED_ACTION_*` bit of one action: `1 << ` its index in `RequiredAction::ALL`
/// (`tests/tables.rs` checks this and the header's constants against the core's table).
pub fn action_bit(action: RequiredAction) -> u32 {
    match action {
        RequiredAction::EnrollTwoFactor => AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR,
        RequiredAction::ChangePassword => AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD,
    }
}

pub(crate) fn action_mask(actions: &[RequiredAction]) -> u32 {
    actions.iter().fold(0, |mask, a| mask | action_bit(*a))
}

/// Where a sign-in stands. `AUTHWARD_SIGN_IN_STATUS_NONE` only comes from a NULL handle, so it is never
/// mistaken for a completed sign-in.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum authward_sign_in_status {
    /// Not a sign-in (NULL handle).
    None = 0,
    /// The user is signed in; check `authward_sign_in_result_required_actions()` first.
    Complete = 1,
    /// The password was right; pass the challenge and a code to `authward_verify_second_factor()`.
    SecondFactorRequired = 2,
    /// The credentials were right, but the user must first take the required actions (enrol 2FA,
    /// change the password): give a session limited to those pages, never a full one.
    ActionRequired = 3,
}

impl Fallback for authward_sign_in_status {
    fn fallback() -> Self {
        authward_sign_in_status::None
    }
}

/// The result of `authward_sign_in()` / `authward_verify_second_factor()`. Immutable; readable from
/// several threads. Free with `authward_sign_in_result_free()`, which wipes the challenge.
#[allow(non_camel_case_types)]
pub struct authward_sign_in_result {
    status: authward_sign_in_status,
    challenge: Option<CText>,
    required_actions: u32,
    password_expires_in_days: Option<i64>,
    password_expires_at: Option<u64>,
    two_factor_deadline: Option<u64>,
    credential_version: u64,
    device_token: Option<CText>,
}

impl authward_sign_in_result {
    pub(crate) fn new(s: &SignIn) -> Result<authward_sign_in_result> {
        Ok(authward_sign_in_result {
            status: match s.status {
                SignInStatus::Complete => authward_sign_in_status::Complete,
                SignInStatus::SecondFactorRequired => authward_sign_in_status::SecondFactorRequired,
                SignInStatus::ActionRequired => authward_sign_in_status::ActionRequired,
            },
            challenge: s.challenge.as_ref().map(|c| CText::new(c)).transpose()?,
            required_actions: action_mask(&s.required_actions),
            password_expires_in_days: s.password_expires_in_days,
            password_expires_at: s.password_expires_at,
            two_factor_deadline: s.two_factor_deadline,
            credential_version: s.credential_version,
            device_token: s.device_token.as_ref().map(|t| CText::new(t)).transpose()?,
        })
    }
}

/// Complete, second factor required, or `AUTHWARD_SIGN_IN_STATUS_NONE` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_status(
    r: *const authward_sign_in_result,
) -> authward_sign_in_status {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.status) }
}

/// With `SECOND_FACTOR_REQUIRED`: the single-use challenge token (5-minute life; lent: valid until the
/// result is freed). NULL otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_challenge(
    r: *const authward_sign_in_result,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.challenge.as_ref().map_or(std::ptr::null(), CText::as_ptr)) }
}

/// With `COMPLETE`: a mask of `AUTHWARD_REQUIRED_ACTION_*` bits the user must take first (0: none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_required_actions(r: *const authward_sign_in_result) -> u32 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.required_actions) }
}

/// When the password expires (unix seconds), or 0 when the account sets no expiration (or for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_password_expires_at(
    r: *const authward_sign_in_result,
) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.password_expires_at.unwrap_or(0)) }
}

/// The 2FA enrolment deadline (unix seconds) of a user without 2FA under enforcement: inside the grace
/// period the result is complete and lists `AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR` with this
/// deadline; 0 when none applies (or for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_two_factor_deadline(
    r: *const authward_sign_in_result,
) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.two_factor_deadline.unwrap_or(0)) }
}

/// Whether the password expiry warning applies; if so `*out_days` receives the days left (0 or less:
/// expired). False (and `*out_days` untouched) when expiration is off or not near, or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_password_expires_in_days(
    r: *const authward_sign_in_result,
    out_days: *mut i64,
) -> bool {
    // SAFETY: NULL or live (the function's contract); `out_days` is checked for NULL before writing.
    unsafe {
        read(r, |r| match (r.password_expires_in_days, out_days.is_null()) {
            (Some(days), false) => {
                out_days.write(days);
                true
            }
            _ => false,
        })
    }
}

/// The user's credential version (it grows with every password change: end other sessions when it
/// differs from the one stored with them); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_credential_version(
    r: *const authward_sign_in_result,
) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.credential_version) }
}

/// After `authward_verify_second_factor_remember()` under a policy with `remember_device_days`: the
/// new device token (lent: valid until the result is freed; copy it into the device's cookie, it is
/// given only once). NULL otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_device_token(
    r: *const authward_sign_in_result,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(r, |r| r.device_token.as_ref().map_or(std::ptr::null(), CText::as_ptr)) }
}

/// Frees a sign-in result and wipes its challenge and device token. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_sign_in_result_free(r: *mut authward_sign_in_result) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(r) }
}

/// A pending TOTP enrolment from `authward_begin_totp_enrollment()`: show the QR code (or the text
/// secret), then confirm with a code. Immutable; readable from several threads. Free with
/// `authward_enrollment_free()`, which wipes the secret and URI.
#[allow(non_camel_case_types)]
pub struct authward_enrollment {
    secret: CText,
    uri: CText,
    qr_svg: CText,
    qr_png: zeroize::Zeroizing<Vec<u8>>,
    qr_terminal: CText,
    expires_at: u64,
}

impl authward_enrollment {
    pub(crate) fn new(e: &Enrollment) -> Result<authward_enrollment> {
        Ok(authward_enrollment {
            secret: CText::new(&e.secret)?,
            uri: CText::new(&e.uri)?,
            qr_svg: CText::new(&e.qr_svg)?,
            qr_png: e.qr_png.clone(),
            qr_terminal: CText::new(&e.qr_terminal)?,
            expires_at: e.expires_at,
        })
    }
}

/// The base32 secret, for typing into the app by hand (lent), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_secret(e: *const authward_enrollment) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(e, |e| e.secret.as_ptr()) }
}

/// The `otpauth://totp/…` URI the QR code holds (lent), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_uri(e: *const authward_enrollment) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(e, |e| e.uri.as_ptr()) }
}

/// The QR code as an SVG document (lent), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_qr_svg(e: *const authward_enrollment) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(e, |e| e.qr_svg.as_ptr()) }
}

/// The QR code as UTF-8 blocks for a terminal (lent), or NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_qr_terminal(e: *const authward_enrollment) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(e, |e| e.qr_terminal.as_ptr()) }
}

/// The QR code as a PNG image (lent: valid until the enrolment is freed); its size goes to `*out_len`.
/// NULL (and `*out_len` untouched) for a NULL enrolment or `out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_qr_png(
    e: *const authward_enrollment,
    out_len: *mut usize,
) -> *const u8 {
    // SAFETY: NULL or live (the function's contract); `out_len` is checked for NULL before writing.
    unsafe {
        read(e, |e| {
            if out_len.is_null() {
                return std::ptr::null();
            }
            out_len.write(e.qr_png.len());
            e.qr_png.as_ptr()
        })
    }
}

/// When the pending secret stops being confirmable (unix seconds); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_expires_at(e: *const authward_enrollment) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(e, |e| e.expires_at) }
}

/// Frees an enrolment and wipes its secret. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_enrollment_free(e: *mut authward_enrollment) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(e) }
}

/// A user's security state (a plain struct filled by `authward_status()`; nothing to free). Optional
/// values come with a `has_…` flag; times are unix seconds.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct authward_security_status {
    /// Whether TOTP 2FA is on.
    pub two_factor_enabled: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Last password change.
    pub password_changed_at: u64,
    /// Whether the account sets password expiration (then the next two fields are meaningful).
    pub has_password_expiry: bool,
    /// When the password expires.
    pub password_expires_at: u64,
    /// Days left until it expires (0 or less: expired).
    pub password_expires_in_days: i64,
    /// Whether the expiry warning window has begun.
    pub password_expiry_warning: bool,
    /// Mask of `AUTHWARD_REQUIRED_ACTION_*` bits the next sign-in will require.
    pub required_actions: u32,
    /// Whether the user is locked out now (then `locked_until` and `lock_reason` are meaningful).
    pub locked: bool,
    /// End of the longest current lockout (of any client).
    pub locked_until: u64,
    /// Why: `AUTHWARD_LOCK_REASON_*` (`NONE` when not locked).
    pub lock_reason: authward_lock_reason,
    /// The 2FA enrolment deadline of a user without 2FA under enforcement; 0 when none applies.
    pub two_factor_deadline: u64,
    /// Increases with every password or 2FA change.
    pub credential_version: u64,
}

/// Why a user is locked.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum authward_lock_reason {
    /// Not locked.
    None = 0,
    /// `max_failures` failures from one client (or without a client).
    TooManyFailures = 1,
    /// Many failures from unfamiliar clients; clients the user signed in from before still get in.
    UnfamiliarClients = 2,
    /// 100 failures in the last 60 minutes: every client waits.
    HourlyLimit = 3,
}

impl From<Option<LockReason>> for authward_lock_reason {
    fn from(r: Option<LockReason>) -> Self {
        match r {
            None => authward_lock_reason::None,
            Some(LockReason::TooManyFailures) => authward_lock_reason::TooManyFailures,
            Some(LockReason::UnfamiliarClients) => authward_lock_reason::UnfamiliarClients,
            Some(LockReason::HourlyLimit) => authward_lock_reason::HourlyLimit,
        }
    }
}

impl From<&SecurityStatus> for authward_security_status {
    fn from(s: &SecurityStatus) -> Self {
        authward_security_status {
            two_factor_enabled: s.two_factor_enabled,
            recovery_codes_left: s.recovery_codes_left,
            password_changed_at: s.password_changed_at,
            has_password_expiry: s.password_expires_at.is_some(),
            password_expires_at: s.password_expires_at.unwrap_or(0),
            password_expires_in_days: s.password_expires_in_days.unwrap_or(0),
            password_expiry_warning: s.password_expiry_warning,
            required_actions: action_mask(&s.required_actions),
            locked: s.locked_until.is_some(),
            locked_until: s.locked_until.unwrap_or(0),
            lock_reason: s.lock_reason.into(),
            two_factor_deadline: s.two_factor_deadline.unwrap_or(0),
            credential_version: s.credential_version,
        }
    }
}

/// What happened, in a user's security log. `AUTHWARD_EVENT_KIND_NONE` only comes from a NULL list or
/// an index out of range. The numbers follow the core's `EventKind::ALL` (kind n is its entry n - 1).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum authward_event_kind {
    /// Not an event.
    None = 0,
    /// A completed sign-in.
    SignIn = 1,
    /// A wrong password or code at sign-in.
    SignInFailed = 2,
    /// The password was changed.
    PasswordChanged = 3,
    /// The password hash was upgraded.
    PasswordRehashed = 4,
    /// TOTP 2FA was turned on.
    TwoFactorEnabled = 5,
    /// TOTP 2FA was turned off.
    TwoFactorDisabled = 6,
    /// A recovery code was used.
    RecoveryCodeUsed = 7,
    /// New recovery codes replaced the old ones.
    RecoveryCodesRegenerated = 8,
    /// A TOTP code was presented again.
    CodeReused = 9,
    /// Too many failures locked the user out.
    LockedOut = 10,
    /// The account's policy changed.
    PolicyChanged = 11,
    /// A wrong current password in a password change.
    PasswordChangeFailed = 12,
    /// A wrong code when confirming a 2FA enrolment.
    EnrollmentFailed = 13,
    /// A wrong password or code given as proof (disable 2FA, new recovery codes, replacement).
    ReauthenticationFailed = 14,
    /// An active authenticator was replaced by a new one.
    TwoFactorReplaced = 15,
    /// An admin lifted a lockout.
    Unlocked = 16,
    /// The user's record failed its integrity check (changed outside authward) and was refused.
    IntegrityFailed = 17,
    /// A device was remembered after a second factor.
    DeviceRemembered = 18,
    /// A remembered device was forgotten (revoked, credentials changed, key rotation, over the cap).
    DeviceRevoked = 19,
}

impl From<EventKind> for authward_event_kind {
    fn from(k: EventKind) -> Self {
        match k {
            EventKind::SignIn => authward_event_kind::SignIn,
            EventKind::SignInFailed => authward_event_kind::SignInFailed,
            EventKind::PasswordChanged => authward_event_kind::PasswordChanged,
            EventKind::PasswordRehashed => authward_event_kind::PasswordRehashed,
            EventKind::TwoFactorEnabled => authward_event_kind::TwoFactorEnabled,
            EventKind::TwoFactorDisabled => authward_event_kind::TwoFactorDisabled,
            EventKind::RecoveryCodeUsed => authward_event_kind::RecoveryCodeUsed,
            EventKind::RecoveryCodesRegenerated => authward_event_kind::RecoveryCodesRegenerated,
            EventKind::CodeReused => authward_event_kind::CodeReused,
            EventKind::LockedOut => authward_event_kind::LockedOut,
            EventKind::PolicyChanged => authward_event_kind::PolicyChanged,
            EventKind::PasswordChangeFailed => authward_event_kind::PasswordChangeFailed,
            EventKind::EnrollmentFailed => authward_event_kind::EnrollmentFailed,
            EventKind::ReauthenticationFailed => authward_event_kind::ReauthenticationFailed,
            EventKind::TwoFactorReplaced => authward_event_kind::TwoFactorReplaced,
            EventKind::Unlocked => authward_event_kind::Unlocked,
            EventKind::IntegrityFailed => authward_event_kind::IntegrityFailed,
            EventKind::DeviceRemembered => authward_event_kind::DeviceRemembered,
            EventKind::DeviceRevoked => authward_event_kind::DeviceRevoked,
        }
    }
}

impl Fallback for authward_event_kind {
    fn fallback() -> Self {
        authward_event_kind::None
    }
}

/// The stable name of an event kind (`"sign_in_failed"`), or `"none"` for 0 and unknown numbers.
/// Static, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn authward_event_kind_name(kind: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    // Kind n is EventKind::ALL[n - 1] (see From<EventKind> and tests/tables.rs).
    let names = || std::iter::once("none").chain(EventKind::ALL.iter().map(|k| k.as_str())).collect();
    boundary(|| static_name(&NAMES, names, kind))
}

/// A list of events, newest first: a user's security log from `authward_events()` or an account's
/// audit log from `authward_audit_log()`. Immutable; readable from several threads. Free with
/// `authward_event_list_free()`.
#[allow(non_camel_case_types)]
pub struct authward_event_list {
    items: Vec<EventItem>,
}

/// One event as C reads it.
struct EventItem {
    kind: authward_event_kind,
    at: u64,
    detail: CText,
    notify: bool,
    actor: Option<CText>,
    user_id: Option<CText>,
}

impl EventItem {
    fn new(e: &Event, user_id: Option<&str>) -> EventItem {
        EventItem {
            kind: e.kind.into(),
            at: e.at,
            detail: CText::lossy(&e.detail),
            notify: e.kind.notifies_user(),
            actor: e.actor.as_deref().map(CText::lossy),
            user_id: user_id.map(CText::lossy),
        }
    }
}

impl authward_event_list {
    /// The security log of `user_id`.
    pub(crate) fn new(user_id: &str, events: &[Event]) -> authward_event_list {
        authward_event_list { items: events.iter().map(|e| EventItem::new(e, Some(user_id))).collect() }
    }

    /// An account's audit log: each entry names its user, or none for account-wide entries.
    pub(crate) fn audit(entries: &[AuditEntry]) -> authward_event_list {
        authward_event_list {
            items: entries.iter().map(|e| EventItem::new(&e.event, e.user_id.as_deref())).collect(),
        }
    }
}

/// The number of events; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_len(list: *const authward_event_list) -> usize {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.len()) }
}

/// The kind of event `index`, or `AUTHWARD_EVENT_KIND_NONE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_kind(
    list: *const authward_event_list,
    index: usize,
) -> authward_event_kind {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(authward_event_kind::None, |e| e.kind)) }
}

/// When event `index` happened (unix seconds), or 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_at(list: *const authward_event_list, index: usize) -> u64 {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(0, |e| e.at)) }
}

/// A short English detail of event `index` ("wrong password"; never a secret; lent), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_detail(
    list: *const authward_event_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).map_or(std::ptr::null(), |e| e.detail.as_ptr())) }
}

/// Whether to tell the user about event `index` (one message per such event: password changed, 2FA
/// enabled, disabled or replaced, a recovery code used, recovery codes regenerated, a lockout, a device
/// remembered); false
/// for other kinds, a NULL list or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_notify(list: *const authward_event_list, index: usize) -> bool {
    // SAFETY: NULL or live (the function's contract).
    unsafe { read(list, |l| l.items.get(index).is_some_and(|e| e.notify)) }
}

/// Who did event `index`, for admin actions (the actor the app passed, or `"admin"`; lent), or NULL
/// for the user's own events, a NULL list or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_actor(
    list: *const authward_event_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe {
        read(list, |l| {
            l.items.get(index).and_then(|e| e.actor.as_ref()).map_or(std::ptr::null(), CText::as_ptr)
        })
    }
}

/// The user event `index` concerned (lent): the user of `authward_events()`, or the user an audit
/// entry names; NULL for account-wide entries of the audit log (policy changes), a NULL list or an
/// index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_user_id(
    list: *const authward_event_list,
    index: usize,
) -> *const c_char {
    // SAFETY: NULL or live (the function's contract).
    unsafe {
        read(list, |l| {
            l.items.get(index).and_then(|e| e.user_id.as_ref()).map_or(std::ptr::null(), CText::as_ptr)
        })
    }
}

/// Frees an event list. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authward_event_list_free(list: *mut authward_event_list) {
    // SAFETY: NULL or owned and not freed yet (the function's contract).
    unsafe { free_handle(list) }
}
