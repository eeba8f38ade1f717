"""Plain data going in and out of the tracker import: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Union

CellValue = Union[str, int, float, bool, date, None]


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty source cell: its real spreadsheet reference (``V7``), value and comment.

    ``merged_from`` is the top-left reference of the merged range the cell belongs to, if any;
    merged cells all carry the top-left value, as Excel shows them.
    """

    ref: str
    value: CellValue
    comment: str | None = None
    merged_from: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the tracker: 0-based index, letter, header text as written, and its key.

    ``key`` is the header text trimmed (with `` [L]`` added when two columns share a header);
    it is what a mapping and an answers file name the column by.
    """

    index: int
    letter: str
    header: str
    key: str


@dataclass(frozen=True, slots=True)
class TrackerRow:
    """One data row: its 1-based row number and its non-empty cells by column index."""

    number: int
    cells: dict[int, Cell]


@dataclass(frozen=True)
class ParsedTracker:
    """What was read from the file, before any interpretation of the cells."""

    filename: str
    sheet: str | None
    header_row: int
    columns: list[Column]
    rows: list[TrackerRow]
    notices: list["Notice"] = field(default_factory=list)

    def column(self, key: str) -> Column | None:
        """The column whose key equals ``key`` (case and spacing ignored), or None."""
        wanted = _fold(key)
        return next((c for c in self.columns if _fold(c.key) == wanted), None)


@dataclass(frozen=True)
class KnownMember:
    """A member already in the register, as the integrator passes it in.

    Only ``member_id`` and ``name`` are required. An optional field left as None means "not
    held"; a tracker value for it is proposed as an update, so pass every field you hold.
    """

    member_id: str
    name: str
    start_on: date | None = None
    end_on: date | None = None
    professional_registration: str | None = None
    email: str | None = None
    position: str | None = None
    role_title: str | None = None
    voting: bool | None = None
    interim: bool | None = None
    executive: bool | None = None
    date_of_birth: date | None = None


@dataclass(frozen=True)
class KnownRecord:
    """A check record already in the register; identified by member, code, date and outcome."""

    member_id: str
    code: str
    completed_on: date
    outcome: str
    reference: str | None = None
    dbs_level: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class CreateMember:
    """Create this member. ``id_generated`` is True when the tracker had no number for them."""

    member_id: str
    name: str
    start_on: date | None
    position: str | None = None
    end_on: date | None = None
    email: str | None = None
    role_title: str | None = None
    voting: bool | None = None
    interim: bool | None = None
    executive: bool | None = None
    professional_registration: str | None = None
    date_of_birth: date | None = None
    id_generated: bool = False
    source: str = ""


@dataclass(frozen=True)
class UpdateMember:
    """Set these fields of an existing member; ``sources`` gives the cell of each new value and
    ``before`` the value each field holds now (the preview shows before -> after)."""

    member_id: str
    changes: dict[str, Any]
    sources: dict[str, str]
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def renames(self) -> bool:
        """True for a new name, or a new date of birth where the register holds one (filling in one it
        lacks is no rename): "is this the same person?" needs an answer."""
        return "name" in self.changes or (
            "date_of_birth" in self.changes and self.before.get("date_of_birth") is not None)


@dataclass(frozen=True)
class CreateCheckRecord:
    """Create one check record; ``source`` is the cell it came from."""

    member_id: str
    code: str
    completed_on: date
    outcome: str
    reference: str | None = None
    dbs_level: str | None = None
    notes: str | None = None
    source: str = ""
    # The contract workbook's optional Checks columns (CONTRACT.md): what a register search was run on and
    # by whom, and the expiry date a per-record check's document states.
    searched_name: str | None = None
    searched_dob: date | None = None
    searched_by: str | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class UpdateCheckRecord:
    """Change the reference, DBS level or notes of the record identified by the first four fields;
    ``before`` holds the values they have now."""

    member_id: str
    code: str
    completed_on: date
    outcome: str
    changes: dict[str, Any]
    source: str = ""
    before: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    """A cell or row that creates nothing, and why (``blank``, ``outstanding``, ...)."""

    reason: str
    cell: str
    member_id: str | None = None


Action = Union[CreateMember, UpdateMember, CreateCheckRecord, UpdateCheckRecord, Skip]


# A member update that changes one of these asks "is this the same person?" (key RENAME_PREFIX + Member ID;
# answered per member on the web, by `--accept-renames` or the answers file on the command line).
RENAME_FIELDS = frozenset({"name", "date_of_birth"})
RENAME_PREFIX = "rename "


@dataclass(frozen=True)
class Question:
    """Something only a person can decide.

    ``key`` is what the answers file uses: a cell reference (``V7``) or, for a column-level
    question, the column header. ``default`` is what happens if nobody answers; a question with
    no default blocks the import until it is answered. ``suggestion`` is an answer proposed for the
    person to confirm (the web form shows it preselected); it is never taken without them.
    """

    key: str
    cell: str
    message: str
    expects: str
    default: str | None = None
    context: str | None = None
    answer: Any = None
    suggestion: str | None = None

    @property
    def is_open(self) -> bool:
        """True while nobody has answered it."""
        return self.answer is None

    @property
    def is_blocking(self) -> bool:
        """True when it is open and has no default: the import cannot go ahead."""
        return self.is_open and self.default is None


@dataclass(frozen=True)
class Problem:
    """Something wrong in the tracker that an answer cannot fix (e.g. a duplicate person)."""

    cell: str
    message: str


@dataclass(frozen=True)
class Notice:
    """Information worth showing in the preview that needs no decision."""

    key: str
    message: str


@dataclass
class MemberPlan:
    """Everything planned for one tracker row."""

    row: int
    name: str
    member_id: str | None
    is_new: bool
    actions: list[Action] = field(default_factory=list)
    notes: str | None = None


@dataclass
class ImportPlan:
    """The preview: what would be written, and what needs a person first."""

    filename: str
    sheet: str | None
    header_row: int
    mapping: dict[str, str]
    members: list[MemberPlan]
    questions: list[Question]
    problems: list[Problem]
    notices: list[Notice]

    @property
    def actions(self) -> list[Action]:
        """Every action, member by member, in row order (members before their records)."""
        return [action for member in self.members for action in member.actions]

    @property
    def open_questions(self) -> list[Question]:
        """Questions nobody has answered yet (blocking or not)."""
        return [q for q in self.questions if q.is_open]

    @property
    def is_ready(self) -> bool:
        """True when nothing blocks applying the plan: no problems, no blocking question."""
        return not self.problems and not any(q.is_blocking for q in self.questions)

    def count(self, kind: type) -> int:
        """How many actions of this type the plan holds."""
        return sum(isinstance(a, kind) for a in self.actions)


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()
