//! The Security settings page, told in the terminal: the whole story on an SQLite file.
//!
//! `cargo run --release --example quickstart` — non-interactive: it plays the admin, the user, the
//! user's phone (it computes the authenticator app's codes) and an attacker, and moves a demo clock
//! through days and weeks. Run it again and it continues from what the database kept: the same user
//! signs in again and the security log grows.
//!
//! Files in the working directory: `authward-quickstart.db` (the store) and
//! `authward-quickstart.demo.json` (the demo's side: what the user remembers and their phone holds,
//! and the demo clock; a real server never has the TOTP secret outside the store).

use std::sync::Arc;

use authward::totp::{self, TotpConfig};
use authward::{
    AccountPolicy, Authward, AuthwardOptions, ErrorCode, LockoutPolicy, ManualClock, RequiredAction, SignIn,
    SignInStatus,
};

const DB: &str = "authward-quickstart.db";
const DEMO: &str = "authward-quickstart.demo.json";
/// Demo only: a real app loads its 32-byte key from a secret manager or the environment.
const DEMO_KEY: [u8; 32] = *b"demo key - never use in prod!!!!";
const USER: &str = "jane";
const DAY: u64 = 86_400;
const LAPTOP: &str = "jane's laptop";
const ATTACKER: &str = "198.51.100.7";

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// What the demo remembers between runs: the user's password, their phone's secret, the demo clock.
struct Demo {
    password: String,
    secret: String,
    clock: u64,
}

fn main() -> Fallible<()> {
    let real_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let saved = load_demo()?;
    // The demo clock goes on from where the last run left it (it moved days ahead), or starts now.
    let clock = ManualClock::new(saved.as_ref().map_or(real_now, |d| d.clock.max(real_now)));
    let options = AuthwardOptions { clock: Some(Arc::new(clock.clone())), ..AuthwardOptions::default() };
    let aw = Authward::open(DB, &DEMO_KEY, options)?;
    println!("authward {} — store: {DB}", authward::VERSION);
    let demo = match saved {
        Some(demo) if aw.status(USER).is_ok() => welcome_back(&aw, &clock, demo)?,
        _ => first_visit(&aw, &clock)?,
    };
    security_page(&aw, &clock)?;
    save_demo(&Demo { clock: clock.now(), ..demo })?;
    println!("\nRun it again: the same store, the same user, the story goes on.");
    Ok(())
}

