"""Who is on the board (FPPT.md section 1, CONTRACT.md `fpp status`): an interim appointment of at most
`[rules] interim_cover_weeks` is outside the Framework, listed apart like a later starter, and absent from
the status, the counts, the year, the calendar and the reminders."""
import json
import os
import re
from dataclasses import replace
from datetime import date

import pytest

from fpp.config import load_settings
from fpp.extensions import settings
from fpp.register.queries import members_with_statuses

AS_OF = date(2026, 6, 30)


@pytest.fixture
def people(create_member):
    """A short interim (5 weeks and a day), a longer one (7 weeks), an open-ended one, a later starter and a
    serving member; all with no checks recorded."""
    return {
        "short": create_member(member_id="S01", name="Sam Short", is_interim=True,
                               start_on=date(2026, 5, 1), end_on=date(2026, 6, 5)),
        "long": create_member(member_id="L01", name="Lou Long", is_interim=True,
                              start_on=date(2026, 4, 1), end_on=date(2026, 5, 19)),
        "open": create_member(member_id="O01", name="Olu Open", is_interim=True, start_on=date(2026, 6, 1)),
        "later": create_member(member_id="Z01", name="Zoe Later", start_on=date(2026, 9, 1)),
        "serving": create_member(member_id="A01", name="Ann Serving", start_on=date(2020, 1, 1)),
    }


def _ids(rows):
    return [row.member.member_id for row in rows]


def test_the_query_lists_short_interims_and_later_starters_apart(people):
    board = members_with_statuses(AS_OF, settings().rules)
    assert _ids(board.rows) == ["A01", "L01", "O01"]
    assert [(row.member.member_id, row.out_of_scope) for row in board.apart] == [
        ("S01", "short_interim"), ("Z01", "starts_later")]


@pytest.mark.parametrize("weeks, short", [(6, True), (5, False), (0, False)])
def test_the_cover_counts_both_dates_against_interim_cover_weeks(people, weeks, short):
    # 1 May to 5 June is 36 days: 5 weeks and a day.
    board = members_with_statuses(AS_OF, replace(settings().rules, interim_cover_weeks=weeks))
    assert ("S01" in _ids(board.apart)) is short


def test_interim_cover_weeks_comes_from_the_configuration():
    assert load_settings(os.devnull, {"rules_interim_cover_weeks": 4}).rules.interim_cover_weeks == 4
    assert load_settings(os.devnull).rules.interim_cover_weeks == 6


def test_the_board_lists_a_short_interim_apart_and_does_not_count_them(client, login, people):
    login("auditor")
    page = client.get(f"/board?as_of={AS_OF}").get_data(as_text=True)
    board, _, apart = page.partition("<h2>Short interim appointments</h2>")
    assert "Sam Short" not in board and "Lou Long" in board and "Olu Open" in board
    assert "Sam Short" in apart and "interim from 01/05/2026 to 05/06/2026" in apart
    assert "Zoe Later" in board.split("<h2>Starting later</h2>")[1]
    # Ann, Lou (left without a leaver reference) and Olu need action; Sam is in no count.
    assert re.search(r"status=action_required.*?<strong>3</strong>", page, re.S)


def test_status_json_omits_short_interims(runner, people):
    result = runner("status", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [m["member_id"] for m in json.loads(result.output)["members"]] == ["A01", "L01", "O01"]
    table = runner("status", "--as-of", AS_OF).output
    assert "Sam Short" not in table and "Lou Long" in table


def test_reminders_skip_short_interims(app, people):
    from fpp.reminders.operations import due_on
    from fpp.reminders.policy import reminder_policy
    due = due_on(AS_OF, reminder_policy(settings()), settings().rules, None)
    reminded = {d.member.member_id for d in due if d.member is not None}
    assert "S01" not in reminded and "Z01" not in reminded
    assert {"A01", "L01"} <= reminded  # the longer interim left on 19 May: their leaver reference is due


def test_the_calendar_leaves_short_interims_out(app, people, create_user, create_record):
    from fpp.reminders.calendar import build_calendar
    from fpp.reminders.policy import reminder_policy
    for member in (people["short"], people["long"]):
        create_record(member, "insolvency", date(2026, 4, 1))
    ics = build_calendar(create_user("secretary"), AS_OF, settings().rules, reminder_policy(settings()),
                         "Test NHS Trust", "https://fpp.example.nhs.uk").decode()
    assert "Lou Long" in ics and "Sam Short" not in ics


def test_the_year_lists_short_interims_apart_and_leaves_them_out_of_the_declaration(client, login, people):
    from fpp.annual.queries import members_in_year, year_rows
    # Zoe starts in September, within the year 2026/27.
    assert [row.member.member_id for row in year_rows(2026, settings().rules)] == ["A01", "L01", "O01", "Z01"]
    assert "S01" not in [m.member_id for m in members_in_year(2026)]
    login("auditor")
    page = client.get("/years/2026").get_data(as_text=True)
    table, _, apart = page.partition("Short interim appointments in 2026/27")
    assert 'id="member-S01"' not in table and "Sam Short" in apart and 'id="member-L01"' in table
