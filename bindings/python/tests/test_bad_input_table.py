"""The shared table of hostile inputs (tests/vectors/bad_inputs.json), walked through the Python binding.

Every case calls one operation with good arguments except one, which gets the hostile value, and checks
the outcome the table documents for Python: an ``AuthwardError`` with a code, a ``TypeError``, a
``UnicodeEncodeError`` (lone surrogates), or a plain outcome (``False``, ``None``, violations). The service
cases run over one SQLite store and check it is unchanged afterwards (or changed only by the documented
failure count), and that the users still sign in and enrol after the whole walk.
"""

from __future__ import annotations

import builtins
import pathlib
from typing import Any, Callable, Iterator

import pytest

import authward
from conftest import load_vectors

TABLE = load_vectors("bad_inputs.json")
FIX = TABLE["fixtures"]
CHEAP = authward.HashParams(**FIX["hash_params"])
SERVICE_OPS = {name for name, op in TABLE["ops"].items() if op.get("service")}


def decode(value: Any) -> Any:
    """A value of the table's `values` map as a Python object."""
    kind = value["kind"]
    if kind == "null":
        return None
    if kind == "json":
        return value["json"]
    if kind == "bytes":
        return bytes.fromhex(value["hex"])
    if kind == "string":
        return value["text"]
    if kind == "repeat":
        return value["text"] * value["times"]
    if kind == "lone_surrogate":
        return value["before"] + chr(value["unit"]) + value["after"]
    if kind == "int":
        return int(value["dec"])
    if kind == "float":
        return float(value["text"])
    raise AssertionError(f"unknown value kind {kind}")


def expectation(case: dict[str, Any]) -> str:
    expect: dict[str, str] = case["expect"]
    return expect.get("python", expect.get("all", "missing"))


def args_for(case: dict[str, Any], runtime: dict[str, Any]) -> dict[str, Any]:
    """The op's good arguments (fixtures resolved) with the case's argument replaced."""
    args = {}
    for name, good in TABLE["ops"][case["op"]]["args"].items():
        if isinstance(good, str) and good.startswith("@"):
            key = good[1:]
            good = runtime[key] if key in runtime else FIX[key]
        args[name] = good
    args[case["arg"]] = decode(TABLE["values"][case["value"]])
    return args


# ---- the operations: one adapter each, taking the argument map and the name of the replaced argument.

Adapter = Callable[[dict[str, Any], str], Any]


def _account_policy(a: dict[str, Any]) -> authward.AccountPolicy:
    return authward.AccountPolicy(
        password_expiration_days=a["password_expiration_days"],
        password=authward.PasswordPolicy(min_length=a["password_min_length"]),
        totp=authward.TotpConfig(digits=a["totp_digits"]),
        lockout=authward.LockoutPolicy(max_failures=a["lockout_max_failures"]),
        remember_device_days=30,
    )


STATELESS: dict[str, Adapter] = {
    "hash_password": lambda a, _: authward.hash_password(a["password"], CHEAP, pepper=a["pepper"]),
    "verify_password": lambda a, _: authward.verify_password(a["password"], a["phc"]),
    "needs_rehash": lambda a, _: authward.needs_rehash(a["phc"], CHEAP),
    "password_policy_check": lambda a, _: authward.PasswordPolicy().check(a["password"], [a["user_input"]]),
    "HashParams": lambda a, _: authward.HashParams(a["memory_kib"], a["iterations"], a["parallelism"]),
    "TotpConfig": lambda a, _: authward.TotpConfig(a["algorithm"], a["digits"], a["period"], a["window"]),
    "PasswordPolicy": lambda a, _: authward.PasswordPolicy(
        min_length=a["min_length"],
        max_length=a["max_length"],
        min_strength=a["min_strength"],
        history=a["history"],
        require_digit=a["require_digit"],
        breach_min_count=a["breach_min_count"],
        reject_breached=a["reject_breached"],
    ),
    "LockoutPolicy": lambda a, _: authward.LockoutPolicy(a["max_failures"], a["lockout_seconds"]),
    "AccountPolicy": lambda a, _: authward.AccountPolicy(
        enforce_two_factor=a["enforce_two_factor"],
        two_factor_grace_days=a["two_factor_grace_days"],
        password_expiration_days=a["password_expiration_days"],
        password_expiry_warning_days=a["password_expiry_warning_days"],
    ),
    "totp_code": lambda a, _: authward.totp_code(a["secret"], at=a["at"]),
    "verify_totp": lambda a, _: authward.verify_totp(a["secret"], a["code"], at=a["at"], last_step=a["last_step"]),
    "totp_uri": lambda a, _: authward.totp_uri(a["secret"], a["issuer"], a["account_name"]),
    "parse_totp_uri": lambda a, _: authward.parse_totp_uri(a["uri"]),
    "qr_png": lambda a, _: authward.qr_png(a["text"], scale=a["scale"]),
    # a filter that loads must answer lookups
    "breach_filter_from_bytes": lambda a, _: authward.BreachFilter.from_bytes(a["bytes"]).contains(a["password"]),
}


