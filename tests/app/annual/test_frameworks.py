"""Competency frameworks by year in the app: the year's version chooses the attestation's statements and
domains, the attestation names it, the secretary sees each year's, an appraisal shows the one of its date.

The app here has tests/data/frameworks on `[frameworks] search_path`: its made-up "Test framework 2026"
applies from 2026/27, the package's Leadership Competency Framework before that. No code knows of it.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from checks.annual import LCF
from fpp.annual import frameworks
from fpp.annual.models import Attestation
from fpp.app import create_app
from fpp.config import ConfigError
from fpp.extensions import db
from fpp.timeutil import freeze
from tests.app.annual.conftest import attestation_data

TEST_FOLDER = Path(__file__).resolve().parents[2] / "data" / "frameworks"


@pytest.fixture
def settings_overrides(settings_overrides):
    return settings_overrides | {"frameworks_search_path": [str(TEST_FOLDER)]}


@pytest.fixture
def in_2026_27():
    with freeze(datetime(2026, 6, 10, 12, 0)):
        yield


def _attestation(member) -> Attestation:
    return db.session.execute(select(Attestation).where(Attestation.member_pk == member.id)).scalar_one()


def test_the_form_of_a_year_whose_framework_differs_shows_that_frameworks_wording(client, board, sign_in, in_2026_27):
    test = frameworks.for_year(2026)
    assert test.version == "TEST-2026"
    sign_in(board.ned_user)
    page = client.get("/attestations/new").get_data(as_text=True)
    assert "Self-attestation 2026/27" in page and "Test framework 2026 (test data) (version TEST-2026)" in page
    assert "Test statement one: I am of good character (test data)." in page
    assert "Test domain: delivering the test plan" in page and "Meets the test standard" in page
    assert LCF.statements[0].text not in page and LCF.domains[0][1] not in page


def test_the_stored_attestation_names_its_version_and_keeps_its_wording(client, board, sign_in, in_2026_27):
    test = frameworks.for_year(2026)
    sign_in(board.ned_user)
    response = client.post("/attestations/new", data=attestation_data({"test_barred": "Barred in 2020"},
                                                                      framework=test))
    assert response.status_code == 302
    attestation = _attestation(board.ned)
    assert (attestation.year, attestation.framework_version) == (2026, "TEST-2026")
    assert attestation.has_disclosure and attestation.discloses_part1_ground  # the file's part1 flag counts
    assert [a["key"] for a in json.loads(attestation.answers)] == ["test_character", "test_barred"]
    assert [(r["domain"], r["rating_text"]) for r in json.loads(attestation.self_assessment)] == [
        ("test_delivery", "Not yet"), ("test_people", "Not yet")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "against the Test framework 2026 (test data) (version TEST-2026)" in page
    assert "Test domain: looking after people" in page
    assert "Version TEST-2026" in client.get("/attestations").get_data(as_text=True)


def test_the_previous_years_attestation_keeps_the_leadership_competency_framework(client, board, sign_in):
    # The clock of this folder's tests is in 2025/26, before the test framework applies.
    sign_in(board.ned_user)
    page = client.get("/attestations/new").get_data(as_text=True)
    assert "Leadership competency framework for board members (version LCF-2024)" in page
    assert client.post("/attestations/new", data=attestation_data()).status_code == 302
    assert _attestation(board.ned).framework_version == "LCF-2024"


def test_answers_to_another_versions_statements_are_refused(client, board, sign_in, in_2026_27):
    sign_in(board.ned_user)
    response = client.post("/attestations/new", data=attestation_data())  # the LCF's statements and ratings
    assert response.status_code == 200 and "Statement 1: answer yes or no" in response.get_data(as_text=True)
    assert db.session.execute(select(Attestation)).first() is None


def test_the_secretary_sees_which_version_each_year_uses(client, board, sign_in):
    sign_in(board.secretary)
    page = client.get("/years/2026").get_data(as_text=True)
    assert "2026/27 attestations use the Test framework 2026 (test data), version TEST-2026 (2026/27 onwards)" in page
    page = client.get("/years/2025").get_data(as_text=True)
    assert ("2025/26 attestations use the Leadership competency framework for board members, version LCF-2024 "
            "(2024/25 to 2025/26)") in page
    page = client.get("/years/2023").get_data(as_text=True)
    assert "version LCF-2024 (2024/25 to 2025/26; the earliest version installed, so it also covers this year)" in page


def test_an_appraisal_shows_the_version_in_force_on_its_date(client, board, sign_in, create_record, in_2026_27):
    create_record(board.ned, "appraisal", date(2025, 5, 1))
    create_record(board.ned, "appraisal", date(2026, 4, 2))
    sign_in(board.secretary)
    page = client.get(f"/members/{board.ned.id}").get_data(as_text=True)
    assert ("02/04/2026 (Test framework 2026 (test data), version TEST-2026), "
            "01/05/2025 (Leadership competency framework for board members, version LCF-2024)") in page


def test_an_attestation_whose_file_was_removed_still_names_its_version(client, board, sign_in):
    sign_in(board.ned_user)
    client.post("/attestations/new", data=attestation_data())
    attestation = _attestation(board.ned)
    attestation.framework_version = "GONE-2019"
    db.session.commit()
    page = client.get(f"/attestations/{attestation.id}").get_data(as_text=True)
    assert "against competency framework version GONE-2019" in page


@pytest.mark.parametrize("text, key", [
    ('version = "BAD-2026"\ntitle = "Bad"\napplies_from = 2026\n', "statements"),
    ('version = "BAD-2026"\ntitle = "Bad"\napplies_from = "next year"\n', "applies_from"),
])
def test_a_malformed_framework_file_stops_start_up_naming_the_file_and_the_key(tmp_path, settings_overrides, text,
                                                                              key):
    (tmp_path / "frameworks").mkdir()
    bad = tmp_path / "frameworks" / "bad.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as error:
        create_app(os.devnull, settings_overrides | {"frameworks_search_path": [str(bad.parent)]}, testing=True)
    assert str(error.value).startswith(f"frameworks_search_path: {bad}: {key}: ")


def test_a_search_path_folder_that_does_not_exist_stops_start_up(tmp_path, settings_overrides):
    with pytest.raises(ConfigError, match="frameworks_search_path: .*missing: not a folder"):
        create_app(os.devnull, settings_overrides | {"frameworks_search_path": [str(tmp_path / "missing")]},
                   testing=True)
