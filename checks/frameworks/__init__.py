"""Competency frameworks by year (FPPT.md section 5): the attestation's statements, the competency domains
and the self-assessment ratings a financial year uses.

Each framework version is one TOML file (this folder holds the package's; docs/catalogue.md says how to
add one). A version applies from the financial year its file names until a later version's year; the
earliest version also covers the years before it, as the register had no other form then.
Pure: reading the files is the only I/O here; no clock, no Flask, no database.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checks.years import FIRST_YEAR, LAST_YEAR, year_label, year_of

PACKAGE_FOLDER = Path(__file__).resolve().parent
KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
VERSION_MAX = 40  # the attestations.framework_version column


class FrameworkError(ValueError):
    """A framework file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Item:
    """One attestation statement; an answer other than `expected` is a disclosure."""

    key: str
    text: str
    expected: str = "yes"
    part1: bool = False  # a Schedule 4 part 1 ground: disclosing it bars `fit_and_proper`


@dataclass(frozen=True)
class Framework:
    """One framework version: what the attestation asks in the years it applies to."""

    version: str
    title: str
    applies_from: int  # the first financial year, named by its first calendar year (2026 is 2026/27)
    statements: tuple[Item, ...]
    domains: tuple[tuple[str, str], ...]  # (key, text)
    ratings: tuple[tuple[str, str], ...]  # (key, text)
    source: str = ""  # the file it was read from

    @property
    def applies_from_label(self) -> str:
        return year_label(self.applies_from)


# ---- Which version applies ----------------------------------------------------------------------

def framework_for_year(frameworks: Iterable[Framework], year: int) -> Framework:
    """The version in force in financial year `year`: the one with the latest `applies_from` not after
    it; for a year before every version, the earliest. Raises ValueError when there is none at all."""
    ordered = sorted(frameworks, key=lambda f: f.applies_from)
    if not ordered:
        raise ValueError("no competency framework is installed")
    chosen = ordered[0]
    for framework in ordered:
        if framework.applies_from <= year:
            chosen = framework
    return chosen


def framework_for_date(frameworks: Iterable[Framework], day: date) -> Framework:
    """The version in force on `day`: that of the financial year the day falls in."""
    return framework_for_year(frameworks, year_of(day))


def years_in_force(frameworks: Iterable[Framework], framework: Framework) -> tuple[int, int | None]:
    """(first year, last year or None when open-ended) in which `framework` is the version in force."""
    later = sorted(f.applies_from for f in frameworks if f.applies_from > framework.applies_from)
    return framework.applies_from, (later[0] - 1 if later else None)


# ---- Reading the files --------------------------------------------------------------------------

@dataclass(frozen=True)
class Frameworks:
    """The versions found on the search path: `in_force` choose the year; `everything` also keeps versions
    another file shadows, so an attestation made against one can still name it."""

    in_force: tuple[Framework, ...]
    everything: tuple[Framework, ...]

    def for_year(self, year: int) -> Framework:
        return framework_for_year(self.in_force, year)

    def for_date(self, day: date) -> Framework:
        return framework_for_date(self.in_force, day)

    def by_version(self, version: str | None) -> Framework | None:
        return next((f for f in self.everything if f.version == version), None)


def load_frameworks(folders: Sequence[Path | str]) -> Frameworks:
    """Every `*.toml` file in `folders` (in order) and then in the package's own folder. A folder earlier
    in the list wins: its version replaces one of the same name, or of the same `applies_from`, found
    later. Two files of one folder may not share a version or a year. Raises FrameworkError."""
    chosen: dict[int, Framework] = {}
    everything: dict[str, Framework] = {}
    for folder in [*map(Path, folders), PACKAGE_FOLDER]:
        if not folder.is_dir():
            raise FrameworkError(f"{folder}: not a folder")
        here = [read_framework(path) for path in sorted(folder.glob("*.toml"))]
        _refuse_duplicates(here)
        for framework in here:
            if framework.version not in everything and framework.applies_from not in chosen:
                chosen[framework.applies_from] = framework
            everything.setdefault(framework.version, framework)
    if not chosen:
        raise FrameworkError(f"{PACKAGE_FOLDER}: no competency framework file (*.toml) found")
    return Frameworks(tuple(sorted(chosen.values(), key=lambda f: f.applies_from)), tuple(everything.values()))


