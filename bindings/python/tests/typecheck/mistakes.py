"""Deliberate mistakes: `mypy --strict` must report exactly the error codes marked `# E: <code>` on
each marked line, and nothing else (checked by tests/test_typecheck.py)."""

from __future__ import annotations

import authward

aw = authward.Authward.in_memory()
step = aw.sign_in("ada", "pw")
if step.status == "compelte":  # E: comparison-overlap
    pass
for action in step.required_actions:
    if action == "enrol_two_factor":  # E: comparison-overlap
        pass
for event in aw.events("ada"):
    if event.kind == "signed_in":  # E: comparison-overlap
        pass
authward.TotpConfig(algorithm="SHA3")  # E: arg-type
authward.AccountPolicy(enforce_two_factr=True)  # E: call-arg
authward.Authward.open("x.db", "not bytes")  # E: arg-type
aw.events("ada", limit="10")  # E: arg-type
authward.PasswordPolicy().check("pw", user_inputs=[1])  # E: list-item
aw.sign_in("ada")  # E: call-arg
days: int = aw.account_policy("acme").password_expiration_days  # E: assignment
try:
    aw.status("ada")
except authward.LockedOutError as err:
    print(err.retry_afterr)  # E: attr-defined
aw.closed = True  # E: misc
