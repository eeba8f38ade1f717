"""Shared fixtures for the tracker import tests: the catalogue, the applies rule, workbook builders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from openpyxl import Workbook

from fpp.imports.tracker import CreateCheckRecord, CreateMember, KnownMember, KnownRecord, UpdateMember
from tests.data import SAMPLE_TRACKER

CODES = ("identity employment_history references qualifications health dbs professional_registration "
         "insolvency disqualified_directors removed_trustees employment_tribunal social_media "
         "self_attestation appraisal leaver_reference").split()
CATALOGUE = [(code, code.replace("_", " ").capitalize()) for code in CODES]
AS_OF = date(2025, 5, 14)
SAMPLE = SAMPLE_TRACKER


def applies(member: KnownMember, code: str) -> bool:
    """FPPT.md section 3 as of AS_OF, as the checks package will provide it."""
    if code == "professional_registration":
        return bool(member.professional_registration)
    if code == "leaver_reference":
        return member.end_on is not None
    if code == "appraisal":
        start = member.start_on
        return start is not None and date(start.year + 1, start.month, min(start.day, 28)) <= AS_OF
    return True


def apply_plan(plan, members: list[KnownMember], records: list[KnownRecord]):
    """What the integrator does, in memory: the register after applying the plan's actions."""
    by_id = {m.member_id: m for m in members}
    records = list(records)
    for action in plan.actions:
        if isinstance(action, CreateMember):
            fields = {k: getattr(action, k) for k in KnownMember.__dataclass_fields__}
            by_id[action.member_id] = KnownMember(**fields)
        elif isinstance(action, UpdateMember):
            by_id[action.member_id] = replace(by_id[action.member_id], **action.changes)
        elif isinstance(action, CreateCheckRecord):
            records.append(KnownRecord(action.member_id, action.code, action.completed_on, action.outcome,
                                       action.reference, action.dbs_level, action.notes))
    return list(by_id.values()), records


@pytest.fixture
def make_xlsx(tmp_path):
    """Write rows (lists of values) to an .xlsx, optionally under title rows; return its path."""
    def make(rows, *, titles=(), name="tracker.xlsx", merge=(), comments=None):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Tracker"
        for line in [*[[t] for t in titles], *rows]:
            sheet.append(list(line))
        for cells in merge:
            sheet.merge_cells(cells)
        for ref, text in (comments or {}).items():
            from openpyxl.comments import Comment
            sheet[ref].comment = Comment(text, "Secretary")
        path = tmp_path / name
        workbook.save(path)
        return path
    return make


HEADERS = ["Name", "ESR no.", "Exec / NED", "Job title", "Date appointed", "ID & RTW", "DBS date",
           "DBS type", "OH clearance", "Reg check", "Appraisal"]


def member_row(name="Ann Smith", esr="1001", kind="Exec", title="Director of Finance",
               start=date(2020, 1, 1), identity=date(2019, 12, 1), dbs=date(2023, 1, 5), level="Basic",
               health=date(2019, 12, 2), reg=None, appraisal=None):
    """One row under HEADERS."""
    return [name, esr, kind, title, start, identity, dbs, level, health, reg, appraisal]
