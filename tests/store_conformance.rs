//! One store conformance suite: the same cases run over `MemoryStore`, `SqliteStore` and (when a server
//! is available, see tests/support/pg.rs) `PostgresStore`, so the three cannot drift. Each case takes a
//! fresh, empty store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/pg.rs"]
mod pg;
#[path = "support/stores.rs"]
mod stores;

use invariants::{T0, check_invariants, counter_update, counter_user, ev, full_user, plain_user};

use std::sync::{Arc, Barrier};

use authward::account::lockout::LockoutState;
use authward::store::{AccountRecord, ChallengeRecord, Store};
use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Algorithm, Authward, AuthwardOptions, Error, ErrorCode, EventKind, HashParams,
    LockoutPolicy,
};
use authward::{ManualClock, SignInStatus};

/// Runs `case` over every store (fresh and empty), naming the store in a failure.
fn each(case: fn(Arc<dyn Store>)) {
    stores::each("conf", case);
}

/// The service over `store`, on a manual clock at `T0`, with cheap hash parameters.
fn service(store: Arc<dyn Store>) -> (Authward, ManualClock) {
    let clock = ManualClock::new(T0);
    let options = AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: HashParams { memory_kib: 256, iterations: 1, parallelism: 1 },
        ..AuthwardOptions::default()
    };
    (Authward::with_store(store, &[3u8; 32], options).unwrap(), clock)
}

fn challenge(n: u8, user_id: &str, expires_at: u64) -> ChallengeRecord {
    ChallengeRecord { token_hash: [n; 32], user_id: user_id.into(), expires_at, used: false }
}

fn code(e: &Error) -> ErrorCode {
    e.code()
}

#[test]
fn records_round_trip_with_every_field() {
    each(|s: Arc<dyn Store>| {
        let alice = full_user("alice", "acme");
        s.insert_user(&alice, &[ev(Some("alice"), "acme", EventKind::PasswordChanged, T0, "created")])
            .unwrap();
        assert_eq!(s.get_user("alice").unwrap().as_ref(), Some(&alice));
        let bob = plain_user("bob", "acme");
        s.insert_user(&bob, &[]).unwrap();
        assert_eq!(s.get_user("bob").unwrap().as_ref(), Some(&bob));
        // Unicode and quotes survive.
        let odd = plain_user("o'hara \"ü\" 名前", "acme");
        s.insert_user(&odd, &[]).unwrap();
        assert_eq!(s.get_user("o'hara \"ü\" 名前").unwrap().as_ref(), Some(&odd));
        assert_eq!(s.get_user("nobody").unwrap(), None);
        s.insert_user(&plain_user("carol", "other"), &[]).unwrap();
        assert_eq!(s.list_users("acme").unwrap(), vec!["alice", "bob", "o'hara \"ü\" 名前"]);
        assert_eq!(s.list_users("other").unwrap(), vec!["carol"]);
        assert!(s.list_users("none").unwrap().is_empty());
    });
}

#[test]
fn inserting_a_taken_id_changes_nothing() {
    each(|s: Arc<dyn Store>| {
        let alice = full_user("alice", "acme");
        s.insert_user(&alice, &[]).unwrap();
        let other = plain_user("alice", "evil");
        let err =
            s.insert_user(&other, &[ev(Some("alice"), "evil", EventKind::SignIn, T0, "x")]).unwrap_err();
        assert_eq!(code(&err), ErrorCode::AlreadyExists);
        assert_eq!(s.get_user("alice").unwrap().as_ref(), Some(&alice));
        assert!(s.events("alice", 10).unwrap().is_empty());
    });
}

