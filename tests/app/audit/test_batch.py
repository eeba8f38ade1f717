"""One import reads as one batch: every entry it writes carries the same batch id; entries outside carry none."""
from __future__ import annotations

from sqlalchemy import select

from fpp.audit import operations as audit
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from tests.app.imports.test_import_workbook import EXAMPLE


def test_an_import_is_one_batch(runner, create_member):
    create_member()
    assert runner("import", EXAMPLE).exit_code == 0
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.batch_id).order_by(AuditEntry.id)).all()
    assert rows[0].batch_id is None  # the member created before
    batches = {batch for _, batch in rows[1:]}
    assert len(rows) > 10 and len(batches) == 1 and next(iter(batches)).startswith("import:")
    assert runner("audit", "verify").exit_code == 0  # the batch id is part of the hashed content


def test_nested_batches_keep_the_outer_id(app, create_member):
    member = create_member()
    with audit.batch("outer") as outer:
        with audit.batch("inner") as inner:
            audit.record("member.view_dbs", "members", member.id)
        audit.record("member.view_dbs", "members", member.id)
    db.session.commit()
    assert inner == outer
    found = db.session.execute(select(AuditEntry.batch_id).order_by(AuditEntry.id.desc()).limit(2)).scalars().all()
    assert found == [outer, outer] and audit.current_batch() is None


def test_the_audit_page_shows_one_batch(client, login, runner, create_member):
    create_member(name="Outside The Batch")
    assert runner("import", EXAMPLE).exit_code == 0
    batch = db.session.execute(select(AuditEntry.batch_id).where(AuditEntry.batch_id.is_not(None))).scalars().first()
    total = db.session.execute(select(AuditEntry.id).where(AuditEntry.batch_id == batch)).scalars().all()
    login("auditor")
    page = client.get(f"/audit?batch={batch}").get_data(as_text=True)
    listing = page.split("<tbody>", 1)[1]  # the member filter names every member
    assert f"{len(total)} entries" in page and "Outside The Batch" not in listing and "Back to the whole trail" in page
