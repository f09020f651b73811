//! The JSON forms of stored values, shared by the SQL stores so they cannot drift apart: account
//! policies and TOTP configurations (both stores), and the user record's body (the PostgreSQL store keeps
//! every field but the keys in one `jsonb` column, so a field added to [`UserRecord`] is one line here
//! and needs no migration: a missing key reads as the field's default).

// The user body is only the PostgreSQL store's.
#![cfg_attr(not(feature = "postgres"), allow(dead_code))]

use data_encoding::BASE64;
use serde_json::{Map, Value, json};

use super::{PendingTotp, RememberedDevice, TotpRecord, UserRecord};
use crate::account::lockout::LockoutState;
use crate::account::{AccountPolicy, LockoutPolicy};
use crate::error::{Error, Result};
use crate::password::policy::PasswordPolicy;
use crate::totp::{Algorithm, TotpConfig};

/// A TOTP configuration as JSON text.
pub(crate) fn totp_config_json(c: &TotpConfig) -> String {
    json!({"algorithm": c.algorithm.as_str(), "digits": c.digits, "period": c.period, "window": c.window})
        .to_string()
}

fn get_u64(v: &Value, key: &str) -> Result<u64> {
    v.get(key).and_then(Value::as_u64).ok_or_else(|| Error::Storage(format!("stored policy lacks {key}")))
}

fn get_bool(v: &Value, key: &str) -> Result<bool> {
    v.get(key).and_then(Value::as_bool).ok_or_else(|| Error::Storage(format!("stored policy lacks {key}")))
}

fn narrow<T: TryFrom<u64>>(v: u64, key: &str) -> Result<T> {
    T::try_from(v).map_err(|_| Error::Storage(format!("stored value {key} out of range")))
}

/// Parses [`totp_config_json`]'s output.
pub(crate) fn parse_totp_config(text: &str) -> Result<TotpConfig> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| Error::Storage(format!("stored TOTP config: {e}")))?;
    let algorithm = v.get("algorithm").and_then(Value::as_str).unwrap_or("SHA1");
    Ok(TotpConfig {
        algorithm: Algorithm::parse(algorithm).map_err(|_| Error::Storage("stored TOTP algorithm".into()))?,
        digits: narrow(get_u64(&v, "digits")?, "digits")?,
        period: get_u64(&v, "period")?,
        window: narrow(get_u64(&v, "window")?, "window")?,
    })
}

/// An account policy as JSON text.
pub(crate) fn policy_json(p: &AccountPolicy) -> String {
    let pw = &p.password;
    json!({
        "enforce_two_factor": p.enforce_two_factor,
        "two_factor_grace_days": p.two_factor_grace_days,
        "enforce_two_factor_from": p.enforce_two_factor_from,
        "password_expiration_days": p.password_expiration_days,
        "password_expiry_warning_days": p.password_expiry_warning_days,
        "remember_device_days": p.remember_device_days,
        "password": {
            "min_length": pw.min_length, "max_length": pw.max_length,
            "require_lowercase": pw.require_lowercase, "require_uppercase": pw.require_uppercase,
            "require_digit": pw.require_digit, "require_symbol": pw.require_symbol,
            "min_strength": pw.min_strength, "forbid_user_inputs": pw.forbid_user_inputs, "history": pw.history,
            "min_age_days": pw.min_age_days,
            "reject_breached": pw.reject_breached, "breach_min_count": pw.breach_min_count,
            "breach_fail_closed": pw.breach_fail_closed,
        },
        "totp": serde_json::from_str::<Value>(&totp_config_json(&p.totp)).unwrap_or(Value::Null),
        "lockout": {
            "max_failures": p.lockout.max_failures,
            "lockout_seconds": p.lockout.lockout_seconds,
            "max_lockout_seconds": p.lockout.max_lockout_seconds,
        },
    })
    .to_string()
}