#[test]
fn updates_write_everything_or_nothing() {
    each(|s: Arc<dyn Store>| {
        s.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
        let before = s.get_user("alice").unwrap().unwrap();
        let after = s
            .update_user("alice", &mut |rec, changes| {
                rec.password_hash = "new".into();
                rec.totp = full_user("x", "y").totp;
                changes.events.push(ev(Some("alice"), "acme", EventKind::PasswordChanged, T0 + 5, "one"));
                changes.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0 + 5, "two"));
                Ok(())
            })
            .unwrap();
        assert_eq!(after.revision, before.revision + 1);
        assert_eq!(s.get_user("alice").unwrap().unwrap(), after);
        let kinds: Vec<_> = s.events("alice", 10).unwrap().into_iter().map(|e| e.detail).collect();
        assert_eq!(kinds, vec!["two", "one"]);

        // A failing closure writes nothing: not the record, not its events, not its challenge.
        let err = s
            .update_user("alice", &mut |rec, changes| {
                rec.password_hash = "lost".into();
                changes.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0 + 6, "lost"));
                changes.new_challenge = Some(challenge(1, "alice", T0 + 300));
                Err(Error::InvalidCode)
            })
            .unwrap_err();
        assert_eq!(code(&err), ErrorCode::InvalidCode);
        assert_eq!(s.get_user("alice").unwrap().unwrap(), after);
        assert_eq!(s.events("alice", 10).unwrap().len(), 2);
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), None);

        let err = s.update_user("nobody", &mut |_, _| Ok(())).unwrap_err();
        assert_eq!(code(&err), ErrorCode::NotFound);
    });
}

#[test]
fn challenges_are_created_consumed_once_dropped_and_purged() {
    each(|s: Arc<dyn Store>| {
        s.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
        s.insert_user(&plain_user("bob", "acme"), &[]).unwrap();
        s.update_user("alice", &mut |_, c| {
            c.new_challenge = Some(challenge(1, "alice", T0 + 300));
            Ok(())
        })
        .unwrap();
        s.update_user("bob", &mut |_, c| {
            c.new_challenge = Some(challenge(2, "bob", T0 + 10));
            Ok(())
        })
        .unwrap();
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), Some(challenge(1, "alice", T0 + 300)));

        // Consumed once; the second consumption fails and writes nothing.
        s.update_user("alice", &mut |rec, c| {
            rec.credential_version = 1000;
            c.consume_challenge = Some([1; 32]);
            Ok(())
        })
        .unwrap();
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), None);
        let rev = s.get_user("alice").unwrap().unwrap().revision;
        let err = s
            .update_user("alice", &mut |rec, c| {
                rec.credential_version = 99;
                c.consume_challenge = Some([1; 32]);
                c.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0, "replayed"));
                Ok(())
            })
            .unwrap_err();
        assert_eq!(code(&err), ErrorCode::ChallengeExpired);
        let rec = s.get_user("alice").unwrap().unwrap();
        assert_eq!((rec.revision, rec.credential_version), (rev, 1000));
        assert!(s.events("alice", 10).unwrap().is_empty());

        // Another user's challenge cannot be consumed through alice.
        let err = s
            .update_user("alice", &mut |_, c| {
                c.consume_challenge = Some([2; 32]);
                Ok(())
            })
            .unwrap_err();
        assert_eq!(code(&err), ErrorCode::ChallengeExpired);
        assert!(s.get_challenge(&[2; 32]).unwrap().is_some());

        // Purging removes expired challenges of any user, and only those.
        s.update_user("alice", &mut |_, c| {
            c.new_challenge = Some(challenge(3, "alice", T0 + 300));
            c.purge_challenges_before = Some(T0 + 100);
            Ok(())
        })
        .unwrap();
        assert_eq!(s.get_challenge(&[2; 32]).unwrap(), None);
        assert!(s.get_challenge(&[3; 32]).unwrap().is_some());

        // Dropping the user's challenges; deleting a user removes theirs.
        s.update_user("alice", &mut |_, c| {
            c.drop_user_challenges = true;
            Ok(())
        })
        .unwrap();
        assert_eq!(s.get_challenge(&[3; 32]).unwrap(), None);
        s.update_user("bob", &mut |_, c| {
            c.new_challenge = Some(challenge(4, "bob", T0 + 300));
            Ok(())
        })
        .unwrap();
        assert!(s.delete_user("bob").unwrap());
        assert_eq!(s.get_challenge(&[4; 32]).unwrap(), None);
    });
}

