"""The test clock: only with ``AUTHWARD_WEB_TEST_MODE=1`` on a loopback address.

In test mode authward runs on a ``ManualClock`` that follows the wall clock from a fixed start
(2026-01-05 09:00 UTC, so screenshots are reproducible) plus an offset the tests move with
``POST /__test__/clock {"advance": seconds}``; ``GET /__test__/clock`` tells the current time, from which
the tests compute TOTP codes. Without the variable the blueprint is not registered (the URLs are 404) and
the system clock is used; with it on a non-loopback address the app refuses to start.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from typing import Optional

import authward
from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue

from .config import Config

START = 1_767_603_600  # 2026-01-05 09:00:00 UTC

bp = Blueprint("testmode", __name__, url_prefix="/__test__")


class TestClock:
    """A ManualClock that ticks with the wall clock, plus an offset."""

    def __init__(self) -> None:
        self.clock = authward.ManualClock(START)
        self._t0 = time.monotonic()
        self._offset = 0
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self.clock.set(START + self._offset + int(time.monotonic() - self._t0))

    def advance(self, seconds: int) -> None:
        with self._lock:
            self._offset += seconds
        self.tick()


_clock: Optional[TestClock] = None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check(config: Config) -> None:
    """Refuses test mode off loopback (before anything is opened or created)."""
    if config.test_mode and not _loopback(config.host):
        raise SystemExit("AUTHWARD_WEB_TEST_MODE=1 is refused unless the server listens on loopback")


def install(app: Flask, config: Config) -> Optional[authward.ManualClock]:
    """The ManualClock for authward in test mode, else None (the system clock)."""
    global _clock
    if not config.test_mode:
        return None
    check(config)
    app.logger.warning("TEST MODE: the clock can be moved through /__test__/clock")
    _clock = TestClock()
    app.before_request(_clock.tick)
    return _clock.clock


@bp.get("/clock")
def get_clock() -> ResponseReturnValue:
    assert _clock is not None
    _clock.tick()
    return jsonify(now=_clock.clock.now())


@bp.post("/clock")
def move_clock() -> ResponseReturnValue:
    assert _clock is not None
    body = request.get_json(force=True, silent=True) or {}
    seconds = body.get("advance")
    if not isinstance(seconds, int) or not 0 <= seconds <= 10 * 365 * 86_400:
        return jsonify(error="advance must be a number of seconds"), 400
    _clock.advance(seconds)
    return jsonify(now=_clock.clock.now())
