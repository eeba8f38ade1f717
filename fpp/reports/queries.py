"""The annual declaration workbook's data, read from the register (exports/ builds the files).

Big collections (check records, the audit trail) are generators over streamed queries, so a register of
10,000 members exports in constant memory. Build a fresh `DeclarationData` for each file.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time

from sqlalchemy import select

from checks.records import NOT_RECORDED
from checks.rules import record_expiry
from checks.annual import ASSESSMENT_OUTCOMES
from checks.years import year_bounds
from checks.people import POSITION_LABELS
from exports.data import (
    Appointment, AuditRow, CheckAtYearEnd, CheckRecordRow, Declaration as DeclarationRow, DeclarationData,
    EvidenceFile, EvidenceRef, ExceptionRow, LeaverRow, MemberRow,
)
from fpp.annual.declaration import declaration_state
from fpp.annual.models import Assessment, Attestation
from fpp.annual.queries import YearRow, user_label, year_rows
from fpp.extensions import db, settings
from exports.trail import GENESIS
from fpp.audit.models import AuditEntry
from fpp.auth.models import User
from fpp.register.models import CheckRecord, Evidence
from fpp.register.operations import evidence_path
from fpp.timeutil import utcnow



def declaration_data(year: int, rows: list[YearRow] | None = None) -> DeclarationData:
    """Everything the declaration workbook, the summary and the pack show for the year starting 1 April.
    `rows` are the year's rows (`year_rows`) when the caller already has them."""
    start, end = year_bounds(year)
    rules = settings().rules
    rows = year_rows(year, rules) if rows is None else rows
    columns = tuple((c.code, c.label) for c in rules.catalogue)  # the statuses' checks, in their order
    state = declaration_state(year, rows)
    members = {row.member.id: row.member for row in rows}
    return DeclarationData(
        organisation_name=settings()["organisation_name"], year=year, period_start=start, period_end=end,
        check_columns=columns, declaration=_declaration(state, rows),
        outcome_counts={o: sum(1 for r in rows if r.assessment and r.assessment.outcome == o) for o in ASSESSMENT_OUTCOMES}
        | {"no_outcome_recorded": sum(1 for r in rows if r.assessment is None)},
        status_counts=dict(Counter(r.year_end.status for r in rows)),
        check_status_counts={code: dict(Counter(r.year_end.checks[code].status for r in rows))
                             for code, _ in columns},
        members_in_year=len(rows),
        new_appointments=[Appointment(r.member.member_id, r.member.name, r.member.position_label, r.member.start_on)
                          for r in rows if start <= r.member.start_on <= end],
        leavers=[_leaver(r) for r in rows if r.left_in_year],
        members=(_member_row(r) for r in rows),
        check_records=check_record_rows(members, year),
        exceptions=exception_rows(members, year),
        audit=audit_rows(year),
        audit_anchor=audit_start(year)[1],
        created_at=utcnow(),
    )


def _declaration(state, rows: list[YearRow]) -> DeclarationRow:
    latest = state.latest
    if latest is None:
        chair = next((r.member.name for r in rows if r.member.position == "chair" and r.member.end_on is None), None)
        return DeclarationRow(chair_name=chair, statement=state.content.get("statement"))
    return DeclarationRow(chair_name=latest.signed_by_name, statement=latest.statement, signed_on=latest.signed_on,
                          signed_at=latest.signed_at, signed_by=latest.signed_by_name, sha256=latest.content_hash,
                          is_stale=state.is_stale, stale_reasons=tuple(state.changes))


def _member_row(row: YearRow) -> MemberRow:
    member, assessment = row.member, row.assessment
    return MemberRow(
        member_id=member.member_id, name=member.name, position=POSITION_LABELS.get(member.position, member.position),
        role_title=member.role_title, is_executive=member.is_executive, is_voting=member.is_voting,
        is_interim=member.is_interim, start_on=member.start_on, end_on=member.end_on,
        professional_registration=member.professional_registration, status=row.year_end.status,
        outcome=assessment.outcome if assessment else None,
        assessed_by=user_label(assessment.decided_by_id) if assessment else None,
        signed_off_on=assessment.decided_on if assessment else None,
        checks={code: CheckAtYearEnd(s.status, s.completed_on) for code, s in row.year_end.checks.items()})