#[test]
fn a_used_challenge_stays_until_purged_and_is_never_live_again() {
    each(|s: Arc<dyn Store>| {
        s.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
        s.insert_user(&plain_user("bob", "acme"), &[]).unwrap();
        for (n, user, expires) in [(1, "alice", T0 + 300), (2, "bob", T0 + 300), (3, "alice", T0 + 10)] {
            s.update_user(user, &mut |_, c| {
                c.new_challenge = Some(challenge(n, user, expires));
                Ok(())
            })
            .unwrap();
        }
        // Another user's challenge cannot be used through alice; nothing is written.
        let rev = s.get_user("alice").unwrap().unwrap().revision;
        let err = s
            .update_user("alice", &mut |_, c| {
                c.use_challenge = Some([2; 32]);
                Ok(())
            })
            .unwrap_err();
        assert_eq!(code(&err), ErrorCode::ChallengeExpired);
        assert!(!s.get_challenge(&[2; 32]).unwrap().unwrap().used);
        assert_eq!(s.get_user("alice").unwrap().unwrap().revision, rev);

        // Used once: the record, the event and the mark together; the challenge stays, marked used.
        s.update_user("alice", &mut |rec, c| {
            rec.credential_version = 1000;
            c.use_challenge = Some([1; 32]);
            c.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0, "used"));
            Ok(())
        })
        .unwrap();
        let used = ChallengeRecord { used: true, ..challenge(1, "alice", T0 + 300) };
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), Some(used.clone()));
        assert_eq!(s.challenge_with_user(&[1; 32]).unwrap().unwrap().challenge, used);

        // A used challenge can be neither used nor consumed again; each attempt writes nothing.
        let rev = s.get_user("alice").unwrap().unwrap().revision;
        for consume in [false, true] {
            let err = s
                .update_user("alice", &mut |rec, c| {
                    rec.credential_version = 99;
                    if consume {
                        c.consume_challenge = Some([1; 32]);
                    } else {
                        c.use_challenge = Some([1; 32]);
                    }
                    c.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0, "replayed"));
                    Ok(())
                })
                .unwrap_err();
            assert_eq!(code(&err), ErrorCode::ChallengeExpired, "consume: {consume}");
        }
        let rec = s.get_user("alice").unwrap().unwrap();
        assert_eq!((rec.revision, rec.credential_version), (rev, 1000));
        assert_eq!(s.events("alice", 10).unwrap().len(), 1);
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), Some(used.clone()));

        // A failing update that would use a challenge leaves it live.
        let err = s
            .update_user("alice", &mut |_, c| {
                c.use_challenge = Some([3; 32]);
                Err(Error::InvalidCode)
            })
            .unwrap_err();
        assert_eq!(code(&err), ErrorCode::InvalidCode);
        assert!(!s.get_challenge(&[3; 32]).unwrap().unwrap().used);

        // Purging takes expired challenges, used or not, and only those.
        s.update_user("alice", &mut |_, c| {
            c.use_challenge = Some([3; 32]);
            c.purge_challenges_before = Some(T0 + 100);
            Ok(())
        })
        .unwrap();
        assert_eq!(s.get_challenge(&[3; 32]).unwrap(), None);
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), Some(used));
        s.update_user("bob", &mut |_, c| {
            c.purge_challenges_before = Some(T0 + 301);
            Ok(())
        })
        .unwrap();
        assert_eq!(s.get_challenge(&[1; 32]).unwrap(), None);
        assert_eq!(s.get_challenge(&[2; 32]).unwrap(), None);
    });
}

