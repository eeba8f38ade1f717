"""The register as plain data for the tracker export (exports/tracker.py builds the workbook)."""
from __future__ import annotations

from datetime import date

from checks import Rules
from checks.people import POSITION_LABELS
from checks.wording import date_phrase
from exports.tracker import CheckCell, MemberLine, TrackerExport
from fpp.register.queries import board


def tracker_export(as_of: date, rules: Rules, organisation: str) -> TrackerExport:
    """Every member on the board or left by ``as_of`` (Member ID order; not later starters nor short interim
    appointments) with each check's status, in the order of the rules' catalogue."""
    members = [_line(row.member, row.status) for row in board(as_of, rules).rows]
    return TrackerExport(as_of, organisation, [(c.code, c.label) for c in rules.catalogue], members)


def _line(member, status) -> MemberLine:
    checks = {code: CheckCell(check.completed_on, check.status, date_phrase(check.status, check.expires_on))
              for code, check in status.checks.items()}
    return MemberLine(
        member_id=member.member_id, name=member.name, position=POSITION_LABELS.get(member.position, member.position),
        role_title=member.role_title, email=member.email, is_executive=member.is_executive,
        is_voting=member.is_voting, is_interim=member.is_interim,
        professional_registration=member.professional_registration, start_on=member.start_on,
        end_on=member.end_on, status=status.status, checks=checks)
