"""Sign-in tests: a frozen clock that the tests move on, and the pages' messages."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from fpp.timeutil import freeze

START = datetime(2026, 3, 10, 9, 0, 0)


class Clock:
    """fpp.timeutil frozen at `now`; `advance` moves it on (TOTP steps, lockouts and session timeouts
    all read it)."""

    def __init__(self, start: datetime):
        self.now = start
        self._context = None

    def set(self, moment: datetime) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
        self.now = moment
        self._context = freeze(moment)
        self._context.__enter__()

    def advance(self, **delta) -> None:
        self.set(self.now + timedelta(**delta))

    def stop(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = None


@pytest.fixture
def clock():
    clock = Clock(START)
    clock.set(START)
    yield clock
    clock.stop()


def text_of(response) -> str:
    """The page's text without tags, on one line (messages span lines in the templates)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())
