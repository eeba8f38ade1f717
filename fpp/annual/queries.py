"""Reading the annual cycle: who served in a year, their attestations, outcomes and year-end statuses."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from checks import MemberStatus, Rules, is_short_interim
from checks.annual import NOT_ACCEPTED, fit_refusal_explanation, served_in_year, unready_checks, year_end_for
from checks.years import year_bounds
from fpp.annual.models import Assessment, Attestation, AttestationRequest, Declaration, LeaverReference
from fpp.auth.models import User
from fpp.extensions import db, settings
from fpp.people.models import Member
from fpp.register.queries import members_with_statuses


@dataclass
class YearRow:
    """One member who served in the year, with everything the year view and the declaration need."""

    member: Member
    year_end_on: date
    year_end: MemberStatus
    request: AttestationRequest | None = None
    attestation: Attestation | None = None
    assessment: Assessment | None = None
    reference: LeaverReference | None = None
    unready: list[str] = field(default_factory=list)

    @property
    def left_in_year(self) -> bool:
        return self.member.end_on is not None and self.member.end_on == self.year_end_on


def served_in(year: int) -> list[Member]:
    """Every member who served at least one day of the year, in Member ID order, short interim
    appointments included (see `members_in_year`)."""
    members = db.session.execute(select(Member).order_by(Member.member_id)).scalars().all()
    return [m for m in members if served_in_year(m.facts, year)]


def members_in_year(year: int, rules: Rules | None = None) -> list[Member]:
    """The year's board: every member who served at least one day of it, in Member ID order, except
    interim appointments of at most `rules.interim_cover_weeks` (outside the Framework). `rules`: the
    app's when None."""
    rules = settings().rules if rules is None else rules
    return [m for m in served_in(year) if not is_short_interim(m.facts, rules)]


def short_interims_in_year(year: int, rules: Rules) -> list[Member]:
    """The year's interim appointments of at most `rules.interim_cover_weeks`: listed apart, never counted."""
    return [m for m in served_in(year) if is_short_interim(m.facts, rules)]


def year_rows(year: int, rules: Rules) -> list[YearRow]:
    """The year's board (`members_in_year`) with statuses at each member's year end, requests,
    attestations, outcomes and leaver references; a fixed number of queries whatever the board's size."""
    board = members_with_statuses(year_bounds(year)[1], rules, members=served_in(year),
                                  status_on=lambda facts: year_end_for(facts, year))
    requests = _by_member(select(AttestationRequest).where(AttestationRequest.year == year))
    attestations = _by_member(select(Attestation).where(Attestation.year == year))
    assessments = _by_member(select(Assessment).where(Assessment.year == year))
    references = _by_member(select(LeaverReference).where(LeaverReference.direction == "given")
                            .order_by(LeaverReference.id))
    rows = []
    for row in board.rows:
        member, status = row.member, row.status
        rows.append(YearRow(member, year_end_for(member.facts, year), status, requests.get(member.id),
                            attestations.get(member.id), assessments.get(member.id), references.get(member.id),
                            unready_checks({c: s.status for c, s in status.checks.items()})))
    return rows


def _by_member(query) -> dict:
    return {row.member_pk: row for row in db.session.execute(query).scalars()}


def attestations_for(member: Member) -> list[Attestation]:
    """The member's submitted attestations, newest first."""
    return list(db.session.execute(select(Attestation).where(Attestation.member_pk == member.id)
                                   .order_by(Attestation.submitted_on.desc(), Attestation.id.desc())).scalars())


def latest_attestation(member_pk: int, as_of: date | None = None) -> Attestation | None:
    """The member's most recent attestation submitted on or before `as_of` (any year)."""
    query = select(Attestation).where(Attestation.member_pk == member_pk)
    if as_of is not None:
        query = query.where(Attestation.submitted_on <= as_of)
    return db.session.execute(query.order_by(Attestation.submitted_on.desc(), Attestation.id.desc())
                              .limit(1)).scalar()


def find_attestation(member_pk: int, year: int) -> Attestation | None:
    return db.session.execute(select(Attestation).where(Attestation.member_pk == member_pk,
                                                        Attestation.year == year)).scalar()


def find_request(member_pk: int, year: int) -> AttestationRequest | None:
    return db.session.execute(select(AttestationRequest).where(AttestationRequest.member_pk == member_pk,
                                                               AttestationRequest.year == year)).scalar()


def find_assessment(member_pk: int, year: int) -> Assessment | None:
    return db.session.execute(select(Assessment).where(Assessment.member_pk == member_pk,
                                                       Assessment.year == year)).scalar()


