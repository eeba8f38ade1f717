"""The audit page in a browser, with an import's row opened: axe-core finds nothing serious, and nothing but
the table's own region scrolls sideways, at 1280 px and at 375 px."""
from __future__ import annotations

import os

import pytest

from tests.e2e.test_accessibility import AXE, RUN_AXE, SERIOUS, SIDEWAYS, _factories
from tests.fixtures.browser import sign_in_in_browser, watch_csp
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_audit_page_with_an_import_opened_passes_axe_and_fits(live_server, browser):
    if not AXE.exists():
        message = "axe-core is not installed (run `make install`: npm ci from package-lock.json)"
        if os.environ.get("CI"):
            pytest.fail(message + ", and this is CI: the test must run.")
        pytest.skip(message)
    from fpp.audit.operations import set_actor
    from fpp.extensions import db, settings
    from fpp.imports.guard import Limits
    from fpp.imports.operations import apply_plan
    from fpp.imports.queries import known_members, known_records
    from fpp.imports.workbook import plan_workbook, read_workbook
    from fpp.timeutil import today
    from tests.app.imports.test_import_workbook import EXAMPLE
    with live_server.app_context():
        create_member, _, create_user = _factories()
        create_member(name="Ann Example")
        email = create_user("auditor").email
        set_actor(None, "test")
        parsed = read_workbook(EXAMPLE, Limits.from_settings(settings()), find=settings().rules.find)
        plan = plan_workbook(parsed, EXAMPLE.name, known_members(), known_records(), as_of=today())
        assert apply_plan(plan, filename=EXAMPLE.name, sha256="0" * 64, audit_action="import.workbook").ok
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    csp = watch_csp(context)
    page = context.new_page()
    sign_in_in_browser(page, live_server.base_url, email, PASSWORD)
    page.goto(live_server.base_url + "/audit")
    page.click("text=Show its changes")
    page.click("text=as stored >> nth=0")
    assert page.locator("tr.fpp-batch td >> text=Member added").first.is_visible()
    problems = []
    page.evaluate(AXE.read_text())
    problems += [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
                 for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(SIDEWAYS)
        if wide:
            problems.append(f"at {width} px the page scrolls sideways: {wide}")
    context.close()
    assert not problems, "\n".join(problems)
    assert not csp