def _leaver(row: YearRow) -> LeaverRow:
    reference = row.reference
    done = row.year_end.checks["leaver_reference"].completed_on
    return LeaverRow(row.member.member_id, row.member.name, row.member.end_on,
                     reference_completed_on=reference.completed_on if reference else done,
                     reference_completed_by=reference.completed_by_name if reference else None,
                     reference_sent_to=reference.sent_to if reference else None,
                     reference_sent_on=reference.sent_on if reference else None,
                     reference_is_fit_and_proper=reference.is_fit_and_proper if reference else None,
                     reference_discontinued_matters=(reference.discontinued_matters or NOT_RECORDED)
                     if reference else None)


def _exported_records(member_pks: list[int], year: int) -> Iterator[CheckRecord]:
    """Live records completed in the year, or the latest one of each check still current at its end."""
    start, end = year_bounds(year)
    query = (select(CheckRecord).where(CheckRecord.member_pk.in_(member_pks), CheckRecord.deleted_at.is_(None),
                                       CheckRecord.completed_on <= end)
             .order_by(CheckRecord.member_pk, CheckRecord.code, CheckRecord.completed_on.desc(), CheckRecord.id.desc())
             .execution_options(yield_per=2000))
    current = None
    for record in db.session.execute(query).scalars():
        key = (record.member_pk, record.code)
        if record.completed_on >= start or key != current:
            yield record
        current = key


def check_record_rows(members: dict, year: int) -> Iterator[CheckRecordRow]:
    """The Checks sheet: member, check, dates, outcome, reference, DBS level (nothing more of a DBS
    certificate), who recorded it and when, and the evidence files with their SHA-256."""
    rules, users = settings().rules, _user_labels()
    evidence = _evidence_refs(list(members))
    for record in _exported_records(list(members), year):
        member = members[record.member_pk]
        yield CheckRecordRow(
            member_id=member.member_id, member_name=member.name, check_code=record.code,
            check_label=rules.label(record.code), completed_on=record.completed_on, outcome=record.outcome,
            expires_on=None if record.outcome == "not_applicable" or not rules.holds(record.code)
            else record_expiry(record.code, record.completed_on, record.expires_on, rules),
            reference=record.reference, dbs_level=record.dbs_level, recorded_by=users.get(record.recorded_by_id),
            recorded_at=record.recorded_at, evidence=tuple(evidence.get(record.id, ())))


def _user_labels() -> dict[int, str]:
    return {user.id: (user.member.name if user.member else user.email)
            for user in db.session.execute(select(User)).scalars()}


def _evidence_refs(member_pks: list[int]) -> dict[int, list[EvidenceRef]]:
    query = (select(Evidence.record_id, Evidence.original_name, Evidence.sha256).join(CheckRecord)
             .where(CheckRecord.member_pk.in_(member_pks), Evidence.withdrawn_at.is_(None)).order_by(Evidence.id))
    refs: dict[int, list[EvidenceRef]] = {}
    for record_id, name, sha in db.session.execute(query):
        refs.setdefault(record_id, []).append(EvidenceRef(name, sha))
    return refs


def exception_rows(members: dict, year: int) -> Iterator[ExceptionRow]:
    """Issues found, decisions on them, disclosures in attestations, and outcomes with mitigations or
    concerns, dated within the year."""
    start, end = year_bounds(year)
    users, label = _user_labels(), settings().rules.label
    records = db.session.execute(select(CheckRecord).where(
        CheckRecord.member_pk.in_(list(members)), CheckRecord.deleted_at.is_(None), CheckRecord.outcome == "issue")
        .order_by(CheckRecord.completed_on, CheckRecord.id)).scalars()
    for record in records:
        member = members[record.member_pk]
        if start <= record.completed_on <= end:
            yield ExceptionRow(member.member_id, member.name, label(record.code), record.completed_on, "issue",
                               record.notes)
        if record.decision_on and start <= record.decision_on <= end:
            yield ExceptionRow(member.member_id, member.name, label(record.code), record.decision_on, "decision",
                               f"{'Not accepted' if record.decision_outcome == 'not_accepted' else 'Accepted'}: "
                               f"{record.decision_note or ''}".strip(), users.get(record.decided_by_id))
    yield from _attestation_exceptions(members, year)
    yield from _assessment_exceptions(members, year, users)


