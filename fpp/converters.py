"""URL converters: `<year:year>` is a financial year by its first calendar year (2025 for 2025/26).

Four digits within the register's year bounds (checks.years), else the URL matches nothing: a 404 page,
never a 500. Every page with a year in its URL uses it, so the bounds are the same everywhere.
"""
from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

from checks.years import is_known_year


class YearConverter(BaseConverter):
    """`/years/2025` -> 2025; `/years/1066`, `/years/25` and `/years/twenty` are not found."""

    regex = r"\d{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not is_known_year(year):
            raise ValidationError()
        return year

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"
