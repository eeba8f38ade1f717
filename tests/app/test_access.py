"""CONTRACT.md "Roles", route by route, and the transaction policy, route by route.

ACCESS names every endpoint of the app, the methods its rule accepts, and for each URL variant the roles
it admits. A test walks `app.url_map` and fails on any endpoint or method the matrix does not name (and on
entries that no longer exist), so a new route cannot slip past; then every (endpoint, variant, method,
role) is requested: an admitted role is answered (200, or a redirect anywhere but the sign-in page), any
other signed-in role gets 403, and an anonymous visitor is sent to sign in, except on a public endpoint.
"""
from __future__ import annotations

import io
from datetime import date, datetime
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook

from checks.annual import ATTESTATION_ITEMS, LCF_DOMAINS
from fpp.annual import operations as annual
from fpp.annual import references
from fpp.extensions import db, view_writes
from fpp.imports import uploads
from fpp.imports.planner import prepare
from fpp.register.operations import add_evidence
from fpp.reminders import calendar
from fpp.reminders.models import FAILED, OutboxMessage
from fpp.reports import operations as reports
from fpp.timeutil import freeze
from tests.fixtures.factories import PASSWORD, sign_in_as

ROLES = ("anonymous", "secretary", "chair", "sid", "member", "auditor")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
PUBLIC = frozenset(ROLES)  # anonymous visitors included: the endpoint asks nobody to sign in
READERS = frozenset({"secretary", "chair", "sid", "auditor"})  # "read everything"
OWNER = READERS | {"member"}  # readers, and the member the object belongs to
MEMBERS = frozenset({"chair", "sid", "member"})  # board members with a record of their own
DECIDERS = frozenset({"chair", "sid"})
SECRETARY = frozenset({"secretary"})
CHAIR = frozenset({"chair"})
AUDIT_READERS = frozenset({"secretary", "auditor"})  # the audit trail and the outbox
DOWNLOADERS = READERS  # reports: every role that reads everything (CONTRACT.md)
NOBODY = frozenset()

GET, POST, FORM = ("GET",), ("POST",), ("GET", "POST")

