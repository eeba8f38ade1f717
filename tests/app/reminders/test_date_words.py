"""The same record says the same thing everywhere (issue 13): `expires_on` is the last valid day, so the board,
the member page, the calendar feed, the reminder e-mail and the tracker export all say "valid until" that
day and "expired since" the day after, through checks.wording.date_phrase."""
from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select

from fpp.extensions import db
from fpp.reminders.models import OutboxMessage

from .conftest import AS_OF

EXPIRED = "expired since 16/05/2026"  # DBS completed 15/05/2023: last valid day 15/05/2026
VALID = "valid until 31/07/2026"  # DBS completed 31/07/2023
DUE_SOON_OTHER = "valid until 15/01/2027"  # insolvency search completed 15/01/2026


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_board_member_page_mail_calendar_and_tracker_agree(app, client, login, runner, create_full_member,
                                                          create_user, frozen, tmp_path):
    create_user("secretary", email="sec@example.nhs.uk")
    eve = create_full_member({"dbs": date(2023, 5, 15)}, name="Eve Expired", email="eve@example.nhs.uk")
    val = create_full_member({"dbs": date(2023, 7, 31)}, name="Val Valid", email="val@example.nhs.uk")

    login("secretary")
    board = plain(client.get(f"/board?as_of={AS_OF.isoformat()}").data.decode())
    assert EXPIRED in board and VALID in board and DUE_SOON_OTHER in board
    assert "Expired 15/05/2026" not in board and "16/05/2026" in board
    page = plain(client.get(f"/members/{eve.id}").data.decode())
    assert EXPIRED.capitalize() in page and "Expires on" not in page and DUE_SOON_OTHER.capitalize() in page

    result = runner("reminders", "run", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    mails = {m.recipient: m for m in db.session.execute(select(OutboxMessage)).scalars()}
    assert f"DBS check: {EXPIRED}." in mails["eve@example.nhs.uk"].body_text
    assert f"DBS check: {EXPIRED}." in plain(mails["eve@example.nhs.uk"].body_html)
    assert mails["eve@example.nhs.uk"].subject == f"DBS check for Eve Expired: {EXPIRED}"
    assert f"DBS check: {VALID} (60 days from now)." in mails["val@example.nhs.uk"].body_text
    digest = mails["sec@example.nhs.uk"].body_text
    assert f"DBS check, {EXPIRED}." in digest and f"DBS check, {VALID}." in digest

    output = tmp_path / "tracker.xlsx"
    result = runner("export", "tracker", "--as-of", AS_OF.isoformat(), "--output", output)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(output).worksheets[0]
    headers = [c.value for c in sheet[1]]
    rows = {row[1].value: dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)}
    assert rows["Eve Expired"]["DBS check expiry status"] == EXPIRED
    assert rows["Eve Expired"]["DBS check status"] == "Expired"
    assert rows["Val Valid"]["DBS check expiry status"] == VALID
    assert rows["Val Valid"]["Insolvency search expiry status"] == DUE_SOON_OTHER
    assert rows["Val Valid"]["Identity and right to work expiry status"] is None  # done once: no date to give

    feed = client.post("/calendar", data={"action": "create"}).data.decode()
    url = feed.split("https://fpp.example.nhs.uk", 1)[1].split("<", 1)[0]
    events = {str(e["SUMMARY"]): e.decoded("DTSTART")
              for e in Calendar.from_ical(app.test_client().get(url).data).walk("VEVENT")}
    assert events[f"DBS check {EXPIRED}: Eve Expired"] == date(2026, 5, 16)  # the day the phrase names
    assert events[f"DBS check {VALID}: Val Valid"] == date(2026, 7, 31)
