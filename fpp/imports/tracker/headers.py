"""The usual wordings of tracker column headers, and finding the header row.

A target is written as text so that mappings serialise plainly:
``member.<field>``, ``check.<code>``, ``check.<code>.<qualifier>``, ``notes`` or ``ignore``.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from .model import Cell, CellValue

MEMBER_FIELDS = ("member_id", "name", "email", "position", "role_title", "voting", "interim",
                 "executive", "professional_registration", "start_on", "end_on", "date_of_birth")
# Qualifiers attach to the record created from the same row's check cell.
QUALIFIERS = ("level", "reference", "registration_body", "registration_number", "notes")
# A header that could be the member's registration or the date it was checked: the cells decide.
REGISTRATION_EITHER = "either.professional_registration"

_WORDINGS: tuple[tuple[str, str], ...] = (
    (r"^(general |other )?(notes?|comments?|remarks)( and (notes?|comments?))?$", "notes"),
    (r"^(esr|staff|employee|payroll|personnel|assignment|member)( (no|number|num|id|ref|reference))+$",
     "member.member_id"),
    (r"^(esr|member id|staff id|employee id|esr id)$", "member.member_id"),
    (r"\be ?mail\b", "member.email"),
    (r"\b(dob|date of birth|birth ?date|birthday)\b", "member.date_of_birth"),
    (r"^(full |member |director |board member )?name$", "member.name"),
    (r"^name of (director|member|board member)$", "member.name"),
    (r"^(board )?(member|director)$", "member.name"),
    (r"^(exec|executive|e) (ned|non ?exec\w*|non|ne|n)$", "member.executive"),
    (r"^(ned|non ?exec\w*) (exec\w*)$", "member.executive"),
    (r"^(exec|executive)( or non.*| status|\?)?$", "member.executive"),
    (r"\bvoting\b", "member.voting"),
    (r"^interim\b", "member.interim"),
    (r"^(board )?(position|board role|role on (the )?board)$", "member.position"),
    (r"^(job |post |role |substantive )(title|role)$", "member.role_title"),
    (r"^(job|post|designation|role title|portfolio|role)$", "member.role_title"),
    (r"^(date )?(appointed|of appointment|appointment|started|start|joined|commenced)( date)?$",
     "member.start_on"),
    (r"^(start|appointment|commencement) date$", "member.start_on"),
    (r"^(date )?(left|leaving|of leaving|ended|end|departed|departure|resigned)( date)?$",
     "member.end_on"),
    (r"^(end|leaving|leave|term end) date$", "member.end_on"),
    (r"^(prof\w* )?reg\w* body$|^(regulator|regulatory body|professional body)$",
     "check.professional_registration.registration_body"),
    (r"^(prof\w* )?reg\w* (no|number|pin)$", "check.professional_registration.registration_number"),
    (r"^prof\w* reg\w*( (body|no|number|details|and|pin))+$", "member.professional_registration"),
    (r"^(prof\w* )?registration$|^prof\w* reg$", REGISTRATION_EITHER),
    (r"\breg\w* check|\bregister check|\b(gmc|nmc|hcpc|gphc|gdc)\b|^prof\w* reg\w* (checked|verified|date)$",
     "check.professional_registration"),
    (r"^(dbs |crb |disclosure )(check )?(type|level)$|^(level|type) of (dbs|disclosure)$",
     "check.dbs.level"),
    (r"\b(dbs|crb|disclosure)\b.*\b(cert\w*|ref\w*|no|number)$|^cert\w* (no|number)$",
     "check.dbs.reference"),
    (r"\b(dbs|crb)\b|disclosure and barring", "check.dbs"),
    (r"\bleaver\b|\b(exit|leaving) ref|\bbmr\b.*\b(leav\w*|exit)\b", "check.leaver_reference"),
    (r"^refs?\b|\breferences?\b|\bbmr\b", "check.references"),
    (r"\bid\b|\bidentity\b|\brtw\b|right to work|passport", "check.identity"),
    (r"employment history|career history|work history|\bcv\b|\bgaps\b", "check.employment_history"),
    (r"\bqual", "check.qualifications"),
    (r"\boh\b|occupational health|\bhealth\b|medical (clearance|questionnaire)", "check.health"),
    (r"insolv|bankrupt|\biir\b", "check.insolvency"),
    (r"companies house|\bdisq|disqualified", "check.disqualified_directors"),
    (r"charity|trustee", "check.removed_trustees"),
    (r"tribunal|^et\b|\bet (judg\w*|search|check)", "check.employment_tribunal"),
    (r"social media|google|internet|\bpress\b|media search|online search", "check.social_media"),
    (r"self (declaration|attestation|assessment|cert\w*)|\battestation\b|\bdeclaration\b",
     "check.self_attestation"),
    (r"appraisal", "check.appraisal"),
)
_COMPILED = tuple((re.compile(pattern), target) for pattern, target in _WORDINGS)


def normalise_header(text: CellValue) -> str:
    """Header text folded for matching: lower case, '&' as 'and', punctuation as spaces."""
    folded = str(text).casefold().replace("&", " and ").replace("+", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", folded).replace("_", " ").split())


def guess_target(header: str, catalogue: Sequence[tuple[str, str]] = ()) -> str | None:
    """The target a header's wording proposes, or None for an unknown header.

    A header equal to a check's code or label (from ``catalogue``) wins over the wordings, except
    for the registration check, whose name is also the member field's.
    """
    folded = normalise_header(header)
    for code, label in catalogue:
        if code != "professional_registration" and folded in (normalise_header(code), normalise_header(label)):
            return f"check.{code}"
    for pattern, target in _COMPILED:
        if pattern.search(folded):
            return target
    return None


def header_score(cells: Iterable[Cell | None]) -> int:
    """How many different known headers a row holds (merged title rows count once)."""
    targets = set()
    for cell in cells:
        if cell is not None and isinstance(cell.value, str) and len(cell.value) <= 60:
            target = guess_target(cell.value)
            if target is not None:
                targets.add(target)
    return len(targets)


def find_header_row(rows: Sequence[Sequence[Cell | None]]) -> int | None:
    """The 1-based number of the first row with the most known headers (at least two), or None."""
    best_row, best_score = None, 1
    for number, cells in enumerate(rows, 1):
        score = header_score(cells)
        if score > best_score:
            best_row, best_score = number, score
    return best_row
