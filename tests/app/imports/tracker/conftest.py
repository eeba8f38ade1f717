"""Fixtures for the tracker import through the app: a frozen day, tracker files, register counts."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from fpp.timeutil import freeze
from tests.data import SAMPLE_TRACKER

SAMPLE = SAMPLE_TRACKER
SAMPLE_ANSWERS = 'I5 = "skip"\nJ5 = "skip"\nR9 = "clear 20/04/2025"\nP11 = "skip"\n'
AS_OF = date(2025, 5, 14)
HEADERS = ["Name", "ESR no.", "Exec / NED", "Job title", "Date appointed", "ID & RTW", "DBS date", "DBS type"]


def row(name="Ann Smith", esr="1001", kind="Exec", title="Director of Finance", start=date(2020, 1, 1),
        identity=date(2019, 12, 1), dbs=date(2023, 1, 5), level="Basic"):
    """One tracker row under HEADERS."""
    return [name, esr, kind, title, start, identity, dbs, level]


@pytest.fixture(autouse=True)
def frozen_day(app):
    """The sample tracker was last updated in May 2025: plan and write as of 14 May 2025."""
    with freeze(datetime(2025, 5, 14, 12, 0)):
        yield AS_OF


@pytest.fixture
def make_xlsx(tmp_path):
    """Write rows to an .xlsx under optional title rows; return its path."""
    def make(rows, *, titles=(), name="tracker.xlsx"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Tracker"
        for line in [*[[t] for t in titles], *rows]:
            sheet.append(list(line))
        path = tmp_path / name
        workbook.save(path)
        return path
    return make


@pytest.fixture
def write_text(tmp_path):
    """Write a text file (answers, mappings, CSV) and return its path."""
    def write(name, text, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path
    return write


@pytest.fixture
def register_counts(app):
    """(members, live records, audit entries) now."""
    def counts():
        return tuple(db.session.execute(select(func.count()).select_from(model)).scalar()
                     for model in (Member, CheckRecord, AuditEntry))
    return counts
