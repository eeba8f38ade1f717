"""`fpp backup` and `fpp restore` (CONTRACT.md): a round trip on this run's database, and every refusal."""
from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from fpp.backup import postgres
from fpp.backup.archive import BackupError
from fpp.extensions import db
from fpp.people.models import Member
from fpp.people.operations import create_member
from fpp.register.operations import add_evidence, delete_record, record_check

AS_OF = "2026-06-01"
EVIDENCE = {"search.txt": b"Insolvency register searched: no match for Ann Smith.\n",
            "reference.txt": b"Reference from Old Trust: no concerns.\n"}


def add_evidenced_member(register, member_id: str = "R1") -> list[str]:
    """A member with two records carrying evidence (one record later deleted); returns the stored names."""
    with register.context():
        member = create_member(member_id=member_id, name="Ann Smith", position="ned", start_on=date(2021, 4, 1),
                               date_of_birth=date(1970, 5, 6))
        search = record_check(member, None, code="insolvency", completed_on=date(2026, 1, 10))
        reference = record_check(member, None, code="references", completed_on=date(2021, 3, 1))
        names = [add_evidence(search, "search.txt", io.BytesIO(EVIDENCE["search.txt"]), None).stored_name,
                 add_evidence(reference, "reference.txt", io.BytesIO(EVIDENCE["reference.txt"]), None).stored_name]
        delete_record(reference, "Recorded against the wrong member", None)
        db.session.commit()
    return names


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def rewrite(path: Path, change) -> None:
    """Rebuild the archive with `change(name, data)` deciding each member's new bytes (None drops it)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            if (new := change(name, data)) is not None:
                archive.writestr(name, new)


def assert_untouched(target) -> None:
    """The target is still nothing at all: no tables (no SQLite file) and no evidence files."""
    assert not (target.evidence.is_dir() and any(target.evidence.iterdir()))
    if target.url.startswith("sqlite"):
        assert not Path(target.url.removeprefix("sqlite:///")).exists()
    else:
        with target.context():
            assert inspect(db.engine).get_table_names() == []


def test_a_backup_restored_into_an_empty_register_gives_the_same_register(source, target, tmp_path):
    assert source.run("demo").exit_code == 0
    stored = add_evidenced_member(source)
    archive = tmp_path / "backups" / "fpp.zip"
    archive.parent.mkdir()
    backed_up = source.run("backup", archive)
    assert backed_up.exit_code == 0, backed_up.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    manifest = manifest_of(archive)
    kind = "sqlite" if source.url.startswith("sqlite") else "postgresql"
    assert manifest["database"]["kind"] == kind and manifest["database"]["schema_revision"]
    assert manifest["counts"]["members"] == 15 and manifest["counts"]["evidence_files"] == 2
    assert manifest["audit"]["entries"] > 500 and len(manifest["audit"]["last_hash"]) == 64
    assert manifest["register_version"] and manifest["created_at"].endswith("Z")
    with zipfile.ZipFile(archive) as zipped:
        assert set(zipped.namelist()) == {f["path"] for f in manifest["files"]} | {"manifest.json"}
        assert not [n for n in zipped.namelist() if "secret" in n or "key" in n]
    assert sorted(f["path"] for f in manifest["files"] if f["path"].startswith("evidence/")) == \
        sorted(f"evidence/{name}" for name in stored)

    restored = target.run("restore", archive)
    assert restored.exit_code == 0, restored.output
    assert "15 members, 2 evidence files" in restored.output and "audit trail verified" in restored.output

    before = source.run("status", "--as-of", AS_OF, "--format", "json")
    after = target.run("status", "--as-of", AS_OF, "--format", "json")
    assert after.exit_code == 0 and json.loads(after.output) == json.loads(before.output)
    verified = target.run("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert sorted((target.evidence / name).read_bytes() for name in stored) == sorted(EVIDENCE.values())
    assert stat.S_IMODE(target.evidence.stat().st_mode) == 0o700


def test_restore_into_an_initialised_empty_register_and_back_up_a_register_without_evidence(
        source, target, tmp_path):
    with source.context():
        create_member(member_id="N1", name="No Evidence", position="ned", start_on=date(2022, 1, 1))
        db.session.commit()
    archive = tmp_path / "plain.zip"
    backed_up = source.run("backup", archive)
    assert backed_up.exit_code == 0, backed_up.output
    assert [f["path"] for f in manifest_of(archive)["files"]] == [manifest_of(archive)["database"]["file"]]
    assert target.run("init-db").exit_code == 0
    restored = target.run("restore", archive)
    assert restored.exit_code == 0, restored.output
    with target.context():
        assert db.session.execute(select(Member.member_id)).scalars().all() == ["N1"]
    assert target.run("audit", "verify").exit_code == 0


def test_restore_refuses_a_register_that_is_not_empty(source, target, tmp_path):
    add_evidenced_member(source)
    archive = tmp_path / "fpp.zip"
    assert source.run("backup", archive).exit_code == 0
    assert target.run("init-db").exit_code == 0
    with target.context():
        create_member(member_id="T1", name="Already Here", position="ned", start_on=date(2022, 1, 1))
        db.session.commit()
    refused = target.run("restore", archive)
    assert refused.exit_code == 1
    assert "is not an empty register (1 members" in refused.output and "Nothing was changed" in refused.output
    assert "Traceback" not in refused.output
    with target.context():
        assert db.session.execute(select(Member.member_id)).scalars().all() == ["T1"]
    assert not target.evidence.exists() or not any(target.evidence.iterdir())


@pytest.fixture
def archive(source, tmp_path) -> tuple[Path, list[str]]:
    stored = add_evidenced_member(source)
    path = tmp_path / "fpp.zip"
    assert source.run("backup", path).exit_code == 0
    return path, stored


def test_restore_refuses_an_evidence_file_changed_by_one_byte(archive, target):
    path, stored = archive
    changed = f"evidence/{stored[0]}"
    rewrite(path, lambda name, data: (data[:5] + bytes([data[5] ^ 1]) + data[6:]) if name == changed else data)
    refused = target.run("restore", path)
    assert refused.exit_code == 1
    assert f"{changed} does not match its SHA-256" in refused.output and "Traceback" not in refused.output
    assert_untouched(target)


def test_restore_refuses_an_archive_without_its_manifest(archive, target):
    path, _ = archive
    rewrite(path, lambda name, data: None if name == "manifest.json" else data)
    refused = target.run("restore", path)
    assert refused.exit_code == 1 and "holds no manifest.json" in refused.output
    assert_untouched(target)


def test_restore_refuses_a_truncated_archive_and_a_missing_or_extra_file(archive, target, tmp_path):
    path, stored = archive
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused = target.run("restore", cut)
    assert refused.exit_code == 1 and "not a readable backup archive" in refused.output
    missing = f"evidence/{stored[1]}"
    rewrite(path, lambda name, data: None if name == missing else data)
    refused = target.run("restore", path)
    assert refused.exit_code == 1 and f"{missing} is listed in manifest.json but missing" in refused.output
    rewrite(path, lambda name, data: data)
    with zipfile.ZipFile(path, "a") as zipped:
        zipped.writestr("evidence/planted", b"x")
    refused = target.run("restore", path)
    assert refused.exit_code == 1 and "holds evidence/planted, which manifest.json does not list" in refused.output
    assert_untouched(target)


def test_restore_refuses_a_newer_schema_another_kind_of_database_and_a_path_outside_its_folders(archive, target):
    path, _ = archive

    def edit(**changes):
        def change(name, data):
            if name != "manifest.json":
                return data
            manifest = json.loads(data)
            for key, value in changes.items():
                section, field = key.split("__")
                manifest[section][field] = value
            return json.dumps(manifest)
        rewrite(path, change)

    edit(database__schema_revision=["9999"])
    refused = target.run("restore", path)
    assert refused.exit_code == 1 and "schema revision 9999, which this version" in refused.output
    other = "postgresql" if target.url.startswith("sqlite") else "sqlite"
    edit(database__kind=other, database__schema_revision=["0600"])
    refused = target.run("restore", path)
    assert refused.exit_code == 1 and f"a backup of a {other} register cannot be restored" in refused.output
    kind = "sqlite" if target.url.startswith("sqlite") else "postgresql"

    def climb(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["kind"] = kind
        manifest["files"].append({"path": "evidence/../../outside", "size": 1, "sha256": "0" * 64})
        return json.dumps(manifest)
    rewrite(path, climb)
    refused = target.run("restore", path)
    assert refused.exit_code == 1 and "lists 'evidence/../../outside', which a backup never holds" in refused.output
    assert_untouched(target)


def test_backup_names_an_evidence_file_missing_from_the_data_folder(source, tmp_path):
    stored = add_evidenced_member(source)
    (source.evidence / stored[0]).unlink()
    archive = tmp_path / "fpp.zip"
    result = source.run("backup", archive)
    assert result.exit_code == 1 and f"evidence file {stored[0]} is missing" in result.output
    assert "the backup was written" in result.output
    assert manifest_of(archive)["problems"] == [f"evidence file {stored[0]} is missing from {source.evidence}"]


def test_backup_to_a_folder_that_does_not_exist_is_a_message(source, tmp_path):
    result = source.run("backup", tmp_path / "nowhere" / "fpp.zip")
    assert result.exit_code == 1 and "cannot be written" in result.output and "Traceback" not in result.output


def test_the_postgresql_tools_get_the_password_from_a_private_file_never_the_command_line(monkeypatch):
    url = "postgresql+psycopg://fpp:s3cr%3At@db.example:6543/register?sslmode=require"
    seen = {}

    def fake_run(command, env, **_kwargs):
        seen.update(command=command, env=dict(env), passfile=Path(env["PGPASSFILE"]).read_text(),
                    mode=stat.S_IMODE(Path(env["PGPASSFILE"]).stat().st_mode))

        class Done:
            returncode, stderr = 1, "pg_dump: error: connection to server failed: password s3cr:t refused\n"
        return Done()
    monkeypatch.setattr(postgres.subprocess, "run", fake_run)
    with pytest.raises(BackupError) as refused:
        postgres.run(["/usr/bin/pg_dump", "--format=custom"], url, "not backed up")
    assert "s3cr" not in " ".join(seen["command"]) and "s3cr" not in str(refused.value)
    assert seen["passfile"] == "*:*:*:*:s3cr\\:t\n" and seen["mode"] == 0o600
    assert {k: seen["env"][k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSSLMODE")} == {
        "PGHOST": "db.example", "PGPORT": "6543", "PGUSER": "fpp", "PGDATABASE": "register", "PGSSLMODE": "require"}
    assert not Path(seen["env"]["PGPASSFILE"]).exists()


def test_a_missing_pg_dump_says_what_to_install(monkeypatch):
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="`pg_dump` was not found on PATH.*postgresql-client"):
        postgres.tool("pg_dump")