# endpoint: (the methods its rule accepts besides HEAD/OPTIONS, [(URL template, roles admitted), ...]).
# Templates name World attributes: {own} is the signed-in member's record (any member for other roles),
# {other} somebody else's. A POST carries an empty form: a form view answers 200 with its errors.
ACCESS: dict[str, tuple[tuple[str, ...], list[tuple[str, frozenset[str]]]]] = {
    # --- public ---
    "static": (GET, [("/static/fpp.css", PUBLIC)]),
    "auth.login": (FORM, [("/login", PUBLIC)]),  # a signed-in user is sent home
    "auth.logout": (POST, [("/logout", PUBLIC)]),  # everybody lands on the sign-in page (SIGNS_OUT)
    "auth.sign_out_everywhere": (POST, [("/account/sign-out-everywhere", PUBLIC)]),  # SIGNS_OUT
    "reminders.calendar_feed": (GET, [("/calendar/feed/{feed}.ics", PUBLIC)]),  # the token is the credential
    # an e-mailed link (the token is the credential; a bad one shows a page saying so) and asking for one
    "auth.accept_invitation": (FORM, [("/invitation/not-a-token", PUBLIC)]),
    "auth.forgot_password": (FORM, [("/password/forgot", PUBLIC)]),
    "auth.reset_password": (FORM, [("/password/reset/not-a-token", PUBLIC)]),
    # --- every signed-in user ---
    "register.home": (GET, [("/", SIGNED_IN)]),
    "auth.change_password": (FORM, [("/account/password", SIGNED_IN)]),
    "auth.account": (GET, [("/account", SIGNED_IN)]),
    "auth.add_factor": (FORM, [("/account/two-factor", SIGNED_IN)]),  # to the account page once set up
    "auth.new_recovery_codes": (FORM, [("/account/recovery-codes", SIGNED_IN)]),
    # the second step of signing in: only for a browser half signed in; others go to sign in (or home)
    "auth.second_factor": (FORM, [("/login/code", SIGNED_IN)]),
    "auth.enrol_factor": (FORM, [("/login/enrol", SIGNED_IN)]),
    "reminders.show_calendar": (FORM, [("/calendar", SIGNED_IN)]),  # their own feed: POST makes one
    # --- the register ---
    "register.overview": (GET, [("/board", READERS)]),
    "register.show_member": (GET, [("/members/{own}", OWNER), ("/members/{other}", READERS)]),
    "register.download_evidence": (GET, [("/evidence/{own_evidence}", OWNER),
                                         ("/evidence/{other_evidence}", READERS)]),
    "register.new_record": (FORM, [("/members/{own}/checks/new", SECRETARY),
                                   ("/members/{other}/checks/new", SECRETARY)]),
    "register.correct_record": (FORM, [("/records/{own_record}/correct", SECRETARY)]),
    "register.delete_record": (FORM, [("/records/{own_record}/delete", SECRETARY)]),
    "register.add_evidence": (FORM, [("/records/{own_record}/evidence", SECRETARY)]),
    "register.withdraw_evidence": (FORM, [("/evidence/{own_evidence}/withdraw", SECRETARY),
                                          ("/evidence/{other_evidence}/withdraw", SECRETARY)]),
    "people.new_member": (FORM, [("/members/new", SECRETARY)]),
    "people.edit_member": (FORM, [("/members/{own}/edit", SECRETARY), ("/members/{other}/edit", SECRETARY)]),
    "people.end_appointment": (FORM, [("/members/{other}/end", SECRETARY)]),
    "people.privacy_notice": (FORM, [("/members/{own}/privacy", SECRETARY)]),
    # --- the annual cycle ---
    "annual.list_attestations": (GET, [("/attestations", MEMBERS)]),
    "annual.new_attestation": (FORM, [("/attestations/new", MEMBERS)]),
    "annual.show_attestation": (GET, [("/attestations/{own_attestation}", OWNER),
                                      ("/attestations/{other_attestation}", READERS)]),
    "annual.current_year": (GET, [("/years", READERS)]),
    "annual.show_year": (GET, [("/years/{year}", READERS)]),
    "annual.request_attestations": (POST, [("/years/{year}/requests", SECRETARY)]),
    # The SID may open any member's outcome page; it shows why they may not act (only the chair's is theirs).
    "annual.record_outcome": (FORM, [("/years/{year}/members/{other}/outcome", DECIDERS)]),
    "annual.decide_record": (FORM, [("/records/{other_record}/decision", DECIDERS)]),
    "annual.show_declaration": (GET, [("/years/{year}/declaration", READERS)]),
    "annual.sign_declaration": (FORM, [("/years/{year}/declaration/sign", CHAIR)]),
    "annual.new_leaver_reference": (FORM, [("/members/{other}/leaver-reference", SECRETARY)]),
    "annual.new_received_reference": (FORM, [("/members/{other}/references/received", SECRETARY)]),
    "annual.show_reference": (GET, [("/references/{own_reference}", OWNER),
                                    ("/references/{other_reference}", READERS)]),
    "annual.record_sent": (FORM, [("/references/{given_reference}/sent", SECRETARY)]),
    # --- imports, users, audit, outbox ---
    "imports.upload_tracker": (FORM, [("/imports/tracker", SECRETARY)]),
    "imports.edit_mapping": (FORM, [("/imports/tracker/{upload}/mapping", SECRETARY)]),
    "imports.preview_import": (FORM, [("/imports/tracker/{upload}/preview", SECRETARY)]),
    "auth.list_users": (FORM, [("/users", SECRETARY)]),
    "auth.show_user": (GET, [("/users/{account}", SECRETARY)]),
    "auth.disable_user": (POST, [("/users/{account}/disable", SECRETARY)]),
    "auth.enable_user": (POST, [("/users/{account}/enable", SECRETARY)]),
    "auth.unlock_user": (POST, [("/users/{account}/unlock", SECRETARY)]),
    "auth.reset_user_mfa": (POST, [("/users/{account}/reset-mfa", SECRETARY)]),
    "auth.sign_out_user": (POST, [("/users/{account}/sign-out", SECRETARY)]),
    "auth.resend_invitation": (POST, [("/users/{account}/invitation", SECRETARY)]),
    "auth.change_role": (POST, [("/users/{account}/role", SECRETARY)]),
    "auth.set_user_until": (POST, [("/users/{account}/until", SECRETARY)]),
    "audit.list_entries": (GET, [("/audit", AUDIT_READERS)]),
    "retention.index": (GET, [("/retention", AUDIT_READERS)]),  # the secretary's; the auditor reads
    "reminders.list_outbox": (GET, [("/outbox", AUDIT_READERS)]),
    "reminders.show_message": (GET, [("/outbox/{message}", AUDIT_READERS)]),
    "reminders.retry_message": (POST, [("/outbox/{message}/retry", SECRETARY)]),
    # --- reports: every reader (CONTRACT.md: the SID too "reads everything"); the queue of pack jobs is
    # shared by them, whoever asked for a pack ---
    "reports.index": (GET, [("/reports", DOWNLOADERS)]),
    "reports.download_declaration": (GET, [("/reports/{year}/declaration.xlsx", DOWNLOADERS)]),
    "reports.download_summary": (GET, [("/reports/{year}/summary.xlsx", DOWNLOADERS)]),
    "reports.show_summary": (GET, [("/reports/{year}/summary", DOWNLOADERS)]),
    "reports.show_declaration": (GET, [("/reports/{year}/declaration", DOWNLOADERS)]),
    "reports.download_declaration_pdf": (GET, [("/reports/{year}/declaration.pdf", DOWNLOADERS)]),
    "reports.start_pack": (POST, [("/reports/{year}/pack", DOWNLOADERS)]),
    "reports.pack_progress": (GET, [("/reports/packs/{my_job}", DOWNLOADERS),
                                    ("/reports/packs/{others_job}", DOWNLOADERS)]),
    "reports.pack_status": (GET, [("/reports/packs/{my_job}/status", DOWNLOADERS),
                                  ("/reports/packs/{others_job}/status", DOWNLOADERS)]),
    "reports.download_pack": (GET, [("/reports/packs/{my_job}/download", DOWNLOADERS),
                                    ("/reports/packs/{others_job}/download", DOWNLOADERS)]),
    # a subject access request is answered by the secretary (FPPT.md section 7), the member included
    "reports.download_subject_access": (GET, [("/members/{own}/subject-access.zip", SECRETARY),
                                              ("/members/{other}/subject-access.zip", SECRETARY)]),
}
SIGNS_OUT = {"auth.logout", "auth.sign_out_everywhere"}
# Flask adds HEAD (served by the GET view: each GET case also sends a HEAD) and OPTIONS (answered by Flask
# without calling the view) to every rule.
AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# POST endpoints that change nothing in the register, so need no write transaction.
POSTS_THAT_WRITE_NOTHING: dict[str, str] = {}  # (signing out now records the ended session)

