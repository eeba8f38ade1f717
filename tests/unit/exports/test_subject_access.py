"""The subject access archive builder: plain data in, a zip with summary.html, data.json and evidence out."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime

from exports.subject_access import Section, SubjectAccessData, SubjectFile, build_subject_access

NOW = datetime(2026, 12, 1, 9, 30)
MEMBER = {"name": "Ann <b>Smith</b>", "date_of_birth": date(1970, 5, 6), "is_voting": True, "end_on": None}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(tmp_path, files=(), sections=None) -> dict[str, bytes]:
    data = SubjectAccessData(
        organisation="Test NHS Trust", member_name="Ann <b>Smith</b>", member_id="E1", generated_at=NOW,
        generated_by="cosec@example.nhs.uk", notes=("DBS: no certificate is held.",),
        sections=sections or (
            Section("member", "Your details", "As held.", (MEMBER,)),
            Section("check_records", "Check records", "Every record.", ({"code": "identity", "notes": "=1+1\nline two",
                                                                          "evidence": [{"original_name": "a.pdf"}]},)),
            Section("attestations", "Attestations", "Each one.", ()),
        ), files=tuple(files))
    target = tmp_path / "sar.zip"
    count = build_subject_access(data, target)
    with zipfile.ZipFile(target) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    found["_count"] = count
    return found


def test_the_archive_holds_a_summary_the_data_and_the_evidence(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.write_bytes(b"first file")
    second.write_bytes(b"second file")
    files = build(tmp_path, [SubjectFile(1, "Identity 2021-04-01", "scan.pdf", sha(b"first file"), first),
                             SubjectFile(2, "Identity 2021-04-01", "scan.pdf", sha(b"second file"), second)])
    assert files.pop("_count") == 2
    assert set(files) == {"summary.html", "data.json", "evidence/Identity 2021-04-01/scan.pdf",
                          "evidence/Identity 2021-04-01/scan (2).pdf"}
    assert files["evidence/Identity 2021-04-01/scan (2).pdf"] == b"second file"
    data = json.loads(files["data.json"])
    assert data["about"] == {"organisation": "Test NHS Trust", "member_id": "E1", "name": "Ann <b>Smith</b>",
                             "generated_at": "2026-12-01T09:30:00Z", "generated_by": "cosec@example.nhs.uk",
                             "notes": ["DBS: no certificate is held."]}
    assert data["member"] == [MEMBER | {"date_of_birth": "1970-05-06"}]
    assert data["attestations"] == []
    assert [f["state"] for f in data["evidence_files"]] == ["as uploaded", "as uploaded"]


def test_the_summary_is_readable_and_escapes_what_users_typed(tmp_path):
    summary = build(tmp_path)["summary.html"].decode()
    assert "<b>Smith</b>" not in summary and "Ann &lt;b&gt;Smith&lt;/b&gt;" in summary
    assert "06 May 1970" in summary and "<em>not recorded</em>" in summary and ">Yes<" in summary
    assert "=1+1<br>line two" in summary
    for explained in ("summary.html", "data.json", "evidence/", "Check records", "Attestations", "None held."):
        assert explained in summary
    assert "01 December 2026 09:30 UTC" in summary


def test_a_missing_or_altered_evidence_file_is_listed_as_such(tmp_path):
    altered = tmp_path / "altered"
    altered.write_bytes(b"changed")
    files = build(tmp_path, [SubjectFile(1, "Identity 2021-04-01", "gone.pdf", sha(b"x"), tmp_path / "absent"),
                             SubjectFile(2, "Identity 2021-04-01", "altered.pdf", sha(b"original"), altered),
                             SubjectFile(3, "Identity 2021-04-01", "nowhere.pdf", sha(b"y"), None)])
    assert files.pop("_count") == 1
    states = {f["original_name"]: (f["state"], f["path"]) for f in json.loads(files["data.json"])["evidence_files"]}
    assert states == {"gone.pdf": ("missing from the register's data folder", None),
                      "nowhere.pdf": ("missing from the register's data folder", None),
                      "altered.pdf": ("changed since it was uploaded", "evidence/Identity 2021-04-01/altered.pdf")}


def test_names_users_gave_cannot_climb_out_of_the_evidence_folder(tmp_path):
    source = tmp_path / "file"
    source.write_bytes(b"data")
    files = build(tmp_path, [SubjectFile(1, "../../etc", "../passwd", sha(b"data"), source),
                             SubjectFile(2, "a/b", "summary.html", sha(b"data"), source)])
    names = [n for n in files if n.startswith("evidence/")]
    assert all(".." not in n.split("/") and n.count("/") == 2 for n in names), names
    assert files["summary.html"].startswith(b"<!doctype html>")


def test_it_writes_to_a_binary_file_too():
    buffer = io.BytesIO()
    data = SubjectAccessData("Trust", "Ann", "E1", NOW, "cli", (Section("member", "Your details", "As held."),))
    assert build_subject_access(data, buffer) == 0
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert sorted(archive.namelist()) == ["data.json", "summary.html"]
