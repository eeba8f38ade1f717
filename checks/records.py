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
