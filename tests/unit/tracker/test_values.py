"""What single cells mean: dates typed by hand, N/A, no-record wordings, DBS levels."""

from datetime import date, datetime

import pytest

from fpp.imports.tracker.values import name_key, parse_date, parse_dbs_level, read_check_cell


@pytest.mark.parametrize("text", ["14/03/2023", "14.03.2023", "14-03-2023", "2023-03-14", "14 Mar 2023",
                                  "14 March 2023", "14/3/23", " 14/03/2023 "])
def test_typed_dates_are_day_first(text):
    assert parse_date(text) == date(2023, 3, 14)


def test_two_digit_year_with_dots():
    assert parse_date("3.11.22") == date(2022, 11, 3)


def test_excel_date_drops_the_time_of_day():
    assert parse_date(datetime(2023, 3, 14, 15, 30)) == date(2023, 3, 14)


@pytest.mark.parametrize("text", ["Apr 2025", "03/14/2023", "31/02/2023", "2/5", "Yes", "2023", "14/03/2023 renewed"])
def test_uncertain_dates_are_not_guessed(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["N/A", "n/a", "not applicable", "Not Applicable", "NA"])
def test_not_applicable_wordings(text):
    assert read_check_cell(text).kind == "not_applicable"


def test_not_applicable_keeps_trailing_words_as_a_note():
    assert read_check_cell("N/A - NED").note == "NED"


@pytest.mark.parametrize("text", ["outstanding", "Outstanding", "awaiting", "Awaiting 2nd ref", "not due",
                                  "Not due", "chased", "chased 2/5", "pending", "-"])
def test_no_record_wordings(text):
    assert read_check_cell(text).kind == "no_record"


@pytest.mark.parametrize("value", [None, ""])
def test_blank(value):
    assert read_check_cell(value).kind == "blank"


@pytest.mark.parametrize("text", ["Apr 2025", "CONCERN - see note", "Yes - 2 recd", "Yes", "Nathan", "done"])
def test_anything_else_is_unclear(text):
    assert read_check_cell(text).kind == "unclear"


@pytest.mark.parametrize("text, level", [
    ("Basic", "basic"), ("standard", "standard"), ("Enhanced", "enhanced"),
    ("Enhanced w/ barred", "enhanced_barred"), ("Enhanced with barred lists", "enhanced_barred"),
    ("Enhanced + barred list", "enhanced_barred"), ("ENH & barred", "enhanced_barred"),
    ("Enhanced (adult)", None), ("Yes", None), ("", None),
])
def test_dbs_levels(text, level):
    assert parse_dbs_level(text) == level


def test_name_key_ignores_titles_case_accents_and_punctuation():
    assert name_key("Mrs Sarah O'Neill") == name_key("sarah oneill")
    assert name_key("Dr Zoë Brontë (interim)") == "zoe bronte"