def service_adapters(svc: authward.Authward) -> dict[str, Adapter]:
    return {
        "create_user": lambda a, _: svc.create_user(a["user_id"], a["account_id"], a["password"], email=a["email"]),
        "sign_in": lambda a, _: svc.sign_in(a["user_id"], a["password"]),
        "change_password": lambda a, _: svc.change_password(a["user_id"], a["current"], a["new"], a["confirm"]),
        "verify_second_factor": lambda a, _: svc.verify_second_factor(a["challenge"], a["code"]),
        "begin_totp_enrollment": lambda a, _: svc.begin_totp_enrollment(a["user_id"], a["issuer"]),
        "confirm_totp_enrollment": lambda a, _: svc.confirm_totp_enrollment(a["user_id"], a["code"]),
        "set_account_policy": lambda a, arg: svc.set_account_policy(
            a["account_id"], a["policy"] if arg == "policy" else _account_policy(a), actor=a["actor"]
        ),
        "events": lambda a, _: svc.events(a["user_id"], a["limit"]),
        "status": lambda a, _: svc.status(a["user_id"]),
        "list_users": lambda a, _: svc.list_users(a["account_id"]),
        "disable_totp": lambda a, _: svc.disable_totp(a["user_id"], a["password"]),
        "regenerate_recovery_codes": lambda a, _: svc.regenerate_recovery_codes(a["user_id"], a["password"]),
        "set_password": lambda a, _: svc.set_password(a["user_id"], a["new"], actor=a["actor"]),
        "require_password_change": lambda a, _: svc.require_password_change(a["user_id"], actor=a["actor"]),
        "unlock_user": lambda a, _: svc.unlock_user(a["user_id"], actor=a["actor"]),
        "reset_two_factor": lambda a, _: svc.reset_two_factor(a["user_id"], actor=a["actor"]),
        "set_two_factor_exempt": lambda a, _: svc.set_two_factor_exempt(a["user_id"], a["exempt"], actor=a["actor"]),
        "delete_user": lambda a, _: svc.delete_user(a["user_id"]),
        "account_report": lambda a, _: svc.account_report(
            a["account_id"], sort=a["sort"], offset=a["offset"], limit=a["limit"]
        ),
        "audit_log": lambda a, _: svc.audit_log(a["account_id"], a["limit"]),
        "list_devices": lambda a, _: svc.list_devices(a["user_id"]),
        "revoke_device": lambda a, _: svc.revoke_device(a["user_id"], a["device_id"]),
        "revoke_all_devices": lambda a, _: svc.revoke_all_devices(a["user_id"]),
        "verify_second_factor_remember": lambda a, _: svc.verify_second_factor(
            a["challenge"], a["code"], remember_device=a["label"]
        ),
        "sign_in_with_device": lambda a, _: svc.sign_in(a["user_id"], a["password"], device_token=a["device_token"]),
    }


