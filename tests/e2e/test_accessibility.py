"""WCAG 2.2 AA, as NHS services must be: axe-core (from the npm lock file) on every page every role can
reach, and no page that scrolls sideways outside its scrollable table regions, at 1280 px and at 375 px.

The pages come from the access matrix (tests/app/test_access.py ACCESS, which a test keeps equal to
`app.url_map`): one URL per GET endpoint for each role the matrix admits, filled in by its World on the
live server's database. axe is injected with Playwright's `evaluate`, so the Content-Security-Policy stays
on; no rule is disabled and no element excluded. One browser, one context per role.
"""
from __future__ import annotations

import itertools
import os
from datetime import date
from pathlib import Path

import pytest

from tests.app.test_access import ACCESS, PUBLIC, World
from tests.fixtures.browser import require_tool, sign_in_in_browser, watch_csp
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ROLES = ("anonymous", "secretary", "chair", "sid", "member", "auditor")
SERIOUS = {"serious", "critical"}
# Pages that are not pages: the sign-in steps a signed-in user is sent past, the stylesheet.
NOT_PAGES = {"static", "auth.second_factor", "auth.enrol_factor"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a",
    "wcag21aa", "wcag22aa", "best-practice"]}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""
# Wider than the viewport, outside a region that scrolls on purpose (a table region has its own scrollbar).
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.scrollingElement.scrollWidth <= width + 1) return [];
  const inside = (el) => el.closest(".fpp-scroll") !== null;
  return [...document.querySelectorAll("body *")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !inside(el);
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""));
}"""


_NUMBERS = itertools.count(1)


def _factories():
    """create_member, create_record and create_user on the live server's database, committing."""
    from fpp.auth.operations import create_user as create_account
    from fpp.extensions import db
    from fpp.people.operations import create_member as add_member
    from fpp.register.operations import record_check
    numbers = _NUMBERS

    def create_member(**fields):
        number = next(numbers)
        member = add_member(**{"member_id": f"A{number:04d}", "name": f"Member {number}", "position": "ned",
                               "start_on": date(2020, 1, 1), "date_of_birth": date(1970, 1, 1), **fields})
        db.session.commit()
        return member

    def create_record(member, code, completed_on, **fields):
        record = record_check(member, None, code=code, completed_on=completed_on, **fields)
        db.session.commit()
        return record

    def create_user(role="secretary", member=None, email=None):
        if role in ("chair", "sid", "member") and member is None:
            member = create_member(position={"chair": "chair", "sid": "sid"}.get(role, "ned"))
        user = create_account(email or f"{role}{next(numbers)}@example.nhs.uk", role, PASSWORD, member)
        db.session.commit()
        return user
    return create_member, create_record, create_user


def pages(role: str, world: World) -> dict[str, str]:
    """endpoint -> the first URL of it the matrix admits `role` to (GET endpoints only)."""
    found = {}
    for endpoint, (methods, variants) in ACCESS.items():
        if "GET" not in methods or endpoint in NOT_PAGES:
            continue
        if role != "anonymous" and all(allowed == PUBLIC for _, allowed in variants):
            continue  # sign-in and password pages: a signed-in user is sent home
        for template, allowed in variants:
            if role in allowed:
                found[endpoint] = template.format_map(world)
                break
    return found


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed (run `make install`: npm ci from package-lock.json)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def test_every_page_of_every_role_passes_axe_and_fits(live_server, browser, axe_source):
    require_tool("/usr/bin/chromium", "Chromium", "apt-get install -y chromium")
    problems: list[str] = []
    csp: list[list[str]] = []
    visited = 0
    for role in ROLES:
        with live_server.app_context():
            world = World(role, *_factories())
            urls = pages(role, world)
            email = world.user.email if world.user else None
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        csp.append(watch_csp(context))
        page = context.new_page()
        if email:
            sign_in_in_browser(page, live_server.base_url, email, PASSWORD)
        for endpoint, url in urls.items():
            response = context.request.get(live_server.base_url + url, max_redirects=0)
            if not response.headers.get("content-type", "").startswith("text/html") or response.status >= 300:
                continue  # a download (workbook, pack, calendar feed) or a redirect: not a page
            page.goto(live_server.base_url + url)
            page.evaluate(axe_source)
            for violation in page.evaluate(RUN_AXE):
                if violation["impact"] in SERIOUS:
                    problems.append(f"{role} {url}: {violation['id']} ({violation['impact']}): {violation['help']} "
                                    f"at {violation['nodes']}")
            for width in (1280, 375):  # loaded at each width, as a laptop and a phone would
                if width != 1280:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.reload()
                wide = page.evaluate(SIDEWAYS)
                if wide:
                    problems.append(f"{role} {url} at {width} px scrolls sideways: {wide}")
            page.set_viewport_size({"width": 1280, "height": 900})
            visited += 1
        context.close()
    assert visited >= 40, f"only {visited} pages were checked"
    assert not problems, "\n".join(problems)
    assert not [v for found in csp for v in found]
