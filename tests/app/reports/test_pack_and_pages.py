"""The evidence pack (CLI and web, with progress), its verification, the summary, and who may download."""
import zipfile

import pytest
from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.register.operations import evidence_path
from fpp.timeutil import freeze
from tests.app.reports.conftest import AFTER_YEAR, YEAR


def test_pack_holds_the_evidence_and_verifies(runner, tmp_path, signed_year):
    path = tmp_path / "pack.zip"
    with freeze(AFTER_YEAR):
        result = runner("export", "pack", "--year", YEAR, "--output", path)
    assert result.exit_code == 0, result.output
    assert "(1 evidence files)" in result.output
    with zipfile.ZipFile(path) as pack:
        names = pack.namelist()
        assert "evidence/N01/social_media/press cutting.pdf" in names
        assert pack.read("evidence/N01/social_media/press cutting.pdf") == b"%PDF-1.4 cutting"
        assert {"manifest.csv", "audit.jsonl", "audit-checkpoint.json", "README.txt"} <= set(names)
        assert b'"action": "declaration.sign"' in pack.read("audit.jsonl")  # the year's own sign-off, in April
    verified = runner("export", "verify-pack", path)
    assert verified.exit_code == 0 and "match the manifest" in verified.output
    assert "entries re-hash from the anchor" in verified.output


def test_verify_pack_names_a_tampered_file(runner, tmp_path, signed_year):
    path, tampered = tmp_path / "pack.zip", tmp_path / "tampered.zip"
    with freeze(AFTER_YEAR):
        runner("export", "pack", "--year", YEAR, "--output", path)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("press cutting.pdf"):
                data = b"%PDF-1.4 altered"
            target.writestr(item, data)
    result = runner("export", "verify-pack", tampered)
    assert result.exit_code == 1 and "press cutting.pdf" in result.output


@pytest.mark.parametrize("content, message", [(b"not a zip", "not a zip"), (None, "")])
def test_verify_pack_bad_files(runner, tmp_path, content, message):
    path = tmp_path / "bad.zip"
    if content is not None:
        path.write_bytes(content)
    result = runner("export", "verify-pack", path)
    assert result.exit_code == 1 and message.lower() in result.output.lower()


def test_a_changed_evidence_file_stops_the_pack(runner, tmp_path, signed_year):
    evidence_path(signed_year.evidence).write_bytes(b"changed on disk")
    path = tmp_path / "pack.zip"
    with freeze(AFTER_YEAR):
        result = runner("export", "pack", "--year", YEAR, "--output", path)
    assert result.exit_code == 1 and "not written" in result.output
    assert not path.exists()


def test_bad_year_is_a_usage_error(runner, tmp_path):
    result = runner("export", "declaration", "--year", "25/26", "--output", tmp_path / "x.xlsx")
    assert result.exit_code == 2


def test_web_pack_is_queued_then_built_by_the_scheduler_then_downloads(client, login, signed_year, run_packs):
    login("auditor")
    with freeze(AFTER_YEAR):
        response = client.post(f"/reports/{YEAR}/pack")
        assert response.status_code == 302
        progress = response.headers["Location"]
        page = client.get(progress).data.decode()
        assert "The pack is queued" in page and "built by the scheduler" in page
        result = run_packs()
        page = client.get(progress).data.decode()
        assert "The pack is ready" in page and "1 evidence file" in page and "27 April 2026" in page
        job = int(progress.rsplit("/", 1)[1])
        assert result.built == [job]
        download = client.get(f"/reports/packs/{job}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"export.pack_requested", "export.pack", "export.pack_download"} <= actions


def test_another_users_pack_is_shared_and_an_unknown_job_is_not_found(client, login, signed_year, run_packs,
                                                                      create_user):
    from tests.fixtures.factories import sign_in_as
    login("auditor")
    with freeze(AFTER_YEAR):
        job = client.post(f"/reports/{YEAR}/pack").headers["Location"].rsplit("/", 1)[1]
        client.post("/logout")
        other = create_user("secretary")
        sign_in_as(client, other.email)
        assert client.get(f"/reports/packs/{job}").status_code == 200
        assert client.get("/reports/packs/999999").status_code == 404
        assert client.get("/reports/packs/unknownjob").status_code == 404


def test_downloads_are_audited_and_the_summary_names_nobody(client, login, signed_year):
    login("secretary")
    with freeze(AFTER_YEAR):
        workbook = client.get(f"/reports/{YEAR}/declaration.xlsx")
        summary = client.get(f"/reports/{YEAR}/summary").data.decode()
        summary_xlsx = client.get(f"/reports/{YEAR}/summary.xlsx")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK" and summary_xlsx.status_code == 200
    for name in ("Clara Chair", "Nina Ned", "Len Leaver", "N01"):
        assert name not in summary
    assert "2025/26" in summary
    actions = list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("export.%"))).scalars())
    assert sorted(actions) == ["export.declaration", "export.summary", "export.summary_page"]




def test_unknown_year_is_not_found(client, login):
    login("auditor")
    assert client.get("/reports/1999/declaration.xlsx").status_code == 404