def _refuse_duplicates(frameworks: list[Framework]) -> None:
    for attribute in ("version", "applies_from"):
        seen: dict[Any, str] = {}
        for framework in frameworks:
            value = getattr(framework, attribute)
            if value in seen:
                raise FrameworkError(f"{framework.source}: {attribute}: {value!r} is also the {attribute} "
                                     f"of {seen[value]}")
            seen[value] = framework.source


def read_framework(path: Path) -> Framework:
    """Read and check one framework file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read: {exc.strerror}") from None
    return parse_framework(data, str(path))


TOP_KEYS = {"version", "title", "applies_from", "statements", "domains", "ratings"}


def parse_framework(data: Mapping[str, Any], source: str) -> Framework:
    """A Framework from a file's parsed TOML; FrameworkError("<source>: <key>: <what is wrong>") if it is
    incomplete, has an unknown key, or a value of the wrong kind."""
    def fail(key: str, message: str):
        raise FrameworkError(f"{source}: {key}: {message}")

    for key in data:
        if key not in TOP_KEYS:
            fail(key, f"unknown key (expected {', '.join(sorted(TOP_KEYS))})")
    version = _text(data, "version", fail)
    if len(version) > VERSION_MAX or any(c.isspace() for c in version):
        fail("version", f"expected at most {VERSION_MAX} characters and no spaces, got {version!r}")
    applies_from = data.get("applies_from")
    if not isinstance(applies_from, int) or isinstance(applies_from, bool) \
            or not FIRST_YEAR <= applies_from <= LAST_YEAR:
        fail("applies_from", f"expected the first calendar year of a financial year ({FIRST_YEAR} to "
                             f"{LAST_YEAR}), e.g. 2026 for 2026/27, got {applies_from!r}")
    statements = tuple(_statement(table, f"statements[{n}]", fail)
                       for n, table in enumerate(_tables(data, "statements", fail), start=1))
    domains = _pairs(data, "domains", fail)
    ratings = _pairs(data, "ratings", fail)
    _unique_keys([s.key for s in statements], "statements", fail)
    return Framework(version, _text(data, "title", fail), applies_from, statements, domains, ratings, source)


def _text(table: Mapping[str, Any], key: str, fail, where: str = "") -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        fail(f"{where}{key}", f"expected some text, got {value!r}")
    return value.strip()


def _tables(data: Mapping[str, Any], key: str, fail) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        fail(key, f"expected one or more [[{key}]] tables")
    return value


def _key(table: Mapping[str, Any], where: str, fail) -> str:
    key = table.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        fail(f"{where}.key", f"expected a short name of lower-case letters, digits and _, got {key!r}")
    return key


def _statement(table: Mapping[str, Any], where: str, fail) -> Item:
    for name in table:
        if name not in ("key", "text", "expected", "part1"):
            fail(f"{where}.{name}", "unknown key (expected key, text, expected, part1)")
    expected = table.get("expected", "yes")
    if expected not in ("yes", "no"):
        fail(f"{where}.expected", f"expected \"yes\" or \"no\", got {expected!r}")
    part1 = table.get("part1", False)
    if not isinstance(part1, bool):
        fail(f"{where}.part1", f"expected true or false, got {part1!r}")
    return Item(_key(table, where, fail), _text(table, "text", fail, f"{where}."), expected, part1)


def _pairs(data: Mapping[str, Any], section: str, fail) -> tuple[tuple[str, str], ...]:
    pairs = []
    for n, table in enumerate(_tables(data, section, fail), start=1):
        where = f"{section}[{n}]"
        for name in table:
            if name not in ("key", "text"):
                fail(f"{where}.{name}", "unknown key (expected key, text)")
        pairs.append((_key(table, where, fail), _text(table, "text", fail, f"{where}.")))
    _unique_keys([key for key, _ in pairs], section, fail)
    return tuple(pairs)


def _unique_keys(keys: list[str], section: str, fail) -> None:
    seen = set()
    for n, key in enumerate(keys, start=1):
        if key in seen:
            fail(f"{section}[{n}].key", f"{key!r} is used twice")
        seen.add(key)


PACKAGE_FRAMEWORKS = load_frameworks(())  # the package's own files, read once (a broken one fails on import)
