"""The board at 1280 px and 375 px (issue 13): every column shown, none hidden.

At 1280 px the standard catalogue fits its region; with three of the organisation's own checks the extra
columns scroll inside the focusable region (the keyboard reaches every heading) while the member column
stays in view. At 375 px each member is a card: name, position, overall status and the checks needing
attention only, and nothing scrolls sideways.
"""
from __future__ import annotations

import os
import threading
from datetime import date

import pytest

from tests.fixtures.browser import sign_in_in_browser

pytestmark = pytest.mark.browser

LOCAL = [
    {"code": "interests_review", "label": "Declared interests review", "applies_to": "all", "validity_months": 12},
    {"code": "overseas_police", "label": "Overseas police check", "applies_to": "executive", "validity_months": 36},
    {"code": "mandatory_training", "label": "Mandatory training", "applies_to": "all", "validity_months": 12},
]
PASSWORD = "wide-board-password-1"
GEOMETRY = """() => { const table = document.querySelector(".fpp-matrix"); const region = table.closest(".fpp-scroll");
  const r = region.getBoundingClientRect();
  return {region: {left: r.left, right: r.right, scrollWidth: region.scrollWidth, clientWidth: region.clientWidth,
                   scrollLeft: region.scrollLeft},
          page: document.scrollingElement.scrollWidth - document.documentElement.clientWidth,
          headers: [...table.querySelectorAll("thead th")].map(th => { const b = th.getBoundingClientRect();
            return {text: th.innerText.trim(), left: b.left, right: b.right}; }),
          member: (() => { const b = table.querySelector("tbody th").getBoundingClientRect();
            return {left: b.left, right: b.right}; })()}; }"""


@pytest.fixture
def server(request, tmp_path, monkeypatch):
    """The app on a fresh SQLite database with no local checks (or the parameter's number), a secretary and
    two members: one missing everything, one whose DBS check expired and everything else missing."""
    from werkzeug.serving import make_server

    from fpp.app import create_app
    from fpp.auth.operations import create_user
    from fpp.extensions import db
    from fpp.people.operations import create_member
    from fpp.register.operations import record_check
    from tests.fixtures.app import CHEAP_ARGON2, reset_schema
    local_checks = getattr(request, "param", 0)
    url = f"sqlite:///{tmp_path / 'layout.sqlite3'}"
    reset_schema(url)
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    app = create_app(config_path=os.devnull, overrides={
        "data_dir": str(tmp_path / "data"), "database_url": url, "secret_key": "layout",
        "checks_local": LOCAL[:local_checks], **CHEAP_ARGON2})
    with app.app_context():
        for number, (name, position, dbs_on) in enumerate((
                ("Nobody Yet Recorded-Longname", "executive", None), ("Eric Expired", "ned", date(2020, 1, 1)))):
            member = create_member(member_id=f"L{number:03d}", name=name, position=position,
                                   start_on=date(2020, 1, 1), date_of_birth=date(1970, 1, 1))
            if dbs_on:
                record_check(member, None, code="dbs", completed_on=dbs_on, dbs_level="basic")
        create_user("layout@example.nhs.uk", "secretary", PASSWORD)
        db.session.commit()
        db.session.remove()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    app.base_url = f"http://127.0.0.1:{http.server_port}"
    app.local_checks = local_checks
    try:
        yield app
    finally:
        http.shutdown()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("server", [0, 3], indirect=True, ids=["standard", "three-local-checks"])
def test_every_column_of_the_board_is_reachable_at_1280(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_in_browser(page, server.base_url, "layout@example.nhs.uk", PASSWORD)
    page.goto(server.base_url + "/board")
    found = page.evaluate(GEOMETRY)
    headers = found["headers"]
    assert len(headers) == 2 + 15 + server.local_checks
    assert found["page"] <= 1, "the page itself scrolls sideways"
    if not server.local_checks:
        # The standard catalogue fits: nothing to scroll, every heading inside the region.
        assert found["region"]["scrollWidth"] <= found["region"]["clientWidth"] + 1, found["region"]
        assert all(h["right"] <= found["region"]["right"] + 1 for h in headers), headers
        return
    # More columns scroll inside the region, which the keyboard focuses and scrolls; the names stay in view.
    page.locator(".fpp-matrix").first.evaluate("t => t.closest('.fpp-scroll').focus()")
    page.keyboard.press("Tab")
    page.keyboard.down("Shift")
    page.keyboard.press("Tab")  # back onto the region, by the keyboard
    page.keyboard.up("Shift")
    assert page.evaluate("document.activeElement.classList.contains('fpp-scroll')")
    at_end = ("() => { const r = document.activeElement; "
              "return r.scrollLeft + r.clientWidth >= r.scrollWidth - 1; }")
    for _ in range(200):  # each press scrolls a step (smoothly, so wait for it): until the last column shows
        if page.evaluate(at_end):
            break
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(20)
    page.wait_for_function(at_end)
    scrolled = page.evaluate(GEOMETRY)
    assert scrolled["region"]["scrollLeft"] > 0
    last = scrolled["headers"][-1]
    assert last["text"] == "Mandatory training" and last["right"] <= scrolled["region"]["right"] + 1, last
    assert abs(scrolled["member"]["left"] - found["member"]["left"]) <= 1  # the member column is sticky
    every_right = min(h["left"] for h in headers[2:]) >= found["member"]["right"] - 1
    assert every_right, "a check's column starts under the member column"


def test_at_375_each_member_is_a_card_with_what_needs_attention(page, server):
    sign_in_in_browser(page, server.base_url, "layout@example.nhs.uk", PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server.base_url + "/board")
    assert page.evaluate("document.scrollingElement.scrollWidth - document.documentElement.clientWidth") <= 1
    region = page.evaluate("""() => { const r = document.querySelector(".fpp-matrix").closest(".fpp-scroll");
      return r.scrollWidth - r.clientWidth; }""")
    assert region <= 1, "the cards scroll sideways"
    card = page.locator("tr", has_text="Eric Expired")
    text = card.inner_text()
    assert "Non-executive director" in text and "Overall:" in text
    assert "DBS check: Expired" in text and "expired since" in text
    assert "Identity and right to work: Missing" in text
    assert "Valid" not in text  # only the checks that need attention
    box = card.bounding_box()
    assert box["width"] <= 375 and box["x"] >= 0
