"""Hand-made data for the export tests: a small board with a leaver, a concern and a decision."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from exports.data import (
    Appointment, AuditRow, CheckAtYearEnd, CheckColumn, CheckRecordRow, Declaration,
    DeclarationData, EvidenceRef, ExceptionRow, LeaverRow, MemberRow,
)

CHECKS = (
    CheckColumn("identity", "Identity and right to work"),
    CheckColumn("dbs", "DBS check"),
    CheckColumn("insolvency", "Insolvency register search"),
)

SIGNED = Declaration(
    chair_name="Carol Chair", statement="I declare that every board member is fit and proper.",
    signed_on=date(2026, 5, 20), signed_at=datetime(2026, 5, 20, 14, 5), signed_by="carol@example.nhs.uk",
    sha256="ab" * 32,
)
STALE = Declaration(
    chair_name="Carol Chair", statement="I declare.", signed_on=date(2026, 5, 20),
    signed_at=datetime(2026, 5, 20, 14, 5), signed_by="carol@example.nhs.uk", sha256="cd" * 32,
    is_stale=True, stale_reasons=("A DBS record for A02 was back-dated on 01/06/2026.",),
)
UNSIGNED = Declaration(chair_name="Carol Chair", statement="I declare.")


def members():
    yield MemberRow(
        member_id="A01", name="Alice Able", position="Chair", role_title="Chair",
        is_executive=False, is_voting=True, is_interim=False, start_on=date(2020, 1, 6),
        professional_registration=None, status="compliant", outcome="fit_and_proper",
        assessed_by="Sam Sid", signed_off_on=date(2026, 4, 30),
        checks={"identity": CheckAtYearEnd("valid", date(2019, 12, 1)),
                "dbs": CheckAtYearEnd("valid", date(2024, 5, 1)),
                "insolvency": CheckAtYearEnd("due_soon", date(2025, 4, 10))},
    )
    yield MemberRow(
        member_id="A02", name="Bob Brown", position="Executive director", role_title="Director of Finance",
        is_executive=True, start_on=date(2025, 6, 1), end_on=date(2026, 1, 31),
        professional_registration="ICAEW 123", status="action_required",
        checks={"identity": CheckAtYearEnd("valid", date(2025, 5, 1)),
                "dbs": CheckAtYearEnd("concern", date(2025, 5, 2)),
                "insolvency": CheckAtYearEnd("missing")},
    )


def check_records():
    yield CheckRecordRow("A01", "Alice Able", "dbs", "DBS check", date(2024, 5, 1), "clear",
                         date(2027, 4, 30), "001234567890", "enhanced_barred", "Sue Secretary",
                         datetime(2024, 5, 2, 9, 30),
                         (EvidenceRef("letter.pdf", "11" * 32),))
    yield CheckRecordRow("A02", "Bob Brown", "dbs", "DBS check", date(2025, 5, 2), "issue",
                         date(2028, 5, 1), "009", "basic", "Sue Secretary", datetime(2025, 5, 3, 10, 0))


def exceptions():
    yield ExceptionRow("A02", "Bob Brown", "DBS check", date(2025, 5, 2), "concern",
                       "Caution disclosed on the certificate.", None)
    yield ExceptionRow("A02", "Bob Brown", "DBS check", date(2025, 6, 10), "decision",
                       "Accepted with mitigation.", "Carol Chair")


def audit():
    yield AuditRow(1, datetime(2025, 5, 3, 10, 0), "sue@example.nhs.uk", "create", "check_record", "7",
                   None, '{"outcome": "issue"}', None, "01" * 32)
    yield AuditRow(2, datetime(2025, 6, 10, 11, 0), "carol@example.nhs.uk", "decide", "check_record", "7",
                   '{"outcome": "issue"}', '{"decision": "accepted"}', "01" * 32, "02" * 32)


LEAVER = LeaverRow("A02", "Bob Brown", date(2026, 1, 31), date(2026, 2, 10), "Sue Secretary",
                   "hr@other.nhs.uk", date(2026, 2, 12), True, "None discontinued")


@pytest.fixture
def declarations():
    """The three states a year's declaration can be in, by name."""
    return {"signed": SIGNED, "stale": STALE, "unsigned": UNSIGNED}


@pytest.fixture
def create_data():
    """Callable fixture: a fresh DeclarationData (its row generators are read once)."""

    def create(**overrides) -> DeclarationData:
        start, end = date(2025, 4, 1), date(2026, 3, 31)
        values = dict(
            organisation_name="Example NHS Foundation Trust", year=2025, period_start=start,
            period_end=end, check_columns=CHECKS, declaration=SIGNED,
            outcome_counts={"fit_and_proper": 1, "under_review": 1},
            status_counts={"compliant": 1, "action_required": 1},
            check_status_counts={"identity": {"valid": 2}, "dbs": {"valid": 1, "concern": 1},
                                 "insolvency": {"due_soon": 1, "missing": 1}},
            members_in_year=2,
            new_appointments=(Appointment("A02", "Bob Brown", "Executive director", date(2025, 6, 1)),),
            leavers=(LEAVER,), members=members(), check_records=check_records(),
            exceptions=exceptions(), audit=audit(), created_at=datetime(2026, 5, 21, 8, 0),
        )
        values.update(overrides)
        return DeclarationData(**values)

    return create