#[test]
fn events_are_per_user_newest_first_with_account_events_since_creation() {
    each(|s: Arc<dyn Store>| {
        s.put_account(
            &AccountRecord {
                account_id: "acme".into(),
                policy: AccountPolicy::default(),
                enforced_since: None,
            },
            &ev(None, "acme", EventKind::PolicyChanged, T0 - 10, "before alice"),
        )
        .unwrap();
        s.insert_user(
            &plain_user("alice", "acme"),
            &[ev(Some("alice"), "acme", EventKind::PasswordChanged, T0, "0")],
        )
        .unwrap();
        s.insert_user(&plain_user("bob", "acme"), &[ev(Some("bob"), "acme", EventKind::SignIn, T0, "bob's")])
            .unwrap();
        for i in 1..=5 {
            s.update_user("alice", &mut |_, c| {
                c.events.push(ev(Some("alice"), "acme", EventKind::SignIn, T0 + i, &i.to_string()));
                Ok(())
            })
            .unwrap();
        }
        s.put_account(
            &AccountRecord {
                account_id: "acme".into(),
                policy: AccountPolicy::default(),
                enforced_since: Some(T0),
            },
            &ev(None, "acme", EventKind::PolicyChanged, T0 + 6, "policy"),
        )
        .unwrap();
        s.put_account(
            &AccountRecord {
                account_id: "other".into(),
                policy: AccountPolicy::default(),
                enforced_since: None,
            },
            &ev(None, "other", EventKind::PolicyChanged, T0 + 7, "other account"),
        )
        .unwrap();
        let details: Vec<String> = s.events("alice", 100).unwrap().into_iter().map(|e| e.detail).collect();
        assert_eq!(details, vec!["policy", "5", "4", "3", "2", "1", "0"]);
        let first = &s.events("alice", 2).unwrap();
        assert_eq!(first.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>(), vec!["policy", "5"]);
        assert_eq!((first[1].kind, first[1].at), (EventKind::SignIn, T0 + 5));
        assert_eq!(code(&s.events("nobody", 10).unwrap_err()), ErrorCode::NotFound);

        // Retention: events before the moment go (user and account-wide), the rest stay.
        assert_eq!(s.purge_events(T0 + 3).unwrap(), 5); // before alice, 0, bob's, 1, 2
        let details: Vec<String> = s.events("alice", 100).unwrap().into_iter().map(|e| e.detail).collect();
        assert_eq!(details, vec!["policy", "5", "4", "3"]);
        assert!(s.events("bob", 100).unwrap().iter().all(|e| e.detail == "policy"));
        assert_eq!(s.purge_events(T0 + 3).unwrap(), 0);

        // Deleting a user deletes their events, not the account's.
        assert!(s.delete_user("alice").unwrap());
        assert!(!s.delete_user("alice").unwrap());
        s.insert_user(&plain_user("alice", "acme"), &[]).unwrap();
        let details: Vec<String> = s.events("alice", 100).unwrap().into_iter().map(|e| e.detail).collect();
        assert_eq!(details, vec!["policy"]);
    });
}

#[test]
fn accounts_and_meta() {
    each(|s: Arc<dyn Store>| {
        assert_eq!(s.get_account("acme").unwrap(), None);
        let mut policy = AccountPolicy {
            enforce_two_factor: true,
            password_expiration_days: Some(90),
            totp: TotpConfig { algorithm: Algorithm::Sha512, digits: 7, period: 45, window: 0 },
            ..AccountPolicy::default()
        };
        policy.lockout.max_failures = 7;
        policy.lockout.max_lockout_seconds = 3600;
        let rec = AccountRecord { account_id: "acme".into(), policy, enforced_since: Some(T0) };
        s.put_account(&rec, &ev(None, "acme", EventKind::PolicyChanged, T0, "p")).unwrap();
        assert_eq!(s.get_account("acme").unwrap().as_ref(), Some(&rec));
        let replaced = AccountRecord {
            account_id: "acme".into(),
            policy: AccountPolicy::default(),
            enforced_since: None,
        };
        s.put_account(&replaced, &ev(None, "acme", EventKind::PolicyChanged, T0, "p")).unwrap();
        assert_eq!(s.get_account("acme").unwrap().as_ref(), Some(&replaced));

        assert_eq!(s.get_meta("k").unwrap(), None);
        assert_eq!(s.init_meta("k", b"first").unwrap(), b"first");
        assert_eq!(s.init_meta("k", b"second").unwrap(), b"first");
        assert_eq!(s.get_meta("k").unwrap().as_deref(), Some(&b"first"[..]));
    });
}

