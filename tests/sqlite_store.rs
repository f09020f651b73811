//! The SQLite store under pressure: concurrent replays (threads and processes), SIGKILL in the middle of
//! password changes, secrets at rest, wrong keys, foreign and future files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use authward::password::hash;
use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, HashParams, LockoutPolicy, ManualClock, SignInStatus,
};

const CHEAP: HashParams = HashParams { memory_kib: 256, iterations: 1, parallelism: 1 };
const KEY: [u8; 32] = [42u8; 32];
const T0: u64 = 1_800_000_000;
const PW: &str = "correct horse battery staple";
const PW_B: &str = "purple elephant dancing quietly";

fn open(path: &Path, clock: &ManualClock) -> Authward {
    let options = AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: CHEAP,
        pepper: None,
        ..AuthwardOptions::default()
    };
    Authward::open(path, &KEY, options).unwrap()
}

/// Creates alice with 2FA on; returns her TOTP secret.
fn setup(aw: &Authward, clock: &ManualClock) -> String {
    let mut p = AccountPolicy::new();
    p.lockout.max_failures = 100;
    aw.set_account_policy("acme", &p).unwrap();
    aw.create_user("alice", "acme", PW, None).unwrap();
    let e = aw.begin_totp_enrollment("alice", "ACME").unwrap();
    aw.confirm_totp_enrollment("alice", &totp::code(&e.secret, clock.now(), &TotpConfig::default()).unwrap())
        .unwrap();
    e.secret.to_string()
}

#[test]
fn one_code_many_threads_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0);
    let aw = Arc::new(open(&dir.path().join("aw.db"), &clock));
    let secret = setup(&aw, &clock);
    for rep in 0..200 {
        // A new hour each round: the losers' replays count as failures, and 200 rounds of them would
        // otherwise hit the 100-failures-per-hour cap (which has its own test).
        clock.advance(3600);
        let threads = 2 + rep % 7;
        let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
        let challenges: Vec<String> =
            (0..threads).map(|_| aw.sign_in("alice", PW).unwrap().challenge.unwrap().to_string()).collect();
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = challenges
            .into_iter()
            .map(|c| {
                let (aw, barrier, code) = (aw.clone(), barrier.clone(), code.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    aw.verify_second_factor(&c, &code).map_err(|e| e.code())
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "rep {rep}: {results:?}");
        assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|c| *c == ErrorCode::CodeReused));
    }
}

