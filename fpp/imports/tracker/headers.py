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
    # A status or RAG rating is worked out by the register (the export writes one beside each check).
    (r"\bstatus$|^overall\b|\brag\b", "ignore"),
    (r"^(prof\w* )?reg\w* body$|^(regulator|regulatory body|professional body)$",
     "check.professional_registration.registration_body"),
    (r"^(prof\w* )?reg\w* (no|number|pin)$|^(gmc|nmc|hcpc|gphc|gdc|pin)( reg\w*)? (no|number|pin)$|^pin( no| number)?$",
     "check.professional_registration.registration_number"),
    (r"^prof\w* reg\w*( (body|no|number|details|and|pin))+$", "member.professional_registration"),
    (r"^(prof\w* )?registration$|^prof\w* reg$", REGISTRATION_EITHER),
    (r"^(dbs |crb |disclosure )(check )?(type|level)$|^(level|type) of (dbs|disclosure|check)$",
     "check.dbs.level"),
    (r"\b(dbs|crb|disclosure)\b.*\b(cert\w*|ref\w*|no|number)$|^cert\w* (no|number)$",
     "check.dbs.reference"),
)
# The wordings of each check, tried after the member fields and qualifiers above. A header that reads as
# two checks ("Employment history & references") is not mapped: the import asks which it is.
_CHECK_WORDINGS: tuple[tuple[str, str], ...] = (
    (r"\breg\w* check|\bregister check|\b(gmc|nmc|hcpc|gphc|gdc)\b|^prof\w* reg\w* (checked|verified|date|confirmed)$"
     r"|^(professional )?registration (checked|verified|confirmed|date)$", "professional_registration"),
    (r"\b(dbs|crb)\b|disclosure and barring|^disclosure\b|criminal record|\bbarr(ed|ing)( list\w*)?\b", "dbs"),
    (r"\bleaver\b|\b(exit|leaving) ref|\bbmr\b.*\b(leav\w*|exit)\b", "leaver_reference"),
    (r"^refs?\b|\breferences?\b|\breferees?\b|\bbmr\b", "references"),
    (r"\bid\b|\bidentity\b|\bidentification\b|\brtw\b|right to work|passport", "identity"),
    (r"employment (history|record)|career history|work history|previous employment|\bcv\b|\bgaps\b",
     "employment_history"),
    (r"\bqual|\beducation\b|\bdegrees?\b", "qualifications"),
    (r"\boh\b|occupational health|\bhealth\b|medical (clearance|questionnaire)|fitness to work", "health"),
    (r"insolv|bankrupt|\biir\b", "insolvency"),
    (r"companies house|\bdisq|disqualified", "disqualified_directors"),
    (r"charity|trustee", "removed_trustees"),
    (r"tribunal|^et\b|\bet (judg\w*|search|check)", "employment_tribunal"),
    (r"social media|google|internet|\bpress\b|media search|online search|\bweb search|\bnews search"
     r"|digital footprint", "social_media"),
    (r"self (declaration|attestation|assessment|cert\w*)|\battestation\b"
     r"|^(?!.*\b(interests?|gifts?|hospitality)\b).*\bdeclaration\b", "self_attestation"),
    (r"appraisal|performance review", "appraisal"),
)
# Checks a header may name together with another without being two checks: "Leaver reference" is not
# also the references check.
_SUBSUMES = {"leaver_reference": {"references"}}
# Words that say a column holds a date without saying which check: left out when comparing a header
# with a check's name ("DBS check date", "Insolvency search completed", "Self-attestation signed").
_FILLER = frozenset(
    "date dates dated completed complete checked check checks verified verification received recd rec signed "
    "done confirmed obtained search searches searched undertaken carried out seen on of the last latest most "
    "recent when".split())
