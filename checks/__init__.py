"""The check catalogue and the status rules of the FPPT (FPPT.md sections 3 and 4).

Pure Python: no Flask, no database, no clock. Everything that decides compliance lives here,
so it can be read and tested on its own.
"""
from checks.catalogue import CATALOGUE, CHECK_CODES, REGULATION_5_CODES, CheckType, get_check, find_check
from checks.dates import add_months
from checks.rules import (
    ACTION_REQUIRED, CHECK_STATUSES, CLEAR, COMPLIANT, CONCERN, DUE_SOON, EXPIRED, ISSUE, LEFT,
    MEMBER_STATUSES, MISSING, NOT_APPLICABLE, NOT_REQUIRED, NOT_STARTED, OUTCOMES, VALID,
    expiry_date, is_required, latest_record, leaver_reference_due_on, appraisal_due_on,
    CheckStatus,
    MemberFacts,
    MemberStatus,
    Record,
    Rules,
    check_status,
    member_status,
)

__all__ = [
    "CATALOGUE",
    "CHECK_CODES",
    "REGULATION_5_CODES",
    "CheckType",
    "get_check",
    "find_check",
    "add_months",
    "ACTION_REQUIRED",
    "CHECK_STATUSES",
    "CLEAR",
    "COMPLIANT",
    "CONCERN",
    "DUE_SOON",
    "EXPIRED",
    "ISSUE",
    "LEFT",
    "MEMBER_STATUSES",
    "MISSING",
    "NOT_APPLICABLE",
    "NOT_REQUIRED",
    "NOT_STARTED",
    "OUTCOMES",
    "VALID",
    "expiry_date",
    "is_required",
    "latest_record",
    "leaver_reference_due_on",
    "appraisal_due_on",
    "CheckStatus",
    "MemberFacts",
    "MemberStatus",
    "Record",
    "Rules",
    "check_status",
    "member_status",
]