TODAY = datetime(2026, 3, 10, 12, 0)  # in the 2025/26 year, before the declaration can be signed
YEAR = 2025
BMR = {"organisation": "Old Trust", "roles_and_dates": "Non-executive director, 2019 to 2020",
       "reason_for_leaving": "Moved", "disciplinary_findings": "None", "open_investigations": "None",
       "discontinued_matters": "None", "conduct_concerns": "None", "settlement_agreement": "None", "regulator_referrals": "None",
       "is_fit_and_proper": True, "fit_and_proper_reasons": "No concerns", "completed_by_name": "A Person",
       "completed_by_role": "Company secretary", "completed_on": date(2026, 2, 20)}

CASES = [(endpoint, method, template, allowed) for endpoint, (methods, urls) in ACCESS.items()
         for template, allowed in urls for method in methods]


class World:
    """The signed-in user (made on creation), and test data made on first use: a URL template asks only
    for what it names (`template.format_map(world)` gives each object's id), which keeps 500 cases fast."""

    year = YEAR

    def __init__(self, role: str, create_member, create_record, create_user):
        self.role, self._create_member, self._create_record, self._create_user = role, create_member, \
            create_record, create_user
        self.user = None
        if role in MEMBERS:
            self.own = create_member(name="Own Member", position={"chair": "chair", "sid": "sid"}.get(role, "ned"))
            self.user = create_user(role, member=self.own)
        elif role != "anonymous":
            self.user = create_user(role)

    def __getitem__(self, key: str):
        value = getattr(self, key)
        return getattr(value, "id", value)

    @cached_property
    def own(self):
        return self._create_member(name="Own Member")

    @cached_property
    def other(self):
        return self._create_member(name="Other Member")

    @cached_property
    def own_user(self):
        """The account of {own} (the signed-in user for board members)."""
        return self.user if self.role in MEMBERS else self._create_user("member", member=self.own)

    @cached_property
    def account(self):
        """An account for the secretary's account actions to act on (never the signed-in user)."""
        return self._create_user("auditor")

    @cached_property
    def own_record(self):
        return self._create_record(self.own, "insolvency", date(2025, 6, 1))

    @cached_property
    def other_record(self):
        return self._create_record(self.other, "social_media", date(2025, 9, 1), outcome="issue")

    @cached_property
    def own_evidence(self):
        return _committed(add_evidence(self.own_record, "own.pdf", io.BytesIO(b"%PDF-1.4 own"), None))

    @cached_property
    def other_evidence(self):
        return _committed(add_evidence(self.other_record, "other.pdf", io.BytesIO(b"%PDF-1.4 other"), None))

    @cached_property
    def own_attestation(self):
        return _attest(self.own, self.own_user)

    @cached_property
    def other_attestation(self):
        return _attest(self.other, self._create_user("member", member=self.other))

    @cached_property
    def own_reference(self):
        return _committed(references.record_received_reference(self.own, None, **BMR))

    @cached_property
    def other_reference(self):
        return _committed(references.record_received_reference(self.other, None, **BMR))

    @cached_property
    def given_reference(self):
        leaver = self._create_member(name="Len Leaver", end_on=date(2026, 1, 31))
        return _committed(references.complete_leaver_reference(leaver, None, **BMR))

    @cached_property
    def message(self):
        message = OutboxMessage(recipient="someone@example.nhs.uk", subject="A reminder", body_text="Text",
                                body_html="<p>Text</p>", status=FAILED, last_error="refused")
        db.session.add(message)
        return _committed(message)

    @cached_property
    def upload(self) -> str:
        """A small tracker, uploaded and mapped as proposed: the preview page can show its plan."""
        content = _tracker_bytes()
        token = uploads.store(content, "tracker.xlsx", self.user.id if self.user else 0)
        prepared = prepare(content, "tracker.xlsx")
        uploads.save_note(token, {**uploads.note(token), "sheet": prepared.tracker.sheet,
                                  "mapping": prepared.mapping.to_dict()})
        return token

    @cached_property
    def feed(self) -> str:
        return _committed(calendar.create_feed(self.own_user))

    @cached_property
    def my_job(self) -> str:
        """A built pack started by the signed-in user (by a secretary when nobody is signed in)."""
        owner = self.user or self._create_user("secretary")
        return _built_pack(owner)

    @cached_property
    def others_job(self) -> str:
        owner = self._create_user("secretary")
        return _built_pack(owner)


