"""`fpp import-tracker` on the sample tracker and on bad input: exit codes, all or nothing, idempotence."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.register.models import CheckRecord
from fpp.people.models import Member

from .conftest import HEADERS, SAMPLE, SAMPLE_ANSWERS, row

EXPECTED_STATUS = {
    "30110099": ("Ms Fiona Grant", "action_required"), "30145566": ("Dame Elizabeth Ward", "action_required"),
    "30177700": ("Prof. Raj Patel", "action_required"), "30198720": ("Dr Anna Kowalski", "action_required"),
    "30221874": ("Mr Kwame Mensah", "compliant"), "30254411": ("Mrs Sarah O'Neill", "action_required"),
    "30301234": ("Mr David Chen", "compliant"), "30330001": ("Mrs Joanne Hughes", "action_required"),
    "TRK-0001": ("Mr Tom Baker", "compliant"),
}


def status_json(runner):
    result = runner("status", "--as-of", "2025-05-14", "--format", "json")
    assert result.exit_code == 0, result.output
    return {m["member_id"]: m for m in json.loads(result.output)["members"]}


def import_sample(runner, write_text):
    answers = write_text("answers.toml", SAMPLE_ANSWERS)
    return runner("import-tracker", SAMPLE, "--answers", answers)


def test_sample_questions_point_at_their_cells_and_nothing_is_written(runner, register_counts):
    before = register_counts()
    result = runner("import-tracker", SAMPLE)
    assert result.exit_code == 1
    for key in ("I5", "J5", "R9", "P11"):
        assert f"  {key} = ?" in result.output
    assert "'CONCERN - see note'" in result.output and "row notes: Companies House" in result.output
    assert '"DBS type" = "check.dbs.level"' in result.output  # the mapping, as TOML
    assert "4 unanswered question(s)" in result.output
    assert register_counts() == before


def test_sample_imports_and_statuses_match_the_tracker(runner, write_text):
    result = import_sample(runner, write_text)
    assert result.exit_code == 0, result.output
    assert "9 created" in result.output and "113 created" in result.output
    members = status_json(runner)
    assert {k: (m["name"], m["status"]) for k, m in members.items()} == EXPECTED_STATUS
    ward, chen, oneill = members["30145566"]["checks"], members["30301234"]["checks"], members["30254411"]["checks"]
    assert ward["dbs"] == {"status": "valid", "completed_on": "2022-11-03", "expires_on": "2025-11-03"}
    assert ward["references"]["status"] == ward["qualifications"]["status"] == "missing"  # I5, J5 skipped
    assert chen["disqualified_directors"]["completed_on"] == "2025-04-20"  # R9 answered
    assert members["30177700"]["checks"]["professional_registration"]["status"] == "missing"  # P11 skipped
    assert oneill["dbs"]["status"] == "expired"
    assert members["30198720"]["checks"]["self_attestation"]["status"] == "missing"  # V7 outstanding
    assert members["30110099"]["checks"]["leaver_reference"]["status"] == "missing"


def test_sample_not_applicable_records_and_member_fields(runner, write_text):
    assert import_sample(runner, write_text).exit_code == 0
    rows = db.session.execute(select(Member.member_id, CheckRecord.code, CheckRecord.completed_on)
                              .join(Member, Member.id == CheckRecord.member_pk)
                              .where(CheckRecord.outcome == "not_applicable")).all()
    assert sorted(rows) == [("30110099", "health", date(2018, 6, 1)), ("30145566", "health", date(2019, 11, 1)),
                            ("30177700", "health", date(2020, 10, 1)), ("30330001", "health", date(2025, 2, 1))]
    baker = db.session.execute(select(Member).where(Member.member_id == "TRK-0001")).scalar_one()
    assert (baker.name, baker.position, baker.is_interim, baker.is_executive) == ("Mr Tom Baker", "executive", True, True)
    grant = db.session.execute(select(Member).where(Member.member_id == "30110099")).scalar_one()
    assert grant.end_on == date(2025, 3, 31)


def test_one_audit_entry_per_change_and_one_for_the_import(runner, write_text):
    assert import_sample(runner, write_text).exit_code == 0
    actions = [a for (a,) in db.session.execute(select(AuditEntry.action))]
    assert actions.count("member.create") == 9 and actions.count("check.create") == 113
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "tracker.import")).scalar_one()
    after = json.loads(entry.after)
    assert after["file"] == SAMPLE.name and len(after["sha256"]) == 64 and after["records_created"] == 113
    assert runner("audit", "verify").exit_code == 0


def test_the_same_file_again_changes_nothing(runner, write_text, register_counts):
    assert import_sample(runner, write_text).exit_code == 0
    after_first = register_counts()
    again = runner("import-tracker", SAMPLE, "--answers", write_text("a2.toml", SAMPLE_ANSWERS))
    assert again.exit_code == 1 and "  A13 = ?" in again.output  # the name match needs a person
    answers = write_text("a3.toml", SAMPLE_ANSWERS + 'A13 = "yes"\n')
    result = runner("import-tracker", SAMPLE, "--answers", answers)
    assert result.exit_code == 0, result.output
    assert "Nothing to change" in result.output
    assert register_counts() == after_first


def test_dry_run_changes_nothing_and_exits_0_when_ready(runner, write_text, register_counts):
    before = register_counts()
    result = runner("import-tracker", SAMPLE, "--answers", write_text("a.toml", SAMPLE_ANSWERS), "--dry-run")
    assert result.exit_code == 0 and "Dry run: nothing changed" in result.output
    assert register_counts() == before


def test_the_printed_mapping_is_reusable_as_a_file(runner, write_text, make_xlsx):
    path = make_xlsx([HEADERS + ["Parking"], row() + ["Bay 4"]])
    first = runner("import-tracker", path, "--dry-run")
    assert first.exit_code == 0 and "Parking = ?" in first.output  # asked, ignored unless answered
    toml = first.output.split(f"\n{path}")[0]
    assert toml.startswith("# The mapping used")
    mapping = write_text("mapping.toml", toml + '"Parking" = "ignore"\n')
    result = runner("import-tracker", path, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert "Parking = ?" not in result.output and "Imported members: 1 created" in result.output


def test_a_saved_preset_is_used_by_name(runner, make_xlsx, app):
    from fpp.imports.tracker import ColumnMapping
    from fpp.imports.operations import save_preset
    save_preset("Board 2025", ColumnMapping({"Fancy search": "check.social_media"}))
    db.session.commit()
    path = make_xlsx([HEADERS + ["Fancy search"], row() + [date(2025, 4, 1)]])
    result = runner("import-tracker", path, "--mapping", "Board 2025")
    assert result.exit_code == 0, result.output
    assert '"Fancy search" = "check.social_media"' in result.output
    codes = {c for (c,) in db.session.execute(select(CheckRecord.code))}
    assert codes == {"identity", "dbs", "social_media"}


def test_an_unknown_column_of_dates_is_a_blocking_question_by_header(runner, make_xlsx, write_text, register_counts):
    path = make_xlsx([HEADERS + ["Fancy search"], row() + [date(2025, 4, 1)]])
    before = register_counts()
    result = runner("import-tracker", path)
    assert result.exit_code == 1 and '"Fancy search" = ?' in result.output
    assert "holds check values (I2: '01/04/2025')" in result.output and "if unanswered" not in result.output
    assert register_counts() == before
    answers = write_text("a.toml", '"Fancy search" = "check.social_media"\n')
    assert runner("import-tracker", path, "--answers", answers).exit_code == 0
    codes = {c for (c,) in db.session.execute(select(CheckRecord.code))}
    assert codes == {"identity", "dbs", "social_media"}


def test_a_csv_in_windows_1252(runner, write_text):
    text = ("Name,ESR no.,Exec / NED,Job title,Date appointed,ID & RTW,DBS date,DBS type\r\n"
            "Zoë Brontë,2002,NED,Non-Executive Director,01/02/2021,14/01/2021,3.11.22,Basic\r\n")
    path = write_text("tracker.csv", text, encoding="cp1252")
    result = runner("import-tracker", path)
    assert result.exit_code == 0, result.output
    member = db.session.execute(select(Member)).scalar_one()
    assert (member.member_id, member.name, member.position) == ("2002", "Zoë Brontë", "ned")
    dates = sorted(d for (d,) in db.session.execute(select(CheckRecord.completed_on)))
    assert dates == [date(2021, 1, 14), date(2022, 11, 3)]


@pytest.mark.parametrize("titles", [(), ("FPPT tracker", "Board", "", "Kept by the secretary", "")])
def test_header_on_row_1_or_row_6(runner, make_xlsx, titles):
    path = make_xlsx([HEADERS, row()], titles=titles)
    result = runner("import-tracker", path)
    assert result.exit_code == 0, result.output
    assert f"header row {len(titles) + 1}" in result.output
    assert db.session.execute(select(Member.member_id)).scalar_one() == "1001"


def test_a_duplicate_person_imports_nothing(runner, make_xlsx, register_counts):
    path = make_xlsx([HEADERS, row(), row(name="Ann  Smith", esr="1001")])
    before = register_counts()
    result = runner("import-tracker", path)
    assert result.exit_code == 1 and "appears more than once" in result.output
    assert register_counts() == before


@pytest.mark.parametrize("name, content, message", [
    ("broken.xlsx", b"PK\x03\x04 this is not a zip at all", "is damaged or not a real .xlsx workbook"),
    ("notes.xlsx", b"Dear secretary, the tracker is attached.", "is not a spreadsheet"),
])
def test_a_corrupt_file_or_not_a_spreadsheet(runner, tmp_path, register_counts, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = register_counts()
    result = runner("import-tracker", path)
    assert result.exit_code == 1
    assert f"Error: {path}: {message}" in result.output
    assert "Traceback" not in result.output and register_counts() == before


def test_a_missing_file_and_a_missing_mapping(runner, tmp_path, make_xlsx):
    result = runner("import-tracker", tmp_path / "nowhere.xlsx")
    assert result.exit_code == 1 and "cannot be opened" in result.output
    result = runner("import-tracker", make_xlsx([HEADERS, row()]), "--mapping", "No such preset")
    assert result.exit_code == 1 and "neither a saved preset nor a mapping file" in result.output


def test_unanswered_questions_write_nothing(runner, make_xlsx, register_counts):
    path = make_xlsx([HEADERS, row(identity="Yes"), row(name="Bob Jones", esr="1002")])
    before = register_counts()
    result = runner("import-tracker", path)
    assert result.exit_code == 1 and "F2 = ?" in result.output
    assert register_counts() == before