# More ways of naming each check, for the fuzzy suggestion (with the catalogue's codes and labels).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "identity": ("identity", "proof of identity", "id check", "right to work", "identity and right to work",
                 "passport"),
    "employment_history": ("employment history", "career history", "work history", "full employment history"),
    "references": ("references", "reference", "board member reference", "referees"),
    "qualifications": ("qualifications", "qualification", "education", "degree certificates"),
    "health": ("health clearance", "occupational health", "health declaration", "fitness to work"),
    "dbs": ("dbs", "disclosure and barring service", "criminal records", "enhanced dbs", "barring list"),
    "professional_registration": ("professional registration", "registration check"),
    "insolvency": ("insolvency", "bankruptcy", "insolvency service", "individual insolvency register",
                   "bankruptcy and insolvency"),
    "disqualified_directors": ("disqualified directors", "companies house", "disqualified directors register",
                               "companies house disqualified directors"),
    "removed_trustees": ("removed trustees", "charity commission", "register of removed trustees",
                         "charity commission removed trustees"),
    "employment_tribunal": ("employment tribunal", "employment tribunal judgments", "tribunal judgments"),
    "social_media": ("social media", "internet search", "google search", "press search", "media search"),
    "self_attestation": ("self attestation", "self declaration", "fit and proper declaration",
                         "annual declaration"),
    "appraisal": ("appraisal", "annual appraisal", "performance review"),
    "leaver_reference": ("leaver reference", "exit reference", "leavers reference"),
}
FUZZY_THRESHOLD = 85  # rapidfuzz token_sort_ratio, 0-100: below it a header is simply not recognised

_COMPILED = tuple((re.compile(pattern), target) for pattern, target in _WORDINGS)
_CHECKS_COMPILED = tuple((re.compile(pattern), code) for pattern, code in _CHECK_WORDINGS)


def normalise_header(text: CellValue) -> str:
    """Header text folded for matching: lower case, '&' as 'and', punctuation as spaces."""
    folded = str(text).casefold().replace("&", " and ").replace("+", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", folded).replace("_", " ").split())


def header_core(text: CellValue) -> str:
    """The header without the words that only say "a date" (``DBS check date`` -> ``dbs``)."""
    words = normalise_header(text).split()
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


def guess_target(header: str, catalogue: Sequence[tuple[str, str]] = ()) -> str | None:
    """The target a header's wording proposes with certainty, or None (unknown, or two checks at once).

    A header equal to a check's code or label (from ``catalogue``, so an organisation's own checks
    match by their label), with or without words such as "date" or "completed", wins over the wordings,
    except for the registration check, whose name is also the member field's.
    """
    folded, core = normalise_header(header), header_core(header)
    for code, label in catalogue:
        if code != "professional_registration" and (
                folded in (normalise_header(code), normalise_header(label))
                or core in (header_core(code), header_core(label))):
            return f"check.{code}"
    for pattern, target in _COMPILED:
        if pattern.search(folded):
            return target
    codes = check_codes(folded)
    return f"check.{codes[0]}" if len(codes) == 1 else None


def check_codes(folded: str) -> list[str]:
    """Every check the (normalised) header names, in the order the header names them."""
    found = sorted((match.start(), code) for pattern, code in _CHECKS_COMPILED
                   if (match := pattern.search(folded)))
    covered = {other for _, code in found for other in _SUBSUMES.get(code, ())}
    return [code for _, code in found if code not in covered]


def suggest_target(header: str, catalogue: Sequence[tuple[str, str]] = ()) -> tuple[str, str] | None:
    """For a header ``guess_target`` does not map: (target, why) proposed for a person to confirm, or None.

    A header naming two checks suggests the first; otherwise the check whose code, label or usual wording
    is closest by rapidfuzz's token-sort ratio (typing slips, words swapped), when at least FUZZY_THRESHOLD.
    """
    folded, core = normalise_header(header), header_core(header)
    codes = check_codes(folded)
    if len(codes) > 1:
        return f"check.{codes[0]}", "it names " + " and ".join(c.replace("_", " ") for c in codes)
    if len(core) < 3:
        return None
    from rapidfuzz import fuzz, process
    choices: dict[str, str] = {}
    for code, label in catalogue:
        for phrase in (header_core(code), header_core(label), *VOCABULARY.get(code, ())):
            choices.setdefault(normalise_header(phrase), code)
    best = process.extractOne(core, list(choices), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD)
    if best is None:
        return None
    return f"check.{choices[best[0]]}", f"it is close to {best[0]!r}"


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
