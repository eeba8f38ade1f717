"""Verbs that change check records and evidence. They validate, flush and audit; the caller commits."""
from __future__ import annotations

import hashlib
import os
import secrets
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from checks import OUTCOMES
from checks.evidence import EVIDENCE_TYPES, content_problem
from checks.records import UPDATE_SERVICE_LEVELS, missing_facts
from fpp.audit import operations as audit
from fpp.errors import DomainError, violates
from fpp.extensions import db, settings
from fpp.people.models import Member
from fpp.register.models import DBS_LEVELS, EVIDENCE_ONCE, LIVE_IDENTITY, CheckRecord, Evidence
from fpp.timeutil import today, utcnow

RECORD_FIELDS = ("code", "completed_on", "outcome", "reference", "dbs_level", "is_update_service", "notes",
                 "searched_name", "searched_dob", "searched_by", "expires_on")
DBS_EVIDENCE_REFUSED = ("DBS certificates must not be stored in the register (DBS code of practice). "
                        "Record the certificate number, issue date, level and decision instead.")
SAME_FILE = "This file is already attached to this record"


def _validate(record: CheckRecord) -> None:
    rules = settings().rules
    if not rules.holds(record.code):
        raise DomainError(f"Unknown check code {record.code!r}", "code")
    if record.completed_on is None:
        raise DomainError("Enter the date the check was completed", "completed_on")
    if record.completed_on > today():
        raise DomainError("The completion date cannot be in the future", "completed_on")
    if rules.check(record.code).expiry_per_record:
        if record.outcome != "not_applicable" and record.expires_on is None:
            raise DomainError(f"Enter the expiry date stated on the {rules.label(record.code)} document",
                              "expires_on")
        if record.expires_on is not None and record.expires_on < record.completed_on:
            raise DomainError("The expiry date cannot be before the date the check was completed", "expires_on")
    elif record.expires_on is not None:
        raise DomainError("An expiry date belongs only on a check whose documents state their own "
                          f"({rules.label(record.code)} lasts a set time)", "expires_on")
    if record.outcome not in OUTCOMES:
        raise DomainError("Choose an outcome: clear, issue or not applicable", "outcome")
    if record.code == "dbs":
        if record.outcome != "not_applicable" and record.dbs_level not in DBS_LEVELS:
            raise DomainError("Choose the DBS level", "dbs_level")
        if record.is_update_service and record.dbs_level not in UPDATE_SERVICE_LEVELS:
            raise DomainError("The DBS Update Service covers standard and enhanced certificates only",
                              "is_update_service")
    elif record.dbs_level or record.is_update_service:
        raise DomainError("A DBS level belongs only on a DBS check", "dbs_level")


def require_record_facts(values: dict[str, Any]) -> None:
    """Refuse a record lacking a fact FPPT.md section 3 requires, naming the first missing field."""
    missing = missing_facts(values.get("code") or "", values)
    if missing:
        raise DomainError(missing[0][1], missing[0][0])


def _clean(fields: dict[str, Any], creating: bool) -> dict[str, Any]:
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    for name in ("reference", "notes", "searched_name", "searched_by", "dbs_level"):
        if name in fields and isinstance(fields[name], str):
            fields[name] = fields[name].strip() or None
    if creating or "is_update_service" in fields:
        fields["is_update_service"] = bool(fields.get("is_update_service"))
    if creating:
        fields.setdefault("outcome", "clear")
    return fields


def record_check(member: Member, recorded_by_id: int | None = None, *, require_facts: bool = False,
                 **fields: Any) -> CheckRecord:
    """Add a completed check for `member`; refuses one already recorded (same check, date and outcome).
    With `require_facts`, also one lacking a fact FPPT.md section 3 requires (checks.records.missing_facts)."""
    ids, errors = record_checks([(member, fields)], recorded_by_id, require_facts=require_facts)
    if errors:
        raise errors[0][1]
    return db.session.get(CheckRecord, ids[0])


