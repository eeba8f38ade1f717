"""The register's invariants live in the schema (issue 9): the database refuses what the Python checks
refuse, and a request that loses a race to them gets the same message as the check, never a 500."""
from __future__ import annotations

import io
import os
import re
import threading
import time
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import CheckConstraint, func, select
from sqlalchemy.exc import IntegrityError

from checks.annual import BMR_REQUIRED
from fpp.annual import queries as annual_queries
from fpp.annual.models import ONE_GIVEN_REFERENCE, LeaverReference
from fpp.annual.references import complete_leaver_reference
from fpp.app import create_app
from fpp.audit.models import AuditEntry
from fpp.audit.operations import set_actor
from fpp.audit.queries import verify_chain
from fpp.auth import operations as auth_operations
from fpp.auth.models import ONE_ACCOUNT_PER_MEMBER, User
from fpp.errors import DomainError, violates
from fpp.extensions import Base, db
from fpp.people.operations import create_member as add_member
from fpp.people.operations import end_appointment
from fpp.register import operations
from fpp.register.models import EVIDENCE_ONCE, LIVE_IDENTITY, CheckRecord, Evidence
from tests.app.test_migration_0500 import fresh_database
from tests.fixtures.app import CHEAP_ARGON2
from tests.fixtures.factories import PASSWORD, sign_in_as

NOW, DAY = datetime(2026, 1, 5, 10, 0), date(2025, 3, 1)
ALREADY = "Insolvency search: a record of 01/03/2025 with this outcome is already in the register"
THREADS = 20


def run(statement) -> None:
    """Execute in a SAVEPOINT, as the operations do, so a refusal leaves the test's transaction usable."""
    with db.session.begin_nested():
        db.session.execute(statement)


def once(monkeypatch, owner, name: str, value) -> None:
    """Make `owner.name` answer `value` the first time it is called, as a check does that another
    request has raced (it saw nothing yet); then the real function."""
    real, calls = getattr(owner, name), []

    def first_then_real(*args, **kwargs):
        calls.append(1)
        return value if len(calls) == 1 else real(*args, **kwargs)
    monkeypatch.setattr(owner, name, first_then_real)


def record_form(**values) -> dict:
    return {"code": "insolvency", "completed_on[day]": "1", "completed_on[month]": "3", "completed_on[year]": "2025",
            "outcome": "clear", "searched_name": "A Member", "searched_dob[day]": "1", "searched_dob[month]": "1",
            "searched_dob[year]": "1970", "searched_by": "The secretary", **values}


def bmr_fields(completed_on: date) -> dict:
    return {name: "None" for name, _ in BMR_REQUIRED} | {"is_fit_and_proper": True, "completed_on": completed_on}


def live_records(member) -> int:
    return db.session.execute(select(func.count()).select_from(CheckRecord).where(
        CheckRecord.member_pk == member.id, CheckRecord.deleted_at.is_(None))).scalar()


# ---- The schema --------------------------------------------------------------------------------------

