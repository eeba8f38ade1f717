"""The NHS financial year (FPPT.md section 6): the one place that says which year a day belongs to.

A year runs from 1 April to 31 March and is named by its first calendar year: 2025 is "2025/26",
1 April 2025 to 31 March 2026. Every page, command and job asks these functions; nothing else works
out a year from a date. Pure: no clock, no Flask, no database.
"""
from __future__ import annotations

from datetime import date

YEAR_STARTS = (4, 1)  # (month, day): 1 April
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the register accepts in URLs and on the command line


def year_of(day: date) -> int:
    """The financial year (its first calendar year) that `day` falls in: 31 March 2026 -> 2025."""
    return day.year if (day.month, day.day) >= YEAR_STARTS else day.year - 1


def year_label(year: int) -> str:
    """`2025` -> `2025/26`."""
    return f"{year}/{(year + 1) % 100:02d}"


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of the year: (1 April `year`, 31 March `year + 1`)."""
    return date(year, *YEAR_STARTS), date(year + 1, 3, 31)


def day_in_year(year: int, month_day: tuple[int, int]) -> date:
    """The day `month_day` (month, day) that falls inside financial year `year`.

    A day from 1 April on is in the calendar year `year`; a day before April is in `year + 1`, because
    January to March close the financial year. So the annual attestation request configured as
    "04-01" is sent for 2025/26 on 1 April 2025, and one configured as "02-01" on 1 February 2026:
    the request for year Y is always sent during year Y. (Taking the calendar year of the financial
    year's start for every MM-DD put a February request day in the previous financial year.)
    """
    month, day = month_day
    return date(year if (month, day) >= YEAR_STARTS else year + 1, month, day)


def is_known_year(year: int) -> bool:
    """True for the years the register accepts (FIRST_YEAR to LAST_YEAR); the same bounds everywhere."""
    return FIRST_YEAR <= year <= LAST_YEAR


def parse_year(text: str | int) -> int:
    """A year as the CLI and URLs write it ("2025" for 2025/26); ValueError saying what is expected."""
    value = str(text).strip()
    if not (len(value) == 4 and value.isdigit() and is_known_year(int(value))):
        raise ValueError(f"{text!r} is not a year like 2025 (for 2025/26), from {FIRST_YEAR} to {LAST_YEAR}")
    return int(value)


def parse_month_day(text: str) -> tuple[int, int]:
    """A day that exists every year written MM-DD ("06-30") as (month, day); ValueError otherwise.

    29 February is refused: a deadline or a request day must fall in every year.
    """
    value = str(text).strip()
    month, separator, day = value.partition("-")
    try:
        if separator != "-" or len(month) != 2 or len(day) != 2 or not (month + day).isdigit():
            raise ValueError
        date(2023, int(month), int(day))  # 2023 is not a leap year
    except ValueError:
        raise ValueError(f"expected a day of the year MM-DD, got {text!r}") from None
    return int(month), int(day)
