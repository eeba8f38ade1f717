"""Subject access (FPPT.md section 7): everything held about one member, and nothing about anyone else."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from checks.annual import ATTESTATION_ITEMS, LCF_DOMAINS
from fpp.annual import operations as annual
from fpp.audit.models import AuditEntry
from fpp.auth.models import User
from fpp.extensions import db
from fpp.register.operations import add_evidence, delete_record
from fpp.reminders.models import OutboxMessage
from tests.fixtures.factories import PASSWORD


def attest(member, user):
    answers = {item.key: (item.expected, "") for item in ATTESTATION_ITEMS}
    ratings = {key: ("competent", "") for key, _ in LCF_DOMAINS}
    attestation = annual.submit_attestation(member, user, PASSWORD, answers, ratings)
    db.session.commit()
    return attestation


@pytest.fixture
def board(create_member, create_record, create_user):
    """Ann, the subject (records, deleted record, DBS, evidence, attestation, account, an e-mail), and Bob,
    another member with the same kinds of data, none of which may appear in Ann's archive."""
    people = {}
    for key, name, member_id in (("ann", "Ann Subject", "ANN-1"), ("bob", "Bob Otherperson", "BOB-2")):
        member = create_member(member_id=member_id, name=name, email=f"{key}@example.nhs.uk",
                               date_of_birth=date(1970, 5, 6))
        search = create_record(member, "insolvency", date(2025, 6, 1), notes=f"Searched for {name}")
        create_record(member, "dbs", date(2025, 5, 1), reference=f"{key.upper()}0012345678", dbs_level="enhanced")
        wrong = create_record(member, "social_media", date(2025, 7, 1), notes=f"Wrong note {key}")
        add_evidence(search, f"{key}-search.txt", io.BytesIO(f"Search result for {name}\n".encode()), None)
        delete_record(wrong, f"Entered in error for {key}", None)
        user = create_user("member", member=member, email=f"{key}.login@example.nhs.uk")
        attest(member, user)
        db.session.add(OutboxMessage(recipient=member.email, subject=f"Digest for {key}", body_text="board digest",
                                     body_html="<p>board digest</p>", status="sent"))
        db.session.commit()
        people[key] = member
    return people


def contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_secretary_downloads_everything_held_about_the_member(client, login, board):
    login("secretary")
    ann = board["ann"]
    response = client.get(f"/members/{ann.id}/subject-access.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    assert "subject-access-ANN-1.zip" in response.headers["Content-Disposition"]
    files = contents(response.data)
    assert {"summary.html", "data.json"} < set(files)
    evidence = [name for name in files if name.startswith("evidence/")]
    assert len(evidence) == 1 and evidence[0].endswith("/ann-search.txt")
    assert files[evidence[0]] == b"Search result for Ann Subject\n"

    data = json.loads(files["data.json"])
    assert data["member"][0]["member_id"] == "ANN-1" and data["member"][0]["date_of_birth"] == "1970-05-06"
    records = {r["code"]: r for r in data["check_records"]}
    assert records["dbs"]["reference"] == "ANN0012345678" and records["dbs"]["dbs_level"] == "enhanced"
    deleted = records["social_media"]
    assert deleted["deleted_at"] and deleted["deletion_reason"] == "Entered in error for ann"
    assert [e["original_name"] for e in records["insolvency"]["evidence"]] == ["ann-search.txt"]
    assert data["evidence_files"][0]["state"] == "as uploaded" and data["evidence_files"][0]["path"] == evidence[0]
    assert len(data["attestations"]) == 1 and data["attestations"][0]["answers"]
    account = data["account"][0]
    assert account["email"] == "ann.login@example.nhs.uk" and account["role"] == "member"
    assert not {"password_hash", "totp_secret", "recovery_codes"} & set(account)
    assert [m["subject"] for m in data["board_messages"]] == ["Digest for ann"]
    assert "body" not in data["board_messages"][0]
    actions = {e["action"] for e in data["audit_entries"]}
    assert {"member.create", "evidence.add", "check.delete", "attestation.submit"} <= actions


def test_the_summary_explains_the_files_and_the_download_is_audited(client, login, board):
    secretary = login("secretary")
    ann = board["ann"]
    files = contents(client.get(f"/members/{ann.id}/subject-access.zip").data)
    summary = files["summary.html"].decode()
    assert "Information held about Ann Subject (ANN-1)" in summary and "data.json" in summary
    assert "never holds a DBS certificate" in summary and "Entered in error for ann" in summary

    read = db.session.execute(select(AuditEntry).where(AuditEntry.action == "member.subject_access")).scalar_one()
    assert (read.actor, read.member_pk) == (secretary.email, ann.id)


def test_nothing_about_another_member_or_any_secret_is_in_the_archive(client, login, board):
    login("secretary")
    files = contents(client.get(f"/members/{board['ann'].id}/subject-access.zip").data)
    everything = b"\n".join(files.values()) + "\n".join(files).encode()
    bob = db.session.execute(select(User).where(User.member_pk == board["bob"].id)).scalar_one()
    for text in ("Bob Otherperson", "BOB-2", "bob@example", "bob.login", "BOB0012345678", "bob-search",
                 "Wrong note bob", "Entered in error for bob", "Digest for bob", bob.password_hash):
        assert text.encode() not in everything, text
    ann = db.session.execute(select(User).where(User.member_pk == board["ann"].id)).scalar_one()
    assert ann.password_hash.encode() not in everything


def test_only_the_secretary_may_download_it(client, login, board):
    account = db.session.execute(select(User).where(User.member_pk == board["ann"].id)).scalar_one()
    login(user=account)  # not even the member: the secretary answers the request
    assert client.get(f"/members/{board['ann'].id}/subject-access.zip").status_code == 403


def test_the_member_page_shows_the_button_to_the_secretary(client, login, board):
    login("secretary")
    page = client.get(f"/members/{board['ann'].id}").get_data(as_text=True)
    assert f"/members/{board['ann'].id}/subject-access.zip" in page


def test_the_command_writes_the_archive_and_audits_it(runner, board, tmp_path):
    output = tmp_path / "ann.zip"
    result = runner("export", "member", "--member-id", "ANN-1", "--output", output)
    assert result.exit_code == 0, result.output
    assert "ANN-1 (1 evidence files)" in result.output
    assert json.loads(contents(output.read_bytes())["data.json"])["about"]["member_id"] == "ANN-1"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "member.subject_access")).scalar_one()
    assert entry.member_pk == board["ann"].id and entry.actor == "cli"


def test_the_command_refuses_an_unknown_member(runner, tmp_path):
    output = tmp_path / "nobody.zip"
    result = runner("export", "member", "--member-id", "NOPE", "--output", output)
    assert result.exit_code == 1 and "no board member has the Member ID 'NOPE'" in result.output
    assert not output.exists()
