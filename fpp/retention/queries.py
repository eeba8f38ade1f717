"""Who falls due for the retention purge, which evidence files pass their own retention, and the purge log.

The rules are checks.retention's; these functions only gather the facts they need from the register."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, true

from checks.retention import (
    DUE, KEPT, NO_BIRTH_DATE, Retention, RetentionPolicy, evidence_is_due, evidence_removal_on, retention,
)
from checks.years import parse_month_day
from fpp.annual.models import Declaration
from fpp.config import Settings
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord, Evidence
from fpp.retention.models import RetentionPurge

HORIZON_DAYS = 90  # the page lists who falls due within this many days


def retention_policy(settings: Settings) -> RetentionPolicy:
    """The policy from `[retention]` and the declaration deadline (`annual_declaration_deadline`)."""
    return RetentionPolicy(leaver_age_years=settings["retention_leaver_age_years"],
                           evidence_years=dict(settings["retention_evidence_years"]),
                           declaration_deadline=parse_month_day(settings["annual_declaration_deadline"]))


@dataclass(frozen=True)
class Judged:
    """A member who has an end date, with their retention on the day asked about."""

    member: Member
    retention: Retention


def declared_years() -> dict[str, set[int]]:
    """Member ID -> the years of the signed declarations whose content lists them."""
    years: dict[str, set[int]] = {}
    for year, content in db.session.execute(select(Declaration.year, Declaration.content)):
        for entry in json.loads(content).get("members", []):
            if entry.get("member_id"):
                years.setdefault(entry["member_id"], set()).add(year)
    return years


def judge(as_of: date, settings: Settings) -> list[Judged]:
    """Every member with an end date, judged on `as_of` (serving members without one are never due),
    in Member ID order."""
    policy, rules, declared = retention_policy(settings), settings.rules, declared_years()
    members = db.session.execute(select(Member).where(Member.end_on.is_not(None))
                                 .order_by(Member.member_id)).scalars()
    return [Judged(m, retention(m.facts, m.date_of_birth, declared.get(m.member_id, ()), as_of, rules, policy))
            for m in members]


def judge_member(member: Member, as_of: date, settings: Settings) -> Retention:
    """One member's retention on `as_of`, read afresh (the purge asks again inside the member's transaction)."""
    declared = declared_years().get(member.member_id, ())
    return retention(member.facts, member.date_of_birth, declared, as_of, settings.rules, retention_policy(settings))


def due_members(as_of: date, settings: Settings) -> list[Judged]:
    """The leavers past their purge date on `as_of`: the next purge removes them."""
    return [j for j in judge(as_of, settings) if j.retention.status == DUE]


@dataclass(frozen=True)
class Outlook:
    """What the retention page shows on `today`."""

    past_due: list[Judged]
    upcoming: list[Judged]  # due within the horizon
    no_birth_date: list[Judged]
    evidence: list["EvidenceDue"]


def outlook(today: date, settings: Settings, horizon_days: int = HORIZON_DAYS) -> Outlook:
    """Who is past due, who falls due in the next `horizon_days`, who cannot be judged, and the evidence files
    that pass their own retention by then (those of members purged whole are counted with the member)."""
    judged = judge(today, settings)
    until = today + timedelta(days=horizon_days)
    upcoming = [j for j in judged if j.retention.status == KEPT and j.retention.purge_on <= until]
    upcoming.sort(key=lambda j: (j.retention.purge_on, j.member.member_id))
    past_due = [j for j in judged if j.retention.status == DUE]
    purged_whole = {j.member.id for j in past_due}
    evidence = [e for e in evidence_due(until, settings) if e.member.id not in purged_whole]
    return Outlook(past_due, upcoming, [j for j in judged if j.retention.status == NO_BIRTH_DATE], evidence)


@dataclass(frozen=True)
class EvidenceDue:
    """An evidence file whose check has a retention of its own, and the first day it may no longer be kept."""

    member: Member
    record: CheckRecord
    evidence: Evidence
    removal_on: date


def evidence_due(as_of: date, settings: Settings, member_pk: int | None = None) -> list[EvidenceDue]:
    """The evidence files (withdrawn ones and those on deleted records included) of leavers (or of the one
    member `member_pk`) whose own retention (`[retention.evidence_years]`) has passed by `as_of`, oldest
    removal day first."""
    policy = retention_policy(settings)
    if not policy.evidence_years:
        return []
    rows = db.session.execute(
        select(Member, CheckRecord, Evidence).join(CheckRecord, CheckRecord.member_pk == Member.id)
        .join(Evidence, Evidence.record_id == CheckRecord.id)
        .where(Member.end_on.is_not(None), CheckRecord.code.in_(sorted(policy.evidence_years)),
               true() if member_pk is None else Member.id == member_pk)
        .order_by(Evidence.id)).tuples()
    found = []
    for member, record, evidence in rows:
        if evidence_is_due(record.code, member.facts, as_of, policy):
            removal_on = evidence_removal_on(record.code, member.end_on, policy)
            found.append(EvidenceDue(member, record, evidence, removal_on))
    found.sort(key=lambda e: (e.removal_on, e.member.member_id, e.evidence.id))
    return found


def purge_log(limit: int = 200) -> list[RetentionPurge]:
    """The newest entries of the purge log, newest first."""
    return list(db.session.execute(select(RetentionPurge).order_by(RetentionPurge.id.desc()).limit(limit)).scalars())
