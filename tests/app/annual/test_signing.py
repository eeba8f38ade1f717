"""The signing page says what signing needs before it asks for the password; the declaration page offers
"Sign" only when signing can succeed; and the operation refuses whatever the page showed."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from fpp.annual.models import Declaration
from fpp.extensions import db
from fpp.timeutil import freeze
from tests.fixtures.factories import PASSWORD

AFTER_YEAR = datetime(2026, 4, 20, 12, 0)
SIGN = "/years/2025/declaration/sign"


def _record_outcomes(client, board, sign_in, members=("ned", "sid", "chair")):
    """Fit and proper for `members`: the chair records the others', the SID the chair's (two sign-ins each at most)."""
    sign_in(board.chair_user)
    for name in [m for m in members if m != "chair"]:
        _fit(client, getattr(board, name))
    if "chair" in members:
        sign_in(board.sid_user)
        _fit(client, board.chair)
        sign_in(board.chair_user)


def _fit(client, member):
    assert client.post(f"/years/2025/members/{member.id}/outcome", data={"outcome": "fit_and_proper"}).status_code == 302


def _versions():
    return db.session.execute(select(Declaration)).scalars().all()


def _section(page: str, element_id: str) -> str:
    """One precondition's item, its nested list included."""
    return page.split(f'id="{element_id}"')[1].split('<li id="precondition-')[0].split("</ol>")[0]


def test_before_the_year_ends_the_page_lists_what_is_missing_and_asks_nothing(client, board, sign_in):
    _record_outcomes(client, board, sign_in, members=("ned",))
    page = client.get(SIGN).get_data(as_text=True)
    assert page.index('id="not-ready"') < page.index('id="preconditions"')  # at the top
    assert 'name="password"' not in page and "Sign the declaration</button>" not in page
    assert "signing opens on 1 April 2026" in _section(page, "precondition-year")
    outcomes = _section(page, "precondition-outcomes")
    assert "1 of 3 has one" in outcomes
    assert f'href="/years/2025/members/{board.sid.id}/outcome">Record the outcome for Sam Sid' in outcomes
    assert f"/years/2025/members/{board.chair.id}/outcome" not in outcomes  # the chair's own: the SID's
    assert "Clara Chair</a> (the senior independent director records the chair's outcome)" in outcomes
    assert "Nina Ned" not in outcomes


def test_an_open_issue_holds_signing_up_until_it_is_decided(client, board, create_record, sign_in):
    _record_outcomes(client, board, sign_in)
    issue = create_record(board.ned, "insolvency", date(2026, 1, 5), outcome="issue", notes="Order found")
    with freeze(AFTER_YEAR):
        sign_in(board.chair_user)
        page = client.get(SIGN).get_data(as_text=True)
        decisions = _section(page, "precondition-decisions")
        assert f'href="/records/{issue.id}/decision">Decide on the Insolvency search of Nina Ned' in decisions
        assert "recorded 05/01/2026" in decisions and 'name="password"' not in page
        declaration = client.get("/years/2025/declaration").get_data(as_text=True)
        assert "Not ready to sign:</strong> Decide on every open issue first (accept it or not). Waiting: " \
               "Insolvency search of Nina Ned (05/01/2026)." in declaration
        assert f'class="nhsuk-button" href="{SIGN}"' not in declaration
        refused = client.post(SIGN, data={"password": PASSWORD}).get_data(as_text=True)  # never trust the page
        assert "Decide on every open issue first" in refused and _versions() == []
        client.post(f"/records/{issue.id}/decision", data={"decision": "not_accepted",
                                                            "not_accepted_reason": "Undischarged"})
        page = client.get(SIGN).get_data(as_text=True)
        assert 'id="not-ready"' not in page and 'name="password"' in page and "None waits." in page
        declaration = client.get("/years/2025/declaration").get_data(as_text=True)
        assert f'class="nhsuk-button" href="{SIGN}">Sign the declaration' in declaration
        assert "Not ready to sign" not in declaration
        assert client.post(SIGN, data={"password": PASSWORD}).status_code == 302
    assert len(_versions()) == 1


def test_the_chairs_own_issue_points_to_the_sid(client, board, create_record, sign_in):
    _record_outcomes(client, board, sign_in)
    issue = create_record(board.chair, "social_media", date(2026, 2, 1), outcome="issue")
    with freeze(AFTER_YEAR):
        sign_in(board.chair_user)
        decisions = _section(client.get(SIGN).get_data(as_text=True), "precondition-decisions")
    assert f"/records/{issue.id}/decision" not in decisions
    assert f'href="/members/{board.chair.id}#check-social_media">Social media and press search of Clara Chair</a> ' \
           "(the senior independent director decides on the chair's records)" in decisions


@pytest.mark.parametrize("completed_on, superseded", [(date(2026, 4, 10), False), (date(2026, 1, 5), True)])
def test_an_issue_after_the_year_or_replaced_by_a_clear_check_does_not_hold_signing_up(
        client, board, create_record, sign_in, completed_on, superseded):
    _record_outcomes(client, board, sign_in)
    with freeze(AFTER_YEAR):
        create_record(board.ned, "insolvency", completed_on, outcome="issue")
        if superseded:
            create_record(board.ned, "insolvency", date(2026, 2, 1))
        sign_in(board.chair_user)
        assert 'name="password"' in client.get(SIGN).get_data(as_text=True)
        assert client.post(SIGN, data={"password": PASSWORD}).status_code == 302


def test_once_signed_and_unchanged_there_is_nothing_to_sign(client, board, sign_in):
    _record_outcomes(client, board, sign_in)
    with freeze(AFTER_YEAR):
        sign_in(board.chair_user)
        client.post(SIGN, data={"password": PASSWORD})
        page = client.get(SIGN).get_data(as_text=True)
        assert "Version 1 is already signed and nothing has changed since." in _section(page, "precondition-changed")
        assert 'name="password"' not in page
        declaration = client.get("/years/2025/declaration").get_data(as_text=True)
        assert "Not ready to sign" not in declaration and f'href="{SIGN}"' not in declaration


def test_readers_see_whether_it_is_ready_and_never_the_sign_link(client, board, sign_in):
    sign_in(board.secretary)
    page = client.get("/years/2025/declaration").get_data(as_text=True)
    assert "Not ready to sign:</strong> The year 2025/26 ends on 31/03/2026: signing opens on 01/04/2026. " \
           "Record an outcome for every member first. Missing: Clara Chair, Nina Ned, Sam Sid." in page
    assert f'href="{SIGN}"' not in page
    _record_outcomes(client, board, sign_in)
    with freeze(AFTER_YEAR):
        sign_in(board.auditor)
        page = client.get("/years/2025/declaration").get_data(as_text=True)
    assert "Ready to sign: the chair can sign it now." in page and f'href="{SIGN}"' not in page