/// Child process body for the tests below; does nothing in a normal test run.
#[test]
fn child_process_entry() {
    let Ok(mode) = std::env::var("AUTHWARD_TEST_CHILD") else { return };
    let path = PathBuf::from(std::env::var("AUTHWARD_TEST_DB").unwrap());
    let clock = ManualClock::new(std::env::var("AUTHWARD_TEST_TIME").unwrap().parse().unwrap());
    let aw = open(&path, &clock);
    match mode.as_str() {
        "verify" => {
            let challenge = std::env::var("AUTHWARD_TEST_CHALLENGE").unwrap();
            let code = std::env::var("AUTHWARD_TEST_CODE").unwrap();
            // Start together: wait until the parent's go-file appears.
            let go = PathBuf::from(std::env::var("AUTHWARD_TEST_GO").unwrap());
            while !go.exists() {
                std::thread::sleep(Duration::from_micros(200));
            }
            let code = match aw.verify_second_factor(&challenge, &code) {
                Ok(_) => 0,
                Err(e) if e.code() == ErrorCode::CodeReused => 2,
                Err(e) => panic!("unexpected {e}"),
            };
            std::process::exit(code);
        }
        "churn" => {
            // Find the current password without a failed sign-in (failures would lock the user out).
            let phc: String = rusqlite::Connection::open(&path)
                .unwrap()
                .query_row("SELECT password_hash FROM users WHERE user_id = 'alice'", [], |r| r.get(0))
                .unwrap();
            let mut current = if hash::verify(PW, &phc, None).unwrap() { PW } else { PW_B };
            loop {
                let next = if current == PW { PW_B } else { PW };
                aw.change_password("alice", current, next, next).unwrap();
                current = next;
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn child(mode: &str, db: &Path, time: u64) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
        .env("AUTHWARD_TEST_CHILD", mode)
        .env("AUTHWARD_TEST_DB", db)
        .env("AUTHWARD_TEST_TIME", time.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    cmd
}

#[test]
fn one_code_two_processes_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let aw = open(&db, &clock);
    let secret = setup(&aw, &clock);
    for rep in 0..20 {
        clock.advance(30);
        let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
        let go = dir.path().join(format!("go-{rep}"));
        let children: Vec<_> = (0..2)
            .map(|_| {
                let c = aw.sign_in("alice", PW).unwrap().challenge.unwrap().to_string();
                child("verify", &db, clock.now())
                    .env("AUTHWARD_TEST_CHALLENGE", c)
                    .env("AUTHWARD_TEST_CODE", &code)
                    .env("AUTHWARD_TEST_GO", &go)
                    .spawn()
                    .unwrap()
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&go, b"go").unwrap();
        let mut codes: Vec<i32> =
            children.into_iter().map(|c| c.wait_with_output().unwrap().status.code().unwrap()).collect();
        codes.sort();
        assert_eq!(codes, vec![0, 2], "rep {rep}: exactly one process wins");
    }
}

#[test]
fn sigkill_during_password_changes_leaves_old_or_new() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    {
        let aw = open(&db, &clock);
        let mut p = AccountPolicy::new();
        p.password.history = 0;
        p.password.min_strength = 0; // zxcvbn is slow in debug builds; strength is not the point here
        // A kill between an attempt's reservation and its judgement leaves it counted (the lockout
        // fails closed): leave room for one per kill.
        p.lockout = LockoutPolicy::new(100, 60);
        aw.set_account_policy("acme", &p).unwrap();
        aw.create_user("alice", "acme", PW, None).unwrap();
    }
    let first_version: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT credential_version FROM users WHERE user_id = 'alice'", [], |r| r.get(0))
        .unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut changes_seen = std::collections::HashSet::new();
    for kill in 0..60 {
        let mut c = child("churn", &db, T0).spawn().unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(150 + seed % 250));
        c.kill().unwrap(); // SIGKILL
        c.wait().unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok", "after kill {kill}");
        let (phc, version): (String, i64) = conn
            .query_row(
                "SELECT password_hash, credential_version FROM users WHERE user_id = 'alice'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let a = hash::verify(PW, &phc, None).unwrap();
        let b = hash::verify(PW_B, &phc, None).unwrap();
        assert!(a ^ b, "after kill {kill}: the password is exactly one of the two");
        // credential_version parity matches the password: every change moved both together
        assert_eq!(
            (version - first_version) % 2 == 0,
            a,
            "after kill {kill}: hash and version changed in one transaction"
        );
        changes_seen.insert(version);
    }
    assert!(changes_seen.len() > 10, "the child made progress between kills: {changes_seen:?}");
}

fn file_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_secret_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0);
    let aw = open(&dir.path().join("aw.db"), &clock);
    aw.create_user("alice", "acme", PW, None).unwrap();
    let pending = aw.begin_totp_enrollment("alice", "ACME").unwrap();
    let raw_pending = totp::decode_secret(&pending.secret).unwrap();
    let bytes = file_bytes(dir.path());
    assert!(!contains(&bytes, pending.secret.as_bytes()) && !contains(&bytes, &raw_pending));
    let codes = aw
        .confirm_totp_enrollment(
            "alice",
            &totp::code(&pending.secret, clock.now(), &TotpConfig::default()).unwrap(),
        )
        .unwrap();
    clock.advance(30);
    let s = aw.sign_in("alice", PW).unwrap();
    assert_eq!(s.status, SignInStatus::SecondFactorRequired);
    let challenge = s.challenge.unwrap().to_string();
    let bytes = file_bytes(dir.path());
    assert!(bytes.len() > 4096);
    for needle in [pending.secret.as_bytes(), &raw_pending[..], PW.as_bytes(), challenge.as_bytes()] {
        assert!(!contains(&bytes, needle));
    }
    for code in codes.iter() {
        assert!(!contains(&bytes, code.as_bytes()) && !contains(&bytes, code.replace('-', "").as_bytes()));
    }
    // the lower-case base32 form too
    assert!(!contains(&bytes, pending.secret.to_lowercase().as_bytes()));
}

#[test]
fn wrong_key_is_crypto_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    drop(open(&db, &clock));
    let options = AuthwardOptions { hash_params: CHEAP, ..AuthwardOptions::default() };
    let e = Authward::open(&db, &[7u8; 32], options.clone()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Crypto);
    assert_eq!(Authward::open(&db, &[7u8; 31], options).unwrap_err().code(), ErrorCode::InvalidArgument);
}

