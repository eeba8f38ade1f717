"""Keyboard only (issue 13, WCAG 2.1.1): from the board, the secretary records a check with Tab, Enter and
typing, never a click. (Signing in, the test's set-up, goes through the shared helper.)"""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import sign_in_in_browser

pytestmark = pytest.mark.browser

MAX_TABS = 150
FOCUSED = """() => { const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id || "", text: (el.innerText || el.value || "").trim()}; }"""


@pytest.fixture
def seeded(live_server):
    from fpp.auth.operations import create_user
    from fpp.extensions import db
    from fpp.people.operations import create_member
    with live_server.app_context():
        create_member(member_id="E600", name="Grace Hopper", position="ned", start_on=date(2024, 4, 1),
                      date_of_birth=date(1966, 12, 9))
        create_user("keys@example.nhs.uk", "secretary", "tab-enter-password-1")
        db.session.commit()
        db.session.remove()
    return live_server


def tab_to(page, matches) -> dict:
    """Press Tab until the focused element satisfies `matches(focused)`; fail after MAX_TABS presses."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if matches(focused):
            return focused
        seen.append(focused["id"] or focused["text"][:30])
    raise AssertionError(f"never reached by Tab; focus went through {seen}")


def test_the_secretary_records_a_check_with_the_keyboard_alone(page, seeded):
    sign_in_in_browser(page, seeded.base_url, "keys@example.nhs.uk", "tab-enter-password-1")
    page.get_by_role("heading", name="Board overview").wait_for()

    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Grace Hopper")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Grace Hopper").wait_for()

    # What needs doing comes first; its first action opens the form for that check.
    tab_to(page, lambda f: f["tag"] == "a" and f["text"].startswith("Record the identity and right to work"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Add a check record").wait_for()
    expect(page.get_by_label("Check")).to_have_value("identity")

    for field, value in (("completed_on-day", "9"), ("completed_on-month", "3"), ("completed_on-year", "2025")):
        tab_to(page, lambda f, field=field: f["id"] == field)
        page.keyboard.type(value)
    tab_to(page, lambda f: f["id"] == "notes")
    page.keyboard.type("Passport seen")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Save record")
    page.keyboard.press("Enter")

    page.get_by_text("Identity and right to work recorded for Grace Hopper").wait_for()
    assert page.url.endswith("#check-identity")
    section = page.locator("#check-identity")
    expect(section.get_by_text("09/03/2025").first).to_be_visible()  # its history opened by the link's anchor
    expect(section.get_by_text("Passport seen")).to_be_visible()
