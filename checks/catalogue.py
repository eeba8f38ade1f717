"""The standard check catalogue of FPPT.md section 3, in its order, and the organisation's own checks.

Nothing changes it at start-up: the rules take the catalogue as a value (`Rules.catalogue`, this one by
default), and `with_local_checks` makes the catalogue an organisation configures (`[[checks.local]]`,
CONTRACT.md): the standard checks, then the local ones in configuration order. Validity here is the
documented default; the effective value comes from `Rules`, which the app builds from configuration.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Who a check applies to; the rules in checks.rules give each kind its meaning.
ALL = "all"
REGISTERED = "registered"      # only members who hold a professional registration
AFTER_FIRST_YEAR = "after_first_year"  # from the start date + the appraisal delay
LEAVERS = "leavers"            # members who have left
EXECUTIVE = "executive"        # executive directors (the chief executive included)
NON_EXECUTIVE = "non_executive"  # the chair and the non-executive directors
# What a local check may say in `applies_to` (CONTRACT.md), and what it means here.
LOCAL_APPLIES_TO = {"all": ALL, "executive": EXECUTIVE, "non_executive": NON_EXECUTIVE, "registered": REGISTERED}
PER_RECORD = "per_record"      # a local check's `expiry`: each record states its own expiry date


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
    is_local: bool = False           # configured by the organisation (`[[checks.local]]`)
    expiry_per_record: bool = False  # each record carries the expiry date stated on its document

    @property
    def applies_to_text(self) -> str:
        return {
            ALL: "All board members",
            REGISTERED: "Members who hold a professional registration",
            AFTER_FIRST_YEAR: "All, from 12 months after the start date",
            LEAVERS: "Members who have left",
            EXECUTIVE: "Executive directors",
            NON_EXECUTIVE: "The chair and non-executive directors",
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
              "Annual appraisal against the competency framework in force for the year"),
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


class LocalCheckError(ValueError):
    """A `[[checks.local]]` entry is malformed; the message names the entry and its key."""


_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
_LOCAL_KEYS = {"code", "label", "applies_to", "validity_months", "expiry", "regulation5", "description"}


def local_check(entry: Mapping[str, Any], where: str) -> CheckType:
    """One `[[checks.local]]` table as a check type; LocalCheckError naming `where` and the key."""
    if not isinstance(entry, Mapping):
        raise LocalCheckError(f"{where}: expected a table with code, label and applies_to")
    unknown = sorted(set(entry) - _LOCAL_KEYS)
    if unknown:
        raise LocalCheckError(f"{where}.{unknown[0]}: unknown key (expected {', '.join(sorted(_LOCAL_KEYS))})")
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise LocalCheckError(f"{where}.code: expected a code of 2 to 40 lower-case letters, digits and "
                              f"underscores starting with a letter, got {code!r}")
    if code in _BY_CODE:
        raise LocalCheckError(f"{where}.code: {code!r} is a standard check (FPPT.md section 3); choose another code")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip() or any(ord(c) < 32 for c in label):
        raise LocalCheckError(f"{where}.label: expected the check's name as people say it, got {label!r}")
    applies_to = entry.get("applies_to")
    if applies_to not in LOCAL_APPLIES_TO:
        raise LocalCheckError(f"{where}.applies_to: expected one of {', '.join(LOCAL_APPLIES_TO)}, got {applies_to!r}")
    expiry, months = entry.get("expiry"), entry.get("validity_months")
    if expiry is not None and expiry != PER_RECORD:
        raise LocalCheckError(f"{where}.expiry: expected \"{PER_RECORD}\", got {expiry!r}")
    if expiry is not None and months is not None:
        raise LocalCheckError(f"{where}.validity_months: give validity_months or expiry = \"{PER_RECORD}\", not both")
    if expiry is None:
        if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 1200:
            raise LocalCheckError(f"{where}.validity_months: expected a whole number of months from 0 (done "
                                  f"once) to 1200, or expiry = \"{PER_RECORD}\", got {months!r}")
    regulation5 = entry.get("regulation5", False)
    if not isinstance(regulation5, bool):
        raise LocalCheckError(f"{where}.regulation5: expected true or false, got {regulation5!r}")
    description = entry.get("description", label)
    if not isinstance(description, str):
        raise LocalCheckError(f"{where}.description: expected text, got {description!r}")
    return CheckType(code, label.strip(), LOCAL_APPLIES_TO[applies_to], None if expiry else (months or None),
                     "Local check", regulation5, description.strip() or label.strip(), is_local=True,
                     expiry_per_record=expiry is not None)


def with_local_checks(entries: Iterable[Mapping[str, Any]]) -> tuple[CheckType, ...]:
    """The standard catalogue followed by the configured local checks, in configuration order."""
    local: list[CheckType] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        check = local_check(entry, f"checks.local[{index}]")
        for key, value in (("code", check.code), ("label", check.label.casefold())):
            if (key, value) in seen:
                raise LocalCheckError(f"checks.local[{index}].{key}: {value!r} is already used by "
                                      f"{seen[(key, value)]}")
            seen[(key, value)] = f"checks.local[{index}]"
        if check.label.casefold() in _BY_NAME:
            raise LocalCheckError(f"checks.local[{index}].label: {check.label!r} is a standard check's name")
        local.append(check)
    return CATALOGUE + tuple(local)


def get_check(code: str) -> CheckType:
    """The check type for `code`; KeyError for an unknown code."""
    return _BY_CODE[code]


def find_check(text: str) -> CheckType | None:
    """The check whose code or name is `text` (ignoring case and surrounding spaces), or None."""
    key = text.strip().casefold()
    return _BY_CODE.get(key) or _BY_NAME.get(key)