#[test]
fn concurrent_updates_lose_nothing_and_a_challenge_is_consumed_once() {
    each(|s: Arc<dyn Store>| {
        counter_user(&*s, "alice");
        let threads = 8;
        let per_thread = 25;
        let barrier = Barrier::new(threads);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    barrier.wait();
                    for _ in 0..per_thread {
                        counter_update(&*s, "alice").unwrap();
                    }
                });
            }
        });
        let rec = s.get_user("alice").unwrap().unwrap();
        assert_eq!(rec.credential_version, (threads * per_thread) as u64);
        check_invariants(&*s, &["alice"]);

        for round in 0..10u8 {
            s.update_user("alice", &mut |_, c| {
                c.new_challenge = Some(challenge(100 + round, "alice", T0 + 300));
                Ok(())
            })
            .unwrap();
            let barrier = Barrier::new(threads);
            let wins: usize = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            barrier.wait();
                            match s.update_user("alice", &mut |_, c| {
                                c.consume_challenge = Some([100 + round; 32]);
                                Ok(())
                            }) {
                                Ok(_) => 1,
                                Err(e) => {
                                    assert_eq!(code(&e), ErrorCode::ChallengeExpired);
                                    0
                                }
                            }
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).sum()
            });
            assert_eq!(wins, 1, "round {round}");
        }
    });
}

#[test]
fn joined_reads_match_the_single_reads() {
    each(|s: Arc<dyn Store>| {
        s.insert_user(&full_user("alice", "acme"), &[]).unwrap();
        s.insert_user(&plain_user("bob", "solo"), &[]).unwrap();
        let policy = AccountPolicy { enforce_two_factor: true, ..AccountPolicy::default() };
        let acme = AccountRecord { account_id: "acme".into(), policy, enforced_since: Some(T0) };
        s.put_account(&acme, &ev(None, "acme", EventKind::PolicyChanged, T0, "p")).unwrap();

        let (user, account) = s.user_with_account("alice").unwrap().unwrap();
        assert_eq!(Some(user), s.get_user("alice").unwrap());
        assert_eq!(account.as_ref(), Some(&acme));
        // An account never given a policy: the user, no account.
        let (user, account) = s.user_with_account("bob").unwrap().unwrap();
        assert_eq!(user.account_id, "solo");
        assert_eq!(account, None);
        assert!(s.user_with_account("nobody").unwrap().is_none());
        // The account's users in one read, as the single reads give them, in id order.
        s.insert_user(&plain_user("aaron", "acme"), &[]).unwrap();
        let users = s.account_users("acme").unwrap();
        assert_eq!(users.iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(), vec!["aaron", "alice"]);
        assert_eq!(Some(users[1].clone()), s.get_user("alice").unwrap());
        assert!(s.account_users("none").unwrap().is_empty());

        s.update_user("alice", &mut |_, c| {
            c.new_challenge = Some(challenge(7, "alice", T0 + 300));
            Ok(())
        })
        .unwrap();
        let ctx = s.challenge_with_user(&[7; 32]).unwrap().unwrap();
        assert_eq!(Some(ctx.challenge), s.get_challenge(&[7; 32]).unwrap());
        assert_eq!(ctx.user, s.get_user("alice").unwrap());
        assert_eq!(ctx.account, Some(acme));
        assert!(s.challenge_with_user(&[8; 32]).unwrap().is_none());
    });
}