def given_reference(member_pk: int) -> LeaverReference | None:
    """The Board Member Reference the organisation gave for this leaver, if completed."""
    return db.session.execute(select(LeaverReference).where(
        LeaverReference.member_pk == member_pk, LeaverReference.direction == "given")
        .order_by(LeaverReference.id).limit(1)).scalar()


def references_for(member_pk: int) -> list[LeaverReference]:
    """Every BMR about the member, given and received, oldest first."""
    return list(db.session.execute(select(LeaverReference).where(LeaverReference.member_pk == member_pk)
                                   .order_by(LeaverReference.id)).scalars())


def declarations(year: int) -> list[Declaration]:
    """Every signed version for the year, newest first."""
    return list(db.session.execute(select(Declaration).where(Declaration.year == year)
                                   .order_by(Declaration.version.desc())).scalars())


def is_chair_member(member: Member) -> bool:
    """The member is the chair: they hold the chair position or their account has the chair role."""
    if member.position == "chair":
        return True
    return db.session.execute(select(User.id).where(User.member_pk == member.id, User.role == "chair")).first() \
        is not None


def user_label(user_id: int | None) -> str | None:
    """The name (or email) of the user, for what is declared and shown."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        return None
    return user.member.name if user.member is not None else user.email


def answers_of(attestation: Attestation) -> list[dict]:
    return json.loads(attestation.answers)


def self_assessment_of(attestation: Attestation) -> list[dict]:
    return json.loads(attestation.self_assessment)


def appraisals_of(member_pk: int) -> list:
    """The member's live appraisal records, newest first, each with the competency framework version in
    force on its completion date (derived from the date, never stored: the check record is the register's)."""
    from fpp.annual.frameworks import for_date
    from fpp.register.models import CheckRecord
    query = (select(CheckRecord).where(CheckRecord.member_pk == member_pk, CheckRecord.code == "appraisal",
                                       CheckRecord.deleted_at.is_(None))
             .order_by(CheckRecord.completed_on.desc(), CheckRecord.id.desc()))
    return [(record, for_date(record.completed_on)) for record in db.session.execute(query).scalars()]


def open_issues(member_pks: list[int]) -> dict[int, list]:
    """Live issue records with no decision yet, per member, oldest first."""
    from fpp.register.models import CheckRecord
    query = (select(CheckRecord).where(CheckRecord.member_pk.in_(member_pks), CheckRecord.outcome == "issue",
                                       CheckRecord.decision_on.is_(None), CheckRecord.deleted_at.is_(None))
             .order_by(CheckRecord.completed_on, CheckRecord.id))
    grouped: dict[int, list] = {}
    for record in db.session.execute(query).scalars():
        grouped.setdefault(record.member_pk, []).append(record)
    return grouped


def not_accepted_issues(member_pks: list[int], year: int) -> dict[int, list]:
    """Live issue records completed by the year's end whose decision (on or after the year's start) did not
    accept them, per member, oldest first: the year view shows them beside the open ones."""
    from fpp.register.models import CheckRecord
    start, end = year_bounds(year)
    query = (select(CheckRecord).where(CheckRecord.member_pk.in_(member_pks), CheckRecord.outcome == "issue",
                                       CheckRecord.decision_outcome == NOT_ACCEPTED, CheckRecord.decision_on >= start,
                                       CheckRecord.completed_on <= end, CheckRecord.deleted_at.is_(None))
             .order_by(CheckRecord.completed_on, CheckRecord.id))
    grouped: dict[int, list] = {}
    for record in db.session.execute(query).scalars():
        grouped.setdefault(record.member_pk, []).append(record)
    return grouped


def fit_refusal_today(member: Member, year: int, rules: Rules, today: date) -> str | None:
    """Why `fit_and_proper` would be refused for the member today (a leaver: on their last day), said
    against their readiness at the year's end (`checks.annual.fit_refusal_explanation`); None if it would
    not be, or if the member did not serve in the year."""
    from fpp.register.queries import member_row
    if not served_in_year(member.facts, year) or year_bounds(year)[0] > today:
        return None
    year_end_on = year_end_for(member.facts, year)
    at_year_end = member_row(member, year_end_on, rules).status.checks
    judged_now_on = min(today, member.end_on) if member.end_on else today
    now = member_row(member, judged_now_on, rules).status.checks
    latest = latest_attestation(member.id, today)
    return fit_refusal_explanation(
        year_end_on, unready_checks({c: s.status for c, s in at_year_end.items()}), now, judged_now_on, today,
        bool(latest and latest.discloses_part1_ground), {c.code: c.label for c in rules.catalogue},
        rules.regulation_5_codes)
