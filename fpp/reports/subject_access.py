"""Gathering everything the register holds about one member, for a subject access request (FPPT.md
section 7; UK GDPR article 15). Queries only: the archive itself is built by exports.subject_access.

It lives with the reports, the feature that reads every other one: in `fpp.people`, which the other
features import, it would make their imports a cycle.

Register data is copied whole, column by column (so a column added later is included without anyone
remembering to), leaving out only internal keys. The sign-in account is the opposite: a fixed list of
fields, so that a password hash, a second-factor secret or recovery code can never leak into the archive.
Mail and audit entries about the whole board are listed without their content, which holds other members'
data.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from exports.subject_access import Section, SubjectAccessData, SubjectFile
from fpp.annual.models import Assessment, Attestation, AttestationRequest, Declaration, LeaverReference
from fpp.audit.models import AuditEntry
from fpp.auth.models import User
from fpp.extensions import db
from fpp.people.models import Member
from fpp.register.models import CheckRecord, Evidence
from fpp.reminders.models import CalendarFeed, OutboxMessage, Reminder

INTERNAL = frozenset({"id", "member_pk", "stored_name"})  # keys that mean nothing outside the database
ACCOUNT_FIELDS = ("email", "role", "is_enabled", "created_at", "last_login_at", "password_changed_at",
                  "invited_at", "active_until", "locked_until", "totp_confirmed_at")
USER_COLUMNS = ("recorded_by_id", "decided_by_id", "deleted_by_id", "uploaded_by_id", "requested_by_id",
                "submitted_by_id", "signed_by_id")
DBS_NOTE = ("DBS checks: the register holds only the certificate number, the level, the dates, the Update "
            "Service flag and the decision. It never holds a DBS certificate or its content.")


def subject_access(member: Member, organisation: str, evidence_dir: Path, generated_by: str,
                   now: datetime) -> SubjectAccessData:
    """Everything held about `member`, as the plain data the archive builder takes."""
    user = db.session.execute(select(User).where(User.member_pk == member.id)).scalar()
    records = _records(member)
    sections = (
        Section("member", "Your details", "Your details as the register holds them, with the privacy "
                "notice you were given and any objection you made.", (_columns(member),)),
        _account(user),
        Section("check_records", "Check records", "Every fit and proper check recorded for you, including "
                "records later deleted (with who deleted them, when and why) and the evidence held on each. "
                + DBS_NOTE, tuple(records)),
        *_annual(member),
        *_mail(member, user),
        *_audit(member, user),
    )
    files = tuple(_file(evidence, record, evidence_dir) for record, evidence in _evidence(member))
    return SubjectAccessData(organisation, member.name, member.member_id, now, generated_by, sections, files,
                             (DBS_NOTE,))


def _columns(obj: Any, leave_out: frozenset[str] = INTERNAL) -> dict[str, Any]:
    """Every column of a row, users named rather than numbered."""
    values = {}
    for column in obj.__table__.columns:
        if column.key in leave_out:
            continue
        value = getattr(obj, column.key)
        if column.key in USER_COLUMNS:
            values[column.key.removesuffix("_id")] = _user(value)
        else:
            values[column.key] = value
    return values


def _user(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return None if user is None else user.email


def _account(user: User | None) -> Section:
    items = ()
    if user is not None:
        feeds = db.session.execute(select(CalendarFeed.created_at, CalendarFeed.revoked_at)
                                   .where(CalendarFeed.user_id == user.id).order_by(CalendarFeed.id)).all()
        items = ({name: getattr(user, name) for name in ACCOUNT_FIELDS}
                 | {"second_factor_set_up": user.totp_confirmed_at is not None,
                    "calendar_feeds": [{"created_at": c, "revoked_at": r} for c, r in feeds]},)
    return Section("account", "Your sign-in account", "Your account for signing in to the register. Its "
                   "password, second-factor secret and recovery codes are held only as one-way hashes or "
                   "encrypted, and are not shown.", items)


def _label(code: str) -> str:
    from fpp.extensions import settings
    return settings().rules.label(code)  # a local check's too; a retired one says so


def _records(member: Member) -> list[dict[str, Any]]:
    rows = db.session.execute(select(CheckRecord).where(CheckRecord.member_pk == member.id)
                              .order_by(CheckRecord.completed_on, CheckRecord.id)).scalars()
    evidence: dict[int, list[dict]] = {}
    for record, item in _evidence(member):
        evidence.setdefault(record.id, []).append({"evidence_id": item.id} | _columns(item, INTERNAL | {"record_id"}))
    return [{"record_id": r.id, "check": _label(r.code)} | _columns(r) | {"evidence": evidence.get(r.id, [])}
            for r in rows]


def _evidence(member: Member) -> list[tuple[CheckRecord, Evidence]]:
    """Every evidence file on the member's records (deleted records too: the file is still held)."""
    return list(db.session.execute(select(CheckRecord, Evidence).join(Evidence, Evidence.record_id == CheckRecord.id)
                                   .where(CheckRecord.member_pk == member.id).order_by(Evidence.id)).tuples())


def _file(evidence: Evidence, record: CheckRecord, folder: Path) -> SubjectFile:
    return SubjectFile(evidence.id, f"{_label(record.code)} {record.completed_on.isoformat()}",
                       evidence.original_name, evidence.sha256, folder / evidence.stored_name)