/// The whole story of the page, in order.
fn first_visit(aw: &Authward, clock: &ManualClock) -> Fallible<Demo> {
    if aw.status(USER).is_ok() {
        return Err(format!("{DB} already has {USER} but {DEMO} is gone: delete {DB}* to start over").into());
    }
    section(clock, "1. The admin sets the account's security policies");
    let mut policy = AccountPolicy::new();
    policy.enforce_two_factor = true;
    policy.password_expiration_days = Some(90);
    policy.password_expiry_warning_days = 14;
    policy.lockout = LockoutPolicy::new(5, 300);
    aw.set_account_policy("acme", &policy)?;
    println!("Enforce two-factor authentication: on (no grace days)");
    println!("Password expiration: after 90 days, warning 14 days before");
    println!("Lockout: 5 failures per client, then 5 minutes");

    section(clock, "2. Jane gets an account");
    let mut password = "tulip-harbor-velvet-42".to_string();
    println!("Her password {password:?} against the account's rules:");
    checklist(&policy, &password, &[USER, "jane@acme.example"]);
    aw.create_user(USER, "acme", &password, Some("jane@acme.example"))?;
    let first = aw.sign_in_from(USER, &password, Some(LAPTOP))?;
    println!("Sign-in: {} — {}", first.status, explain(&first));

    section(clock, "3. Activate 2FA: scan the QR code or type the text code");
    let enrollment = aw.begin_totp_enrollment(USER, "ACME Corp")?;
    println!("{}", *enrollment.qr_terminal);
    println!("Can't scan? Type this code into the app: {}", group(&enrollment.secret));
    let setup_code = phone(&enrollment.secret, clock)?;
    println!("NEXT — the app shows {setup_code}; ENABLE…");
    let recovery = aw.confirm_totp_enrollment(USER, &setup_code)?;
    println!("Two-factor authentication is on. Recovery codes, shown once — save them:");
    for pair in recovery.chunks(2) {
        println!("  {}", pair.join("    "));
    }
    let secret = enrollment.secret.to_string();

    section(clock, "4. Sign out, sign in: password, then the 6-digit code");
    clock.advance(30);
    let step = aw.sign_in_from(USER, &password, Some(LAPTOP))?;
    println!("Password: {} — \"Enter the 6-digit code from your authenticator app\"", step.status);
    let challenge = step.challenge.as_deref().ok_or("no challenge")?;
    refused("The setup code again (replay)", aw.verify_second_factor(challenge, &setup_code));
    let code = phone(&secret, clock)?;
    let done = aw.verify_second_factor(challenge, &code)?;
    println!("VERIFY {code}: {} — {}", done.status, explain(&done));

    section(clock, "5. Phone left at home: a recovery code, once");
    clock.advance(30);
    let step = aw.sign_in_from(USER, &password, Some(LAPTOP))?;
    let done = aw.verify_second_factor(step.challenge.as_deref().ok_or("no challenge")?, &recovery[0])?;
    println!(
        "Recovery code {}: {} — {} recovery codes left",
        recovery[0],
        done.status,
        aw.status(USER)?.recovery_codes_left
    );
    let step = aw.sign_in_from(USER, &password, Some(LAPTOP))?;
    refused(
        "The same recovery code again",
        aw.verify_second_factor(step.challenge.as_deref().ok_or("no challenge")?, &recovery[0]),
    );
    let done =
        aw.verify_second_factor(step.challenge.as_deref().ok_or("no challenge")?, &phone(&secret, clock)?)?;
    println!("A wrong code leaves the challenge valid: the app's code still works — {}", done.status);

    clock.advance(DAY); // passwords may be changed by the user once a day at most
    section(clock, "6. The next day: CHANGE PASSWORD (current, new, confirm)");
    let tries: [(&str, &str, &str); 3] = [
        ("Confirmation differs", "glacier mango orbit thistle", "glacier mango orbit thistIe"),
        ("Weak new password", "acme2024", "acme2024"),
        ("Current password wrong", "glacier mango orbit thistle", "glacier mango orbit thistle"),
    ];
    for (i, (what, new, confirm)) in tries.iter().enumerate() {
        let current = if i == 2 { "tulip-harbor-velvet-41" } else { password.as_str() };
        println!("{what}: new {new:?}, confirm {confirm:?}");
        match aw.change_password(USER, current, new, confirm) {
            Err(e) if e.code() == ErrorCode::PolicyViolation => {
                println!("  → {}, every rule it breaks:", e.code());
                for v in e.violations() {
                    println!("      ✗ {:<20} {}", v.code.as_str(), v.message);
                }
            }
            Err(e) => println!("  → {} — {e}", e.code()),
            Ok(()) => return Err(format!("{what}: accepted").into()),
        }
    }
    let before = aw.status(USER)?.credential_version;
    password = "glacier mango orbit thistle".to_string();
    aw.change_password(USER, "tulip-harbor-velvet-42", &password, &password)?;
    let after = aw.status(USER)?.credential_version;
    println!(
        "SAVE {password:?}: done. Credential version {before} → {after}: the app ends Jane's other sessions."
    );

    section(clock, "7. Someone guesses Jane's password from another address");
    for i in 1..=6 {
        match aw.sign_in_from(USER, &format!("guess number {i}"), Some(ATTACKER)) {
            Err(e) if e.code() == ErrorCode::LockedOut => {
                println!(
                    "Guess {i} from {ATTACKER}: LOCKED_OUT, try again in {} s (not even checked)",
                    e.retry_after().unwrap_or(0)
                );
            }
            Err(e) => println!("Guess {i} from {ATTACKER}: {}", e.code()),
            Ok(_) => return Err("a guess got in".into()),
        }
    }
    clock.advance(30);
    let step = aw.sign_in_from(USER, &password, Some(LAPTOP))?;
    let done =
        aw.verify_second_factor(step.challenge.as_deref().ok_or("no challenge")?, &phone(&secret, clock)?)?;
    println!(
        "Jane, meanwhile, from her laptop (a familiar client): {} — the attacker cannot lock her out",
        done.status
    );
    clock.advance(301);
    println!(
        "Five minutes later the attacker's address may try again; 100 failures an hour is the ceiling for all."
    );

    section(clock, "8. Time passes: the password-expiry warning, then expiry");
    clock.advance(80 * DAY);
    let done = sign_in_fully(aw, clock, &password, &secret)?;
    println!("80 days later: {} — {}", done.status, explain(&done));
    clock.advance(11 * DAY);
    let done = sign_in_fully(aw, clock, &password, &secret)?;
    println!("91 days later: {} — {}", done.status, explain(&done));
    let new = "saffron quill meadow lantern";
    aw.change_password(USER, &password, new, new)?;
    password = new.to_string();
    let done = sign_in_fully(aw, clock, &password, &secret)?;
    println!("After the change: {} — {}", done.status, explain(&done));
    Ok(Demo { password, secret, clock: clock.now() })
}

/// A later run: the store still knows Jane; she signs in again.
fn welcome_back(aw: &Authward, clock: &ManualClock, demo: Demo) -> Fallible<Demo> {
    section(clock, "Welcome back: the store remembers");
    let status = aw.status(USER)?;
    let logged = aw.events(USER, 1000)?.len();
    println!(
        "Jane is still here: 2FA {}, {} recovery codes left, password changed {}, {logged} events in her log",
        if status.two_factor_enabled { "on" } else { "off" },
        status.recovery_codes_left,
        time(status.password_changed_at)
    );
    clock.advance(DAY);
    let done = sign_in_fully(aw, clock, &demo.password, &demo.secret)?;
    println!(
        "A day later she signs in with her password and her phone's code: {} — {}",
        done.status,
        explain(&done)
    );
    println!("Her log now has {} events.", aw.events(USER, 1000)?.len());
    Ok(demo)
}

