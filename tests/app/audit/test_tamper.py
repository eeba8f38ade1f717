"""Issue 11 point 2: each way someone with database access might alter the trail or the register makes
`fpp audit verify` exit 1 naming what it found; the untouched register verifies."""
from __future__ import annotations

import json
import secrets
from datetime import datetime

import pytest
from sqlalchemy import delete, func, insert, select, update

from exports import trail
from fpp.annual.models import Assessment
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord, Evidence

from tests.app.audit.conftest import entry_ids, rewrite, stored_rows


def verify(runner, *args):
    return runner("audit", "verify", *args)


def test_the_untouched_register_verifies_against_its_newest_checkpoint(runner, history):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 9 entries verified" in result.output
    assert "the trail holds the head of checkpoint" in result.output and "entry number 9" in result.output


def test_with_no_checkpoint_it_says_so(runner, create_member, app):
    create_member()
    result = verify(runner)
    assert result.exit_code == 0 and "no checkpoint in" in result.output


@pytest.mark.parametrize("column, value", [
    ("after", '{"outcome": "clear"}'), ("actor", "someone.else@example.nhs.uk"), ("at", "2025-01-01 09:00:00")])
def test_an_edited_field_actor_or_time(runner, history, column, value):
    target = entry_ids()[3]
    values = {column: value if column != "at" else datetime(2025, 1, 1, 9)}
    db.session.execute(update(AuditEntry).where(AuditEntry.id == target).values(**values))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert f"audit entry {target} does not verify: its content does not match its content hash (it was edited)" \
        in result.output


@pytest.mark.parametrize("position", [0, 4], ids=["first", "middle"])
def test_a_deleted_first_or_middle_entry(runner, history, position):
    ids = entry_ids()
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[position]))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert f"audit entry {ids[position + 1]} does not verify: its link to the previous entry is broken" \
        in result.output


def test_the_last_entry_deleted(runner, history):
    ids = entry_ids()
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[-1]))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "the audit trail holds 8 entries, but checkpoint" in result.output
    assert "counted 9" in result.output and "entries at its end were deleted" in result.output


def test_the_last_50_deleted(runner, create_member, tmp_path):
    from fpp.audit import operations as audit
    member = create_member()
    audit.record_many([{"action": "member.view_dbs", "entity_type": "members", "entity_id": member.id,
                        "member_pk": member.id} for _ in range(60)])
    db.session.commit()
    assert runner("audit", "checkpoint", "--output", tmp_path / "c.json").exit_code == 0
    db.session.execute(delete(AuditEntry).where(AuditEntry.id.in_(entry_ids()[-50:])))
    db.session.commit()
    result = verify(runner, "--checkpoint", tmp_path / "c.json")
    assert result.exit_code == 1
    assert "the audit trail holds 11 entries, but checkpoint c.json" in result.output
    assert "counted 61" in result.output


def test_two_entries_swapped(runner, history):
    ids = entry_ids()
    rows = {row["id"]: row for row in stored_rows()}
    first, second = ids[2], ids[3]
    columns = [c for c in rows[first] if c != "id"]
    db.session.execute(update(AuditEntry).where(AuditEntry.id == first).values(prev_hash="x" * 64))
    db.session.execute(update(AuditEntry).where(AuditEntry.id == second).values(
        **{c: rows[first][c] for c in columns}))
    db.session.execute(update(AuditEntry).where(AuditEntry.id == first).values(
        **{c: rows[second][c] for c in columns}))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert f"audit entry {first} does not verify: its link to the previous entry is broken" in result.output


def test_a_forged_entry_appended_with_a_correct_sha256(runner, history):
    last = stored_rows()[-1]
    forged = {"at": last["at"], "actor_id": None, "actor": "dba", "action": "member.view_dbs",
              "entity_type": "members", "entity_id": "1", "member_pk": None, "before": None, "after": None,
              "batch_id": None, "redacted_at": None, "prev_hash": last["hash"], "mac": secrets.token_hex(32)}
    forged["content_hash"] = trail.content_hash(forged)
    forged["hash"] = trail.link_hash(last["hash"], forged["content_hash"])
    db.session.execute(insert(AuditEntry.__table__).values(id=last["id"] + 1, **forged))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert f"audit entry {last['id'] + 1} does not verify: its MAC does not match" in result.output


