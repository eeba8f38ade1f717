"""Competency frameworks by year (checks.frameworks): which version a year or a day uses, and the files."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checks.annual import ATTESTATION_ITEMS, LCF, LCF_DOMAINS
from checks.frameworks import (
    PACKAGE_FOLDER, PACKAGE_FRAMEWORKS, FrameworkError, framework_for_date, framework_for_year, load_frameworks,
    parse_framework, years_in_force,
)

TEST_FOLDER = Path(__file__).resolve().parents[1] / "data" / "frameworks"
LATER = replace(LCF, version="LATER-2030", title="A later version", applies_from=2030)
TEST = load_frameworks([TEST_FOLDER]).by_version("TEST-2026")
VERSIONS = (LATER, TEST, LCF)  # in no particular order: the rule sorts them


@pytest.mark.parametrize("year, version", [
    (2019, "LCF-2024"),  # before every version: the earliest, the register's only form then
    (2023, "LCF-2024"),
    (2024, "LCF-2024"),
    (2025, "LCF-2024"),
    (2026, "TEST-2026"),
    (2029, "TEST-2026"),
    (2030, "LATER-2030"),
    (2099, "LATER-2030"),  # the latest is open-ended
])
def test_the_version_in_force_in_a_year(year, version):
    assert framework_for_year(VERSIONS, year).version == version


@pytest.mark.parametrize("day, version", [
    (date(2026, 3, 31), "LCF-2024"),  # the last day of 2025/26
    (date(2026, 4, 1), "TEST-2026"),  # the first day of 2026/27
    (date(2027, 3, 31), "TEST-2026"),
    (date(2030, 4, 1), "LATER-2030"),
])
def test_the_version_in_force_on_a_day_is_that_of_its_financial_year(day, version):
    assert framework_for_date(VERSIONS, day).version == version


def test_without_any_version_there_is_no_answer():
    with pytest.raises(ValueError, match="no competency framework"):
        framework_for_year((), 2025)


def test_the_years_a_version_is_in_force():
    assert years_in_force(VERSIONS, LCF) == (2024, 2025)
    assert years_in_force(VERSIONS, TEST) == (2026, 2029)
    assert years_in_force(VERSIONS, LATER) == (2030, None)


def test_the_package_holds_the_leadership_competency_framework_open_ended():
    [lcf] = PACKAGE_FRAMEWORKS.in_force
    assert (lcf.version, lcf.applies_from, lcf.source) == ("LCF-2024", 2024, str(PACKAGE_FOLDER / "lcf-2024.toml"))
    assert [key for key, _ in lcf.domains] == ["outcomes", "strategy", "equality", "governance", "culture",
                                              "partnerships"]
    assert len(lcf.statements) == 14 and sum(item.part1 for item in lcf.statements) == 6
    assert PACKAGE_FRAMEWORKS.for_year(2100) is lcf
    assert ATTESTATION_ITEMS is lcf.statements and LCF_DOMAINS is lcf.domains


def test_a_folder_on_the_search_path_adds_a_version_without_code():
    found = load_frameworks([TEST_FOLDER])
    assert [f.version for f in found.in_force] == ["LCF-2024", "TEST-2026"]
    assert found.for_year(2026).title == "Test framework 2026 (test data)"
    assert [item.key for item in found.for_year(2026).statements] == ["test_character", "test_barred"]
    assert found.for_year(2025).version == "LCF-2024"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _minimal(version: str, applies_from: int) -> str:
    return (f'version = "{version}"\ntitle = "T"\napplies_from = {applies_from}\n'
            '[[statements]]\nkey = "s"\ntext = "S"\n[[domains]]\nkey = "d"\ntext = "D"\n'
            '[[ratings]]\nkey = "r"\ntext = "R"\n')


def test_a_folder_earlier_on_the_path_wins(tmp_path):
    _write(tmp_path / "a", "mine.toml", _minimal("OURS-2024", 2024))  # same year as the package's version
    _write(tmp_path / "b", "other.toml", _minimal("OTHER-2024", 2024))
    found = load_frameworks([tmp_path / "a", tmp_path / "b"])
    assert [f.version for f in found.in_force] == ["OURS-2024"]
    # The versions it shadows can still be named by an attestation made against them.
    assert found.by_version("LCF-2024") is not None and found.by_version("OTHER-2024") is not None
    assert found.by_version("NOT-INSTALLED") is None


@pytest.mark.parametrize("second, message", [
    (_minimal("A-2026", 2027), "version: 'A-2026' is also the version of"),
    (_minimal("B-2026", 2026), "applies_from: 2026 is also the applies_from of"),
])
def test_two_files_of_one_folder_may_not_share_a_version_or_a_year(tmp_path, second, message):
    _write(tmp_path, "1.toml", _minimal("A-2026", 2026))
    _write(tmp_path, "2.toml", second)
    with pytest.raises(FrameworkError, match=message) as error:
        load_frameworks([tmp_path])
    assert str(tmp_path / "2.toml") in str(error.value)


def test_a_search_path_entry_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(FrameworkError, match="not a folder"):
        load_frameworks([tmp_path / "missing"])


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path):
    path = _write(tmp_path, "bad.toml", "version = \n")
    with pytest.raises(FrameworkError, match="not valid TOML") as error:
        load_frameworks([tmp_path])
    assert str(path) in str(error.value)


GOOD = {"version": "X-2026", "title": "X", "applies_from": 2026,
        "statements": [{"key": "s", "text": "S"}], "domains": [{"key": "d", "text": "D"}],
        "ratings": [{"key": "r", "text": "R"}]}


@pytest.mark.parametrize("change, key, message", [
    ({"colour": "blue"}, "colour", "unknown key"),
    ({"version": ""}, "version", "expected some text"),
    ({"version": "has space"}, "version", "no spaces"),
    ({"version": "V" * 41}, "version", "at most 40"),
    ({"title": 3}, "title", "expected some text"),
    ({"applies_from": "2026"}, "applies_from", "expected the first calendar year"),
    ({"applies_from": 1999}, "applies_from", "expected the first calendar year"),
    ({"applies_from": True}, "applies_from", "expected the first calendar year"),
    ({"statements": []}, "statements", "expected one or more [[statements]] tables"),
    ({"statements": ["text"]}, "statements", "expected one or more [[statements]] tables"),
    ({"statements": [{"key": "Bad Key", "text": "S"}]}, "statements[1].key", "lower-case letters"),
    ({"statements": [{"key": "s"}]}, "statements[1].text", "expected some text"),
    ({"statements": [{"key": "s", "text": "S", "expected": "maybe"}]}, "statements[1].expected", '"yes" or "no"'),
    ({"statements": [{"key": "s", "text": "S", "part1": "yes"}]}, "statements[1].part1", "true or false"),
    ({"statements": [{"key": "s", "text": "S", "wording": "x"}]}, "statements[1].wording", "unknown key"),
    ({"statements": [{"key": "s", "text": "S"}, {"key": "s", "text": "T"}]}, "statements[2].key", "used twice"),
    ({"domains": None}, "domains", "expected one or more [[domains]] tables"),
    ({"domains": [{"key": "d", "text": " "}]}, "domains[1].text", "expected some text"),
    ({"domains": [{"key": "d", "text": "D", "weight": 2}]}, "domains[1].weight", "unknown key"),
    ({"ratings": [{"key": "r", "text": "R"}, {"key": "r", "text": "S"}]}, "ratings[2].key", "used twice"),
])
def test_a_malformed_file_is_refused_naming_the_file_and_the_key(change, key, message):
    with pytest.raises(FrameworkError) as error:
        parse_framework(GOOD | change, "folder/x.toml")
    assert str(error.value).startswith(f"folder/x.toml: {key}: ") and message in str(error.value)


def test_a_well_formed_file_parses():
    framework = parse_framework(GOOD | {"statements": [{"key": "s", "text": " S ", "expected": "no", "part1": True}]},
                                "x.toml")
    assert (framework.version, framework.applies_from_label) == ("X-2026", "2026/27")
    assert (framework.statements[0].text, framework.statements[0].expected, framework.statements[0].part1) == \
        ("S", "no", True)