def literals(sql: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", sql))


def test_the_migrated_schema_holds_every_constraint_of_the_models(engine):
    """Alembic's comparison (test_migrations.py) sees neither CHECK constraints nor partial WHEREs."""
    inspector = sa.inspect(engine)
    for table in Base.metadata.sorted_tables:
        reflected = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        for check in (c for c in table.constraints if isinstance(c, CheckConstraint)):
            model_sql = str(check.sqltext.compile(engine, compile_kwargs={"literal_binds": True}))
            assert literals(reflected[check.name]) == literals(model_sql), check.name  # the same values allowed
        reflected = {i["name"]: i for i in inspector.get_indexes(table.name)}
        for index in (i for i in table.indexes if i.unique):
            assert reflected[index.name]["unique"], index.name
            partial = index.dialect_options[engine.dialect.name].get("where") is not None
            assert (f"{engine.dialect.name}_where" in reflected[index.name].get("dialect_options", {})) == partial


def good_rows(member_pk: int) -> dict[str, dict]:
    bmr = {name: "x" for name, _ in BMR_REQUIRED} | {"is_fit_and_proper": True, "completed_on": DAY}
    return {
        "members": dict(member_id="X1", name="X", position="ned", is_voting=True, is_interim=False,
                        is_executive=False, start_on=DAY, created_at=NOW, updated_at=NOW),
        "check_records": dict(member_pk=member_pk, code="insolvency", completed_on=DAY, outcome="clear",
                              is_update_service=False, recorded_at=NOW),
        "users": dict(email="x@example.nhs.uk", password_hash="x", role="secretary", is_enabled=True, created_at=NOW),
        "assessments": dict(member_pk=member_pk, year=2030, outcome="fit_and_proper", decided_on=DAY,
                            recorded_at=NOW),
        "leaver_references": bmr | dict(member_pk=member_pk, direction="received", recorded_at=NOW),
        "outbox_messages": dict(recipient="x", subject="x", body_text="x", body_html="x", status="queued",
                                attempts=0, next_attempt_at=NOW, created_at=NOW),
        "reminders": dict(key="x", kind="expiry", code="dbs", anchor_on=DAY, step="x", due_on=DAY, as_of=DAY,
                          queued_at=NOW),
    }


@pytest.mark.parametrize("table, column, bad", [
    ("members", "position", "trustee"), ("check_records", "outcome", "maybe"),
    ("check_records", "dbs_level", "premium"), ("users", "role", "admin"), ("assessments", "outcome", "fine"),
    ("leaver_references", "direction", "sideways"), ("outbox_messages", "status", "lost"),
    ("reminders", "kind", "nag"),
])
def test_the_database_refuses_a_value_outside_the_list(create_member, table, column, bad):
    row, target = good_rows(create_member().id)[table], Base.metadata.tables[table]
    with pytest.raises(IntegrityError) as refused:
        run(target.insert().values(**row | {column: bad}))
    assert violates(refused.value, next(c for c in target.constraints if c.name == f"ck_{table}_{column}"))
    run(target.insert().values(**row))  # the same row with an allowed value goes in


def test_the_database_refuses_a_second_live_record_but_keeps_deleted_copies(create_member, create_record):
    member = create_member()
    create_record(member, "insolvency", DAY)
    row = good_rows(member.id)["check_records"]
    with pytest.raises(IntegrityError) as refused:
        run(CheckRecord.__table__.insert().values(**row))
    assert violates(refused.value, LIVE_IDENTITY) and not violates(refused.value, EVIDENCE_ONCE)
    run(CheckRecord.__table__.insert().values(**row, deleted_at=NOW))  # deleted rows are history
    run(CheckRecord.__table__.insert().values(**row | {"outcome": "issue"}))  # another identity


def test_the_database_keeps_one_account_one_given_reference_and_a_file_once(create_member, create_user,
                                                                              create_record):
    member = create_member()
    create_user("member", member=member)
    create_user("auditor"), create_user("secretary")  # accounts of no member: as many as needed
    user = good_rows(member.id)["users"] | {"role": "member", "member_pk": member.id}
    with pytest.raises(IntegrityError) as refused:
        run(User.__table__.insert().values(**user))
    assert violates(refused.value, ONE_ACCOUNT_PER_MEMBER)
    reference = good_rows(member.id)["leaver_references"]
    run(LeaverReference.__table__.insert().values(**reference))
    run(LeaverReference.__table__.insert().values(**reference))  # references received: any number
    run(LeaverReference.__table__.insert().values(**reference | {"direction": "given"}))
    with pytest.raises(IntegrityError) as refused:
        run(LeaverReference.__table__.insert().values(**reference | {"direction": "given"}))
    assert violates(refused.value, ONE_GIVEN_REFERENCE)
    first, other = create_record(member, "insolvency", DAY), create_record(member, "identity", DAY)
    file = dict(stored_name="a", original_name="a.pdf", size=1, content_type="application/pdf", sha256="f" * 64,
                uploaded_at=NOW)
    run(Evidence.__table__.insert().values(**file, record_id=first.id))
    run(Evidence.__table__.insert().values(**file | {"stored_name": "b"}, record_id=other.id))
    with pytest.raises(IntegrityError) as refused:
        run(Evidence.__table__.insert().values(**file | {"stored_name": "c"}, record_id=first.id))
    assert violates(refused.value, EVIDENCE_ONCE)


def test_the_audit_chain_cannot_fork(create_member):
    create_member()
    last = db.session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    with pytest.raises(IntegrityError):
        run(AuditEntry.__table__.insert().values(at=NOW, actor="x", action="x", entity_type="x",
                                                 prev_hash=last.prev_hash, hash="0" * 64))


# ---- A check that was raced: the constraint decides, the user reads the same message ----------------------

def test_a_record_the_check_missed_is_refused_with_the_same_message(client, login, create_member, create_record,
                                                                     monkeypatch):
    login("secretary")
    member = create_member()
    create_record(member, "insolvency", DAY)
    once(monkeypatch, operations, "_live_identities", set())
    response = client.post(f"/members/{member.id}/checks/new", data=record_form())
    assert response.status_code == 200 and ALREADY in response.get_data(as_text=True)
    assert live_records(member) == 1


def test_the_transaction_survives_a_refused_insert(create_member, create_record, monkeypatch):
    member = create_member()
    create_record(member, "insolvency", DAY)
    once(monkeypatch, operations, "_live_identities", set())
    with pytest.raises(DomainError, match=ALREADY):
        operations.record_check(member, None, code="insolvency", completed_on=DAY)
    operations.record_check(member, None, code="insolvency", completed_on=DAY, outcome="issue")
    db.session.commit()
    assert live_records(member) == 2 and verify_chain().ok


@pytest.mark.parametrize("raced", [False, True])
def test_correcting_a_record_into_another_live_records_identity_is_refused(client, login, create_member,
                                                                          create_record, monkeypatch, raced):
    login("secretary")
    member = create_member()
    create_record(member, "insolvency", DAY)
    later = create_record(member, "insolvency", date(2025, 6, 1))
    if raced:
        monkeypatch.setattr(operations, "find_same_record", lambda *args: None)
    response = client.post(f"/records/{later.id}/correct", data=record_form(reason="Wrong date"))
    assert response.status_code == 200 and ALREADY in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CheckRecord, later.id).completed_on == date(2025, 6, 1)
    actions = db.session.execute(select(AuditEntry.action).where(AuditEntry.entity_id == str(later.id))).scalars()
    assert "check.correct" not in list(actions)