def test_an_entry_inserted_mid_chain_and_the_rest_re_hashed(runner, history):
    rows = stored_rows()
    inserted = dict(rows[4], action="check.decide", after='{"decision_note": "accepted"}', mac=None)
    rewrite(rows[:5] + [inserted] + rows[5:])
    result = verify(runner)
    assert result.exit_code == 1
    assert "audit entry 6 does not verify: its MAC does not match" in result.output
    assert "the trail was rewritten before it" in result.output


def test_an_entry_edited_mid_chain_and_the_rest_re_hashed(runner, history):
    rows = stored_rows()
    rows[4]["actor"] = "someone.else@example.nhs.uk"
    rewrite(rows)
    result = verify(runner)
    assert result.exit_code == 1
    assert "audit entry 5 does not verify: its MAC does not match" in result.output
    assert "the trail was rewritten before it" in result.output


def test_every_read_entry_deleted_and_the_rest_re_hashed(runner, history):
    rows = stored_rows()
    kept = [row for row in rows if row["action"] != "member.view_dbs"]
    assert len(kept) == len(rows) - 2
    rewrite(kept)
    result = verify(runner)
    assert result.exit_code == 1
    assert "does not verify: its MAC does not match" in result.output
    assert f"the audit trail holds {len(kept)} entries, but checkpoint" in result.output


def test_an_emptied_table(runner, history):
    db.session.execute(delete(AuditEntry))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "the audit trail is empty, but checkpoint" in result.output and "the table was emptied" in result.output
    assert "members row" in result.output and "has no audit entry" in result.output


@pytest.mark.parametrize("model, column, value", [
    (CheckRecord, "outcome", "issue"), (Member, "name", "Someone Else"), (Evidence, "sha256", "0" * 64)],
    ids=["check record", "member", "evidence"])
def test_a_row_changed_directly_in_its_table(runner, history, model, column, value):
    row_id = db.session.execute(select(func.min(model.id))).scalar()
    db.session.execute(update(model).where(model.id == row_id).values(**{column: value}))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert f"{model.__tablename__} row {row_id}: {column} is {value!r} but the trail recorded" in result.output
    assert "changed outside the register" in result.output


def test_an_assessment_outcome_changed_directly(runner, history, app, login):
    from fpp.annual.operations import record_outcome
    from fpp.extensions import settings
    chair = login("chair")
    record_outcome(history, 2025, chair, settings().rules, "under_review")
    db.session.commit()
    db.session.execute(update(Assessment).values(outcome="fit_and_proper"))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "assessments row" in result.output and "outcome is 'fit_and_proper' but the trail recorded 'under_review'" in result.output


def test_a_row_added_or_deleted_directly(runner, history):
    db.session.execute(delete(Evidence))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "is recorded in the trail but missing from its table" in result.output


def test_a_checkpoint_that_was_altered_is_refused(runner, history, tmp_path):
    doc = json.loads((tmp_path / "kept.json").read_text())
    doc["count"] = 3
    (tmp_path / "altered.json").write_text(json.dumps(doc))
    result = verify(runner, "--checkpoint", tmp_path / "altered.json")
    assert result.exit_code == 1 and "its signature does not verify" in result.output


@pytest.mark.parametrize("content, message", [
    ("not json", "not a checkpoint (not JSON"), ("[1]", "not a checkpoint (not a JSON object)"),
    ('{"format": "x"}', "it is not an audit checkpoint")])
def test_a_bad_checkpoint_file_is_named(runner, history, tmp_path, content, message):
    (tmp_path / "bad.json").write_text(content)
    result = verify(runner, "--checkpoint", tmp_path / "bad.json")
    assert result.exit_code == 1 and message in result.output


def test_a_missing_checkpoint_file_is_named(runner, history, tmp_path):
    result = verify(runner, "--checkpoint", tmp_path / "nowhere.json")
    assert result.exit_code == 1 and "nowhere.json: cannot be read" in result.output


def test_a_record_deleted_through_the_register_verifies_but_its_reason_changed_directly_does_not(
        runner, history):
    from fpp.register.operations import delete_record
    record = db.session.execute(select(CheckRecord).order_by(CheckRecord.id)).scalars().first()
    delete_record(record, "Recorded against the wrong member", None)
    db.session.commit()
    assert runner("audit", "checkpoint", "--output", "/dev/null").exit_code == 0
    assert verify(runner).exit_code == 0
    db.session.execute(update(CheckRecord).where(CheckRecord.id == record.id).values(deletion_reason="Other"))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and f"check_records row {record.id}: deletion_reason is 'Other'" in result.output