def record_checks(items: list[tuple[Member, dict[str, Any]]], recorded_by_id: int | None = None, *,
                  require_facts: bool = False) -> tuple[list[int], list[tuple[int, DomainError]]]:
    """Add completed checks with one audit entry each; returns their ids, or every (index, error) refused.

    All or nothing: when any item is refused nothing is added. One bulk INSERT, so an import of tens of
    thousands of records is quick; each record is still validated and audited on its own. The record form
    passes `require_facts`; imports of older records do not, as those may lack them (pages then say
    "not recorded").
    """
    member_pks = {member.id for member, _ in items}
    rows, errors = _checked_rows(items, recorded_by_id, _live_identities(member_pks), require_facts)
    if errors or not rows:
        return [], errors
    try:
        with db.session.begin_nested():  # a SAVEPOINT: a refused insert leaves the caller's transaction usable
            ids = _insert_records(rows)
    except IntegrityError as error:
        if not violates(error, LIVE_IDENTITY):
            raise
        return [], _recorded_meanwhile(rows, member_pks)
    audit.record_many([{"action": "check.create", "entity_type": "check_records", "entity_id": record_id,
                        "after": {name: audit.jsonable(row.get(name)) for name in CheckRecord.AUDITED},
                        "member_pk": row["member_pk"]} for record_id, row in zip(ids, rows)])
    return ids, []


def _checked_rows(items: list[tuple[Member, dict[str, Any]]], recorded_by_id: int | None, held: set[tuple],
                  require_facts: bool = False) -> tuple[list[dict[str, Any]], list[tuple[int, DomainError]]]:
    """The rows to insert, validated, and every (index, error) refused, a copy of a held record included."""
    rows, errors = [], []
    for index, (member, fields) in enumerate(items):
        row = dict.fromkeys(RECORD_FIELDS) | _clean(dict(fields), creating=True) | {
            "member_pk": member.id, "recorded_by_id": recorded_by_id, "recorded_at": utcnow()}
        try:
            _validate(SimpleNamespace(**row))  # the rules read attributes; no ORM object needed
            if require_facts:
                require_record_facts(row)
            if _identity(row) in held:
                raise already_recorded(row["code"], row["completed_on"])
        except DomainError as error:
            errors.append((index, error))
        held.add(_identity(row))
        rows.append(row)
    return rows, errors


def _recorded_meanwhile(rows: list[dict[str, Any]], member_pks: set[int]) -> list[tuple[int, DomainError]]:
    """Another transaction recorded some of these checks after `held` was read: refuse those, as above."""
    held = _live_identities(member_pks)
    clashes = [index for index, row in enumerate(rows) if _identity(row) in held] or [0]
    return [(index, already_recorded(rows[index]["code"], rows[index]["completed_on"])) for index in clashes]


def _identity(row: dict[str, Any]) -> tuple:
    return row["member_pk"], row["code"], row["completed_on"], row["outcome"]


def _live_identities(member_pks: set[int]) -> set[tuple]:
    """The identities (member, check, date, outcome) of these members' live records."""
    return set(db.session.execute(select(CheckRecord.member_pk, CheckRecord.code, CheckRecord.completed_on,
                                         CheckRecord.outcome).where(CheckRecord.deleted_at.is_(None),
                                                                    CheckRecord.member_pk.in_(member_pks))).all())


def already_recorded(code: str, completed_on: date) -> DomainError:
    """The refusal of a second live record with the same identity."""
    return DomainError(f"{check_label(code)}: a record of {completed_on:%d/%m/%Y} with this outcome is already "
                       "in the register", "completed_on")


def _insert_records(rows: list[dict[str, Any]]) -> list[int]:
    """One bulk INSERT (in chunks) of the rows; their ids, in order."""
    identity = (CheckRecord.member_pk, CheckRecord.code, CheckRecord.completed_on, CheckRecord.outcome)
    # RETURNING order is not guaranteed, so ids are matched back by each record's identity (unique here).
    statement = insert(CheckRecord.__table__).returning(CheckRecord.id, *identity)  # Core: no ORM overhead
    ids_by_key = {}
    for start in range(0, len(rows), 500):  # in chunks: one huge RETURNING batch is spliced slowly
        ids_by_key |= {tuple(r[1:]): r[0] for r in db.session.execute(statement, rows[start:start + 500])}
    return [ids_by_key[_identity(r)] for r in rows]


