"""The annual declaration's content, built from the database, and whether the signed one is stale.

`declaration_state(year)` is the one entry point other features (the export workbook) call.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from checks.annual import (ASSESSMENT_OUTCOMES, OpenIssue, SigningFacts, SigningMember, SigningReadiness,
                           content_hash, diff_content, signing_preconditions)
from checks.rules import CONCERN
from checks.years import year_bounds, year_label
from fpp.annual.models import Declaration
from fpp.annual.queries import YearRow, open_issues, user_label, year_rows


@dataclass(frozen=True)
class DeclarationState:
    """The newest signed version (or None), whether the records changed since, what changed, and the
    content as it would be declared now."""

    latest: Declaration | None
    is_stale: bool
    changes: list[str] = field(default_factory=list)
    content: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """The hash of the content as it stands now."""
        return content_hash(self.content)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def build_content(year: int, rows: list[YearRow] | None = None) -> dict[str, Any]:
    """Everything the chair declares for the year, as JSON-ready data in a fixed order: the organisation,
    the statement, each member who served with their outcome and each check's status at their year end,
    the counts by outcome, new appointments and leavers with their references."""
    from fpp.extensions import settings
    rows = year_rows(year, settings().rules) if rows is None else rows
    start, end = year_bounds(year)
    members = [_member_content(row) for row in rows]
    counts = {outcome: sum(1 for m in members if m["outcome"] == outcome) for outcome in ASSESSMENT_OUTCOMES}
    return {
        "organisation": settings()["organisation_name"],
        "year": year,
        "year_label": year_label(year),
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "statement": settings()["annual_statement"],
        "members": members,
        "counts": counts,
        "new_appointments": [m["member_id"] for m in members if start.isoformat() <= m["start_on"]],
        "leavers": [m["member_id"] for m in members if m["end_on"] and m["end_on"] <= end.isoformat()],
    }


def _member_content(row: YearRow) -> dict[str, Any]:
    member, assessment, reference = row.member, row.assessment, row.reference
    return {
        "member_id": member.member_id,
        "name": member.name,
        "position": member.position,
        "start_on": _iso(member.start_on),
        "end_on": _iso(member.end_on),
        "year_end_on": _iso(row.year_end_on),
        "overall_status": row.year_end.status,
        "checks": {code: status.status for code, status in row.year_end.checks.items()},
        "outcome": assessment.outcome if assessment else None,
        "mitigation_note": assessment.mitigation_note if assessment else None,
        "action_taken": assessment.action_taken if assessment else None,
        "regulator_informed": assessment.regulator_informed if assessment else None,
        "decided_on": _iso(assessment.decided_on) if assessment else None,
        "decided_by": user_label(assessment.decided_by_id) if assessment else None,
        "attestation": {"submitted_on": _iso(row.attestation.submitted_on) if row.attestation else None,
                        "has_disclosure": row.attestation.has_disclosure if row.attestation else None},
        "leaver_reference": {"completed_on": _iso(reference.completed_on) if reference else None,
                             "is_fit_and_proper": reference.is_fit_and_proper if reference else None},
    }


def latest_declaration(year: int) -> Declaration | None:
    """The newest signed version for the year, or None."""
    from fpp.extensions import db
    return db.session.execute(select(Declaration).where(Declaration.year == year)
                              .order_by(Declaration.version.desc()).limit(1)).scalar()


def declaration_state(year: int, rows: list[YearRow] | None = None) -> DeclarationState:
    """The year's declaration now: the latest signed version (None if unsigned), whether the records
    changed since it was signed (`is_stale`), one sentence per change, and the content as of now.
    `rows` are the year's rows when the caller already has them (see `year_rows`)."""
    content = build_content(year, rows)
    latest = latest_declaration(year)
    if latest is None or latest.content_hash == content_hash(content):
        return DeclarationState(latest, False, [], content)
    signed = json.loads(latest.content)
    if signed.get("redacted"):
        # Members purged since signing (retention): the stored copy keeps their seat, not the person, and
        # the signed hash stays as signed. Judge the rest against that copy, so a purge alone never makes
        # the declaration look stale (and invites signing again without them).
        content = _with_purged(content, signed)
        signed = {key: value for key, value in signed.items() if key != "redacted"}
        if signed == content:
            return DeclarationState(latest, False, [], content)
    changes = diff_content(signed, content) or ["The declared content changed."]
    return DeclarationState(latest, True, changes, content)


def _with_purged(content: dict[str, Any], signed: dict[str, Any]) -> dict[str, Any]:
    """The content now, with the purged members of the stored copy put back as the copy keeps them
    (their rows are gone from the register), in Member ID order as `build_content` lists members."""
    purged = {entry["member_id"] for entry in signed.get("redacted", ())}
    present = {m["member_id"] for m in content["members"]}
    kept = [m for m in signed.get("members", []) if m.get("member_id") in purged - present]
    if not kept:
        return content
    members = sorted([*content["members"], *kept], key=lambda m: m["member_id"])
    order = {m["member_id"]: index for index, m in enumerate(members)}
    merged = {**content, "members": members,
              "counts": {o: sum(1 for m in members if m.get("outcome") == o) for o in ASSESSMENT_OUTCOMES}}
    for key in ("new_appointments", "leavers"):
        ids = set(content[key]) | {i for i in signed.get(key, []) if i in purged - present}
        merged[key] = sorted(ids, key=lambda i: order.get(i, len(order)))
    return merged


def signing_facts(year: int, rows: list[YearRow], state: DeclarationState) -> SigningFacts:
    """What signing the year's declaration depends on, as plain data for `checks.annual.signing_preconditions`."""
    from fpp.extensions import settings
    from fpp.timeutil import today
    rules = settings().rules
    members = tuple(SigningMember(row.member.id, row.member.member_id, row.member.name, row.year_end_on,
                                  row.assessment is not None,
                                  frozenset(c for c, s in row.year_end.checks.items() if s.status == CONCERN))
                    for row in rows)
    issues = tuple(OpenIssue(r.id, r.member_pk, r.code, rules.label(r.code), r.completed_on)
                   for records in open_issues([m.member_pk for m in members]).values() for r in records)
    return SigningFacts(year, today(), members, tuple(sorted(issues, key=lambda i: (i.completed_on, i.record_id))),
                        state.latest.version if state.latest else None, state.is_stale)


def signing_readiness(year: int, rows: list[YearRow] | None = None,
                      state: DeclarationState | None = None) -> SigningReadiness:
    """Whether the chair can sign the year's declaration now, and what is missing if not: the one answer
    the signing page, the declaration page and `operations.sign_declaration` share. `rows` and `state`
    when the caller already has them."""
    from fpp.extensions import settings
    rows = year_rows(year, settings().rules) if rows is None else rows
    state = declaration_state(year, rows) if state is None else state
    return signing_preconditions(signing_facts(year, rows, state))
