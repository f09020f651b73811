//! The Security settings story, end to end, on an SQLite file in the working directory.
//!
//! `cargo run --release --example quickstart` — runs non-interactively (it computes the authenticator
//! app's codes itself) and can be run again: each run uses a fresh user id.

use std::sync::Arc;

use authward::totp::{self, TotpConfig};
use authward::{AccountPolicy, Authward, AuthwardOptions, ManualClock, SignInStatus};

const DB: &str = "authward-quickstart.db";
/// Demo only: a real app loads its 32-byte key from a secret manager or the environment.
const DEMO_KEY: [u8; 32] = *b"demo key - never use in prod!!!!";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    // A manual clock lets the demo step through time (TOTP steps); it starts at the real time.
    let clock = ManualClock::new(now);
    let options = AuthwardOptions { clock: Some(Arc::new(clock.clone())), ..AuthwardOptions::default() };
    let aw = Authward::open(DB, &DEMO_KEY, options)?;
    println!("authward {} — store: {DB}\n", authward::VERSION);

    // 1. The admin enforces 2FA and a 90-day password expiration for the account.
    let mut policy = AccountPolicy::new();
    policy.enforce_two_factor = true;
    policy.password_expiration_days = Some(90);
    aw.set_account_policy("acme", &policy)?;
    println!("Admin: account 'acme' enforces two-factor authentication and 90-day password expiration");
    println!("Password rules:");
    for rule in policy.password.rules() {
        println!("  [ ] {} ({})", rule.description, rule.code);
    }

    // 2. A user is created (a fresh id each run, so the demo can run again on the same file).
    let user = format!("jane-{now}-{}", std::process::id());
    let email = format!("{user}@example.com");
    aw.create_user(&user, "acme", "tulip-harbor-velvet-42", Some(&email))?;
    println!("\nCreated user {user}");
    let first = aw.sign_in(&user, "tulip-harbor-velvet-42")?;
    println!("Sign-in: {} — required actions: {:?}", first.status, names(&first.required_actions));

    // 3. Change password: mismatch, then a weak one (every violation listed), then success.
    match aw.change_password(&user, "tulip-harbor-velvet-42", "new-one-one", "new-one-two") {
        Err(e) => println!("\nChange password (confirmation differs): {} — {e}", e.code()),
        Ok(()) => return Err("a mismatched confirmation was accepted".into()),
    }
    match aw.change_password(&user, "tulip-harbor-velvet-42", "acme2024", "acme2024") {
        Err(e) => {
            println!("Change password (weak): {} — every violation:", e.code());
            for v in e.violations() {
                println!("  ✗ {:<20} {}", v.code.as_str(), v.message);
            }
        }
        Ok(()) => return Err("a weak password was accepted".into()),
    }
    aw.change_password(
        &user,
        "tulip-harbor-velvet-42",
        "glacier mango orbit thistle",
        "glacier mango orbit thistle",
    )?;
    println!("Change password: done (credential version {})", aw.status(&user)?.credential_version);

    // 4. Turn on two-factor authentication.
    let enrollment = aw.begin_totp_enrollment(&user, "ACME Corp")?;
    println!("\nScan this QR code with your authenticator app:\n{}", enrollment.qr_terminal);
    println!("…or type this code: {}", group(&enrollment.secret));
    let app_code = totp::code(&enrollment.secret, clock.now(), &TotpConfig::default())?;
    println!("The app shows {app_code}; confirming…");
    let recovery = aw.confirm_totp_enrollment(&user, &app_code)?;
    println!("Two-factor authentication is on. Recovery codes (shown once):");
    for pair in recovery.chunks(2) {
        println!("  {}", pair.join("    "));
    }

    // 5. Sign in: password, then the 6-digit code (the next one, 30 seconds later).
    clock.advance(30);
    let step1 = aw.sign_in(&user, "glacier mango orbit thistle")?;
    println!("\nSign-in with password: {}", step1.status);
    if step1.status != SignInStatus::SecondFactorRequired {
        return Err("expected a second factor".into());
    }
    let challenge = step1.challenge.as_ref().ok_or("no challenge")?;
    let code = totp::code(&enrollment.secret, clock.now(), &TotpConfig::default())?;
    let replay = aw.verify_second_factor(challenge, &app_code);
    if let Err(e) = &replay {
        println!("Replaying the setup code {app_code}: {} — {e}", e.code());
    }
    let done = aw.verify_second_factor(challenge, &code)?;
    println!("Code {code}: {} — required actions: {:?}", done.status, names(&done.required_actions));

    // 6. Status for the Security settings page.
    let s = aw.status(&user)?;
    println!("\nSecurity status of {user}:");
    println!("  two-factor enabled     {}", s.two_factor_enabled);
    println!("  recovery codes left    {}", s.recovery_codes_left);
    println!("  password expires in    {} days", s.password_expires_in_days.unwrap_or_default());
    println!("  required actions       {:?}", names(&s.required_actions));
    println!("  credential version     {}", s.credential_version);
    println!("\nSecurity log (newest first):");
    for e in aw.events(&user, 10)? {
        println!("  {:<26} {}", e.kind.as_str(), e.detail);
    }
    Ok(())
}

fn names(actions: &[authward::RequiredAction]) -> Vec<&'static str> {
    actions.iter().map(|a| a.as_str()).collect()
}

fn group(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}
