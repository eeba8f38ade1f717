"""A realistic demo board, dated relative to today so it always shows a live mix of statuses."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from checks import add_months
from fpp.auth.operations import create_user
from fpp.extensions import db
from fpp.people.models import Member
from fpp.people.operations import create_member, record_privacy_notice
from fpp.register.operations import record_check
from fpp.timeutil import today

DEMO_PASSWORD = "demo-password-fpp"
ONCE = ("identity", "employment_history", "references", "qualifications", "health")
ANNUAL = ("insolvency", "disqualified_directors", "removed_trustees", "employment_tribunal", "social_media",
          "self_attestation")

# member_id, name, position, role title, start (years ago, days), registration, scenario
BOARD = (
    ("E1001", "Margaret Ellison", "chair", "Chair", (6, 40), None, "good"),
    ("E1002", "David Okoro", "sid", "Senior Independent Director", (5, 100), None, "due_soon"),
    ("E1003", "Priya Natarajan", "ned", "Non-executive Director (Audit Chair)", (4, 200), None, "good"),
    ("E1004", "Gareth Hughes", "ned", "Non-executive Director", (3, 15), None, "expired"),
    ("E1005", "Fiona McLeod", "ned", "Non-executive Director", (2, 300), None, "concern"),
    ("E1006", "Samuel Adeyemi", "ned", "Non-executive Director", (0, 200), None, "new"),
    ("E1007", "Helen Carter", "ceo", "Chief Executive", (7, 10), None, "good"),
    ("E1008", "Dr Rajesh Iyer", "executive", "Medical Director", (5, 60), "GMC 4567890", "clinician"),
    ("E1009", "Joanne Whitfield", "executive", "Chief Nurse", (3, 120), "NMC 12A3456E", "due_soon"),
    ("E1010", "Michael Brennan", "executive", "Director of Finance", (1, 90), None, "missing"),
    ("E1011", "Aisha Rahman", "executive", "Interim Director of Operations", (0, 150), None, "interim"),
    ("E1012", "Thomas Reid", "associate", "Associate Director of Strategy", (2, 30), None, "good"),
    ("E1013", "Colin Baxter", "ned", "Non-executive Director", (8, 0), None, "leaver_no_reference"),
    ("E1014", "Susan Patel", "executive", "Director of People", (6, 0), None, "leaver_with_reference"),
)
LOGINS = (
    ("secretary@example.nhs.uk", "secretary", None),
    ("chair@example.nhs.uk", "chair", "E1001"),
    ("sid@example.nhs.uk", "sid", "E1002"),
    ("member@example.nhs.uk", "member", "E1003"),
    ("auditor@example.nhs.uk", "auditor", None),
)


def second_factor_help(required_roles) -> list[str]:
    """How the demo accounts pass the second factor, as `fpp demo` prints it."""
    needing = [role for _, role, _ in LOGINS if role in required_roles]
    others = [role for _, role, _ in LOGINS if role not in required_roles]
    if not needing:
        return []
    lines = [f"Second factor: the {', '.join(needing)} accounts set up an authenticator app at their first sign-in",
             "(any TOTP app: Microsoft or Google Authenticator, FreeOTP, ...): scan the QR code or type the key shown.",
             "No phone? The set-up page shows the key as text and a command that prints the current code:",
             "  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('KEY').now())\"",
             "It then shows ten recovery codes, each good for one sign-in without the app."]
    if others:
        lines.append(f"The {', '.join(others)} account signs in with the password alone (a second factor is optional).")
    return lines


def register_is_empty() -> bool:
    return not db.session.execute(select(func.count(Member.id))).scalar()


def load_demo() -> list[tuple[str, str]]:
    """Add the demo members, their history and the demo accounts; returns (email, role) pairs."""
    now = today()
    members = {}
    for member_id, name, position, title, (years, days), registration, scenario in BOARD:
        start = add_months(now, -12 * years) - timedelta(days=days)
        end = _end_date(scenario, now)
        members[member_id] = member = create_member(
            member_id=member_id, name=name, position=position, role_title=title, start_on=start, end_on=end,
            email=f"{member_id.lower()}@example.nhs.uk", professional_registration=registration,
            is_interim=scenario == "interim", date_of_birth=date(1960 + int(member_id[-2:]), 3, 14))
        if scenario != "new":
            record_privacy_notice(member, start, None)  # audited, so `fpp audit verify` finds the row as recorded
        _history(member, scenario, now)
    for email, role, member_id in LOGINS:
        create_user(email, role, DEMO_PASSWORD, members.get(member_id))
    return [(email, role) for email, role, _ in LOGINS]


def _end_date(scenario: str, now: date) -> date | None:
    if scenario == "leaver_no_reference":
        return now - timedelta(days=45)
    if scenario == "leaver_with_reference":
        return now - timedelta(days=200)
    return None


def _history(member: Member, scenario: str, now: date) -> None:
    start = member.start_on
    last_day = member.end_on or now
    pre = start - timedelta(days=21)
    for code in ONCE:
        if scenario == "missing" and code == "qualifications":
            continue
        _add(member, code, pre, notes="Seen on appointment")
    _dbs_series(member, scenario, pre, last_day, now)
    lag = {"due_soon": 320, "expired": 380, "interim": 20, "new": 25}.get(scenario, 150)
    for code in ANNUAL:
        latest = last_day - timedelta(days=lag if code != "social_media" or scenario != "due_soon" else 150)
        _annual_series(member, code, pre, latest)
    if member.professional_registration:
        _annual_series(member, "professional_registration", pre,
                       last_day - timedelta(days=330 if scenario == "due_soon" else 60), reference="Checked online")
    if add_months(start, 12) <= last_day:
        _annual_series(member, "appraisal", add_months(start, 12), last_day - timedelta(days=100))
    if scenario == "concern":
        _add(member, "social_media", now - timedelta(days=12), outcome="issue",
             notes="Press article about a former employer's insolvency; chair to review")
    if scenario == "leaver_with_reference":
        _add(member, "leaver_reference", member.end_on + timedelta(days=14), notes="BMR sent on request")


def _dbs_series(member: Member, scenario: str, first: date, last_day: date, now: date) -> None:
    level = "enhanced_barred" if member.is_executive else "basic"
    day = first
    latest = last_day - timedelta(days={"expired": 1130, "due_soon": 1060}.get(scenario, 400))
    dates = []
    while day <= latest:
        dates.append(day)
        day = add_months(day, 36)
    if not dates or dates[-1] < latest - timedelta(days=30):
        dates.append(max(latest, first))
    for index, when in enumerate(dates):
        _add(member, "dbs", when, dbs_level=level, reference=f"00{member.member_id[-3:]}{index}7{when:%y%m}",
             is_update_service=level != "basic" and index > 0)


def _annual_series(member: Member, code: str, first: date, latest: date, **extra) -> None:
    day = latest
    dates = []
    while day >= first:
        dates.append(day)
        day = add_months(day, -12)
    for when in reversed(dates or [first]):
        _add(member, code, when, searched_name=member.name if code in ANNUAL[:5] else None, **extra)


def _add(member: Member, code: str, completed_on: date, **fields) -> None:
    if completed_on > today():
        return
    record_check(member, None, code=code, completed_on=completed_on, **fields)

