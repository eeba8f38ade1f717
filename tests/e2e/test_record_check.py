"""In a real browser: the secretary signs in and records a check."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import sign_in_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(live_server):
    from fpp.auth.operations import create_user
    from fpp.extensions import db
    from fpp.people.operations import create_member
    with live_server.app_context():
        member = create_member(member_id="E500", name="Rosalind Franklin", position="ned", start_on=date(2024, 4, 1))
        create_user("sec@example.nhs.uk", "secretary", "browser-password-1")
        db.session.commit()
        member_pk = member.id
        db.session.remove()
    return live_server, member_pk


def test_secretary_records_a_check(page, seeded):
    server, member_pk = seeded
    sign_in_in_browser(page, server.base_url, "sec@example.nhs.uk", "browser-password-1")  # enrols the app
    page.get_by_role("heading", name="Board overview").wait_for()
    page.get_by_role("link", name="Rosalind Franklin").click()
    page.get_by_role("link", name="Add a check record").click()
    page.get_by_label("Check").select_option("insolvency")
    page.get_by_label("Day").first.fill("1")
    page.get_by_label("Month").first.fill("13")
    page.get_by_label("Year").first.fill("2025")
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("Date completed must be a real date").first).to_be_visible()
    page.get_by_label("Month").first.fill("3")
    page.get_by_label("Name searched on").fill("Rosalind Franklin")
    page.get_by_label("Day").nth(1).fill("25")  # the date of birth searched on (FPPT.md section 3)
    page.get_by_label("Month").nth(1).fill("7")
    page.get_by_label("Year").nth(1).fill("1920")
    page.get_by_label("Who searched").fill("The secretary")
    page.get_by_role("button", name="Save record").click()
    page.get_by_text("Insolvency search recorded for Rosalind Franklin").wait_for()
    expect(page.locator("#check-insolvency").get_by_text("01/03/2025").first).to_be_visible()