#[test]
fn writes_from_a_stale_snapshot_lose_nothing() {
    each(|s: Arc<dyn Store>| {
        counter_user(&*s, "alice");
        // A fresh snapshot: written as it is.
        let snapshot = s.get_user("alice").unwrap().unwrap();
        let after = s
            .update_user_from(&snapshot, &mut |rec, _| {
                rec.credential_version += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!((after.credential_version, after.revision), (1, snapshot.revision + 1));
        // A stale one (the row moved on since): the closure runs on the stored record, not the snapshot.
        counter_update(&*s, "alice").unwrap();
        let after = s
            .update_user_from(&snapshot, &mut |rec, _| {
                rec.credential_version += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(after.credential_version, 3);
        assert_eq!(s.get_user("alice").unwrap().unwrap(), after);
        // A failing closure writes nothing.
        let err = s.update_user_from(&after, &mut |_, _| Err(Error::InvalidCode)).unwrap_err();
        assert_eq!(code(&err), ErrorCode::InvalidCode);
        assert_eq!(s.get_user("alice").unwrap().unwrap(), after);

        // Many writers, each from its own (soon stale) snapshot: every increment lands once.
        let (threads, per_thread) = (8, 20);
        let barrier = Barrier::new(threads);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    barrier.wait();
                    for _ in 0..per_thread {
                        let snap = s.get_user("alice").unwrap().unwrap();
                        s.update_user_from(&snap, &mut |rec, changes| {
                            rec.credential_version += 1;
                            rec.password_changed_at = rec.credential_version;
                            changes.events.push(ev(
                                Some("alice"),
                                "acme",
                                EventKind::PasswordChanged,
                                T0,
                                &format!("counter {}", rec.credential_version),
                            ));
                            Ok(())
                        })
                        .unwrap();
                    }
                });
            }
        });
        let rec = s.get_user("alice").unwrap().unwrap();
        assert_eq!(rec.credential_version, 3 + (threads * per_thread) as u64);
    });
}

#[test]
fn unknown_ids_reserve_atomically_and_are_forgotten_when_idle() {
    each(|s: Arc<dyn Store>| {
        let policy = LockoutPolicy { max_failures: 5, lockout_seconds: 300, ..LockoutPolicy::default() };
        // 8 threads × 4 attempts at one unknown id at the same moment: exactly max_failures reserved,
        // the rest refused by the lock (each reservation a write of its own, none lost).
        let (threads, tries) = (8, 4);
        let barrier = Barrier::new(threads);
        let reserved: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        let mut ok = 0;
                        for _ in 0..tries {
                            let mut got = false;
                            s.update_unknown("k1", T0, &mut |state| {
                                got = state.reserve(&policy, "", T0).is_ok();
                                Ok(())
                            })
                            .unwrap();
                            ok += usize::from(got);
                        }
                        ok
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(reserved, 5);
        // A failing closure writes nothing; the lock is still there.
        let err = s.update_unknown("k1", T0, &mut |state| {
            *state = LockoutState::default();
            Err(Error::InvalidCode)
        });
        assert_eq!(code(&err.unwrap_err()), ErrorCode::InvalidCode);
        let mut locked = false;
        s.update_unknown("k1", T0 + 1, &mut |state| {
            locked = state.lock_for("", T0 + 1).is_some();
            Ok(())
        })
        .unwrap();
        assert!(locked);
        // Long after, the lock is over.
        let later = T0 + 30 * 86_400;
        let mut still_locked = true;
        s.update_unknown("k1", later, &mut |state| {
            still_locked = state.lock_for("", later).is_some();
            Ok(())
        })
        .unwrap();
        assert!(!still_locked);
    });
}

#[test]
fn the_audit_log_holds_account_events_and_events_with_an_actor() {
    each(|s: Arc<dyn Store>| {
        let admin = |mut e: authward::event::NewEvent, actor: &str| {
            e.actor = Some(actor.into());
            e
        };
        s.insert_user(
            &plain_user("alice", "acme"),
            &[ev(Some("alice"), "acme", EventKind::SignIn, T0, "own")],
        )
        .unwrap();
        let acme = AccountRecord {
            account_id: "acme".into(),
            policy: AccountPolicy::default(),
            enforced_since: None,
        };
        s.put_account(&acme, &admin(ev(None, "acme", EventKind::PolicyChanged, T0 + 1, "p"), "root"))
            .unwrap();
        s.update_user("alice", &mut |_, c| {
            c.events.push(admin(ev(Some("alice"), "acme", EventKind::Unlocked, T0 + 2, "u"), "help desk"));
            c.events.push(ev(Some("alice"), "acme", EventKind::SignInFailed, T0 + 2, "own"));
            Ok(())
        })
        .unwrap();
        s.append_event(&admin(ev(Some("alice"), "other", EventKind::Unlocked, T0 + 3, "elsewhere"), "x"))
            .unwrap();
        let log = s.account_events("acme", 10).unwrap();
        let got: Vec<_> = log
            .iter()
            .map(|e| (e.user_id.as_deref(), e.event.kind, e.event.detail.as_str(), e.event.actor.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("alice"), EventKind::Unlocked, "u", Some("help desk")),
                (None, EventKind::PolicyChanged, "p", Some("root")),
            ]
        );
        assert_eq!(log[0].event.at, T0 + 2);
        assert_eq!(s.account_events("acme", 1).unwrap().len(), 1);
        // The user's log carries the actor too.
        let mine = s.events("alice", 10).unwrap();
        assert_eq!(mine.iter().filter(|e| e.actor.as_deref() == Some("help desk")).count(), 1);
        assert!(mine.iter().filter(|e| e.detail == "own").all(|e| e.actor.is_none()));
    });
}

