"""The app's one source of the current time; tests freeze it with `freeze`."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Now, in UTC (naive, as stored)."""
    return (_frozen or datetime.now(timezone.utc)).replace(tzinfo=None)


def today() -> date:
    """Today's date in the UK (the register's dates are UK dates)."""
    if _frozen is not None:
        return _frozen.date()
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo("Europe/London")).date()


@contextmanager
def freeze(moment: datetime):
    """Make utcnow() and today() return `moment` inside the block."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