def _attestation_exceptions(members: dict, year: int) -> Iterator[ExceptionRow]:
    query = select(Attestation).where(Attestation.year == year, Attestation.has_disclosure.is_(True),
                                      Attestation.member_pk.in_(list(members))).order_by(Attestation.submitted_on)
    for attestation in db.session.execute(query).scalars():
        member = members[attestation.member_pk]
        disclosed = [a.get("disclosure") or a.get("text") for a in json.loads(attestation.answers)
                     if a.get("disclosure")]
        yield ExceptionRow(member.member_id, member.name, "Self-attestation", attestation.submitted_on, "concern",
                           "; ".join(d for d in disclosed if d) or "Disclosure made")


def _assessment_exceptions(members: dict, year: int, users: dict) -> Iterator[ExceptionRow]:
    query = select(Assessment).where(Assessment.year == year, Assessment.member_pk.in_(list(members)),
                                     Assessment.outcome != "fit_and_proper").order_by(Assessment.decided_on)
    for assessment in db.session.execute(query).scalars():
        member = members[assessment.member_pk]
        kind = "mitigation" if assessment.outcome == "fit_and_proper_with_mitigations" else "concern"
        detail = assessment.mitigation_note or assessment.action_taken or assessment.outcome.replace("_", " ")
        yield ExceptionRow(member.member_id, member.name, "Annual outcome", assessment.decided_on, kind, detail,
                           users.get(assessment.decided_by_id))


def audit_start(year: int) -> tuple[int | None, str]:
    """Where the year's audit segment starts: the first entry written on or after 1 April (UTC) and its
    anchor, the hash of the entry before it. With no entry since, (None, the trail's head)."""
    start, _ = year_bounds(year)
    first = db.session.execute(select(AuditEntry.id, AuditEntry.prev_hash)
                               .where(AuditEntry.at >= datetime.combine(start, time.min))
                               .order_by(AuditEntry.id).limit(1)).first()
    if first is not None:
        return first[0], first[1]
    head = db.session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    return None, head or GENESIS


def audit_rows(year: int) -> Iterator[AuditRow]:
    """The year's audit segment, in chain order: from the first entry on or after the year's start to the
    last one now, contiguous (its anchor is `audit_start(year)[1]`), so it re-hashes offline."""
    first_id, _ = audit_start(year)
    return audit_segment(first_id, None)


def audit_segment(first_id: int | None, last_id: int | None) -> Iterator[AuditRow]:
    """Entries `first_id` to `last_id` (None: the newest) with every stored column but the MAC."""
    if first_id is None:
        return
    query = select(AuditEntry).where(AuditEntry.id >= first_id)
    if last_id is not None:
        query = query.where(AuditEntry.id <= last_id)
    for entry in db.session.execute(query.order_by(AuditEntry.id).execution_options(yield_per=2000)).scalars():
        yield AuditRow(entry.id, entry.at, entry.actor, entry.action, entry.entity_type, entry.entity_id,
                       entry.before, entry.after, entry.prev_hash, entry.hash, actor_id=entry.actor_id,
                       member_pk=entry.member_pk, batch_id=entry.batch_id, content_hash=entry.content_hash,
                       redacted_at=entry.redacted_at)


def evidence_files(year: int, rows: list[YearRow] | None = None) -> list[EvidenceFile]:
    """Evidence of the records the workbook lists, with where to read each file."""
    rows = year_rows(year, settings().rules) if rows is None else rows
    members = {row.member.id: row.member for row in rows}
    listed = {record.id: record for record in _exported_records(list(members), year)}
    query = (select(Evidence).join(CheckRecord).where(CheckRecord.member_pk.in_(list(members)),
                                                      Evidence.withdrawn_at.is_(None)).order_by(Evidence.id))
    return [EvidenceFile(members[listed[e.record_id].member_pk].member_id, listed[e.record_id].code, e.original_name,
                         e.sha256, e.size, evidence_path(e))
            for e in db.session.execute(query).scalars() if e.record_id in listed]
