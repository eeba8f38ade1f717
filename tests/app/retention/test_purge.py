"""`fpp retention purge` (CONTRACT.md; FPPT.md section 7): who goes, what goes, what stays, and that the
audit trail still verifies."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import String, Text, func, inspect, select

from checks.annual import content_hash
from fpp.annual.models import Assessment
from fpp.annual.queries import user_label
from fpp.audit.models import AuditEntry
from fpp.auth.models import User
from fpp.extensions import Base, db
from fpp.people.models import Member
from fpp.register.models import CheckRecord, Evidence
from fpp.register.operations import evidence_dir
from fpp.reminders.models import OutboxMessage
from fpp.retention import operations
from fpp.retention.models import RetentionPurge
from tests.app.retention.conftest import declaration_content


def _counts() -> dict[str, int]:
    return {model.__tablename__: db.session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Member, CheckRecord, Evidence, AuditEntry, OutboxMessage, RetentionPurge)}


def _files() -> set[str]:
    folder = evidence_dir()
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_dry_run_names_exactly_who_is_past_the_date_and_changes_nothing(board, runner):
    before, files = _counts(), _files()
    result = runner("retention", "purge", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Dry run as of 2026-12-01: nothing was changed."
    assert "Would purge 2 members:" in lines
    assert "  M-FRED  due 2020-06-30 (declaration deadline)" in lines
    assert "  M-OLIVE  due 2020-06-30 (declaration deadline)" in lines
    for kept in ("M-SAM", "M-NORA", "M-KIM"):
        assert kept not in result.output
    assert "Would remove 1 evidence file past their own retention:" in lines
    assert any(line.startswith("  M-YURI  identity  due 2024-07-01") for line in lines)
    assert "Olive" not in result.output  # Member IDs only: names stay on the secretary's page
    assert _counts() == before and _files() == files


def test_a_dry_run_may_look_ahead(board, runner):
    result = runner("retention", "purge", "--dry-run", "--as-of", "2026-12-20")
    assert "  M-SAM  due 2026-12-20 (75th birthday)" in result.output.splitlines()


def test_a_purge_removes_the_member_and_everything_about_them(board, runner):
    olive_pk, olive_files = board.olive.id, _member_files(board.olive)
    result = runner("retention", "purge")
    assert result.exit_code == 0, result.output
    assert "Retention purge as of 2026-12-01: 2 members purged:" in result.output
    assert db.session.get(Member, olive_pk) is None
    for model in (CheckRecord, Assessment):
        assert db.session.execute(select(model).where(model.member_pk == olive_pk)).first() is None
    assert not (olive_files & _files()), "the evidence files were deleted from the data folder"
    log = db.session.execute(select(RetentionPurge).where(RetentionPurge.member_id == "M-OLIVE")).scalar_one()
    counts = json.loads(log.counts)
    assert (log.kind, log.left_on, log.purge_on, log.reason, log.as_of, log.run_by) == (
        "member", date(2019, 6, 30), date(2020, 6, 30), "declaration", date(2026, 12, 1), "cli")
    assert counts["check_records"] == 3 and counts["evidence"] == 2 and counts["outcomes"] == 1
    assert counts["references"] == 1 and counts["outbox_messages"] == 2 and counts["accounts_disabled"] == 1
    assert sorted(f["check"] for f in json.loads(log.files)) == ["identity", "references"]
    assert all(len(f["sha256"]) == 64 for f in json.loads(log.files))
    assert log.pseudonym == operations.pseudonym("M-OLIVE") and log.pseudonym.startswith("former member ")
    assert f"now named \"{log.pseudonym}\"" in result.output


def _member_files(member) -> set[str]:
    return set(db.session.execute(select(Evidence.stored_name).join(CheckRecord)
                                  .where(CheckRecord.member_pk == member.id)).scalars())


def _text_columns():
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if columns and inspect(db.session.get_bind()).has_table(table.name):
            yield table, columns


@pytest.mark.parametrize("trace", ["Olive Oldfield", "1945-03-03",
                                   "olive.oldfield@example.nhs.uk", "fred.formerchair@example.nhs.uk",
                                   "Fred Formerchair"])
def test_no_trace_of_a_purged_person_is_left_in_any_table(board, runner, trace):
    assert runner("retention", "purge").exit_code == 0
    found = []
    for table, columns in _text_columns():
        for column in columns:
            hits = db.session.execute(select(func.count()).select_from(table)
                                      .where(column.contains(trace))).scalar()
            if hits:
                found.append(f"{table.name}.{column.name}")
    assert found == []


def test_the_audit_trail_still_verifies_after_a_purge(board, runner):
    assert runner("audit", "verify").exit_code == 0
    assert runner("retention", "purge").exit_code == 0
    result = runner("audit", "verify")
    assert result.exit_code == 0, result.output
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "retention.purge_member")
                               .order_by(AuditEntry.id)).scalars().first()
    assert entry.actor == "cli" and json.loads(entry.after)["member_id"] in ("M-FRED", "M-OLIVE")


def test_a_former_chair_is_named_by_the_pseudonym_where_he_acted(board, runner):
    kim_pk, fred_user_id = board.kim.id, board.fred_user.id
    assert runner("retention", "purge").exit_code == 0
    alias = operations.pseudonym("M-FRED")
    kim_outcome = db.session.execute(select(Assessment).where(Assessment.member_pk == kim_pk)).scalar_one()
    account = db.session.get(User, kim_outcome.decided_by_id)
    assert (account.email, account.is_enabled, account.member_pk, account.totp_secret) == (alias, False, None, None)
    assert user_label(account.id) == alias
    acted = db.session.execute(select(AuditEntry.actor).where(AuditEntry.actor_id == fred_user_id)).scalars().all()
    assert acted and set(acted) == {alias}
    kim = db.session.execute(select(CheckRecord).where(CheckRecord.member_pk == kim_pk)).scalar_one()
    assert kim.searched_by == alias and kim.searched_name == "Kim Keeper"  # Kim is kept; Fred is not
    digest = db.session.execute(select(OutboxMessage).where(OutboxMessage.subject == "Weekly digest")).scalar_one()
    assert digest.body_text == f"Due: {operations.pseudonym('M-OLIVE')}, Kim Keeper."


def test_signed_declarations_keep_their_hash_and_say_the_copy_is_redacted(board, runner):
    signed_hash = board.declaration.content_hash
    assert runner("retention", "purge").exit_code == 0
    declaration, content = declaration_content(board.declaration)
    assert declaration.content_hash == signed_hash
    assert content_hash(content) != signed_hash  # the copy is redacted; the hash is of what was signed
    olive, kim = content["members"]
    assert olive == {"member_id": "M-OLIVE", "name": "Purged", "position": "ned", "start_on": "2015-01-01",
                     "end_on": "2019-06-30", "year_end_on": "2019-06-30", "outcome": "fit_and_proper"}
    assert kim["name"] == "Kim Keeper" and kim["decided_by"] == operations.pseudonym("M-FRED")
    assert declaration.signed_by_name == operations.pseudonym("M-FRED")
    assert sorted(r["member_id"] for r in content["redacted"]) == ["M-FRED", "M-OLIVE"]
    assert all(r["note"] == "member purged; content redacted; hash as signed" and r["on"] == "2026-12-01"
               for r in content["redacted"])


def test_a_purge_alone_does_not_make_the_signed_declaration_stale(board, runner):
    from checks.annual import canonical_json
    from fpp.annual.declaration import build_content, declaration_state
    year = board.declaration.year
    content = build_content(year)  # what signing the year would bind, as the register builds it
    assert {"M-OLIVE", "M-FRED"} <= {m["member_id"] for m in content["members"]}
    board.declaration.content, board.declaration.content_hash = canonical_json(content), content_hash(content)
    db.session.commit()
    assert not declaration_state(year).is_stale
    assert runner("retention", "purge").exit_code == 0
    db.session.expire_all()
    state = declaration_state(year)
    assert not state.is_stale, state.changes
    seats = {m["member_id"]: m for m in state.content["members"]}
    assert seats["M-OLIVE"]["name"] == seats["M-FRED"]["name"] == "Purged"  # the seats are still declared


def test_evidence_past_its_own_retention_goes_while_the_member_is_kept(board, runner):
    yuri_pk = board.yuri.id
    identity = db.session.execute(select(Evidence).join(CheckRecord).where(
        CheckRecord.member_pk == yuri_pk, CheckRecord.code == "identity")).scalar_one()
    stored, digest = identity.stored_name, identity.sha256
    result = runner("retention", "purge")
    assert "  M-YURI  1 file (identity)" in result.output.splitlines()
    assert db.session.get(Member, yuri_pk) is not None
    left = db.session.execute(select(CheckRecord.code).join(Evidence).where(
        CheckRecord.member_pk == yuri_pk)).scalars().all()
    assert left == ["references"]
    assert stored not in _files()
    log = db.session.execute(select(RetentionPurge).where(RetentionPurge.member_id == "M-YURI")).scalar_one()
    assert (log.kind, json.loads(log.files)[0]["sha256"], log.pseudonym) == ("evidence", digest, None)
    assert runner("retention", "purge", "--dry-run").output.count("M-YURI") == 0  # nothing more to do


def test_a_second_run_finds_nothing(board, runner):
    assert runner("retention", "purge").exit_code == 0
    result = runner("retention", "purge")
    assert result.exit_code == 0
    assert "0 members purged." in result.output


def test_a_file_that_cannot_be_deleted_is_reported_and_logged(board, runner, monkeypatch):
    olive_pk, stuck = board.olive.id, sorted(_member_files(board.olive))[0]
    real_unlink = Path.unlink

    def unlink(path, missing_ok=False):
        if path.name == stuck:
            raise PermissionError(13, "Permission denied")
        return real_unlink(path, missing_ok=missing_ok)
    monkeypatch.setattr(Path, "unlink", unlink)
    result = runner("retention", "purge")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"could not delete the evidence file {stuck}" in result.output and "Permission denied" in result.output
    assert "delete it by hand" in result.output
    assert db.session.get(Member, olive_pk) is None  # the purge itself stands
    log = db.session.execute(select(RetentionPurge).where(RetentionPurge.member_id == "M-OLIVE")).scalar_one()
    assert log.files_left == 1


def test_one_member_failing_leaves_that_member_whole_and_purges_the_others(board, runner, monkeypatch):
    real = operations._strip_account

    def fail_for_fred(user, alias):
        if user.id == board.fred_user.id:
            raise RuntimeError("disk on fire")
        return real(user, alias)
    monkeypatch.setattr(operations, "_strip_account", fail_for_fred)
    fred_records = db.session.execute(select(func.count()).select_from(CheckRecord)
                                      .where(CheckRecord.member_pk == board.fred.id)).scalar()
    result = runner("retention", "purge")
    assert result.exit_code == 1
    assert "M-FRED was not purged (RuntimeError: disk on fire); nothing of it was changed" in result.output
    assert db.session.execute(select(Member).where(Member.member_id == "M-OLIVE")).first() is None
    fred = db.session.execute(select(Member).where(Member.member_id == "M-FRED")).scalar_one()
    assert fred.name == "Fred Formerchair"
    assert db.session.get(User, board.fred_user.id).email == "fred.formerchair@example.nhs.uk"
    assert db.session.execute(select(AuditEntry.actor).where(AuditEntry.actor_id == board.fred_user.id)
                              ).scalars().first() == "fred.formerchair@example.nhs.uk"
    assert db.session.execute(select(func.count()).select_from(CheckRecord)
                              .where(CheckRecord.member_pk == fred.id)).scalar() == fred_records
    assert db.session.execute(select(RetentionPurge).where(RetentionPurge.member_id == "M-FRED")).first() is None


def test_each_member_is_judged_again_inside_their_own_transaction(board, monkeypatch):
    """A change made after the run drew up its plan (a date of birth corrected, say) is respected."""
    from fpp.extensions import settings
    from fpp.retention import tasks
    stale = tasks.plan(date(2026, 12, 1), settings())
    assert [p.member_id for p in stale.members] == ["M-FRED", "M-OLIVE"]
    board.olive.date_of_birth = date(1990, 3, 3)  # entered wrongly before: she is 36
    db.session.commit()
    monkeypatch.setattr(tasks, "plan", lambda as_of, values: stale)
    run = tasks.run_purge(date(2026, 12, 1), settings())
    assert [removed.log.member_id for removed in run.purged] == ["M-FRED"]
    assert db.session.execute(select(Member).where(Member.member_id == "M-OLIVE")).first() is not None


@pytest.mark.parametrize("args, code, message", [
    (("--as-of", "2027-01-01"), 1, "is after today: a purge never runs ahead of time"),
    (("--as-of", "01/12/2026"), 2, "is not a date in the form YYYY-MM-DD"),
    (("--as-of", "2026-02-30"), 2, "is not a date in the form YYYY-MM-DD"),
])
def test_bad_dates_are_refused_and_change_nothing(board, runner, args, code, message):
    before = _counts()
    result = runner("retention", "purge", *args)
    assert result.exit_code == code
    assert message in result.output
    assert _counts() == before


def test_an_earlier_as_of_purges_only_who_was_due_then(board, runner):
    result = runner("retention", "purge", "--as-of", "2020-06-29")
    assert result.exit_code == 0
    assert "0 members purged" in result.output
    assert db.session.execute(select(Member).where(Member.member_id == "M-OLIVE")).first() is not None


def test_every_table_that_points_at_a_member_is_purged_by_the_retention_purge():
    """A table added later with a member foreign key must be taught to the purge (fpp.retention.operations)."""
    handled = {"check_records", "attestations", "attestation_requests", "assessments", "leaver_references",
               "reminders", "users"}
    pointing = {table.name for table in Base.metadata.sorted_tables
                for fk in table.foreign_keys if fk.column.table.name == "members"}
    assert pointing <= handled, pointing - handled
