"""A small board for the annual cycle tests, with the clock frozen in the 2025/26 year."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from flask import g

from checks import REGULATION_5_CODES
from checks.annual import LCF
from checks.frameworks import Framework
from fpp.auth.models import User
from fpp.extensions import settings
from fpp.people.models import Member
from fpp.timeutil import freeze
from tests.fixtures.factories import PASSWORD, sign_in_as

TODAY = datetime(2026, 3, 10, 12, 0)
YEAR = 2025


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze(TODAY):
        yield


@dataclass
class Board:
    chair: Member
    sid: Member
    ned: Member
    chair_user: User
    sid_user: User
    ned_user: User
    secretary: User
    auditor: User


@pytest.fixture
def complete_checks(create_record):
    """Give a member a clear record of every Regulation 5 check, dated `on`."""
    def complete(member: Member, on: date = date(2025, 6, 1), skip: tuple[str, ...] = ()) -> None:
        for code in sorted(REGULATION_5_CODES - set(skip)):
            create_record(member, code, on)
    return complete


@pytest.fixture
def every_check(create_record):
    """Give a member a clear record, dated `on`, of every other check a serving member needs (the
    Regulation 5 ones: `complete_checks`), so that they are ready at the year's end."""
    def complete(member: Member, on: date = date(2025, 6, 1)) -> None:
        for check in settings().rules.catalogue:
            if check.code not in REGULATION_5_CODES and check.code != "leaver_reference":
                create_record(member, check.code, on)
    return complete


@pytest.fixture
def board(create_member, create_user, complete_checks) -> Board:
    chair = create_member(member_id="C01", name="Clara Chair", position="chair", start_on=date(2020, 1, 1))
    sid = create_member(member_id="S01", name="Sam Sid", position="sid", start_on=date(2020, 1, 1))
    ned = create_member(member_id="N01", name="Nina Ned", position="ned", start_on=date(2020, 1, 1))
    for member in (chair, sid, ned):
        complete_checks(member)
    return Board(chair, sid, ned, create_user("chair", member=chair), create_user("sid", member=sid),
                 create_user("member", member=ned), create_user("secretary"), create_user("auditor"))


@pytest.fixture
def sign_in(client):
    """Sign in as `user` (signing out whoever was signed in)."""
    def sign(user: User) -> User:
        # The test app context outlives requests, and Flask-Login caches the user on `g`.
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            session.clear()
        sign_in_as(client, user.email)  # the second factor too, where the role needs one
        return user
    return sign


def attestation_data(disclose: dict[str, str] | None = None, password: str = PASSWORD, framework: Framework = LCF,
                     **overrides) -> dict:
    """A complete attestation form for `framework`: every expected answer, except the items in `disclose`
    (key: details), and the framework's second rating for every domain."""
    disclose = disclose or {}
    data = {"password": password}
    for item in framework.statements:
        other = "no" if item.expected == "yes" else "yes"
        data[f"answer_{item.key}"] = other if item.key in disclose else item.expected
        data[f"disclosure_{item.key}"] = disclose.get(item.key, "")
    for key, _ in framework.domains:
        data[f"rating_{key}"] = framework.ratings[1][0]
        data[f"comment_{key}"] = ""
    return data | overrides


def date_parts(name: str, day: date) -> dict:
    return {f"{name}[day]": str(day.day), f"{name}[month]": str(day.month), f"{name}[year]": str(day.year)}
