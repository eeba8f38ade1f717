"""Retention fixtures: a frozen clock on 1 December 2026 and a board of leavers in every retention state."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from checks.annual import canonical_json, content_hash
from fpp.annual.models import Assessment, Declaration, LeaverReference
from fpp.audit import operations as audit
from fpp.extensions import db
from fpp.register.operations import add_evidence
from fpp.reminders.models import OutboxMessage, Reminder
from fpp.timeutil import freeze

TODAY = date(2026, 12, 1)
PDF = b"%PDF-1.4 retention test "


@pytest.fixture
def settings_overrides(settings_overrides):
    """Identity evidence has a life of its own: kept two years after the member left."""
    return settings_overrides | {"retention_evidence_years": {"identity": 2}}


@pytest.fixture(autouse=True)
def frozen():
    with freeze(datetime(2026, 12, 1, 9, 0)):
        yield


@dataclass
class Board:
    olive: object  # left 2019, 75 in 2020: past due (the 2019/20 declaration deadline, 30 June 2020)
    fred: object  # the former chair, left 2020, 75 in 2015: past due; he decided Kim's outcome
    sam: object  # left 2022, 75 on 20 December 2026: falls due within 90 days
    nora: object  # left 2010, no date of birth: cannot be judged
    kim: object  # serving, born 1930: never due
    yuri: object  # left 2022 at 42: kept, but his identity evidence (two years) is due
    olive_user: object
    fred_user: object
    secretary: object
    declaration: object


@pytest.fixture
def board(app, create_member, create_record, create_user) -> Board:
    olive = create_member(member_id="M-OLIVE", name="Olive Oldfield", email="olive.oldfield@example.nhs.uk",
                          date_of_birth=date(1945, 3, 3), start_on=date(2015, 1, 1), end_on=date(2019, 6, 30))
    fred = create_member(member_id="M-FRED", name="Fred Formerchair", email="fred.formerchair@example.nhs.uk",
                         position="chair", date_of_birth=date(1940, 8, 8), start_on=date(2014, 1, 1),
                         end_on=date(2020, 3, 31))
    sam = create_member(member_id="M-SAM", name="Sam Soonest", date_of_birth=date(1951, 12, 20),
                        start_on=date(2016, 1, 1), end_on=date(2022, 3, 31))
    nora = create_member(member_id="M-NORA", name="Nora Nodate", start_on=date(2005, 1, 1), end_on=date(2010, 1, 31))
    kim = create_member(member_id="M-KIM", name="Kim Keeper", date_of_birth=date(1930, 1, 1), start_on=date(2018, 1, 1))
    yuri = create_member(member_id="M-YURI", name="Yuri Young", date_of_birth=date(1980, 1, 1),
                         start_on=date(2019, 1, 1), end_on=date(2022, 6, 30))
    secretary = create_user("secretary", email="sec@example.nhs.uk")
    olive_user = create_user("member", member=olive, email="olive.oldfield@example.nhs.uk")
    fred_user = create_user("chair", member=fred, email="fred.formerchair@example.nhs.uk")

    for member in (olive, yuri):
        identity = create_record(member, "identity", date(2019, 1, 2), notes=f"Passport seen for {member.name}")
        add_evidence(identity, f"passport {member.name}.pdf", io.BytesIO(PDF + member.member_id.encode()), secretary.id)
        references = create_record(member, "references", date(2019, 1, 3))
        add_evidence(references, "reference.pdf", io.BytesIO(PDF + b"ref " + member.member_id.encode()), secretary.id)
    create_record(olive, "dbs", date(2018, 5, 5), reference="001234567890", dbs_level="basic")
    create_record(kim, "insolvency", date(2020, 1, 1), searched_name="Kim Keeper", searched_by="Fred Formerchair")

    with audit.batch("test"):  # Fred, as chair, decided Kim's outcome and Olive's: his name is in both
        for member in (kim, olive):
            assessment = Assessment(member_pk=member.id, year=2019, outcome="fit_and_proper",
                                    decided_on=date(2019, 6, 1), decided_by_id=fred_user.id)
            db.session.add(assessment)
            db.session.flush()
            audit.record("assessment.create", "assessments", assessment.id, after=audit.snapshot(assessment),
                         member_pk=member.id, actor=(fred_user.id, fred_user.email))
    db.session.add(LeaverReference(member_pk=olive.id, direction="given", organisation="Test NHS Trust",
                                   roles_and_dates="Non-executive director 2015 to 2019", reason_for_leaving="Retired",
                                   disciplinary_findings="None", open_investigations="None", conduct_concerns="None",
                                   settlement_agreement="None", regulator_referrals="None", is_fit_and_proper=True,
                                   fit_and_proper_reasons="No concerns", completed_by_name="Fred Formerchair",
                                   completed_by_role="Chair", completed_on=date(2019, 7, 10)))
    reminder = Reminder(key="leaver:M-OLIVE:2019-07-30:due", kind="leaver", member_pk=olive.id,
                        code="leaver_reference", anchor_on=date(2019, 7, 30), step="due", due_on=date(2019, 7, 30),
                        as_of=date(2019, 7, 30))
    db.session.add(reminder)
    db.session.flush()
    db.session.add_all([
        OutboxMessage(reminder_id=reminder.id, recipient="sec@example.nhs.uk", subject="Olive Oldfield's reference",
                      body_text="Olive Oldfield left.", body_html="<p>Olive Oldfield left.</p>"),
        OutboxMessage(recipient="olive.oldfield@example.nhs.uk", subject="Board digest",
                      body_text="For the board.", body_html="<p>For the board.</p>"),
        OutboxMessage(recipient="sec@example.nhs.uk", subject="Weekly digest",
                      body_text="Due: Olive Oldfield, Kim Keeper.", body_html="<p>Due: Olive Oldfield, Kim Keeper.</p>"),
    ])
    content = {"year": 2019, "year_label": "2019/20", "members": [
        {"member_id": "M-OLIVE", "name": "Olive Oldfield", "position": "ned", "start_on": "2015-01-01",
         "end_on": "2019-06-30", "year_end_on": "2019-06-30", "outcome": "fit_and_proper",
         "mitigation_note": None, "decided_by": "Fred Formerchair", "checks": {"dbs": "valid"}},
        {"member_id": "M-KIM", "name": "Kim Keeper", "position": "ned", "start_on": "2018-01-01", "end_on": None,
         "year_end_on": "2020-03-31", "outcome": "fit_and_proper", "decided_by": "Fred Formerchair",
         "checks": {"dbs": "valid"}}]}
    declaration = Declaration(year=2019, version=1, statement="We declare.", content=canonical_json(content),
                              content_hash=content_hash(content), signed_by_id=fred_user.id,
                              signed_by_name="Fred Formerchair", signed_on=date(2020, 6, 1))
    db.session.add(declaration)
    db.session.commit()
    return Board(olive, fred, sam, nora, kim, yuri, olive_user, fred_user, secretary, declaration)


def declaration_content(declaration) -> tuple[Declaration, dict]:
    """The declaration as stored now, and its content."""
    stored = db.session.get(Declaration, declaration.id, populate_existing=True)
    return stored, json.loads(stored.content)