def test_correcting_into_a_deleted_records_identity_is_allowed(client, login, create_member, create_record):
    login("secretary")
    member = create_member()
    operations.delete_record(create_record(member, "insolvency", DAY), "Entered in error", None)
    db.session.commit()
    later = create_record(member, "insolvency", date(2025, 6, 1))
    assert client.post(f"/records/{later.id}/correct", data=record_form(reason="Wrong date")).status_code == 302


@pytest.mark.parametrize("raced", [False, True])
def test_the_same_file_twice_on_a_record_is_refused(client, login, create_member, create_record, app, monkeypatch,
                                                    raced):
    login("secretary")
    record = create_record(create_member(), "insolvency", DAY)

    def upload():
        return client.post(f"/records/{record.id}/evidence", content_type="multipart/form-data",
                           data={"evidence": (io.BytesIO(b"%PDF-1.4 search"), "search.pdf")})
    assert upload().status_code == 302
    if raced:
        once(monkeypatch, operations, "_refuse_same_file", None)
    response = upload()
    assert response.status_code == 200
    assert "This file is already attached to this record" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).where(Evidence.record_id == record.id)).scalar() == 1
    assert len(list(operations.evidence_dir().iterdir())) == 1  # the refused upload's file is gone too


def test_a_second_account_the_check_missed_is_refused_with_the_same_message(create_member, create_user,
                                                                             monkeypatch):
    member = create_member(name="Ada Lovelace")
    create_user("member", member=member)
    once(monkeypatch, auth_operations, "_has_account", False)
    with pytest.raises(DomainError, match="Ada Lovelace already has an account"):
        auth_operations.create_user("ada2@example.nhs.uk", "member", PASSWORD, member)


def test_a_second_given_reference_the_check_missed_is_refused_with_the_same_message(create_member, monkeypatch):
    leaver = create_member(name="Lin Leaver")
    end_appointment(leaver, date(2026, 3, 1))
    complete_leaver_reference(leaver, None, **bmr_fields(date(2026, 3, 5)))
    db.session.commit()
    once(monkeypatch, annual_queries, "given_reference", None)
    with pytest.raises(DomainError, match="The leaver reference for Lin Leaver was already completed on 05/03/2026"):
        complete_leaver_reference(leaver, None, **bmr_fields(date(2026, 3, 6)))


# ---- Under parallel requests, on committed data ---------------------------------------------------------

