"""The secretary's retention page: who falls due, who cannot be judged, evidence due to go, the purge log."""
from __future__ import annotations

import re

from fpp.retention.views import next_run


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start + 1)
    return page[start:end if end != -1 else None]


def test_the_page_lists_each_retention_state(client, login, board):
    login("secretary")
    page = client.get("/retention").data.decode()
    past = _section(page, "past-due")
    assert "M-OLIVE" in past and "Olive Oldfield" in past and "M-FRED" in past and "30/06/2020" in past
    assert "Declaration deadline" in past and "The next run purges these 2 members." in past
    upcoming = _section(page, "upcoming")
    assert "M-SAM" in upcoming and "20/12/2026" in upcoming and "75th birthday" in upcoming
    assert "M-OLIVE" not in upcoming
    unjudged = _section(page, "no-birth-date")
    assert "M-NORA" in unjudged and f'href="/members/{board.nora.id}/edit"' in unjudged
    evidence = _section(page, "evidence")
    assert "M-YURI" in evidence and "passport Yuri Young.pdf" in evidence and "01/07/2024" in evidence
    assert "M-OLIVE" not in evidence  # her files go with her, listed as hers above
    assert "M-KIM" not in page  # serving: never due
    assert "the next run is on\n  <strong>1 December 2026</strong>" in page
    assert "Nothing has been purged yet." in page
    body = page[page.index("<h1>Retention</h1>"):page.index("</main>")]
    assert not re.search(r"<form", body, re.I), "purging is never a button"


def test_the_purge_log_shows_what_went_without_personal_data(client, login, board, runner):
    assert runner("retention", "purge").exit_code == 0
    login("secretary")
    log = _section(client.get("/retention").data.decode(), "log")
    assert "M-OLIVE" in log and "Member purged" in log and "Check records: 3" in log and "cli" in log
    assert "M-YURI" in log and "Evidence files past their own retention" in log
    assert "Olive Oldfield" not in log and "1945" not in log


def test_the_auditor_reads_the_page(client, login, board):
    login("auditor")
    assert client.get("/retention").status_code == 200


def test_nobody_falls_due_on_an_empty_register(client, login):
    login("secretary")
    page = client.get("/retention").data.decode()
    assert "Nobody is past their purge date." in page and "Every leaver has a date of birth on file." in page


def test_next_run_is_the_first_of_the_month():
    from datetime import date
    assert next_run(date(2026, 12, 1)) == date(2026, 12, 1)
    assert next_run(date(2026, 12, 2)) == date(2027, 1, 1)
    assert next_run(date(2027, 1, 31)) == date(2027, 2, 1)
