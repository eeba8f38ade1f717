"""The secretary's view of the year: requests, attestations, readiness; and the privacy flag."""
from datetime import date

from sqlalchemy import select

from fpp.annual.models import AttestationRequest
from fpp.extensions import db
from tests.app.annual.conftest import attestation_data


def _requests():
    return db.session.execute(select(AttestationRequest)).scalars().all()


def test_requesting_attestations_from_all_members_once(client, board, create_member, sign_in):
    create_member(member_id="L01", start_on=date(2020, 1, 1), end_on=date(2025, 5, 1))
    sign_in(board.secretary)
    response = client.post("/years/2025/requests", follow_redirects=True)
    assert "Attestation requested from 3 member(s)." in response.get_data(as_text=True)
    assert len(_requests()) == 3
    again = client.post("/years/2025/requests", follow_redirects=True).get_data(as_text=True)
    assert "Every serving member had already been asked" in again and len(_requests()) == 3


def test_requests_only_for_the_current_year(client, board, sign_in):
    sign_in(board.secretary)
    text = client.post("/years/2024/requests", follow_redirects=True).get_data(as_text=True)
    assert "Attestations can be requested only for the current year, 2025/26" in text
    assert _requests() == []


def test_the_year_view_shows_submissions_disclosures_and_readiness(client, board, create_member, sign_in):
    create_member(member_id="X01", name="Xavier Unchecked", start_on=date(2025, 9, 1))
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data({"convictions": "Speeding"}))
    sign_in(board.secretary)
    page = client.get("/years/2025").get_data(as_text=True)
    assert "Submitted 10/03/2026" in page and "Disclosure made" in page
    xavier = page.split('id="member-X01"')[1].split("</tr>")[0]
    assert "Not ready" in xavier and "Identity and right to work (missing)" in xavier
    assert "Record outcome" not in page  # the secretary never decides
    assert client.get("/years").status_code == 302


def test_a_member_who_left_before_the_year_is_not_in_it(client, board, create_member, sign_in):
    create_member(member_id="OLD", name="Olive Gone", start_on=date(2018, 1, 1), end_on=date(2025, 3, 31))
    sign_in(board.secretary)
    assert "Olive Gone" not in client.get("/years/2025").get_data(as_text=True)
    assert "Olive Gone" in client.get("/years/2024").get_data(as_text=True)


def test_the_overview_flags_members_without_the_privacy_notice(client, board, sign_in):
    board.sid.privacy_notice_on = date(2025, 1, 1)
    db.session.commit()
    sign_in(board.secretary)
    page = client.get("/board").get_data(as_text=True)
    assert page.count("No privacy notice") == 2
    sid_row = page.split("Sam Sid")[1].split("</th>")[0]
    assert "No privacy notice" not in sid_row


def test_a_year_out_of_range_is_404(client, board, sign_in):
    sign_in(board.secretary)
    assert client.get("/years/1066").status_code == 404


def test_readiness_says_against_which_date_it_was_judged(client, board, create_member, every_check,
                                                         complete_checks, sign_in):
    leaver = create_member(member_id="L01", name="Lee Leaver", start_on=date(2020, 1, 1), end_on=date(2025, 9, 30))
    complete_checks(leaver, on=date(2025, 6, 1))
    every_check(board.ned)
    sign_in(board.secretary)
    page = client.get("/years/2025").get_data(as_text=True)
    assert "Ready at 31/03/2026 (year end, forecast)" in _row(page, "N01")
    assert "Not ready</strong> at 31/03/2026 (year end, forecast): " in _row(page, "S01")
    assert "Not ready</strong> at 30/09/2025 (last day in post): " in _row(page, "L01")
    assert "Not ready</strong> at 31/03/2025 (year end): " in _row(client.get("/years/2024").get_data(as_text=True), "N01")


def _row(page: str, member_id: str) -> str:
    return page.split(f'id="member-{member_id}"')[1].split("</tr>")[0]
