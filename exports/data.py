"""Plain data the export builders take: frozen dataclasses, no database, no Flask.

The integrator fills these from the register; the builders only read them. Naming follows the house
style: ``*_on`` is a ``datetime.date``, ``*_at`` a naive UTC ``datetime.datetime``, ``is_*`` a bool.
Rows for the big sheets (members, check records, exceptions, audit entries) are accepted as any
iterable, including generators, and are read exactly once, so 750,000 check records can stream from
a database cursor without being held in memory. The few collections that are read more than once
(leavers, new appointments, check columns) are sequences and must be small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple


class CheckColumn(NamedTuple):
    """One check type as a column of the workbook, in catalogue order (FPPT.md section 3).

    A plain ``(code, label)`` tuple is accepted wherever a CheckColumn is expected.
    """

    code: str  # stable check code, e.g. "dbs"
    label: str  # human name, e.g. "Disclosure and Barring Service check"


@dataclass(frozen=True)
class Declaration:
    """The chair's annual declaration for the year. Every field is optional: a year may be unsigned."""

    chair_name: str | None = None  # the chair at the time of signing (or now, if unsigned)
    statement: str | None = None  # the exact text declared (or to be declared)
    signed_on: date | None = None  # the date of the signature; None while unsigned
    signed_at: datetime | None = None  # when the signature was recorded (UTC)
    signed_by: str | None = None  # the user who signed, as shown to people
    sha256: str | None = None  # hex digest binding exactly what was declared
    is_stale: bool = False  # True if underlying records changed after signing
    stale_reasons: tuple[str, ...] = ()  # why it is stale, one sentence each, no formatting

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None or self.signed_at is not None


@dataclass(frozen=True)
class Appointment:
    """A member who joined the board during the year (for the Declaration sheet)."""

    member_id: str
    name: str
    position: str  # e.g. "Non-executive director"
    start_on: date


@dataclass(frozen=True)
class CheckAtYearEnd:
    """One member's status for one check at the year's end (FPPT.md sections 4 and 6)."""

    status: str  # valid, due_soon, expired, missing, concern, not_required
    completed_on: date | None = None  # latest completion on or before the year-end date


@dataclass(frozen=True)
class MemberRow:
    """One board member who served in the year (the "Board members" sheet)."""

    member_id: str
    name: str
    position: str
    role_title: str | None = None
    is_executive: bool = False
    is_voting: bool = True
    is_interim: bool = False
    start_on: date | None = None
    end_on: date | None = None  # last day in post; None while serving
    professional_registration: str | None = None  # e.g. "GMC 1234567"; None if none
    status: str | None = None  # overall status at year end: compliant, due_soon, action_required, ...
    outcome: str | None = None  # fit_and_proper, fit_and_proper_with_mitigations, ... None if none
    assessed_by: str | None = None  # who signed the outcome off (the chair, or the SID for the chair)
    signed_off_on: date | None = None
    checks: Mapping[str, CheckAtYearEnd] = field(default_factory=dict)  # by check code


@dataclass(frozen=True)
class EvidenceRef:
    """An evidence file as listed in a workbook cell: its name and its SHA-256."""

    name: str
    sha256: str


@dataclass(frozen=True)
class CheckRecordRow:
    """One completed check record (the "Checks" sheet). Never carries DBS certificate content."""

    member_id: str
    member_name: str
    check_code: str
    check_label: str
    completed_on: date
    outcome: str  # clear, issue, not_applicable
    expires_on: date | None = None  # last valid day; None for "once" checks
    reference: str | None = None  # e.g. the DBS certificate number
    dbs_level: str | None = None  # basic, standard, enhanced, enhanced_barred; dbs records only
    recorded_by: str | None = None
    recorded_at: datetime | None = None
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class LeaverRow:
    """A member who left during the year, and their Board Member Reference (FPPT.md 5a)."""

    member_id: str
    member_name: str
    left_on: date  # last day in post
    reference_completed_on: date | None = None
    reference_completed_by: str | None = None
    reference_sent_to: str | None = None
    reference_sent_on: date | None = None
    reference_is_fit_and_proper: bool | None = None
    reference_discontinued_matters: str | None = None  # complaints or disciplinary matters discontinued


EXCEPTION_KINDS = ("concern", "issue", "mitigation", "decision")


@dataclass(frozen=True)
class ExceptionRow:
    """A concern, an issue, a mitigation or a decision recorded in the year (the "Exceptions" sheet)."""

    member_id: str
    member_name: str
    item: str  # the check label or attestation item it concerns
    on: date
    kind: str  # one of EXCEPTION_KINDS
    detail: str | None = None
    decided_by: str | None = None


@dataclass(frozen=True)
class AuditRow:
    """One audit trail entry, exactly as stored, so its hash chain can be re-checked from the export."""

    id: int
    at: datetime
    actor: str | None
    action: str
    entity: str
    entity_id: str | None
    before: str | None  # JSON text, as hashed; None when the entity was created
    after: str | None  # JSON text, as hashed; None when the entity was deleted
    prev_hash: str | None
    hash: str
    # The rest of the stored entry, so the segment re-hashes offline (exports/trail.py).
    actor_id: int | None = None
    member_pk: int | None = None
    batch_id: str | None = None
    content_hash: str | None = None  # None: an entry written before migration 0800 (recipe 1)
    redacted_at: datetime | None = None  # set: the content was removed under retention


@dataclass(frozen=True)
class DeclarationData:
    """Everything the declaration workbook, the board summary and the evidence pack need.

    ``members``, ``check_records``, ``exceptions`` and ``audit`` may be generators; each builder
    reads each of them once, so build a fresh DeclarationData for each build.
    """

    organisation_name: str
    year: int  # first calendar year of the NHS year: 2025 means 2025/26
    period_start: date  # normally 1 April ``year``
    period_end: date  # normally 31 March ``year + 1``
    check_columns: Sequence[CheckColumn]  # ordered (code, label) pairs, FPPT.md section 3
    declaration: Declaration | None = None  # None if nothing was prepared for the year
    outcome_counts: Mapping[str, int] = field(default_factory=dict)  # by outcome, in display order
    status_counts: Mapping[str, int] = field(default_factory=dict)  # overall status at year end
    check_status_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # code -> status -> n
    members_in_year: int = 0  # members who served on any day of the year
    new_appointments: Sequence[Appointment] = ()
    leavers: Sequence[LeaverRow] = ()
    members: Iterable[MemberRow] = ()
    check_records: Iterable[CheckRecordRow] = ()
    exceptions: Iterable[ExceptionRow] = ()
    audit: Iterable[AuditRow] = ()
    audit_anchor: str | None = None  # the hash of the entry before ``audit``'s first (its chain's anchor)
    created_at: datetime | None = None  # workbook "created" property; None means now (UTC)

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")

    @property
    def year_label(self) -> str:
        """The period as the NHS names it: 1 April 2025 to 31 March 2026 -> "2025/26".

        Read from the period the integrator gives (checks.years decides it), so exports hold no year rule."""
        return f"{self.period_start.year}/{self.period_end.year % 100:02d}"

    @property
    def references_done(self) -> int:
        """Leavers whose Board Member Reference has been completed."""
        return sum(1 for leaver in self.leavers if leaver.reference_completed_on is not None)


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence file for the pack; its bytes are read only while it is copied into the zip.

    ``source`` is a filesystem path, or a callable returning a binary file object (opened lazily,
    closed by the pack builder).
    """

    member_id: str
    check_code: str
    original_name: str
    sha256: str  # as recorded when the file was added; the pack refuses a file that no longer matches
    size: int
    source: Path | str | Callable[[], BinaryIO]