#[test]
fn foreign_or_corrupt_file_is_storage_error_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0);
    let options = || AuthwardOptions {
        clock: Some(Arc::new(clock.clone())),
        hash_params: CHEAP,
        pepper: None,
        ..AuthwardOptions::default()
    };
    // not a database at all
    let junk = dir.path().join("junk.db");
    let content: Vec<u8> = (0..10_000u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&junk, &content).unwrap();
    let e = Authward::open(&junk, &KEY, options()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Storage);
    assert!(e.to_string().contains("not an authward database"), "{e}");
    assert_eq!(std::fs::read(&junk).unwrap(), content);
    // another application's SQLite database
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&other).unwrap();
    assert_eq!(Authward::open(&other, &KEY, options()).unwrap_err().code(), ErrorCode::Storage);
    let conn = rusqlite::Connection::open(&other).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1, "no table was added");
    drop(conn);
    assert_eq!(std::fs::read(&other).unwrap().len(), before.len());
    // a file from a newer authward
    let newer = dir.path().join("newer.db");
    drop(open(&newer, &clock));
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let e = Authward::open(&newer, &KEY, options()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Storage);
    assert!(e.to_string().contains("newer"), "{e}");
}

/// Schema 7 marks a used challenge in place (a `used` column): a schema-6 file (as 0.2 left it) with a
/// live challenge migrates, the challenge still completes the sign-in once, and the same form posted
/// again is `CODE_REUSED`.
#[test]
fn a_schema_6_file_migrates_and_its_live_challenge_completes_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v6.db");
    let clock = ManualClock::new(T0);
    let (secret, c) = {
        let aw = open(&db, &clock);
        let secret = setup(&aw, &clock);
        clock.advance(30);
        (secret, aw.sign_in("alice", PW).unwrap().challenge.unwrap().to_string())
    };
    // Back to schema 6: version 7 only added the column.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("ALTER TABLE challenges DROP COLUMN used; PRAGMA user_version = 6;").unwrap();
    drop(conn);
    let aw = open(&db, &clock);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 7);
    let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
    assert_eq!(aw.verify_second_factor(&c, &code).unwrap().status, SignInStatus::Complete);
    let used: i64 = conn.query_row("SELECT used FROM challenges", [], |r| r.get(0)).unwrap();
    assert_eq!(used, 1, "the one challenge is kept, marked used");
    assert_eq!(aw.verify_second_factor(&c, &code).unwrap_err().code(), ErrorCode::CodeReused);
    assert_eq!(aw.verify_second_factor(&c, "000000").unwrap_err().code(), ErrorCode::ChallengeExpired);
    // Purged after its end, with the next sign-in.
    clock.advance(301);
    aw.sign_in("alice", PW).unwrap();
    let used: i64 =
        conn.query_row("SELECT count(*) FROM challenges WHERE used = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(used, 0);
}

