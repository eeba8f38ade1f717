"""The words for a check's date, one rule for every page, e-mail and export (FPPT.md section 4).

`expires_on` is the last valid day: a check is "valid until" that day and "expired since" the day after.
The board, the member page, the calendar feed, the reminder e-mails and the tracker workbook all ask
`date_phrase`, so they say the same thing about the same record.

Pure: no Flask, no database; dates are written dd/mm/yyyy, as the pages show them.
"""
from __future__ import annotations

from datetime import date, timedelta

from checks.rules import DUE_SOON, EXPIRED, VALID

VALID_UNTIL, EXPIRED_SINCE = "valid until", "expired since"


def short_date(day: date) -> str:
    """dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def phrase_day(status: str, expires_on: date | None) -> date | None:
    """The day a check's date phrase names: its last valid day while it holds, the day after once expired;
    None when the status has no date to give (missing, concern, not required, never expires)."""
    if expires_on is None or status not in (VALID, DUE_SOON, EXPIRED):
        return None
    return expires_on + timedelta(days=1) if status == EXPIRED else expires_on


def date_phrase(status: str, expires_on: date | None) -> str:
    """"valid until 16/11/2026" (valid or due soon), "expired since 17/11/2026" (the day after `expires_on`),
    or "" when there is no date to give (missing, concern, not required, a check that never expires)."""
    day = phrase_day(status, expires_on)
    if day is None:
        return ""
    return f"{EXPIRED_SINCE if status == EXPIRED else VALID_UNTIL} {short_date(day)}"



def reminder_phrase(kind: str, step: str, anchor_on: date) -> str:
    """What a reminder step says about its check, in the same words as the pages: "valid until D" (an
    expiry notice; `anchor_on` is the last valid day), "expired since D" (overdue after expiry; `anchor_on`
    is the day after), "missing, required since D", "due by D" or "overdue, due by D" (a leaver
    reference), "due by D" (the declaration), "asked for since D" (the self-attestation)."""
    if kind == "expiry":
        return date_phrase(VALID, anchor_on)
    if kind == "overdue":
        if step.startswith(EXPIRED):
            return date_phrase(EXPIRED, anchor_on - timedelta(days=1))
        return f"missing, required since {short_date(anchor_on)}"
    if kind == "leaver":
        return f"{'overdue, ' if step == 'overdue' else ''}due by {short_date(anchor_on)}"
    if kind == "attestation":
        return f"asked for since {short_date(anchor_on)}"
    return f"due by {short_date(anchor_on)}"
