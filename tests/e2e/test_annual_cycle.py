"""The year in a real browser: requests, an attestation with a disclosure, what signing still needs,
decisions, outcomes, the signed declaration, and a later edit that makes it stale."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from checks import REGULATION_5_CODES
from checks.annual import ATTESTATION_ITEMS, LCF_DOMAINS
from fpp.timeutil import freeze
from tests.fixtures.browser import sign_in_in_browser, watch_csp

PASSWORD = "correct-horse-battery"
IN_YEAR, AFTER_YEAR = datetime(2026, 3, 10, 12), datetime(2026, 4, 20, 12)
SHOTS = os.environ.get("FPP_DOC_SCREENSHOTS")  # a folder: write the docs' screenshots there


def seed(app) -> dict:
    """Three members with clear Regulation 5 checks and an account each, plus the secretary."""
    from fpp.auth.operations import create_user
    from fpp.extensions import db
    from fpp.people.operations import create_member
    from fpp.register.operations import record_check
    ids = {}
    with app.app_context():
        for member_id, name, position, role in (("C01", "Clara Chair", "chair", "chair"),
                                                ("S01", "Sam Sid", "sid", "sid"), ("N01", "Nina Ned", "ned", "member")):
            member = create_member(member_id=member_id, name=name, position=position, start_on=date(2020, 1, 1))
            for code in sorted(REGULATION_5_CODES):
                record = record_check(member, None, code=code, completed_on=date(2025, 6, 1),
                                      dbs_level="basic" if code == "dbs" else None)
                ids[f"{member_id}-{code}"] = record.id
            create_user(f"{role}@example.nhs.uk", role, PASSWORD, member)
        create_user("secretary@example.nhs.uk", "secretary", PASSWORD)
        db.session.commit()
    return ids


def open_as(browser, base_url: str, role: str, violations: list):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    violations.append(watch_csp(context))
    page = context.new_page()
    sign_in_in_browser(page, base_url, f"{role}@example.nhs.uk", PASSWORD)  # and the second factor
    return page


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"annual-{name}.png"), full_page=True)


def submit_attestation(page, base_url: str) -> None:
    page.goto(f"{base_url}/attestations/new")
    for item in ATTESTATION_ITEMS:
        answer = "yes" if item.key == "convictions" else item.expected
        page.check(f"input[name=answer_{item.key}][value={answer}]")
    page.fill("#disclosure_convictions", "Careless driving, 2019")
    for key, _ in LCF_DOMAINS:
        page.check(f"input[name=rating_{key}][value=competent]")
    page.fill("#password", PASSWORD)
    shot(page, "attestation")
    page.click("button:has-text('Submit my attestation')")
    see(page, "Your 2025/26 attestation was submitted.")


def see(page, text: str) -> None:
    """Wait until the page shows `text` (after a navigation)."""
    expect(page.locator("main")).to_contain_text(text)


def record_outcome(page, base_url: str, member_name: str, outcome: str = "fit_and_proper") -> None:
    page.goto(f"{base_url}/years/2025")
    page.click(f"a:has-text('Record outcome for {member_name}')")
    page.check(f"input[name=outcome][value={outcome}]")
    page.click("button:has-text('Record outcome')")


@pytest.mark.browser
def test_the_annual_cycle(live_server, browser, csp_violations):
    base = live_server.base_url
    _default_join_mode()
    ids = seed(live_server)
    with freeze(IN_YEAR):
        secretary = open_as(browser, base, "secretary", csp_violations)
        secretary.goto(f"{base}/years/2025")
        secretary.click("button:has-text('Request attestations from all members')")
        see(secretary, "Attestation requested from 3 member(s).")

        submit_attestation(open_as(browser, base, "member", csp_violations), base)

        chair = open_as(browser, base, "chair", csp_violations)
        chair.goto(f"{base}/years/2025")
        see(chair, "Disclosure made")
        chair.goto(f"{base}/years/2025/declaration/sign")  # before the year ends: what is missing, no password
        expect(chair.locator("#not-ready")).to_contain_text("Not ready to sign")
        expect(chair.locator("#precondition-decisions")).to_contain_text("Self-attestation of Nina Ned")
        expect(chair.locator("#password")).to_have_count(0)
        chair.goto(f"{base}/years/2025")
        chair.click("a:has-text('Decide')")
        chair.check("input[name=decision][value=accepted]")
        chair.fill("#decision_note", "Minor motoring offence, declared; no bearing on the role.")
        chair.click("button:has-text('Record the decision')")
        see(chair, "Decision recorded: the issue is accepted")
        for name in ("Nina Ned", "Sam Sid"):
            record_outcome(chair, base, name)
            see(chair, "Outcome recorded for " + name)
        chair.goto(f"{base}/years/2025/members/{_member_pk(live_server, 'C01')}/outcome")
        see(chair, "You cannot record this outcome")
        chair.check("input[name=outcome][value=fit_and_proper]")
        chair.click("button:has-text('Record outcome')")
        see(chair, "You cannot record your own outcome")

        sid = open_as(browser, base, "sid", csp_violations)
        record_outcome(sid, base, "Clara Chair")
        see(sid, "Outcome recorded for Clara Chair")
        secretary.goto(f"{base}/years/2025")
        shot(secretary, "year")

    with freeze(AFTER_YEAR):  # weeks later: the sessions have ended, so both sign in again
        chair, secretary = (open_as(browser, base, role, csp_violations) for role in ("chair", "secretary"))
        chair.goto(f"{base}/years/2025/declaration")
        chair.click("a:has-text('Sign the declaration')")
        expect(chair.locator("#preconditions")).to_contain_text("None waits.")
        expect(chair.locator("#not-ready")).to_have_count(0)
        shot(chair, "sign")
        chair.fill("#password", PASSWORD)
        chair.click("button:has-text('Sign the declaration')")
        see(chair, "Declaration for 2025/26 signed (version 1).")

        secretary.goto(f"{base}/records/{ids['N01-dbs']}/correct")
        secretary.check("input[name=outcome][value=issue]")
        secretary.fill("#reason", "The certificate showed a conviction")
        secretary.click("button:has-text('Save correction')")
        see(secretary, "Record corrected.")

        chair.goto(f"{base}/years/2025/declaration")
        expect(chair.locator("#stale")).to_contain_text(
            "Member N01: dbs status at year end changed from valid to concern")
        shot(chair, "declaration-stale")


def _default_join_mode() -> None:
    """tests/fixtures/app.py leaves the shared session factory with join_transaction_mode
    "conservative_savepoint", which SQLAlchemy rejects; after an app test the live server's sessions
    would fail to start. Restore SQLAlchemy's default for this real-commit test."""
    from fpp.extensions import db
    db.session.remove()
    db.session.configure(join_transaction_mode="conditional_savepoint")


def _member_pk(app, member_id: str) -> int:
    from fpp.people.queries import find_member_by_id
    with app.app_context():
        return find_member_by_id(member_id).id
