"""Calendar arithmetic used by the rules."""
from __future__ import annotations

import calendar
from datetime import date


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """Return `day` moved by `months`, on the same day of the month or the month's last day.

    31 Jan + 1 month is 28 (or 29) Feb; 29 Feb 2024 + 12 months is 28 Feb 2025 (FPPT.md section 4).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = 29 if month == 1 and calendar.isleap(year) else _DAYS_IN_MONTH[month]
    return date(year, month + 1, min(day.day, last))

