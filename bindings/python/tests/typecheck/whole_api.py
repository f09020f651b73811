"""Uses every public name of authward with its declared types: `mypy --strict` must find nothing here
(run by tests/test_typecheck.py). Not run as a program; the calls only have to type-check."""

from __future__ import annotations

import os
from typing import Literal, Optional

import authward


def primitives() -> None:
    params: authward.HashParams = authward.HashParams(memory_kib=1024, iterations=1, parallelism=1)
    phc: str = authward.hash_password("pw", params, pepper=b"pepper")
    ok: bool = authward.verify_password("pw", phc, pepper=b"pepper")
    stale: bool = authward.needs_rehash(phc, authward.HashParams())
    secret: str = authward.generate_totp_secret()
    config = authward.TotpConfig(algorithm="SHA256", digits=8, period=30, window=1)
    code: str = authward.totp_code(secret, at=1_700_000_000, config=config)
    step: Optional[int] = authward.verify_totp(secret, code, at=1_700_000_000, last_step=None, config=config)
    uri: str = authward.totp_uri(secret, "ACME", "ada@example.com", config)
    parsed: authward.TotpUri = authward.parse_totp_uri(uri)
    algorithm: Literal["SHA1", "SHA256", "SHA512"] = parsed.config.algorithm
    svg: str = authward.qr_svg(uri)
    png: bytes = authward.qr_png(uri, scale=4)
    term: str = authward.qr_terminal(uri)
    policy = authward.PasswordPolicy(min_length=12, require_digit=True, history=5)
    for v in policy.check("short", user_inputs=["ada"]):
        if v.code == "TOO_SHORT":
            print(v.message)
    for r in policy.rules():
        print(r.code, r.description)
    codes: list[tuple[str, int]] = authward.error_codes()
    number: int = authward.ErrorCode["LOCKED_OUT"]
    print(ok, stale, step, parsed.secret, parsed.issuer, parsed.account_name, algorithm, svg, png, term)
    print(codes, number, authward.__version__, authward.DEFAULT_EVENTS_LIMIT, params.memory_kib)


def service(path: str) -> None:
    clock = authward.ManualClock(1_700_000_000)
    clock.set(1_700_000_000)
    clock.advance(30)
    now: int = clock.now()
    with authward.Authward.open(path, os.urandom(32), clock=clock, hash_params=authward.HashParams()) as aw:
        account = authward.AccountPolicy(
            enforce_two_factor=True,
            two_factor_grace_days=7,
            password_expiration_days=None,
            password_expiry_warning_days=14,
            password=authward.PasswordPolicy(),
            totp=authward.TotpConfig(),
            lockout=authward.LockoutPolicy(max_failures=5, lockout_seconds=300),
        )
        aw.set_account_policy("acme", account)
        days: Optional[int] = aw.account_policy("acme").password_expiration_days
        aw.create_user("ada", "acme", "correct horse battery staple", email="ada@example.com")
        users: list[str] = aw.list_users("acme")
        aw.change_password("ada", "correct horse battery staple", "new passphrase", "new passphrase")
        aw.set_password("ada", "admin reset passphrase")
        aw.require_password_change("ada")
        try:
            step = aw.sign_in("ada", "admin reset passphrase")
        except authward.LockedOutError as err:
            print(err.retry_after, err.code, err.message)
            return
        except authward.AuthwardError as err:
            print(err.code)
            return
        if step.status == "second_factor_required" and step.challenge is not None:
            step = aw.verify_second_factor(step.challenge, "123456")
        for action in step.required_actions:
            if action == "enroll_two_factor":
                enrollment = aw.begin_totp_enrollment("ada", "ACME")
                print(enrollment.secret, enrollment.uri, enrollment.qr_svg, enrollment.qr_png, enrollment.qr_terminal)
                print(enrollment.expires_at)
                recovery: list[str] = aw.confirm_totp_enrollment("ada", "123456")
                print(recovery, aw.regenerate_recovery_codes("ada", "pw"))
        print(step.password_expires_in_days, step.credential_version)
        try:
            aw.disable_totp("ada", "pw")
        except authward.TwoFactorEnforcedError:
            aw.reset_two_factor("ada")
        except authward.PolicyViolationError as err:
            print([v.code for v in err.violations])
        status: authward.SecurityStatus = aw.status("ada")
        print(status.two_factor_enabled, status.recovery_codes_left, status.password_changed_at)
        print(status.password_expires_at, status.password_expires_in_days, status.password_expiry_warning)
        print(status.required_actions, status.locked_until, status.credential_version)
        for event in aw.events("ada", limit=10):
            if event.kind == "locked_out":
                print(event.at, event.detail)
        aw.delete_user("ada")
        print(now, days, users, aw.now(), aw.closed)
        info: authward.StoreInfo = aw.store_info()
        if info.backend == "sqlite" and info.healthy:
            print(info.schema_version, info.users)
        purged: int = aw.purge_events(365)
        aw.backup("backup.db")
        print(purged)
    aw.close()
    memory = authward.Authward.in_memory(clock=None, hash_params=None, pepper=None)
    memory.close()