def correct_record(record: CheckRecord, reason: str, **fields: Any) -> bool:
    """Correct a record's details, with the reason kept in the audit entry; True if anything changed.
    Refuses, as recording does, an identity (check, date, outcome) that another live record has."""
    if not (reason or "").strip():
        raise DomainError("Say why the record is being corrected", "reason")
    if record.deleted_at is not None:
        raise DomainError("This record was deleted and cannot be corrected")
    before = audit.snapshot(record)
    fields = _clean(fields, creating=False)
    target = {"code": record.code, "completed_on": record.completed_on} | fields
    try:
        with db.session.begin_nested():  # a SAVEPOINT, so a refused change leaves the transaction usable
            _apply_correction(record, fields)
    except IntegrityError as error:
        if not violates(error, LIVE_IDENTITY):
            raise
        raise already_recorded(target["code"], target["completed_on"]) from None
    after = audit.snapshot(record)
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return False
    audit.record("check.correct", "check_records", record.id,
                 before={k: before[k] for k in changed} | {"reason": None},
                 after={k: after[k] for k in changed} | {"reason": reason.strip()}, member_pk=record.member_pk)
    return True


def _apply_correction(record: CheckRecord, fields: dict[str, Any]) -> None:
    identity = (record.code, record.completed_on, record.outcome)
    lacking = {field for field, _ in missing_facts(record.code, _values(record))}  # an older record's gaps stay
    for name, value in fields.items():
        setattr(record, name, value)
    _validate(record)
    for field, message in missing_facts(record.code, _values(record)):
        if field not in lacking:  # a correction never removes a required fact the record had
            raise DomainError(message, field)
    if (record.code, record.completed_on, record.outcome) != identity:
        with db.session.no_autoflush:
            same = find_same_record(record.member_pk, record.code, record.completed_on, record.outcome)
        if same is not None and same.id != record.id:
            raise already_recorded(record.code, record.completed_on)
    db.session.flush()


def _values(record: CheckRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RECORD_FIELDS}


def delete_record(record: CheckRecord, reason: str, deleted_by_id: int | None) -> CheckRecord:
    """Withdraw a record entered in error; the row stays, marked deleted, with who, when and why."""
    if not (reason or "").strip():
        raise DomainError("Say why the record is being deleted", "reason")
    if record.deleted_at is not None:
        raise DomainError("This record was already deleted")
    from fpp.timeutil import utcnow
    before = audit.snapshot(record)
    record.deleted_at, record.deleted_by_id, record.deletion_reason = utcnow(), deleted_by_id, reason.strip()
    audit.record("check.delete", "check_records", record.id, before=before,
                 after={"deleted_at": audit.jsonable(record.deleted_at), "reason": record.deletion_reason},
                 member_pk=record.member_pk)
    return record


def find_same_record(member_pk: int, code: str, completed_on: date, outcome: str) -> CheckRecord | None:
    """The live record with this identity (member, check, date, outcome), if there is one."""
    return db.session.execute(select(CheckRecord).where(
        CheckRecord.member_pk == member_pk, CheckRecord.code == code, CheckRecord.completed_on == completed_on,
        CheckRecord.outcome == outcome, CheckRecord.deleted_at.is_(None))).scalars().first()


def evidence_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "evidence"


