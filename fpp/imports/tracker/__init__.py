"""Tracker import: reading the spreadsheets secretaries keep, mapping columns, planning the import.

Pure: plain data in (file bytes or path, a mapping, answers, the register's members and records
as dataclasses), plain data out (the parsed tracker, a proposed mapping, the plan). The usual call::

    tracker = read_tracker(path, sheet=None)
    mapping = propose_mapping(tracker, catalogue, preset=None)
    plan = plan_import(tracker, mapping, catalogue, members=..., records=..., applies=..., as_of=...,
                       answers=Answers.from_file(path))
    print(render_preview(plan))
"""

from .answers import Answers
from .errors import TrackerError
from .mapping import ColumnMapping, Target, parse_target, propose_mapping
from .model import (Cell, Column, CreateCheckRecord, CreateMember, ImportPlan, KnownMember, KnownRecord,
                    MemberPlan, Notice, ParsedTracker, Problem, Question, Skip, TrackerRow,
                    UpdateCheckRecord, UpdateMember)
from .planning import plan_import
from .preview import describe, render_preview
from .reading import read_tracker

__all__ = [
    "Answers", "Cell", "Column", "ColumnMapping", "CreateCheckRecord", "CreateMember", "ImportPlan",
    "KnownMember", "KnownRecord", "MemberPlan", "Notice", "ParsedTracker", "Problem", "Question",
    "Skip", "Target", "TrackerError", "TrackerRow", "UpdateCheckRecord", "UpdateMember", "describe",
    "parse_target", "plan_import", "propose_mapping", "read_tracker", "render_preview",
]