def _rows(model, member: Member, *order) -> tuple[dict[str, Any], ...]:
    query = select(model).where(model.member_pk == member.id).order_by(*order, model.id)
    return tuple(_columns(row) for row in db.session.execute(query).scalars())


def _annual(member: Member) -> list[Section]:
    attestations = tuple(item | {"answers": json.loads(item["answers"]),
                                 "self_assessment": json.loads(item["self_assessment"])}
                         for item in _rows(Attestation, member, Attestation.year))
    return [
        Section("attestation_requests", "Requests for your self-attestation", "When you were asked for the "
                "year's self-attestation.", _rows(AttestationRequest, member, AttestationRequest.year)),
        Section("attestations", "Your self-attestations", "Each self-attestation you submitted, with the exact "
                "wording of each question you answered.", attestations),
        Section("outcomes", "Annual outcomes", "The chair's (or, for the chair, the senior independent "
                "director's) fit and proper outcome for you, year by year.",
                _rows(Assessment, member, Assessment.year)),
        Section("references", "Board member references", "References given for you when you left, and "
                "references received about you when you were appointed.", _rows(LeaverReference, member)),
        Section("declarations", "Annual declarations", "Your entry in each signed annual declaration of the "
                "board (the other members' entries are not included).", tuple(_declarations(member))),
    ]


def _declarations(member: Member) -> list[dict[str, Any]]:
    found = []
    query = select(Declaration).order_by(Declaration.year, Declaration.version)
    for declaration in db.session.execute(query).scalars():
        content = json.loads(declaration.content)
        for entry in content.get("members", []):
            if entry.get("member_id") == member.member_id:
                found.append({"year": content.get("year_label", declaration.year), "version": declaration.version,
                              "signed_on": declaration.signed_on, "signed_by": declaration.signed_by_name,
                              "content_hash": declaration.content_hash, "your_entry": entry})
    return found


def _mail(member: Member, user: User | None) -> list[Section]:
    reminders = db.session.execute(select(Reminder).where(Reminder.member_pk == member.id)
                                   .order_by(Reminder.queued_at, Reminder.id)).scalars().all()
    about = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.reminder_id.in_([r.id for r in reminders])).order_by(OutboxMessage.id)).scalars().all()
    addresses = {a.lower() for a in (member.email, user.email if user else None) if a}
    to_them = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.id.not_in([m.id for m in about]),
        OutboxMessage.recipient.in_(addresses)).order_by(OutboxMessage.id)).scalars().all() if addresses else []
    return [
        Section("reminders", "Reminders about you", "Each reminder step the register queued about your checks.",
                tuple(_columns(r, INTERNAL | {"key"}) for r in reminders)),
        Section("messages", "E-mails about you", "Each e-mail the register wrote about your checks, to you or "
                "(as a copy) to the company secretary, with its content.", tuple(_message(m, True) for m in about)),
        Section("board_messages", "Other e-mails sent to you", "E-mails about the whole board sent to your "
                "address (digests, declaration reminders). Their content is about other members too and is "
                "not included; ask the company secretary for a redacted copy.",
                tuple(_message(m, False) for m in to_them)),
    ]


def _message(message: OutboxMessage, content: bool) -> dict[str, Any]:
    item = {"recipient": message.recipient, "subject": message.subject, "status": message.status,
            "created_at": message.created_at, "sent_at": message.sent_at}
    return item | ({"body": message.body_text} if content else {})


def _audit(member: Member, user: User | None) -> list[Section]:
    about = [AuditEntry.member_pk == member.id,
             (AuditEntry.entity_type == "members") & (AuditEntry.entity_id == str(member.id))]
    if user is not None:
        about.append((AuditEntry.entity_type == "users") & (AuditEntry.entity_id == str(user.id)))
    entries = db.session.execute(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.id)).scalars().all()
    seen = {e.id for e in entries}
    acted = [] if user is None else [e for e in db.session.execute(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)).scalars() if e.id not in seen]
    return [
        Section("audit_entries", "Audit trail entries about you", "Every change to your data, and every "
                "recorded read of it (DBS data, evidence downloads, exports), with who did it and when.",
                tuple(_entry(e) for e in entries)),
        Section("your_actions", "What you did in the register", "Actions recorded with you as the person "
                "acting, on things not about you (their content is about others and is not included).",
                tuple({"entry": e.id, "at": e.at, "action": e.action, "entity_type": e.entity_type} for e in acted)),
    ]


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {"entry": entry.id, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "entity_type": entry.entity_type, "entity_id": entry.entity_id,
            "before": None if entry.before is None else json.loads(entry.before),
            "after": None if entry.after is None else json.loads(entry.after), "hash": entry.hash}


def write_subject_access(member: Member, target, generated_by: str) -> int:
    """Build the member's archive into `target` (a path or binary file); returns the evidence files in it."""
    from flask import current_app

    from exports.subject_access import build_subject_access
    from fpp.extensions import settings
    from fpp.timeutil import utcnow
    data = subject_access(member, settings()["organisation_name"], Path(current_app.config["DATA_DIR"]) / "evidence",
                          generated_by, utcnow())
    return build_subject_access(data, target)
