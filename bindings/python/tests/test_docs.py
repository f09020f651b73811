"""Every public name is documented; help() tells what to pass and what can be raised."""

from __future__ import annotations

import inspect
import pydoc

import authward


def _public_members(obj: object) -> list[tuple[str, object]]:
    return [(n, m) for n, m in vars(obj).items() if not n.startswith("_")] if inspect.isclass(obj) else []


def test_every_public_name_and_member_has_a_docstring() -> None:
    missing = []
    for name in authward.__all__:
        obj = getattr(authward, name)
        if name == "__version__" or name == "ERROR_CLASSES":
            continue
        if not (getattr(obj, "__doc__", None) or "").strip():
            missing.append(name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException) and not issubclass(obj, int):
            for member, value in _public_members(obj):
                if not (getattr(value, "__doc__", None) or "").strip():
                    missing.append(f"{name}.{member}")
    assert missing == []


def test_help_of_change_password_tells_what_to_pass_and_what_is_raised() -> None:
    text = pydoc.render_doc(authward.Authward.change_password, renderer=pydoc.plaintext)
    assert "change_password(self, /, user_id, current, new, confirm)" in text or "(user_id, current, new, confirm)" in text
    for word in ["WrongPassword", "PasswordMismatch", "PolicyViolation", "PasswordReused", "LockedOut", "violations"]:
        assert word in text, word


def test_signatures_show_keyword_defaults() -> None:
    assert str(inspect.signature(authward.HashParams)) == "(memory_kib=19456, iterations=2, parallelism=1)"
    assert str(inspect.signature(authward.verify_totp)) == "(secret, code, at=None, last_step=None, config=None)"
    assert "limit=100" in str(inspect.signature(authward.Authward.events))