#[test]
fn the_service_runs_its_flows_over_every_store() {
    each(|s: Arc<dyn Store>| {
        let (aw, clock) = service(s);
        aw.create_user("alice", "acme", "correct horse battery staple", Some("a@example.com")).unwrap();
        let e = aw.begin_totp_enrollment("alice", "ACME").unwrap();
        let cfg = TotpConfig::default();
        let codes = aw.confirm_totp_enrollment("alice", &totp::code(&e.secret, T0, &cfg).unwrap()).unwrap();
        clock.advance(30);
        let si = aw.sign_in("alice", "correct horse battery staple").unwrap();
        assert_eq!(si.status, SignInStatus::SecondFactorRequired);
        let ch = si.challenge.clone().unwrap();
        assert_eq!(
            aw.verify_second_factor(&ch, "000000").map(|_| ()).unwrap_err().code(),
            ErrorCode::InvalidCode
        );
        let ok = aw.verify_second_factor(&ch, &totp::code(&e.secret, clock.now(), &cfg).unwrap()).unwrap();
        assert_eq!(ok.status, SignInStatus::Complete);
        assert_eq!(
            aw.verify_second_factor(&ch, &codes[0]).map(|_| ()).unwrap_err().code(),
            ErrorCode::ChallengeExpired
        );
        let si = aw.sign_in("alice", "correct horse battery staple").unwrap();
        assert_eq!(
            aw.verify_second_factor(si.challenge.as_ref().unwrap(), &codes[0]).unwrap().status,
            SignInStatus::Complete
        );
        assert_eq!(aw.status("alice").unwrap().recovery_codes_left, 9);
        clock.advance(86_400 * 40);
        aw.sign_in("alice", "wrong password").map(|_| ()).unwrap_err();
        assert!(aw.purge_events(30).unwrap() >= 3);
        let kinds: Vec<_> = aw.events("alice", 100).unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::SignInFailed]);
    });
}

/// A sign-in still in flight on one server holds a snapshot of a user that an admin deletes and
/// creates again under the same id: its write must never land on the new user, whose revisions must
/// never repeat the old one's (found by review: without random first revisions, PostgreSQL wrote the
/// old row back once the new one had made as many writes).
#[test]
fn a_snapshot_of_a_deleted_user_never_lands_on_its_successor() {
    each(|s: Arc<dyn Store>| {
        let (aw, _) = service(Arc::clone(&s));
        let pw = "correct horse battery staple";
        aw.create_user("alice", "acme", pw, None).unwrap();
        assert!(aw.sign_in("alice", "wrong password one").is_err());
        let stale = s.get_user("alice").unwrap().unwrap();
        aw.delete_user("alice").unwrap();
        aw.create_user("alice", "other", pw, None).unwrap();
        assert!(aw.sign_in("alice", "wrong password one").is_err()); // as many writes as the old one
        let fresh = s.get_user("alice").unwrap().unwrap();
        assert_ne!(fresh.revision, stale.revision, "a deleted user's revision came back");
        let after = s.update_user_from(&stale, &mut |_, _| Ok(())).unwrap();
        assert_eq!(after.account_id, "other", "the deleted user's row was written back");
        assert_eq!(s.get_user("alice").unwrap().unwrap().password_hash, fresh.password_hash);
    });
}