def check_outcome(call: Callable[[], Any], expect: str) -> None:
    """Runs `call` and checks it ends as `expect` says (see the table's `outcomes`)."""
    try:
        result = call()
    except authward.AuthwardError as err:
        assert expect == err.code, f"expected {expect}, got {type(err).__name__} {err.code}: {err}"
        assert_clean(str(err))
        return
    except Exception as err:  # noqa: BLE001 - the type is what is checked
        wanted = getattr(builtins, expect, None)
        assert isinstance(wanted, type) and isinstance(err, wanted), (
            f"expected {expect}, got {type(err).__name__}: {str(err)[:200]}"
        )
        assert_clean(str(err))
        return
    if expect == "ok":
        return
    if expect == "second_factor_required":
        assert result.status == expect and result.challenge, f"expected {expect}, got {result!r}"
        return
    if expect == "false":
        assert result is False, f"expected False, got {result!r}"
    elif expect == "none":
        assert result is None, f"expected None, got {result!r}"
    elif expect.startswith("violation:"):
        codes = [v.code for v in result]
        assert expect.split(":", 1)[1] in codes, f"expected {expect}, got {codes}"
    else:
        raise AssertionError(f"expected {expect}, but the call returned {str(result)[:200]}")


def assert_clean(message: str) -> None:
    """No message quotes the good password, a hostile password or a megabyte of input."""
    for secret in (FIX["password"], "correct horse", "battery staple", "a" * 64, "1" * 64):
        assert secret not in message, f"the message quotes an input: {message[:200]}"
    assert len(message) < 500, f"the message is {len(message)} characters long"


def case_id(case: dict[str, Any]) -> str:
    return f"{case['op']}.{case['arg']}={case['value']}"


def cases(service: bool) -> list[Any]:
    out = []
    for case in TABLE["cases"]:
        if (case["op"] in SERVICE_OPS) != service:
            continue
        expect = expectation(case)
        assert expect != "missing", case_id(case)
        marks = [pytest.mark.skip(reason=expect)] if expect.startswith("n/a") else []
        out.append(pytest.param(case, id=case_id(case), marks=marks))
    return out


def test_the_table_names_known_ops_args_and_values() -> None:
    for case in TABLE["cases"]:
        op = TABLE["ops"][case["op"]]
        assert case["arg"] in op["args"], case_id(case)
        assert case["value"] in TABLE["values"], case_id(case)
        assert case["op"] in STATELESS or case["op"] in SERVICE_OPS, case_id(case)
    assert len(TABLE["cases"]) > 300


@pytest.mark.parametrize("case", cases(service=False))
def test_stateless(case: dict[str, Any]) -> None:
    args = args_for(case, {})
    check_outcome(lambda: STATELESS[case["op"]](args, case["arg"]), expectation(case))


# ---- the service, over one SQLite store for the whole walk


