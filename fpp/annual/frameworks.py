"""The competency frameworks the app uses (checks.frameworks), read from `[frameworks] search_path` and the
package's folder once, at start-up: a malformed file stops start-up naming the file and the key."""
from __future__ import annotations

from datetime import date

from flask import Flask, current_app

from checks.frameworks import Framework, FrameworkError, Frameworks, load_frameworks, years_in_force
from checks.years import year_label
from fpp.config import ConfigError, Settings

EXTENSION = "fpp_frameworks"


def load(settings: Settings) -> Frameworks:
    """The frameworks on the configured search path, then the package's; ConfigError if any is malformed."""
    try:
        return load_frameworks(settings["frameworks_search_path"])
    except FrameworkError as exc:
        raise ConfigError(f"frameworks_search_path: {exc}") from None


def configure(app: Flask) -> None:
    """Read and check the framework files for `app` (called when the annual blueprint is registered)."""
    app.extensions[EXTENSION] = load(app.extensions["fpp_settings"])


def frameworks() -> Frameworks:
    """The app's frameworks (read now if the app was made without the annual pages, as `fpp status` is)."""
    if EXTENSION not in current_app.extensions:
        configure(current_app)
    return current_app.extensions[EXTENSION]


def for_year(year: int) -> Framework:
    """The framework version in force in financial year `year`."""
    return frameworks().for_year(year)


def for_date(day: date) -> Framework:
    """The framework version in force on `day` (an appraisal's completion date, say)."""
    return frameworks().for_date(day)


def by_version(version: str | None) -> Framework | None:
    """The framework an attestation names, if its file is still installed."""
    return frameworks().by_version(version)


def in_force_label(framework: Framework) -> str:
    """"2024/25 onwards" or "2024/25 to 2025/26": the years a version is in force."""
    first, last = years_in_force(frameworks().in_force, framework)
    return f"{year_label(first)} onwards" if last is None else \
        (year_label(first) if last == first else f"{year_label(first)} to {year_label(last)}")
