"""The Security settings page in Python: change password, two-factor (TOTP) with a QR code, recovery codes,
and the account policies an admin sets (enforce 2FA, password expiration), with time moved by a ManualClock.

Run: python examples/python/quickstart.py   (after `pip install dist/authward-*.whl` or `pip install ./bindings/python`)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile

import authward

DAY = 86_400


def main() -> None:
    clock = authward.ManualClock(1_767_225_600)  # 2026-01-01, so the story is reproducible
    key = os.urandom(32)  # in production: from a secret manager, never stored beside the database
    # `with` closes the store (the SQLite file) at the end of the block; `aw.close()` does the same.
    with tempfile.TemporaryDirectory() as tmp, authward.Authward.open(
        os.path.join(tmp, "security.db"), key, clock=clock
    ) as aw:

        # An admin sets the account's policies.
        aw.set_account_policy(
            "acme",
            authward.AccountPolicy(
                enforce_two_factor=True,
                two_factor_grace_days=7,
                password_expiration_days=90,
                password=authward.PasswordPolicy(min_length=14),
            ),
        )
        aw.create_user("ada", "acme", "correct horse battery staple", email="ada@example.com")
        print("rules:", [r.description for r in aw.account_policy("acme").password.rules()])

        # Signing in during the grace period: no 2FA yet, nothing required.
        print("sign in:", aw.sign_in("ada", "correct horse battery staple").status)

        # Change password, a day later (a user may change it once a day, so the history of the last 5
        # cannot be cycled in one sitting): every rule that breaks is reported at once.
        clock.advance(DAY)
        try:
            aw.change_password("ada", "correct horse battery staple", "ada2026", "ada2026")
        except authward.PolicyViolationError as err:
            print("refused:", [v.code for v in err.violations])
        aw.change_password(
            "ada", "correct horse battery staple", "plankton symphony 42 marigold", "plankton symphony 42 marigold"
        )
        print("password changed; credential version", aw.status("ada").credential_version)

        # A week later the grace period is over: the next sign-in must enrol 2FA first.
        clock.advance(8 * DAY)
        print("required:", aw.sign_in("ada", "plankton symphony 42 marigold").required_actions)

        # Enrol: show the QR code (or the text secret), then confirm with the app's first code.
        enrollment = aw.begin_totp_enrollment("ada", "ACME")
        print(enrollment.qr_terminal)
        print("or type this code into the app:", enrollment.secret)
        app_code = authward.totp_code(enrollment.secret, at=clock.now())  # what the phone shows
        recovery_codes = aw.confirm_totp_enrollment("ada", app_code)
        print("2FA on; keep these recovery codes somewhere safe:", recovery_codes[:2], "...")

        # Sign in: password, then the 6-digit code ("VERIFY").
        clock.advance(30)
        first = aw.sign_in("ada", "plankton symphony 42 marigold")
        assert first.status == "second_factor_required" and first.challenge is not None
        code = authward.totp_code(enrollment.secret, at=clock.now())
        print("verify:", aw.verify_second_factor(first.challenge, code).status)

        # The same code again is a replay; a recovery code works once (lost phone).
        again = aw.sign_in("ada", "plankton symphony 42 marigold")
        assert again.challenge is not None
        try:
            aw.verify_second_factor(again.challenge, code)
        except authward.CodeReusedError:
            print("replayed code refused")
        print("with a recovery code:", aw.verify_second_factor(again.challenge, recovery_codes[0]).status)

        # While the account enforces 2FA, users cannot turn it off.
        try:
            aw.disable_totp("ada", "plankton symphony 42 marigold")
        except authward.TwoFactorEnforcedError as err:
            print("cannot disable:", err.code)

        # The password was changed on day 1 and expires on day 91: from day 77 (14 days before) the
        # sign-ins warn, and from day 91 a change is required.
        clock.advance(72 * DAY)  # day 81
        status = aw.status("ada")
        print("password expires in", status.password_expires_in_days, "days")
        clock.advance(11 * DAY)  # day 92
        done = aw.sign_in("ada", "plankton symphony 42 marigold")
        assert done.challenge is not None
        code = authward.totp_code(enrollment.secret, at=clock.now())
        print("required:", aw.verify_second_factor(done.challenge, code).required_actions)

        # Too many wrong passwords lock the user out for a while.
        for _ in range(5):
            try:
                aw.sign_in("ada", "guess")
            except authward.InvalidCredentialsError:
                pass
        try:
            aw.sign_in("ada", "plankton symphony 42 marigold")
        except authward.LockedOutError as err:
            print("locked out; retry after", err.retry_after, "s")

        # From asyncio: slow calls release the GIL, so run them in a worker thread.
        async def check_status() -> authward.SecurityStatus:
            return await asyncio.to_thread(aw.status, "ada")

        print("status:", asyncio.run(check_status()))
        print("security log:", [e.kind for e in aw.events("ada", limit=6)])


if __name__ == "__main__":
    main()
    sys.exit(0)