/// Parses [`policy_json`]'s output.
pub(crate) fn parse_policy(text: &str) -> Result<AccountPolicy> {
    let v: Value = serde_json::from_str(text).map_err(|e| Error::Storage(format!("stored policy: {e}")))?;
    let null = Value::Null;
    let pw = v.get("password").unwrap_or(&null);
    let lock = v.get("lockout").unwrap_or(&null);
    let totp = v.get("totp").map(Value::to_string).unwrap_or_default();
    Ok(AccountPolicy {
        enforce_two_factor: get_bool(&v, "enforce_two_factor")?,
        two_factor_grace_days: narrow(get_u64(&v, "two_factor_grace_days")?, "two_factor_grace_days")?,
        // absent in policies stored before 0.2: from the moment enforcement was switched on
        enforce_two_factor_from: v.get("enforce_two_factor_from").and_then(Value::as_u64),
        password_expiration_days: match v.get("password_expiration_days").and_then(Value::as_u64) {
            Some(d) => Some(narrow(d, "password_expiration_days")?),
            None => None,
        },
        password_expiry_warning_days: narrow(
            get_u64(&v, "password_expiry_warning_days")?,
            "password_expiry_warning_days",
        )?,
        // absent (or null) in policies stored before remembered devices: off
        remember_device_days: match v.get("remember_device_days").and_then(Value::as_u64) {
            Some(d) => Some(narrow(d, "remember_device_days")?),
            None => None,
        },
        password: PasswordPolicy {
            min_length: narrow(get_u64(pw, "min_length")?, "min_length")?,
            max_length: narrow(get_u64(pw, "max_length")?, "max_length")?,
            require_lowercase: get_bool(pw, "require_lowercase")?,
            require_uppercase: get_bool(pw, "require_uppercase")?,
            require_digit: get_bool(pw, "require_digit")?,
            require_symbol: get_bool(pw, "require_symbol")?,
            min_strength: narrow(get_u64(pw, "min_strength")?, "min_strength")?,
            forbid_user_inputs: get_bool(pw, "forbid_user_inputs")?,
            history: narrow(get_u64(pw, "history")?, "history")?,
            // absent in policies stored by 0.1: today's default
            min_age_days: match pw.get("min_age_days") {
                Some(_) => narrow(get_u64(pw, "min_age_days")?, "min_age_days")?,
                None => PasswordPolicy::DEFAULT_MIN_AGE_DAYS,
            },
            // absent in policies stored before breached-password checks: today's defaults
            reject_breached: match pw.get("reject_breached") {
                Some(_) => get_bool(pw, "reject_breached")?,
                None => true,
            },
            breach_min_count: match pw.get("breach_min_count") {
                Some(_) => narrow(get_u64(pw, "breach_min_count")?, "breach_min_count")?,
                None => PasswordPolicy::DEFAULT_BREACH_MIN_COUNT,
            },
            breach_fail_closed: match pw.get("breach_fail_closed") {
                Some(_) => get_bool(pw, "breach_fail_closed")?,
                None => false,
            },
        },
        totp: parse_totp_config(&totp)?,
        lockout: LockoutPolicy {
            max_failures: narrow(get_u64(lock, "max_failures")?, "max_failures")?,
            lockout_seconds: get_u64(lock, "lockout_seconds")?,
            // absent in policies stored by 0.1: no growth
            max_lockout_seconds: match lock.get("max_lockout_seconds") {
                Some(_) => get_u64(lock, "max_lockout_seconds")?,
                None => get_u64(lock, "lockout_seconds")?,
            },
        },
    })
}

fn totp_config_value(c: &TotpConfig) -> Value {
    serde_json::from_str(&totp_config_json(c)).unwrap_or(Value::Null)
}

fn totp_config_from_value(v: &Value) -> Result<TotpConfig> {
    parse_totp_config(&v.to_string())
}

