//! authward: the engine behind an account's **Security settings** page.
//!
//! * [`password::hash`]: Argon2id hashing to PHC strings, verification, `needs_rehash`, pepper.
//! * [`password::policy`]: the password policy, reporting every violation at once.
//! * [`totp`]: TOTP secrets, codes, verification with a window and replay step, `otpauth://` URIs.
//! * [`qr`]: QR codes as SVG, PNG and terminal text.
//! * [`recovery`]: single-use recovery codes, stored hashed.
//! * [`account`]: the policies an admin sets for all users of an account.
//! * [`service`]: [`Authward`], the flows of the Security settings page and sign-in, over a [`store`].
//!
//! Every fallible function returns [`Result`] with an [`Error`] whose [`Error::code`] is one of the
//! stable [`ErrorCode`]s shared with the C, Python and Node bindings.
#![forbid(unsafe_code)]

pub mod account;
pub mod clock;
pub mod error;
pub mod event;
pub mod password;
pub mod qr;
mod random;
pub mod recovery;
pub mod service;
pub mod store;
pub mod totp;
mod violation;

pub use account::{AccountPolicy, LockoutPolicy};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorCode, Result};
pub use event::AuditEntry;
pub use password::hash::HashParams;
pub use password::policy::{PasswordPolicy, Rule, Violation, ViolationCode};
pub use service::report::{AccountReport, Attention, ReportQuery, ReportSort, UserReport};
pub use service::{
    Authward, AuthwardOptions, Device, Enrollment, Event, EventKind, RekeyProgress, RequiredAction,
    SecurityStatus, SignIn, SignInStatus,
};
pub use totp::{Algorithm, TotpConfig, TotpUri};

/// The library version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
