"""The financial year (checks/years.py): which year a day is in, its label and bounds, days inside it."""
from datetime import date

import pytest

from checks.years import (FIRST_YEAR, LAST_YEAR, day_in_year, is_known_year, parse_month_day, parse_year,
                          year_bounds, year_label, year_of)


@pytest.mark.parametrize("day, year", [
    (date(2025, 4, 1), 2025), (date(2026, 3, 31), 2025), (date(2025, 3, 31), 2024), (date(2025, 12, 31), 2025),
    (date(2026, 1, 1), 2025), (date(2024, 2, 29), 2023),
])
def test_year_of(day, year):
    assert year_of(day) == year


@pytest.mark.parametrize("year, label", [(2025, "2025/26"), (1999, "1999/00"), (2009, "2009/10"), (2099, "2099/00")])
def test_year_label(year, label):
    assert year_label(year) == label


def test_year_bounds_are_the_first_and_last_day():
    start, end = year_bounds(2025)
    assert (start, end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year_of(start) == year_of(end) == 2025


@pytest.mark.parametrize("month_day, day", [
    ((4, 1), date(2025, 4, 1)),     # the default request day: the year's first day
    ((6, 30), date(2025, 6, 30)),
    ((12, 31), date(2025, 12, 31)),
    ((1, 1), date(2026, 1, 1)),     # January to March close the year: the next calendar year
    ((2, 1), date(2026, 2, 1)),     # a request day before April is still in 2025/26, not 2024/25
    ((3, 31), date(2026, 3, 31)),
])
def test_a_day_in_the_year(month_day, day):
    assert day_in_year(2025, month_day) == day
    assert year_of(day_in_year(2025, month_day)) == 2025


@pytest.mark.parametrize("year, known", [(FIRST_YEAR, True), (LAST_YEAR, True), (2025, True),
                                         (FIRST_YEAR - 1, False), (LAST_YEAR + 1, False)])
def test_one_set_of_year_bounds(year, known):
    assert is_known_year(year) is known


@pytest.mark.parametrize("text, year", [("2025", 2025), (" 2000 ", 2000), (2100, 2100)])
def test_parse_year(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["25/26", "2025/26", "twenty", "1066", "2101", "", "20250", "-2025"])
def test_a_bad_year_says_what_is_expected(text):
    with pytest.raises(ValueError, match="is not a year like 2025"):
        parse_year(text)


@pytest.mark.parametrize("text, month_day", [("06-30", (6, 30)), ("04-01", (4, 1)), (" 12-31 ", (12, 31))])
def test_parse_month_day(text, month_day):
    assert parse_month_day(text) == month_day


@pytest.mark.parametrize("text", ["6/30", "6-30", "06-31", "02-29", "13-01", "00-10", "06-3", "0630", "", "ab-cd"])
def test_a_bad_month_day_is_refused(text):
    with pytest.raises(ValueError, match="expected a day of the year MM-DD"):
        parse_month_day(text)
