"""One planning run against the register, shared by the web pages and the CLI (reads, never writes)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fpp.extensions import settings
from fpp.timeutil import today
from fpp.imports.tracker import (Answers, ColumnMapping, ImportPlan, ParsedTracker, TrackerError, plan_import,
                         propose_mapping, read_tracker)
from fpp.imports.queries import (CATALOGUE_PAIRS, CODES, applies_rule, find_preset, known_members,
                                    known_records)


@dataclass(frozen=True)
class Prepared:
    """A tracker read afresh, the mapping used and the plan against the register as it is now."""

    tracker: ParsedTracker
    mapping: ColumnMapping
    plan: ImportPlan
    sha256: str


def load_mapping(spec: str) -> ColumnMapping:
    """The mapping named by ``spec``: a saved preset's name, else a TOML mapping file's path.

    Raises TrackerError when it is neither, or when the file or preset is not a valid mapping.
    """
    preset = find_preset(spec)
    if preset is not None:
        return ColumnMapping.from_dict(json.loads(preset.mapping), CODES, source=f"preset {preset.name!r}")
    path = Path(spec)
    if not path.is_file():
        raise TrackerError("is neither a saved preset nor a mapping file", filename=spec)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TrackerError(f"cannot be read ({error})", filename=spec) from None
    return ColumnMapping.from_toml(text, CODES, source=spec)


def prepare(data: bytes, filename: str, *, sheet: str | None = None, preset: ColumnMapping | None = None,
            answers: Answers | None = None) -> Prepared:
    """Read ``data``, map its columns (``preset`` wins where it names a column) and plan the import.

    Raises TrackerError for a file that cannot be read as a tracker.
    """
    header_row = preset.header_row if preset else None
    tracker = read_tracker(data, filename=filename, sheet=sheet or (preset.sheet if preset else None),
                           header_row=header_row)
    mapping = propose_mapping(tracker, CATALOGUE_PAIRS, preset)
    as_of = today()
    plan = plan_import(tracker, mapping, CATALOGUE_PAIRS, members=known_members(), records=known_records(),
                       applies=applies_rule(as_of, settings().rules), as_of=as_of, answers=answers)
    return Prepared(tracker, mapping, plan, hashlib.sha256(data).hexdigest())