#[test]
fn state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let secret = {
        let aw = open(&db, &clock);
        setup(&aw, &clock)
    };
    clock.advance(30);
    let aw = open(&db, &clock);
    let c = aw.sign_in("alice", PW).unwrap().challenge.unwrap().to_string();
    let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
    assert_eq!(aw.verify_second_factor(&c, &code).unwrap().status, SignInStatus::Complete);
    assert_eq!(aw.account_policy("acme").unwrap().lockout.max_failures, 100);
    assert_eq!(aw.status("alice").unwrap().recovery_codes_left, 10);
}

/// Issue 12, finding 5: the database and its WAL files are private, looser modes are tightened, and a
/// deleted user's data does not linger in free pages.
#[cfg(unix)]
#[test]
fn files_are_private_and_deletions_do_not_linger() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    {
        let aw = open(&db, &clock);
        aw.create_user("alice", "acme", PW, Some("lingering-marker@example.com")).unwrap();
        aw.create_user("bob", "acme", PW, None).unwrap();
        for f in ["aw.db", "aw.db-wal", "aw.db-shm"] {
            assert_eq!(mode(&dir.path().join(f)), 0o600, "{f}");
        }
        aw.delete_user("alice").unwrap();
    } // the last connection checkpoints the WAL into the file
    let bytes = std::fs::read(&db).unwrap();
    let marker = b"lingering-marker@example.com";
    assert!(!bytes.windows(marker.len()).any(|w| w == marker), "the deleted email is still in the file");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(open(&db, &clock));
    assert_eq!(mode(&db), 0o600, "an existing file is tightened on open");
    // a foreign file is left as it is
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, b"not a database at all, just some text").unwrap();
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o644)).unwrap();
    let options = AuthwardOptions { hash_params: CHEAP, ..AuthwardOptions::default() };
    assert_eq!(Authward::open(&foreign, &KEY, options).unwrap_err().code(), ErrorCode::Storage);
    assert_eq!(mode(&foreign), 0o644);
}

/// Issue 12, finding 6: an online backup through authward (no second SQLite on the file) opens with the
/// same key and holds everyone; `store_info` is the read-only look a health check needs.
#[test]
fn online_backup_and_store_info() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aw.db");
    let clock = ManualClock::new(T0);
    let aw = open(&db, &clock);
    let secret = setup(&aw, &clock);
    let info = aw.store_info().unwrap();
    assert_eq!((info.backend, info.schema_version, info.users, info.healthy), ("sqlite", 7, 1, true));
    let copy = dir.path().join("backup.db");
    aw.backup(&copy).unwrap();
    assert_eq!(aw.backup(&copy).unwrap_err().code(), ErrorCode::AlreadyExists);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
        // A symlink planted at the target (pointing where the attacker wants the copy) is refused,
        // and nothing is written through it.
        let elsewhere = dir.path().join("attacker-readable.db");
        let link = dir.path().join("planted.db");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        assert_eq!(aw.backup(&link).unwrap_err().code(), ErrorCode::AlreadyExists);
        assert!(!elsewhere.exists(), "the backup was written through a symlink");
    }
    let restored = open(&copy, &clock);
    clock.advance(30);
    let c = restored.sign_in("alice", PW).unwrap().challenge.unwrap().to_string();
    let code = totp::code(&secret, clock.now(), &TotpConfig::default()).unwrap();
    assert_eq!(restored.verify_second_factor(&c, &code).unwrap().status, SignInStatus::Complete);
    let memory =
        Authward::in_memory(AuthwardOptions { hash_params: CHEAP, ..AuthwardOptions::default() }).unwrap();
    assert_eq!(memory.backup(dir.path().join("m.db")).unwrap_err().code(), ErrorCode::InvalidState);
    assert_eq!(memory.store_info().unwrap().backend, "memory");
}