def add_evidence(record: CheckRecord, filename: str, stream: IO[bytes], uploaded_by_id: int | None) -> Evidence:
    """Store an evidence file for `record` under a random name, with its SHA-256; never for a DBS check,
    never a file whose content is not what its extension says (checks.evidence), and never a file
    already attached to the record (and not withdrawn)."""
    if record.code == "dbs":
        raise DomainError(DBS_EVIDENCE_REFUSED, "evidence")
    original = os.path.basename((filename or "").replace("\\", "/")).strip()
    suffix = Path(original).suffix.lower()
    if not original or suffix not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise DomainError(f"Evidence must be one of these file types: {allowed}", "evidence")
    data = _read_upload(stream, current_app.config["MAX_UPLOAD_BYTES"])
    if problem := content_problem(original, data):
        raise DomainError(problem, "evidence")
    stored_name, size, digest = _store(data)
    evidence = Evidence(record_id=record.id, stored_name=stored_name, original_name=original[:255], size=size,
                        content_type=EVIDENCE_TYPES[suffix], sha256=digest, uploaded_by_id=uploaded_by_id)
    try:
        _insert_evidence(record, evidence)
    except DomainError:
        (evidence_dir() / stored_name).unlink(missing_ok=True)  # refused: keep no orphan file
        raise
    audit.record("evidence.add", "evidence", evidence.id, after=audit.snapshot(evidence),
                 member_pk=record.member_pk)
    return evidence


def _insert_evidence(record: CheckRecord, evidence: Evidence) -> None:
    """Add the row; refuse a file already attached to the record, also when another upload races this one."""
    _refuse_same_file(record, evidence.sha256)
    try:
        with db.session.begin_nested():  # a SAVEPOINT: a refused insert leaves the caller's transaction usable
            db.session.add(evidence)
            db.session.flush()
    except IntegrityError as error:
        if not violates(error, EVIDENCE_ONCE):
            raise
        _refuse_same_file(record, evidence.sha256)  # the upload that won the race: name it
        raise DomainError(SAME_FILE, "evidence") from None


def _refuse_same_file(record: CheckRecord, digest: str) -> None:
    same = db.session.execute(select(Evidence).where(Evidence.record_id == record.id, Evidence.sha256 == digest,
                                                     Evidence.withdrawn_at.is_(None)).limit(1)).scalar()
    if same is not None:
        raise DomainError(f"{SAME_FILE} (as {same.original_name}, uploaded {same.uploaded_at:%d/%m/%Y})",
                          "evidence")


def _read_upload(stream: IO[bytes], max_bytes: int) -> bytes:
    """The upload's bytes, reading at most one byte more than allowed; refuse empty or oversized files."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError(too_large_message(max_bytes), "evidence")
    if not data:
        raise DomainError("The file is empty", "evidence")
    return data


def too_large_message(max_bytes: int) -> str:
    """The refusal of an upload over `max_bytes`, on the form as on the oversized-request page."""
    return f"The file is larger than {max_bytes // (1024 * 1024)} MB. Choose a smaller file."


def _store(data: bytes) -> tuple[str, int, str]:
    """Write the checked upload into the evidence folder under a random name; its name, size and SHA-256."""
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    (folder / stored_name).write_bytes(data)
    return stored_name, len(data), hashlib.sha256(data).hexdigest()


def withdraw_evidence(evidence: Evidence, reason: str, withdrawn_by_id: int | None) -> Evidence:
    """Withdraw an evidence file: it leaves the pages, the pack and downloads; the row and the file stay
    (until its retention date), with who, when and why, and the same file may be attached again."""
    if not (reason or "").strip():
        raise DomainError("Say why the evidence is being withdrawn", "reason")
    if evidence.withdrawn_at is not None:
        raise DomainError("This evidence was already withdrawn")
    evidence.withdrawn_at, evidence.withdrawn_by_id = utcnow(), withdrawn_by_id
    evidence.withdrawn_reason = reason.strip()
    db.session.flush()
    record = db.session.get(CheckRecord, evidence.record_id)
    audit.record("evidence.withdraw", "evidence", evidence.id,
                 before={"withdrawn_at": None, "reason": None},
                 after={"withdrawn_at": audit.jsonable(evidence.withdrawn_at), "reason": evidence.withdrawn_reason,
                        "original_name": evidence.original_name, "sha256": evidence.sha256},
                 member_pk=record.member_pk)
    return evidence


def evidence_path(evidence: Evidence) -> Path:
    return evidence_dir() / evidence.stored_name


def check_label(code: str) -> str:
    """The check's name in the configured catalogue (a retired check says so)."""
    return settings().rules.label(code)
