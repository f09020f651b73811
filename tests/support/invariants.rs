//! Records and invariants shared by the store suites (conformance, PostgreSQL faults and races).
#![allow(dead_code)]

use authward::Algorithm;
use authward::EventKind;
use authward::account::lockout::LockoutState;
use authward::store::{NewEvent, PendingTotp, RememberedDevice, Store, TotpRecord, UserRecord};
use authward::totp::TotpConfig;

/// The tests' "now".
pub const T0: u64 = 1_800_000_000;

/// A record with every field set to something other than its default.
pub fn full_user(user_id: &str, account_id: &str) -> UserRecord {
    UserRecord {
        user_id: user_id.into(),
        account_id: account_id.into(),
        email: Some(format!("{user_id}@example.com")),
        created_at: T0,
        password_hash: "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        password_changed_at: T0 + 1,
        must_change_password: true,
        password_history: vec!["$argon2id$old1".into(), "$argon2id$old2".into()],
        credential_version: 7,
        lockout: LockoutState::from_json(
            r#"{"clients":[{"c":"k1","f":2,"u":1800000300,"l":1,"t":1800000002}],"recent":[{"t":1800000002,"s":true}],
               "strangers_until":1800000400,"familiar":["k2"],"challenges":[{"id":"ab","c":"k1","f":1,"x":1800000500}],
               "wrong":[{"h":"cd","t":1800000003}],"last_code":{"s":99,"c":"k2"}}"#,
        )
        .unwrap(),
        totp: Some(TotpRecord {
            sealed_secret: vec![0, 1, 2, 255, 254],
            config: TotpConfig { algorithm: Algorithm::Sha256, digits: 8, period: 60, window: 2 },
            last_step: Some(123_456),
            enabled_at: T0 + 3,
        }),
        pending_totp: Some(PendingTotp {
            sealed_secret: vec![9; 40],
            config: TotpConfig::default(),
            expires_at: T0 + 900,
        }),
        recovery_codes: vec!["h1".into(), "h2".into(), "h3".into()],
        devices: vec![
            RememberedDevice {
                id: "0123456789abcdef".into(),
                token_hash: vec![5; 40],
                label: "Firefox on Linux \u{e9}\"quoted\"".into(),
                created_at: T0 + 4,
                last_used_at: T0 + 5,
                expires_at: T0 + 86_400,
                credential_version: 7,
            },
            RememberedDevice {
                id: "fedcba9876543210".into(),
                token_hash: vec![6; 40],
                label: String::new(),
                created_at: T0 + 6,
                last_used_at: T0 + 6,
                expires_at: T0 + 2 * 86_400,
                credential_version: 6,
            },
        ],
        revision: 1,
        integrity_tag: Some(vec![7; 32]),
    }
}

pub fn plain_user(user_id: &str, account_id: &str) -> UserRecord {
    UserRecord {
        totp: None,
        pending_totp: None,
        email: None,
        recovery_codes: vec![],
        devices: vec![],
        ..full_user(user_id, account_id)
    }
}

pub fn ev(user: Option<&str>, account: &str, kind: EventKind, at: u64, detail: &str) -> NewEvent {
    NewEvent {
        account_id: account.into(),
        user_id: user.map(str::to_string),
        kind,
        at,
        detail: detail.into(),
        actor: None,
    }
}

/// What must hold in any store at any moment, whatever ran before (also after faults: see
/// tests/postgres_faults.rs): every user reads back whole, and users that took part in a
/// `counter_update` load have exactly one `counter` event per committed increment.
pub fn check_invariants(store: &dyn Store, users: &[&str]) {
    for u in users {
        let rec = store.get_user(u).unwrap().unwrap_or_else(|| panic!("user {u} vanished"));
        assert_eq!(rec.user_id, *u);
        let counted = store
            .events(u, 1_000_000)
            .unwrap()
            .iter()
            .filter(|e| e.kind == EventKind::PasswordChanged && e.detail.starts_with("counter "))
            .count() as u64;
        assert_eq!(counted, rec.credential_version, "user {u}: events and record disagree (half a write)");
        assert_eq!(
            rec.password_changed_at, rec.credential_version,
            "user {u}: two fields of one record disagree"
        );
    }
}

/// One increment of the invariant counters: two fields of the record and one event, in one update.
pub fn counter_update(store: &dyn Store, user_id: &str) -> authward::Result<UserRecord> {
    store.update_user(user_id, &mut |rec, changes| {
        rec.credential_version += 1;
        rec.password_changed_at = rec.credential_version;
        changes.events.push(ev(
            Some(&rec.user_id),
            &rec.account_id,
            EventKind::PasswordChanged,
            T0,
            &format!("counter {}", rec.credential_version),
        ));
        Ok(())
    })
}

/// A user for counter loads (counters start at 0).
pub fn counter_user(store: &dyn Store, user_id: &str) {
    let u = UserRecord { credential_version: 0, password_changed_at: 0, ..plain_user(user_id, "acme") };
    store.insert_user(&u, &[]).unwrap();
}
