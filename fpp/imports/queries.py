"""Reading what the tracker planner needs: the register as plain data, and the saved presets."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from checks import MemberFacts, Rules, is_required
from checks.people import POSITION_LABELS
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord
from fpp.imports.tracker import KnownMember, KnownRecord
from fpp.imports.models import TrackerPreset

def catalogue_pairs() -> list[tuple[str, str]]:
    """(code, label) of every check the register holds: the standard ones, then the organisation's own
    (``settings().rules.catalogue``), so a tracker column matches a local check by its label."""
    from fpp.extensions import settings
    return [(check.code, check.label) for check in settings().rules.catalogue]


def codes() -> tuple[str, ...]:
    """The codes of every check the register holds (see catalogue_pairs)."""
    return tuple(code for code, _ in catalogue_pairs())


def known_member(member: Member) -> KnownMember:
    """Every field the register holds for ``member``, in the planner's terms (position as its label)."""
    return KnownMember(
        member_id=member.member_id, name=member.name, start_on=member.start_on, end_on=member.end_on,
        professional_registration=member.professional_registration, email=member.email,
        position=POSITION_LABELS.get(member.position, member.position), role_title=member.role_title,
        voting=member.is_voting, interim=member.is_interim, executive=member.is_executive,
        date_of_birth=member.date_of_birth)


def known_members() -> list[KnownMember]:
    """Every member of the register, in one query."""
    return [known_member(m) for m in db.session.execute(select(Member)).scalars()]


def known_records() -> list[KnownRecord]:
    """Every live check record with its identity, reference, DBS level and notes, in one query."""
    query = (select(Member.member_id, CheckRecord.code, CheckRecord.completed_on, CheckRecord.outcome,
                    CheckRecord.reference, CheckRecord.dbs_level, CheckRecord.notes)
             .join(Member, Member.id == CheckRecord.member_pk).where(CheckRecord.deleted_at.is_(None)))
    return [KnownRecord(*row) for row in db.session.execute(query)]


def applies_rule(as_of: date, rules: Rules):
    """``applies(member, code)`` for the planner (it decides what an N/A cell means).

    A serving member: the check is required on ``as_of``. A leaver: the check applied at some point
    of their service (judged on their last day), and the leaver reference applies to them.
    """
    def applies(member: KnownMember, code: str) -> bool:
        if member.start_on is None:
            return code != "leaver_reference" and (code != "professional_registration"
                                                   or bool(member.professional_registration))
        facts = MemberFacts(member.start_on, member.end_on, bool(member.professional_registration),
                            is_executive=bool(member.executive))
        if facts.has_left(as_of) and code != "leaver_reference":
            return is_required(code, facts, member.end_on, rules)
        return is_required(code, facts, as_of, rules)
    return applies


def list_presets() -> list[TrackerPreset]:
    """The saved mappings, by name."""
    return list(db.session.execute(select(TrackerPreset).order_by(TrackerPreset.name)).scalars())


def find_preset(name: str) -> TrackerPreset | None:
    """The preset called ``name`` (surrounding spaces ignored), or None."""
    return db.session.execute(select(TrackerPreset).where(TrackerPreset.name == name.strip())).scalar()
