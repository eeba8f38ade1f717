"""The year's pack tells the year's story: its audit segment runs from the first entry on or after 1 April
to the moment of export, anchored on the entry before, signed at export, and verifies offline."""
from __future__ import annotations

import json
import zipfile
from datetime import date, datetime

from sqlalchemy import select

from fpp.audit.checkpoints import list_checkpoints
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.timeutil import freeze


def test_the_segment_runs_from_the_years_start_to_the_export(runner, create_member, create_record, tmp_path):
    with freeze(datetime(2025, 3, 20, 9)):
        member = create_member(name="Before The Year")  # entry 1: before 1 April 2025
    with freeze(datetime(2025, 6, 1, 9)):
        create_record(member, "insolvency", date(2025, 6, 1))
    with freeze(datetime(2026, 5, 2, 9)):  # after the year's end, for the year (as sign-off is)
        create_record(member, "disqualified_directors", date(2026, 3, 1))
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    path = tmp_path / "pack.zip"
    with freeze(datetime(2026, 5, 3, 9)):
        result = runner("export", "pack", "--year", 2025, "--output", path)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as pack:
        lines = [json.loads(line) for line in pack.read("audit.jsonl").decode().splitlines()]
        checkpoint = json.loads(pack.read("audit-checkpoint.json"))
        readme = pack.read("README.txt").decode()
    assert [line["id"] for line in lines] == [e.id for e in entries[1:]]
    assert checkpoint["segment"] == {"anchor": entries[0].hash, "first_id": entries[1].id, "count": 2}
    assert checkpoint["head"] == entries[-1].hash and checkpoint["reason"] == "pack export 2025/26"
    assert entries[0].hash in readme and checkpoint["public_key"] in readme
    assert any(json.loads(p.read_text())["reason"] == "pack export 2025/26" for p in list_checkpoints())
    verified = runner("export", "verify-pack", path)
    assert verified.exit_code == 0, verified.output
    assert "the audit trail's 2 entries re-hash from the anchor" in verified.output


def test_the_workbook_data_carries_the_anchor(app, create_member):
    from fpp.reports.queries import declaration_data
    with freeze(datetime(2025, 3, 20, 9)):
        create_member()
    with freeze(datetime(2025, 4, 2, 9)):
        create_member()
    first, second = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    data = declaration_data(2025)
    assert data.audit_anchor == first.hash and [row.id for row in data.audit] == [second.id]
