"""What issue 14 asked of the Python API: `close()` and `with`, PEP 8 exception names (old names kept as
aliases), `TypeError`s that name the argument and the expected type, and defaults that are the core's."""

from __future__ import annotations

import inspect
import os
import pathlib

import pytest

import authward
from conftest import CHEAP

PW = "correct horse battery staple"
OLD_NAMES = [
    "InvalidCredentials",
    "WrongPassword",
    "PasswordMismatch",
    "PolicyViolation",
    "PasswordReused",
    "InvalidCode",
    "CodeReused",
    "LockedOut",
    "NotFound",
    "AlreadyExists",
    "TwoFactorEnforced",
    "InvalidState",
    "ChallengeExpired",
]


def test_every_exception_name_ends_in_error_and_old_names_are_aliases() -> None:
    for cls in authward.ERROR_CLASSES.values():
        assert cls.__name__.endswith("Error"), cls.__name__
        assert getattr(authward, cls.__name__) is cls
    for old in OLD_NAMES:
        assert getattr(authward, old) is getattr(authward, old + "Error")
        assert old in authward.__all__ and old + "Error" in authward.__all__


def test_the_native_module_raises_the_new_classes() -> None:
    aw = authward.Authward.in_memory(hash_params=CHEAP)
    with pytest.raises(authward.NotFoundError) as info:
        aw.status("nobody")
    assert type(info.value).__name__ == "NotFoundError"
    with pytest.raises(authward.NotFound):  # the 0.1 name still catches it
        aw.status("nobody")


def test_close_makes_every_call_raise_invalid_state(tmp_path: pathlib.Path) -> None:
    aw = authward.Authward.open(tmp_path / "a.db", os.urandom(32), hash_params=CHEAP)
    aw.create_user("ada", "acme", PW)
    assert not aw.closed
    aw.close()
    assert aw.closed
    assert repr(aw) == "Authward(closed)"
    for call in (lambda: aw.status("ada"), lambda: aw.sign_in("ada", PW), aw.now, lambda: aw.events("ada")):
        with pytest.raises(authward.InvalidStateError, match="closed"):
            call()
    aw.close()  # idempotent


def test_with_block_closes_and_the_file_reopens(tmp_path: pathlib.Path) -> None:
    key = os.urandom(32)
    path = tmp_path / "b.db"
    with authward.Authward.open(path, key, hash_params=CHEAP) as aw:
        assert isinstance(aw, authward.Authward)
        aw.create_user("ada", "acme", PW)
    assert aw.closed
    # An exception inside the block propagates and the store is still closed.
    with pytest.raises(ZeroDivisionError):
        with authward.Authward.open(path, key, hash_params=CHEAP) as again:
            assert again.sign_in("ada", PW).status == "complete"
            raise ZeroDivisionError
    assert again.closed
    with authward.Authward.open(path, key, hash_params=CHEAP) as third:
        assert third.list_users("acme") == ["ada"]


@pytest.mark.parametrize(
    ("call", "argument", "expected"),
    [
        (lambda: authward.PasswordPolicy().check(PW, user_inputs="ada"), "user_inputs", "expected a list of str, not str"),
        (lambda: authward.PasswordPolicy().check(PW, user_inputs=["ada", 7]), "user_inputs", "an item is int"),
        (lambda: authward.Authward.open("x.db", "not bytes"), "key", "expected bytes, not str"),
        (lambda: authward.Authward.in_memory(pepper=[1, 2]), "pepper", "expected bytes, not list"),
        (lambda: authward.hash_password(PW, pepper="s"), "pepper", "expected bytes, not str"),
        (lambda: authward.verify_password(12345, "$argon2id$"), "password", "expected a str, not int"),
        (lambda: authward.HashParams(memory_kib="big"), "memory_kib", "expected an int, not str"),
        (lambda: authward.totp_code("JBSWY3DPEHPK3PXP", at=1.5), "at", "expected an int, not float"),
    ],
)
def test_type_errors_name_the_argument_and_the_expected_type(call: object, argument: str, expected: str) -> None:
    assert callable(call)
    with pytest.raises(TypeError) as info:
        call()
    message = str(info.value)
    assert f"'{argument}'" in message, message
    assert expected in message, message
    assert "Vec" not in message and "extract" not in message, message


def test_bytearray_is_bytes_enough() -> None:
    aw = authward.Authward.in_memory(hash_params=CHEAP, pepper=bytearray(b"pepper"))
    aw.create_user("ada", "acme", PW)
    assert aw.sign_in("ada", PW).status == "complete"


def _defaults(obj: object) -> dict[str, object]:
    return {
        name: p.default
        for name, p in inspect.signature(obj).parameters.items()  # type: ignore[arg-type]
        if p.default is not inspect.Parameter.empty
    }


@pytest.mark.parametrize(
    "cls", [authward.HashParams, authward.PasswordPolicy, authward.TotpConfig, authward.LockoutPolicy, authward.AccountPolicy]
)
def test_displayed_defaults_are_the_core_defaults(cls: type) -> None:
    # The signature shown by help() is text; the values used come from the core's constants. Both agree.
    made = cls()
    defaults = _defaults(cls)
    assert defaults, cls
    for name, shown in defaults.items():
        if name in ("password", "totp", "lockout"):
            continue  # None in the signature means "the nested type's own defaults"
        if name == "max_lockout_seconds":
            assert shown is None and made.max_lockout_seconds == made.lockout_seconds  # None: no growth
            continue
        assert getattr(made, name) == shown, (cls.__name__, name)


def test_events_limit_default_is_the_core_one() -> None:
    assert authward.DEFAULT_EVENTS_LIMIT == 100
    assert _defaults(authward.Authward.events)["limit"] == authward.DEFAULT_EVENTS_LIMIT
    clock = authward.ManualClock(1_700_000_000)
    aw = authward.Authward.in_memory(clock=clock, hash_params=CHEAP)
    aw.create_user("ada", "acme", PW)
    for _ in range(authward.DEFAULT_EVENTS_LIMIT + 5):
        aw.sign_in("ada", PW)
    assert len(aw.events("ada")) == authward.DEFAULT_EVENTS_LIMIT


def test_qr_png_default_scale_is_the_core_one() -> None:
    assert authward.qr_png("otpauth://totp/x") == authward.qr_png("otpauth://totp/x", scale=_defaults(authward.qr_png)["scale"])  # type: ignore[arg-type]


def test_event_kind_literal_is_the_core_table() -> None:
    stub = (pathlib.Path(authward.__file__).parent / "_authward.pyi").read_text()
    block = stub[stub.index("_EventKind = Literal[") : stub.index("]", stub.index("_EventKind = Literal["))]
    declared = [line.strip().strip('",') for line in block.splitlines()[1:] if line.strip()]
    assert declared == list(authward.EVENT_KINDS)