class Walk:
    def __init__(self, path: pathlib.Path) -> None:
        self.clock = authward.ManualClock(FIX["start"])
        self.svc = authward.Authward.open(
            str(path), bytes.fromhex(FIX["store_key_hex"]), clock=self.clock, hash_params=CHEAP
        )
        svc, pw = self.svc, FIX["password"]
        svc.set_account_policy(
            FIX["account"],
            authward.AccountPolicy(lockout=authward.LockoutPolicy(max_failures=100), remember_device_days=30),
        )
        svc.create_user(FIX["user"], FIX["account"], pw, email=FIX["email"])
        enrollment = svc.begin_totp_enrollment(FIX["user"], "ACME")
        self.secret = enrollment.secret
        svc.confirm_totp_enrollment(FIX["user"], authward.totp_code(self.secret, at=self.clock.now()))
        self.clock.advance(60)
        first = svc.sign_in(FIX["user"], pw).challenge
        assert first is not None
        code = authward.totp_code(self.secret, at=self.clock.now())
        self.device_token = svc.verify_second_factor(first, code, remember_device="laptop").device_token
        assert self.device_token is not None
        self.device_id = svc.list_devices(FIX["user"])[0].id
        self.clock.advance(30)
        challenge = svc.sign_in(FIX["user"], pw).challenge
        assert challenge is not None
        svc.create_user(FIX["pending_user"], FIX["account"], pw)
        self.pending_secret = svc.begin_totp_enrollment(FIX["pending_user"], "ACME").secret
        self.runtime = {"challenge": challenge, "device_token": self.device_token, "device_id": self.device_id}
        self.adapters = service_adapters(svc)

    def snapshot(self) -> dict[str, Any]:
        svc = self.svc
        out: dict[str, Any] = {"users": svc.list_users(FIX["account"])}
        out["devices"] = [d.id for d in svc.list_devices(FIX["user"])]
        out["audit"] = [
            (e.user_id, e.event.kind, e.event.at, e.event.detail, e.event.actor)
            for e in svc.audit_log(FIX["account"], 1000)
        ]
        policy = svc.account_policy(FIX["account"])
        out["policy"] = (
            policy.enforce_two_factor,
            policy.password_expiration_days,
            policy.password.min_length,
            policy.totp.digits,
            policy.lockout.max_failures,
        )
        for user in (FIX["user"], FIX["pending_user"]):
            s = svc.status(user)
            out[f"status:{user}"] = (
                s.two_factor_enabled,
                s.recovery_codes_left,
                s.password_changed_at,
                s.password_expires_at,
                s.required_actions,
                s.locked_until,
                s.credential_version,
            )
            out[f"events:{user}"] = [(e.kind, e.at, e.detail) for e in svc.events(user, 1000)]
        return out


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    yield Walk(tmp_path_factory.mktemp("bad-inputs") / "store.db")


@pytest.mark.parametrize("case", cases(service=True))
def test_service(case: dict[str, Any], walk: Walk) -> None:
    runtime = dict(walk.runtime)
    if case["op"] == "verify_second_factor":
        # a fresh challenge per case: one challenge takes at most 5 wrong codes
        runtime["challenge"] = walk.svc.sign_in(FIX["user"], FIX["password"]).challenge
    before = walk.snapshot()
    args = args_for(case, runtime)
    check_outcome(lambda: walk.adapters[case["op"]](args, case["arg"]), expectation(case))
    after = walk.snapshot()
    effects = case.get("effect", {})
    effect = effects.get("python", effects.get("all", "none"))
    if effect.startswith("failure:"):
        key = f"events:{effect.split(':', 1)[1]}"
        added = after[key][: len(after[key]) - len(before[key])]
        kind = {
            "change_password": "password_change_failed",
            "confirm_totp_enrollment": "enrollment_failed",
            "disable_totp": "reauthentication_failed",
            "regenerate_recovery_codes": "reauthentication_failed",
        }.get(case["op"], "sign_in_failed")
        assert [k for k, _, _ in added] == [kind], added
        assert after[key][len(added) :] == before[key]
        after[key] = before[key]
    assert after == before, "the store changed"


def test_after_the_walk_the_users_still_sign_in_and_enrol(walk: Walk) -> None:
    svc, clock, pw = walk.svc, walk.clock, FIX["password"]
    first = svc.sign_in(FIX["user"], pw)
    assert first.status == "second_factor_required" and first.challenge
    done = svc.verify_second_factor(first.challenge, authward.totp_code(walk.secret, at=clock.now()))
    assert done.status == "complete"
    codes = svc.confirm_totp_enrollment(
        FIX["pending_user"], authward.totp_code(walk.pending_secret, at=clock.now())
    )
    assert len(codes) == 10
    assert svc.list_users(FIX["account"]) == sorted([FIX["user"], FIX["pending_user"]])
    remembered = svc.sign_in(FIX["user"], pw, device_token=walk.device_token)
    assert remembered.status == "complete"
    assert [d.id for d in svc.list_devices(FIX["user"])] == [walk.device_id]
    with pytest.raises(authward.InvalidCredentials):
        svc.sign_in(FIX["new_user"], pw)
