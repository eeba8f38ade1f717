"""A register with a history (members, check records, evidence, reads) and a signed checkpoint of it."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import delete, insert, select

from exports import trail
from fpp.audit import operations as audit
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.register.operations import add_evidence


@pytest.fixture
def history(runner, create_member, create_record, tmp_path):
    """Two members, four records, one evidence file, reads of each; then a checkpoint. Returns the member."""
    member = create_member(name="Ann Example", date_of_birth=date(1970, 5, 1))
    audit.record("member.view_dbs", "members", member.id, member_pk=member.id)  # a read, mid-chain
    db.session.commit()
    other = create_member(name="Bob Example")
    records = [create_record(member, "insolvency", date(2025, 4, day)) for day in (1, 2, 3)]
    records.append(create_record(other, "disqualified_directors", date(2025, 5, 1)))
    add_evidence(records[0], "search.pdf", io.BytesIO(b"%PDF-1.4 search"), None)
    audit.record("member.view_dbs", "members", other.id, member_pk=other.id)
    db.session.commit()
    result = runner("audit", "checkpoint", "--output", tmp_path / "kept.json")
    assert result.exit_code == 0, result.output
    return member


def entry_ids() -> list[int]:
    return list(db.session.execute(select(AuditEntry.id).order_by(AuditEntry.id)).scalars())


def stored_rows() -> list[dict]:
    table = AuditEntry.__table__
    return [dict(row) for row in db.session.execute(select(table).order_by(table.c.id)).mappings()]


def rewrite(rows: list[dict]) -> None:
    """What someone with database access but not the key can do: replace the trail with `rows`, numbered
    afresh and every SHA-256 recomputed by the public recipe (the MACs cannot be: they are kept as found)."""
    table = AuditEntry.__table__
    db.session.execute(delete(table))
    previous = trail.GENESIS
    for number, row in enumerate(rows, start=1):
        row = dict(row, id=number, prev_hash=previous)
        row["content_hash"] = trail.content_hash(row)
        row["hash"] = previous = trail.link_hash(previous, row["content_hash"])
        db.session.execute(insert(table).values(**row))
    db.session.commit()
