"""A year with a leaver, a concern, outcomes and a signed declaration, for the export tests."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from checks import REGULATION_5_CODES
from fpp.annual.operations import decide_on_record, record_outcome, sign_declaration
from fpp.annual.references import complete_leaver_reference
from fpp.extensions import settings
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.operations import add_evidence
from fpp.timeutil import freeze
from tests.fixtures.factories import PASSWORD

YEAR = 2025
IN_YEAR = datetime(2026, 3, 10, 12, 0)
AFTER_YEAR = datetime(2026, 4, 20, 12, 0)


@dataclass
class Year:
    chair: Member
    ned: Member
    leaver: Member
    concern_record: object
    evidence: object


BMR = {"organisation": "Test NHS Trust", "roles_and_dates": "Non-executive director, 2020 to 2026",
       "reason_for_leaving": "End of term", "disciplinary_findings": "None", "open_investigations": "None",
       "discontinued_matters": "None", "conduct_concerns": "None", "settlement_agreement": "None", "regulator_referrals": "None",
       "is_fit_and_proper": True, "fit_and_proper_reasons": "No concerns in six years",
       "completed_by_name": "Pat Secretary", "completed_by_role": "Company secretary",
       "completed_on": date(2026, 2, 20)}


@pytest.fixture
def run_packs(app):
    """Run the scheduler's pack job once, as `fpp scheduler` does every minute; returns what it did."""
    from fpp.reports.tasks import run_pack_jobs
    return lambda **kwargs: run_pack_jobs(settings(), **kwargs)


@pytest.fixture
def signed_year(app, create_member, create_record, create_user) -> Year:
    """Three members: a chair, a NED with a concern the chair accepted, a leaver with a BMR; all outcomes
    recorded in March 2026 and the declaration signed on 20 April 2026."""
    with freeze(IN_YEAR):
        chair = create_member(member_id="C01", name="Clara Chair", position="chair", start_on=date(2020, 1, 1))
        ned = create_member(member_id="N01", name="Nina Ned", position="ned", start_on=date(2020, 1, 1))
        leaver = create_member(member_id="L01", name="Len Leaver", position="ned", start_on=date(2020, 1, 1),
                               end_on=date(2026, 1, 31))
        sid = create_member(member_id="S01", name="Sam Sid", position="sid", start_on=date(2020, 1, 1))
        for member in (chair, ned, leaver, sid):
            for code in sorted(REGULATION_5_CODES):
                create_record(member, code, date(2025, 6, 1), reference="REF-" + member.member_id)
        concern = create_record(ned, "social_media", date(2025, 9, 1), outcome="issue", notes="Press story")
        evidence = add_evidence(concern, "press cutting.pdf", io.BytesIO(b"%PDF-1.4 cutting"), None)
        complete_leaver_reference(leaver, None, **BMR)
        chair_user, sid_user = create_user("chair", member=chair), create_user("sid", member=sid)
        decide_on_record(concern, chair_user, "Story concerned a former employer, not the member")
        rules = settings().rules
        record_outcome(ned, YEAR, chair_user, rules, "fit_and_proper_with_mitigations",
                       mitigation_note="Press story reviewed")
        record_outcome(leaver, YEAR, chair_user, rules, "fit_and_proper")
        record_outcome(sid, YEAR, chair_user, rules, "fit_and_proper")
        record_outcome(chair, YEAR, sid_user, rules, "fit_and_proper")
        db.session.commit()
    with freeze(AFTER_YEAR):
        sign_declaration(YEAR, chair_user, PASSWORD)
        db.session.commit()
    return Year(chair, ned, leaver, concern, evidence)