def _built_pack(owner) -> int:
    """A pack asked for by `owner` and built by the scheduler's job."""
    from fpp.extensions import settings
    from fpp.reports.tasks import run_pack_jobs
    job = _committed(reports.request_pack(YEAR, owner.id, owner.email)).id
    run_pack_jobs(settings())
    return job


def _committed(value):
    db.session.commit()
    return value


def _attest(member, user):
    answers = {item.key: (item.expected, "") for item in ATTESTATION_ITEMS}
    ratings = {key: ("competent", "") for key, _ in LCF_DOMAINS}
    return _committed(annual.submit_attestation(member, user, PASSWORD, answers, ratings))


def _tracker_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "ESR no.", "Exec / NED", "Job title", "Date appointed", "ID & RTW"])
    sheet.append(["Ann Smith", "1001", "Exec", "Director of Finance", date(2020, 1, 1), date(2019, 12, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def frozen():
    with freeze(TODAY):
        yield



@pytest.fixture
def world(role, login, create_member, create_record, create_user) -> World:
    world = World(role, create_member, create_record, create_user)
    if world.user is not None:
        login(user=world.user)
    return world


def test_the_matrix_names_every_route_and_method(app):
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        routes.setdefault(rule.endpoint, set()).update(rule.methods - AUTOMATIC_METHODS)
    declared = {endpoint: set(methods) for endpoint, (methods, _) in ACCESS.items()}
    problems = {e: "missing from ACCESS" for e in routes.keys() - declared.keys()}
    problems |= {e: "in ACCESS but no longer a route" for e in declared.keys() - routes.keys()}
    problems |= {e: f"accepts {sorted(routes[e])}, ACCESS says {sorted(declared[e])}"
                 for e in routes.keys() & declared.keys() if routes[e] != declared[e]}
    assert problems == {}
    assert all(urls and all(allowed <= PUBLIC for _, allowed in urls) for _, urls in ACCESS.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint, method, template, allowed", CASES,
                         ids=[f"{e} {m} {t}" for e, m, t, _ in CASES])
def test_route_access(app, client, world, role, endpoint, method, template, allowed):
    url = template.format_map(world)
    assert app.url_map.bind("localhost").match(url, method)[0] == endpoint, "the URL reaches another view"
    response = client.open(url, method=method, data={})
    status, location = response.status_code, urlsplit(response.headers.get("Location", "")).path
    to_sign_in = status == 302 and location == "/login"
    if endpoint in SIGNS_OUT:
        assert to_sign_in, (status, location)
    elif role in allowed:
        assert status in (200, 302) and not to_sign_in, (status, location, response.data[:300])
    elif role == "anonymous":
        assert to_sign_in, (status, location)
    else:
        assert status == 403, (status, location)
    if method == "GET":
        assert client.head(url).status_code == status


def test_a_view_that_accepts_a_write_method_declares_writes_and_no_other_does(app):
    wrong = {}
    for rule in app.url_map.iter_rules():
        declared = view_writes(app.view_functions[rule.endpoint])
        expected = bool(rule.methods & WRITE_METHODS) and rule.endpoint not in POSTS_THAT_WRITE_NOTHING
        if declared != expected:
            wrong[rule.endpoint] = "declared @writes" if declared else "not declared @writes"
    assert wrong == {}
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS}
    assert set(POSTS_THAT_WRITE_NOTHING) <= posting, "POSTS_THAT_WRITE_NOTHING names a route that takes no POST"


def test_login_redirect_keeps_only_local_next(client, create_user):
    user = create_user("secretary")
    assert sign_in_as(client, user.email, next="https://evil.example/x") == "/"
    client.post("/logout")
    assert sign_in_as(client, user.email, next="/audit") == "/audit"  # through the second factor


def test_member_home_is_their_own_record(client, login, create_member):
    member = create_member()
    login("member", member=member)
    assert client.get("/").headers["Location"] == f"/members/{member.id}"
