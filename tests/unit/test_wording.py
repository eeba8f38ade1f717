"""checks.wording: the words for a check's date, and for a reminder step (issue 13)."""
from __future__ import annotations

from datetime import date

import pytest

from checks.wording import date_phrase, phrase_day, reminder_phrase


@pytest.mark.parametrize("status, expires_on, phrase, day", [
    ("valid", date(2026, 11, 16), "valid until 16/11/2026", date(2026, 11, 16)),
    ("due_soon", date(2026, 11, 16), "valid until 16/11/2026", date(2026, 11, 16)),
    ("expired", date(2026, 11, 16), "expired since 17/11/2026", date(2026, 11, 17)),
    ("expired", date(2026, 2, 28), "expired since 01/03/2026", date(2026, 3, 1)),
    ("expired", date(2024, 2, 28), "expired since 29/02/2024", date(2024, 2, 29)),
    ("expired", date(2026, 12, 31), "expired since 01/01/2027", date(2027, 1, 1)),
    ("valid", None, "", None),  # done once: never expires
    ("missing", None, "", None),
    ("concern", date(2026, 11, 16), "", None),
    ("not_required", None, "", None),
])
def test_date_phrase(status, expires_on, phrase, day):
    assert date_phrase(status, expires_on) == phrase
    assert phrase_day(status, expires_on) == day


@pytest.mark.parametrize("kind, step, anchor_on, phrase", [
    ("expiry", "before_60", date(2026, 7, 31), "valid until 31/07/2026"),
    ("overdue", "expired_2", date(2026, 5, 21), "expired since 21/05/2026"),  # the anchor is the first day expired
    ("overdue", "missing_6", date(2020, 1, 1), "missing, required since 01/01/2020"),
    ("leaver", "left", date(2026, 6, 14), "due by 14/06/2026"),
    ("leaver", "overdue", date(2026, 6, 14), "overdue, due by 14/06/2026"),
    ("attestation", "request", date(2026, 4, 1), "asked for since 01/04/2026"),
    ("declaration", "before_30", date(2026, 6, 30), "due by 30/06/2026"),
])
def test_reminder_phrase(kind, step, anchor_on, phrase):
    assert reminder_phrase(kind, step, anchor_on) == phrase


def test_an_expiry_reminder_and_the_page_say_the_same():
    expires_on = date(2026, 7, 31)
    assert reminder_phrase("expiry", "before_7", expires_on) == date_phrase("due_soon", expires_on)
    first_expired = date(2026, 8, 1)
    assert reminder_phrase("overdue", "expired_1", first_expired) == date_phrase("expired", expires_on)