/// The body of a user record: every field except `user_id`, `account_id`, `created_at` and `revision`
/// (the integrity tag included, kept as given),
/// which the PostgreSQL store keeps in their own (indexed) columns. Byte strings are base64.
pub(crate) fn user_body(u: &UserRecord) -> Value {
    json!({
        "email": u.email,
        "password_hash": u.password_hash,
        "password_changed_at": u.password_changed_at,
        "must_change_password": u.must_change_password,
        "password_history": u.password_history,
        "credential_version": u.credential_version,
        "lockout": serde_json::from_str::<Value>(&u.lockout.to_json()).unwrap_or(Value::Null),
        "totp": u.totp.as_ref().map(|t| json!({
            "sealed_secret": BASE64.encode(&t.sealed_secret),
            "config": totp_config_value(&t.config),
            "last_step": t.last_step,
            "enabled_at": t.enabled_at,
        })),
        "pending_totp": u.pending_totp.as_ref().map(|p| json!({
            "sealed_secret": BASE64.encode(&p.sealed_secret),
            "config": totp_config_value(&p.config),
            "expires_at": p.expires_at,
        })),
        "recovery_codes": u.recovery_codes,
        "devices": devices_value(&u.devices),
        "integrity_tag": u.integrity_tag.as_ref().map(|t| BASE64.encode(t)),
    })
}

/// [`user_body`] as JSON text, serialized straight from the record (no [`Value`] tree: a user is
/// written on every sign-in and verification, and the tree's allocations were most of the cost).
/// The same keys and values as `user_body` (tests below); key order is not part of the format.
pub(crate) fn user_body_text(u: &UserRecord) -> String {
    #[derive(serde::Serialize)]
    struct Totp {
        sealed_secret: String,
        config: Value,
        last_step: Option<u64>,
        enabled_at: u64,
    }
    #[derive(serde::Serialize)]
    struct Pending {
        sealed_secret: String,
        config: Value,
        expires_at: u64,
    }
    #[derive(serde::Serialize)]
    struct Device<'a> {
        id: &'a str,
        token_hash: String,
        label: &'a str,
        created_at: u64,
        last_used_at: u64,
        expires_at: u64,
        credential_version: u64,
    }
    #[derive(serde::Serialize)]
    struct Body<'a> {
        email: &'a Option<String>,
        password_hash: &'a str,
        password_changed_at: u64,
        must_change_password: bool,
        password_history: &'a [String],
        credential_version: u64,
        lockout: &'a LockoutState,
        totp: Option<Totp>,
        pending_totp: Option<Pending>,
        recovery_codes: &'a [String],
        devices: Vec<Device<'a>>,
        integrity_tag: Option<String>,
    }
    let body = Body {
        email: &u.email,
        password_hash: &u.password_hash,
        password_changed_at: u.password_changed_at,
        must_change_password: u.must_change_password,
        password_history: &u.password_history,
        credential_version: u.credential_version,
        lockout: &u.lockout,
        totp: u.totp.as_ref().map(|t| Totp {
            sealed_secret: BASE64.encode(&t.sealed_secret),
            config: totp_config_value(&t.config),
            last_step: t.last_step,
            enabled_at: t.enabled_at,
        }),
        pending_totp: u.pending_totp.as_ref().map(|p| Pending {
            sealed_secret: BASE64.encode(&p.sealed_secret),
            config: totp_config_value(&p.config),
            expires_at: p.expires_at,
        }),
        recovery_codes: &u.recovery_codes,
        devices: u
            .devices
            .iter()
            .map(|d| Device {
                id: &d.id,
                token_hash: BASE64.encode(&d.token_hash),
                label: &d.label,
                created_at: d.created_at,
                last_used_at: d.last_used_at,
                expires_at: d.expires_at,
                credential_version: d.credential_version,
            })
            .collect(),
        integrity_tag: u.integrity_tag.as_ref().map(|t| BASE64.encode(t)),
    };
    // Plain data (string keys, no maps with other keys, no floats): serializing it cannot fail.
    serde_json::to_string(&body).unwrap_or_else(|_| user_body(u).to_string())
}

/// Remembered devices as a JSON array (token hashes in base64).
pub(crate) fn devices_value(devices: &[RememberedDevice]) -> Value {
    Value::Array(
        devices
            .iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "token_hash": BASE64.encode(&d.token_hash),
                    "label": d.label,
                    "created_at": d.created_at,
                    "last_used_at": d.last_used_at,
                    "expires_at": d.expires_at,
                    "credential_version": d.credential_version,
                })
            })
            .collect(),
    )
}