@pytest.fixture
def committed(tmp_path, monkeypatch):
    """The app on a fresh database whose data is committed (not the per-test rolled-back transaction), a
    secretary, a member with a record, a leaver, and a gate that holds requests at a barrier."""
    for name in [n for n in os.environ if n.startswith("FPP_") and n != "FPP_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    with fresh_database(tmp_path) as url:
        app = create_app(config_path=os.devnull, testing=True, overrides={
            "data_dir": str(tmp_path / "data"), "database_url": url, "secret_key": "x", **CHEAP_ARGON2})
        db.session.configure(join_transaction_mode="conditional_savepoint")
        gate = {"barrier": None, "entered": []}

        @app.before_request
        def hold_at_the_barrier():  # before any statement: SQLite's write lock is taken at the first one
            if gate["barrier"] is not None:
                gate["entered"].append(time.monotonic())
                gate["barrier"].wait()
        with app.app_context():
            set_actor(None, "test")
            auth_operations.create_user("sec@example.nhs.uk", "secretary", PASSWORD)
            member = add_member(member_id="M1", name="Mo Member", position="ned", start_on=date(2020, 1, 1))
            leaver = add_member(member_id="L1", name="Lin Leaver", position="ned", start_on=date(2020, 1, 1))
            end_appointment(leaver, date(2026, 3, 1))
            record = operations.record_check(member, None, code="identity", completed_on=DAY)
            db.session.commit()
            ids = SimpleNamespace(member=member.id, leaver=leaver.id, record=record.id)
            db.session.remove()
        yield SimpleNamespace(app=app, gate=gate, ids=ids)
        db.session.remove()
        db.engine.dispose()


def race(committed, send) -> list[tuple[int, str]]:
    """`send(client, number)` from THREADS threads, each with its own client (signed in), all let go at once
    once every request is inside the app; the (status, page) of each."""
    first = committed.app.test_client()
    sign_in_as(first, "sec@example.nhs.uk")  # through the second factor
    name = committed.app.config["SESSION_COOKIE_NAME"]
    clients = [first] + [committed.app.test_client() for _ in range(THREADS - 1)]
    for client in clients[1:]:  # one sign-in, its session in every client (sign-ins are rate-limited)
        client.set_cookie(name, first.get_cookie(name).value)
    gate, results, finished, errors = committed.gate, [None] * THREADS, [], []
    gate["barrier"], gate["entered"] = threading.Barrier(THREADS, timeout=60), []

    def target(number: int) -> None:
        try:
            response = send(clients[number], number)
            results[number] = (response.status_code, response.get_data(as_text=True))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            finished.append(time.monotonic())
    threads = [threading.Thread(target=target, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    gate["barrier"] = None
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads) and len(finished) == THREADS
    assert len(gate["entered"]) == THREADS and max(gate["entered"]) < min(finished)  # they overlapped
    return results


def settled(committed, statement):
    with committed.app.app_context():
        try:
            return db.session.execute(statement).scalar(), verify_chain()
        finally:
            db.session.remove()


def assert_one_won(results, message: str) -> None:
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (THREADS - 1) + [302], statuses
    assert all(message in page for status, page in results if status == 200)


def test_identical_records_posted_at_once_make_one_record(committed):
    results = race(committed, lambda client, _: client.post(f"/members/{committed.ids.member}/checks/new",
                                                            data=record_form()))
    assert_one_won(results, ALREADY)
    count, chain = settled(committed, select(func.count()).where(CheckRecord.member_pk == committed.ids.member,
                                                                 CheckRecord.code == "insolvency"))
    assert count == 1 and chain.ok


def test_the_same_file_uploaded_at_once_is_stored_once(committed):
    results = race(committed, lambda client, _: client.post(
        f"/records/{committed.ids.record}/evidence", content_type="multipart/form-data",
        data={"evidence": (io.BytesIO(b"%PDF-1.4 the same file"), "identity.pdf")}))
    assert_one_won(results, "This file is already attached to this record")
    count, chain = settled(committed, select(func.count()).where(Evidence.record_id == committed.ids.record))
    assert count == 1 and chain.ok
    with committed.app.app_context():
        assert len(list(operations.evidence_dir().iterdir())) == 1


def test_accounts_for_one_member_created_at_once_make_one(committed):
    results = race(committed, lambda client, number: client.post("/users", data={
        "email": f"mo{number}@example.nhs.uk", "role": "member", "member": str(committed.ids.member),
        "password": PASSWORD}))
    assert_one_won(results, "Mo Member already has an account")
    count, chain = settled(committed, select(func.count()).where(User.member_pk == committed.ids.member))
    assert count == 1 and chain.ok


def test_leaver_references_completed_at_once_make_one(committed):
    def complete(client, number):
        data = {name: "None" for name, _ in BMR_REQUIRED} | {
            "is_fit_and_proper": "yes", "completed_on[day]": str(2 + number), "completed_on[month]": "3",
            "completed_on[year]": "2026"}  # a date each, so only the one-given-reference rule can refuse
        return client.post(f"/members/{committed.ids.leaver}/leaver-reference", data=data)
    assert_one_won(race(committed, complete), "The leaver reference for Lin Leaver was already completed")
    count, chain = settled(committed, select(func.count()).where(LeaverReference.member_pk == committed.ids.leaver))
    assert count == 1 and chain.ok
