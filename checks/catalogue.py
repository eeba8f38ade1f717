"""The standard check catalogue of FPPT.md section 3, in its order.

Nothing changes it at start-up: the rules take the catalogue as a value (`Rules.catalogue`, this one by
default), so an organisation's own checks can join it. Validity here is the documented default; the
effective value comes from `Rules`, which the app builds from configuration.
"""
from __future__ import annotations

from dataclasses import dataclass

# Who a check applies to; the rules in checks.rules give each kind its meaning.
ALL = "all"
REGISTERED = "registered"      # only members who hold a professional registration
AFTER_FIRST_YEAR = "after_first_year"  # from the start date + the appraisal delay
LEAVERS = "leavers"            # members who have left


@dataclass(frozen=True)
class CheckType:
    """One kind of check: a stable code, what people call it, who it applies to and how long it lasts."""

    code: str
    label: str
    applies_to: str
    validity_months: int | None  # None: done once, never expires
    legal_basis: str
    is_regulation_5: bool
    description: str

    @property
    def applies_to_text(self) -> str:
        return {
            ALL: "All board members",
            REGISTERED: "Members who hold a professional registration",
            AFTER_FIRST_YEAR: "All, from 12 months after the start date",
            LEAVERS: "Members who have left",
        }[self.applies_to]


CATALOGUE: tuple[CheckType, ...] = (
    CheckType("identity", "Identity and right to work", ALL, None, "Reg 5, Schedule 3", True,
              "Identity and right to work seen"),
    CheckType("employment_history", "Employment history", ALL, None, "Reg 5, Schedule 3", True,
              "Full employment history, gaps explained in writing"),
    CheckType("references", "References", ALL, None, "Reg 5, Schedule 3 (conduct)", True,
              "References on appointment (Board Member Reference for board roles; six-year look-back)"),
    CheckType("qualifications", "Qualifications", ALL, None, "Reg 5(3)(b), Schedule 3", True,
              "Qualifications verified with the awarding body"),
    CheckType("health", "Health clearance", ALL, None, "Reg 5(3)(c), Schedule 3", True,
              "Health / occupational health clearance for the role"),
    CheckType("dbs", "DBS check", ALL, 36, "Schedule 4 (convictions, barred lists)", True,
              "Disclosure and Barring Service check"),
    CheckType("professional_registration", "Professional registration", REGISTERED, 12,
              "Schedule 4 part 2", False, "Professional register check (GMC, NMC, HCPC, ...)"),
    CheckType("insolvency", "Insolvency search", ALL, 12, "Schedule 4 part 1", True,
              "Individual Insolvency Register search"),
    CheckType("disqualified_directors", "Disqualified directors search", ALL, 12,
              "Schedule 4 part 1", True, "Companies House disqualified directors search"),
    CheckType("removed_trustees", "Removed trustees search", ALL, 12, "Framework", False,
              "Charity Commission register of removed trustees"),
    CheckType("employment_tribunal", "Employment tribunal search", ALL, 12, "Framework", False,
              "Employment tribunal judgments search"),
    CheckType("social_media", "Social media and press search", ALL, 12, "Framework", False,
              "Social media, internet and press search"),
    CheckType("self_attestation", "Self-attestation", ALL, 12, "Framework, supports Reg 5", False,
              "The member's own annual declaration"),
    CheckType("appraisal", "Appraisal", AFTER_FIRST_YEAR, 12, "Framework", False,
              "Annual appraisal against the Leadership Competency Framework"),
    CheckType("leaver_reference", "Leaver reference", LEAVERS, None, "Framework", False,
              "Board Member Reference completed when the member leaves"),
)

CHECK_CODES: tuple[str, ...] = tuple(c.code for c in CATALOGUE)
REGULATION_5_CODES: frozenset[str] = frozenset(c.code for c in CATALOGUE if c.is_regulation_5)
_BY_CODE = {c.code: c for c in CATALOGUE}
_BY_NAME = {c.label.casefold(): c for c in CATALOGUE} | {c.description.casefold(): c for c in CATALOGUE}

SEARCH_CODES: frozenset[str] = frozenset(
    {"insolvency", "disqualified_directors", "removed_trustees", "employment_tribunal", "social_media"}
)


def get_check(code: str) -> CheckType:
    """The check type for `code`; KeyError for an unknown code."""
    return _BY_CODE[code]


def find_check(text: str) -> CheckType | None:
    """The check whose code or name is `text` (ignoring case and surrounding spaces), or None."""
    key = text.strip().casefold()
    return _BY_CODE.get(key) or _BY_NAME.get(key)