/// Parses [`devices_value`]'s output (`STORAGE` for anything else).
pub(crate) fn devices_from_value(v: &Value) -> Result<Vec<RememberedDevice>> {
    let items = v.as_array().ok_or_else(|| Body::bad("devices"))?;
    items
        .iter()
        .map(|item| {
            let d = Body(item.as_object().ok_or_else(|| Body::bad("devices"))?);
            Ok(RememberedDevice {
                id: d.string("id")?.ok_or_else(|| Body::bad("devices.id"))?,
                token_hash: d.bytes("token_hash")?,
                label: d.string("label")?.unwrap_or_default(),
                created_at: d.u64("created_at")?,
                last_used_at: d.u64("last_used_at")?,
                expires_at: d.u64("expires_at")?,
                credential_version: d.u64("credential_version")?,
            })
        })
        .collect()
}

/// Parses the SQLite store's `devices` column.
pub(crate) fn parse_devices(text: &str) -> Result<Vec<RememberedDevice>> {
    let v: Value = serde_json::from_str(text).map_err(|e| Error::Storage(format!("stored devices: {e}")))?;
    devices_from_value(&v)
}

/// Reads a user body; a key that is missing (a record written before the field existed) is the
/// field's default, a key of the wrong type is `STORAGE`.
struct Body<'a>(&'a Map<String, Value>);

impl Body<'_> {
    fn field<'v>(&'v self, key: &str) -> Option<&'v Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    fn bad(key: &str) -> Error {
        Error::Storage(format!("stored user field {key} has the wrong type"))
    }

    fn u64(&self, key: &str) -> Result<u64> {
        self.field(key).map_or(Ok(0), |v| v.as_u64().ok_or_else(|| Self::bad(key)))
    }

    fn bool(&self, key: &str) -> Result<bool> {
        self.field(key).map_or(Ok(false), |v| v.as_bool().ok_or_else(|| Self::bad(key)))
    }

    fn string(&self, key: &str) -> Result<Option<String>> {
        self.field(key).map(|v| v.as_str().map(str::to_string).ok_or_else(|| Self::bad(key))).transpose()
    }

    fn strings(&self, key: &str) -> Result<Vec<String>> {
        let Some(v) = self.field(key) else { return Ok(Vec::new()) };
        let items = v.as_array().ok_or_else(|| Self::bad(key))?;
        items.iter().map(|s| s.as_str().map(str::to_string).ok_or_else(|| Self::bad(key))).collect()
    }

    fn object(&self, key: &str) -> Result<Option<Body<'_>>> {
        self.field(key).map(|v| v.as_object().map(Body).ok_or_else(|| Self::bad(key))).transpose()
    }

    fn bytes(&self, key: &str) -> Result<Vec<u8>> {
        let text = self.string(key)?.ok_or_else(|| Self::bad(key))?;
        BASE64.decode(text.as_bytes()).map_err(|_| Self::bad(key))
    }

    fn config(&self) -> Result<TotpConfig> {
        totp_config_from_value(self.field("config").ok_or_else(|| Self::bad("config"))?)
    }
}

