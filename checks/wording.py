"""The words for a check's date, one rule for every page, e-mail and export (FPPT.md section 4).

`expires_on` is the last valid day: a check is "valid until" that day and "expired since" the day after.
The board, the member page, the calendar feed, the reminder e-mails and the tracker workbook all ask
`date_phrase`, so they say the same thing about the same record.

Pure: no Flask, no database; dates are written dd/mm/yyyy, as the pages show them.
"""
from __future__ import annotations

from datetime import date, timedelta

from checks.rules import CONCERN, DUE_SOON, EXPIRED, MISSING, VALID

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


# ---- What needs doing (the member page's opening list, issue 13) ----
# The statuses that ask for an action, most urgent first; a valid or not-required check asks for none.
NEEDS_DOING = (CONCERN, EXPIRED, MISSING, DUE_SOON)


def _in_sentence(label: str) -> str:
    """A check's label inside a sentence: "DBS check" stays, "Insolvency search" becomes "insolvency search"."""
    first = label.split(" ", 1)[0]
    return label if first[1:2].isupper() else label[:1].lower() + label[1:]


def action_phrase(status: str, label: str, expires_on: date | None, not_accepted_on: date | None = None) -> str:
    """What to do about a check in `status`: "Record the DBS check" (missing), "Renew by 16/11/2026" (due
    soon: the last valid day), "Renew now: expired since 17/11/2026" (expired), "Record a decision on the
    issue" (a concern), or "The issue was not accepted on 01/03/2026" (a concern already decided against,
    `not_accepted_on`); "" for a status that needs nothing (valid, not required)."""
    if status == CONCERN and not_accepted_on is not None:
        return f"The issue was not accepted on {short_date(not_accepted_on)}"
    if status == MISSING:
        return f"Record the {_in_sentence(label)}"
    if status == DUE_SOON and expires_on is not None:
        return f"Renew by {short_date(expires_on)}"
    if status == EXPIRED and expires_on is not None:
        return f"Renew now: {date_phrase(EXPIRED, expires_on)}"
    if status == CONCERN:
        return "Record a decision on the issue"
    return ""


# ---- The board's column headings: short forms of the standard checks' labels (each shown in an <abbr>
# whose title is the full label). A check without one (an organisation's own) shows its label, wrapped. ----
SHORT_LABELS = {
    "identity": "ID and RTW", "employment_history": "Emp. history", "references": "Refs",
    "qualifications": "Quals", "health": "Health", "dbs": "DBS", "professional_registration": "Prof. reg.",
    "insolvency": "Insolv.", "disqualified_directors": "Disq. dirs", "removed_trustees": "Rem. trustees",
    "employment_tribunal": "Emp. trib.", "social_media": "Social media", "self_attestation": "Self-attest.",
    "appraisal": "Appraisal", "leaver_reference": "Leaver ref.",
}


def short_label(code: str, label: str) -> str:
    """The board's heading for check `code`: its short form, else its label."""
    return SHORT_LABELS.get(code, label)


def compact_date(day: date) -> str:
    """dd/mm/yy, for the board's cells (whose accessible text gives the full date phrase)."""
    return day.strftime("%d/%m/%y")