/// The Security settings page: the status and the security log.
fn security_page(aw: &Authward, clock: &ManualClock) -> Fallible<()> {
    section(clock, "Settings » Security");
    let s = aw.status(USER)?;
    println!("  two-factor enabled     {}", s.two_factor_enabled);
    println!("  recovery codes left    {}", s.recovery_codes_left);
    println!("  password changed       {}", time(s.password_changed_at));
    if let (Some(at), Some(days)) = (s.password_expires_at, s.password_expires_in_days) {
        println!("  password expires       {} (in {days} days)", time(at));
    }
    println!("  locked until           {}", s.locked_until.map_or("not locked".to_string(), time));
    println!("  credential version     {}", s.credential_version);
    println!("\nSecurity log (newest first, last 12):");
    for e in aw.events(USER, 12)? {
        println!("  {}  {:<24} {}", time(e.at), e.kind.as_str(), e.detail);
    }
    Ok(())
}

fn sign_in_fully(aw: &Authward, clock: &ManualClock, password: &str, secret: &str) -> Fallible<SignIn> {
    clock.advance(30);
    let step = aw.sign_in_from(USER, password, Some(LAPTOP))?;
    if step.status != SignInStatus::SecondFactorRequired {
        return Ok(step);
    }
    let challenge = step.challenge.as_deref().ok_or("no challenge")?;
    Ok(aw.verify_second_factor(challenge, &phone(secret, clock)?)?)
}

/// What Jane's authenticator app shows now.
fn phone(secret: &str, clock: &ManualClock) -> Fallible<String> {
    Ok(totp::code(secret, clock.now(), &TotpConfig::default())?)
}

fn refused<T>(what: &str, result: authward::Result<T>) {
    match result {
        Err(e) => println!("{what}: {} — {e}", e.code()),
        Ok(_) => println!("{what}: accepted (unexpected)"),
    }
}

/// What a sign-in result means, in the words the page would use.
fn explain(s: &SignIn) -> String {
    let actions: Vec<&str> = s
        .required_actions
        .iter()
        .map(|a| match a {
            RequiredAction::EnrollTwoFactor => "set up two-factor authentication",
            RequiredAction::ChangePassword => "change the password",
        })
        .collect();
    match s.status {
        SignInStatus::ActionRequired => format!("signed in only to {} first", actions.join(" and ")),
        SignInStatus::SecondFactorRequired => "a code from the authenticator app is needed".to_string(),
        SignInStatus::Complete => match (s.password_expires_in_days, actions.is_empty()) {
            (Some(days), _) => format!("signed in; banner: \"your password expires in {days} days\""),
            (None, false) => format!("signed in; reminder: {}", actions.join(", ")),
            (None, true) => "signed in".to_string(),
        },
    }
}

/// The policy's rules as the page's live checklist for `password`.
fn checklist(policy: &AccountPolicy, password: &str, inputs: &[&str]) {
    let broken: Vec<&str> = policy.password.check(password, inputs).iter().map(|v| v.code.as_str()).collect();
    for rule in policy.password.rules() {
        let mark = if broken.contains(&rule.code.as_str()) { "✗" } else { "✓" };
        println!("  {mark} {}", rule.description);
    }
}

fn section(clock: &ManualClock, title: &str) {
    println!("\n── {title}  [{}]", time(clock.now()));
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (civil-from-days, H. Hinnant).
fn time(t: u64) -> String {
    let days = (t / DAY) as i64;
    let secs = t % DAY;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", secs / 3600, (secs % 3600) / 60)
}

fn group(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

fn load_demo() -> Fallible<Option<Demo>> {
    let Ok(text) = std::fs::read_to_string(DEMO) else { return Ok(None) };
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let field = |k: &str| {
        v.get(k).and_then(serde_json::Value::as_str).map(str::to_string).ok_or(format!("{DEMO}: no {k}"))
    };
    Ok(Some(Demo {
        password: field("password")?,
        secret: field("totp_secret")?,
        clock: v.get("clock").and_then(serde_json::Value::as_u64).ok_or(format!("{DEMO}: no clock"))?,
    }))
}

fn save_demo(d: &Demo) -> Fallible<()> {
    let v = serde_json::json!({
        "note": "demo only: what Jane remembers and her phone holds; a real server keeps no such file",
        "password": d.password,
        "totp_secret": d.secret,
        "clock": d.clock,
    });
    std::fs::write(DEMO, serde_json::to_string_pretty(&v)? + "\n")?;
    Ok(())
}