/// Rebuilds a user record from its key columns and [`user_body`]'s output.
pub(crate) fn user_from_body(
    user_id: String,
    account_id: String,
    created_at: u64,
    revision: u64,
    body: &Value,
) -> Result<UserRecord> {
    let b = Body(body.as_object().ok_or_else(|| Error::Storage("stored user body is not an object".into()))?);
    let totp = match b.object("totp")? {
        Some(t) => Some(TotpRecord {
            sealed_secret: t.bytes("sealed_secret")?,
            config: t.config()?,
            last_step: t.field("last_step").map(|_| t.u64("last_step")).transpose()?,
            enabled_at: t.u64("enabled_at")?,
        }),
        None => None,
    };
    let pending_totp = match b.object("pending_totp")? {
        Some(p) => Some(PendingTotp {
            sealed_secret: p.bytes("sealed_secret")?,
            config: p.config()?,
            expires_at: p.u64("expires_at")?,
        }),
        None => None,
    };
    Ok(UserRecord {
        user_id,
        account_id,
        email: b.string("email")?,
        created_at,
        password_hash: b.string("password_hash")?.ok_or_else(|| Body::bad("password_hash"))?,
        password_changed_at: b.u64("password_changed_at")?,
        must_change_password: b.bool("must_change_password")?,
        password_history: b.strings("password_history")?,
        credential_version: b.u64("credential_version")?,
        lockout: match b.field("lockout") {
            Some(v) => LockoutState::from_json(&v.to_string())?,
            None => LockoutState::default(),
        },
        totp,
        pending_totp,
        recovery_codes: b.strings("recovery_codes")?,
        devices: match b.field("devices") {
            Some(v) => devices_from_value(v)?,
            None => Vec::new(),
        },
        revision,
        integrity_tag: match b.field("integrity_tag") {
            Some(_) => Some(b.bytes("integrity_tag")?),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{PendingTotp, RememberedDevice, TotpRecord};

    #[test]
    fn the_body_text_is_the_body_and_reads_back_as_the_record() {
        let mut u = UserRecord {
            user_id: "u\"1".into(),
            account_id: "a".into(),
            email: Some("é@example.com \u{1}".into()),
            created_at: 1,
            password_hash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA".into(),
            password_changed_at: 2,
            must_change_password: true,
            password_history: vec!["h0".into(), "h1".into()],
            credential_version: 3,
            lockout: LockoutState::default(),
            totp: Some(TotpRecord {
                sealed_secret: vec![1, 2, 255],
                config: TotpConfig::default(),
                last_step: Some(5),
                enabled_at: 4,
            }),
            pending_totp: Some(PendingTotp {
                sealed_secret: vec![7; 40],
                config: TotpConfig::default(),
                expires_at: 9,
            }),
            recovery_codes: vec!["r".into()],
            devices: vec![RememberedDevice {
                id: "d".into(),
                token_hash: vec![9; 40],
                label: "Firefox \"on\" Linux".into(),
                created_at: 1,
                last_used_at: 2,
                expires_at: 3,
                credential_version: 3,
            }],
            revision: 7,
            integrity_tag: Some(vec![0xAA; 32]),
        };
        u.lockout.signed_in_at = 11;
        let text = user_body_text(&u);
        assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(user_body(&u)));
        let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let back =
            user_from_body(u.user_id.clone(), u.account_id.clone(), u.created_at, u.revision, &parsed).ok();
        assert_eq!(back.as_ref(), Some(&u));
        // and the sparse record: no email, authenticator, enrolment, devices or tag
        let bare = UserRecord {
            email: None,
            totp: None,
            pending_totp: None,
            devices: Vec::new(),
            integrity_tag: None,
            ..u
        };
        let text = user_body_text(&bare);
        assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(user_body(&bare)));
    }

    #[test]
    fn breach_fields_round_trip_and_default_when_absent() {
        let mut p = AccountPolicy::default();
        p.password.reject_breached = false;
        p.password.breach_min_count = 7;
        p.password.breach_fail_closed = true;
        assert_eq!(parse_policy(&policy_json(&p)).ok(), Some(p.clone()));
        // a policy stored before breached-password checks: today's defaults
        let mut v: Value = serde_json::from_str(&policy_json(&p)).unwrap_or(Value::Null);
        if let Some(pw) = v.get_mut("password").and_then(Value::as_object_mut) {
            pw.remove("reject_breached");
            pw.remove("breach_min_count");
            pw.remove("breach_fail_closed");
        }
        let old = parse_policy(&v.to_string()).ok().map(|a| a.password);
        let d = PasswordPolicy::default();
        assert_eq!(
            old.map(|o| (o.reject_breached, o.breach_min_count, o.breach_fail_closed)),
            Some((d.reject_breached, d.breach_min_count, d.breach_fail_closed))
        );
        assert!(d.reject_breached && d.breach_min_count == 1 && !d.breach_fail_closed);
    }
}
