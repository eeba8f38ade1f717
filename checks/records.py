"""What a check record holds besides its date: its outcome's label and, for a DBS check, its level.

The one definition of these values: the models' CHECK constraints, the forms' choices, the import
readers and the pages all import them from here. The outcomes themselves are defined with the rules
that rank them (checks.rules.OUTCOMES); an annual assessment's outcomes are another thing
(checks.annual.ASSESSMENT_OUTCOMES).
"""
from __future__ import annotations

from checks.rules import CLEAR, ISSUE, NOT_APPLICABLE, OUTCOMES

RECORD_OUTCOMES = OUTCOMES
RECORD_OUTCOME_LABELS = {CLEAR: "Clear", ISSUE: "Issue found", NOT_APPLICABLE: "Not applicable"}

BASIC, STANDARD, ENHANCED, ENHANCED_BARRED = "basic", "standard", "enhanced", "enhanced_barred"
DBS_LEVELS = (BASIC, STANDARD, ENHANCED, ENHANCED_BARRED)
DBS_LEVEL_LABELS = {BASIC: "Basic", STANDARD: "Standard", ENHANCED: "Enhanced",
                    ENHANCED_BARRED: "Enhanced with barred lists"}
UPDATE_SERVICE_LEVELS = frozenset({STANDARD, ENHANCED, ENHANCED_BARRED})  # a basic check cannot join it

# FPPT.md section 3: what a record of these checks must say besides its date and outcome.
REGISTER_SEARCH_CODES = frozenset({"insolvency", "disqualified_directors", "removed_trustees",
                                   "employment_tribunal"})
DBS_CERTIFICATE_DIGITS = 12
NOT_RECORDED = "Not recorded"  # what pages and workbooks show for a fact an older record lacks


def missing_facts(code: str, values: dict) -> list[tuple[str, str]]:
    """The (field, message) pairs of the facts FPPT.md section 3 requires that `values` lacks for `code`.

    A `dbs` record needs its 12-digit certificate number (`reference`) and its level; a register search
    needs the name and date of birth searched on and who searched. A `not_applicable` record needs none.
    """
    if values.get("outcome") == NOT_APPLICABLE:
        return []
    if code == "dbs":
        return _dbs_missing(values)
    if code in REGISTER_SEARCH_CODES:
        return [(field, message) for field, message in (
            ("searched_name", "Enter the name the register was searched on"),
            ("searched_dob", "Enter the date of birth the register was searched on"),
            ("searched_by", "Enter who searched the register")) if not _given(values.get(field))]
    return []


def _dbs_missing(values: dict) -> list[tuple[str, str]]:
    missing = []
    number = "".join(str(values.get("reference") or "").split())
    if not (number.isdigit() and len(number) == DBS_CERTIFICATE_DIGITS and number.isascii()):
        missing.append(("reference", f"Enter the DBS certificate number: {DBS_CERTIFICATE_DIGITS} digits"))
    if values.get("dbs_level") not in DBS_LEVELS:
        missing.append(("dbs_level", "Choose the DBS level"))
    return missing


def _given(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
