"""The verbs of the retention purge (FPPT.md section 7). They flush and audit; the caller commits once per
member (all or nothing for that member) and deletes the files afterwards (`Removed.paths`).

Purging a member:
- deletes their check records, evidence rows, attestations and requests, outcomes, references, reminders,
  the e-mails about them and those addressed to them, and the member row itself: the purge log
  (`retention_purges`) is what remains, with the Member ID, dates, counts and file hashes only;
- keeps their sign-in account as a disabled husk (other rows name it: a former chair's decisions), with the
  e-mail address replaced by their pseudonym, no password, second factor, recovery codes, sessions or feeds;
- redacts the audit trail (fpp.audit.operations.redact): entries about them lose their content, entries
  they acted in name the pseudonym; content hashes are kept, so the chain still verifies;
- redacts their entry in every signed declaration's stored copy and marks the copy redacted. The signed hash
  is kept as signed: it proves the content as signed (a pack or print made before the purge), not this
  redacted copy, and the copy says so;
- replaces their name where it is held as text elsewhere (who searched a register, who completed a
  reference, a declaration's signatory, the e-mails to the staff that listed them) by the pseudonym.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from markupsafe import escape
from sqlalchemy import delete, func, select, update

from checks.annual import canonical_json
from checks.retention import Retention
from fpp.annual.models import Assessment, Attestation, AttestationRequest, Declaration, LeaverReference
from fpp.audit import operations as audit
from fpp.auth.models import EndedSession, RecoveryCode, User
from fpp.extensions import Base, db, require_write
from fpp.keys import keyed_hash
from fpp.people.models import Member
from fpp.register.models import CheckRecord, Evidence
from fpp.register.operations import evidence_path
from fpp.reminders.models import CalendarFeed, OutboxMessage, Reminder
from fpp.retention.models import EVIDENCE, MEMBER, RetentionPurge
from fpp.timeutil import utcnow

PURGED_NAME = "Purged"
# What stays of a purged member's entry in a signed declaration's stored copy: what the organisation
# declared about the seat (the outcome, the dates), not the person (name, notes, check statuses).
DECLARED_FIELDS = ("member_id", "position", "start_on", "end_on", "year_end_on", "outcome")
REDACTION_NOTE = "member purged; content redacted; hash as signed"


@dataclass
class Removed:
    """What one purge (of a member, or of a member's evidence files) removed; `paths` are the files to
    delete once the transaction is committed."""

    log: RetentionPurge
    counts: dict[str, int]
    files: list[dict[str, Any]]
    paths: list[tuple[str, Path]] = field(default_factory=list)  # (what it is, path)


def pseudonym(member_id: str) -> str:
    """How the register names a purged person from then on: stable per person (a keyed hash of the Member ID
    under the "retention-pseudonym" key), and useless for finding them without the register's key."""
    return "former member " + keyed_hash(current_app.config["SECRET_KEY"], "retention-pseudonym", member_id)[:8]


def purge_member(member: Member, retention: Retention, as_of: date) -> Removed:
    """Remove everything the register holds about `member` (see the module's docstring) and write the purge
    log and its audit entry. Flushes, never commits."""
    session = db.session
    require_write(session)
    alias = pseudonym(member.member_id)
    accounts = list(session.execute(select(User).where(User.member_pk == member.id)).scalars())
    account_ids = {user.id for user in accounts}
    addresses = {a.strip().lower() for a in [member.email, *(u.email for u in accounts)] if a}
    counts = {"audit_entries_redacted": audit.redact(session, member_pk=member.id, actor_ids=account_ids,
                                                     pseudonym=alias, when=utcnow(),
                                                     names=[member.name, *addresses])}
    counts["declarations_redacted"] = _redact_declarations(member, account_ids, alias, as_of)
    counts["names_replaced"] = _replace_name(member.name, alias)
    mail_counts, mail_files = _remove_mail(member, addresses, alias)
    counts |= mail_counts
    files, paths = _evidence_files(select(Evidence.id).join(CheckRecord).where(CheckRecord.member_pk == member.id))
    counts |= _delete_rows(member)
    counts["accounts_disabled"] = sum(_strip_account(user, alias) for user in accounts)
    session.delete(member)
    session.flush()
    log = _log(MEMBER, member.member_id, alias, member.end_on, retention.purge_on, retention.reason, as_of,
               counts, files)
    audit.record("retention.purge_member", "retention_purges", log.id,
                 after={"member_id": log.member_id, "pseudonym": alias, "purge_on": log.purge_on.isoformat(),
                        "reason": log.reason, "as_of": as_of.isoformat(), "counts": counts,
                        "evidence_sha256": [f["sha256"] for f in files]})
    return Removed(log, counts, files, paths + mail_files)


def remove_evidence(member: Member, evidence_ids: list[int], as_of: date) -> Removed:
    """Remove evidence files of `member` past their own retention (`[retention.evidence_years]`) while the
    rest of the member's records are kept; logged, and audited per file. Flushes, never commits."""
    require_write(db.session)
    files, paths = _evidence_files(select(Evidence.id).where(Evidence.id.in_(evidence_ids)))
    db.session.execute(delete(Evidence).where(Evidence.id.in_(evidence_ids))
                       .execution_options(synchronize_session=False))
    counts = {"evidence": len(files)}
    log = _log(EVIDENCE, member.member_id, None, member.end_on, None, "evidence_years", as_of, counts, files)
    audit.record_many([{"action": "evidence.purge", "entity_type": "evidence", "entity_id": f["evidence_id"],
                        "before": {"sha256": f["sha256"], "check": f["check"]}, "after": None,
                        "member_pk": member.id} for f in files]
                      + [{"action": "retention.remove_evidence", "entity_type": "retention_purges",
                          "entity_id": log.id, "member_pk": member.id,
                          "after": {"member_id": member.member_id, "as_of": as_of.isoformat(),
                                    "evidence_sha256": [f["sha256"] for f in files]}}])
    return Removed(log, counts, files, paths)


def record_files_left(log_id: int, left: int) -> None:
    """Note on the purge log that `left` files could not be deleted from the data folder."""
    require_write(db.session)
    db.session.execute(update(RetentionPurge).where(RetentionPurge.id == log_id)
                       .values(files_left=RetentionPurge.files_left + left))


def _log(kind: str, member_id: str, alias: str | None, left_on: date | None, purge_on: date | None,
         reason: str | None, as_of: date, counts: dict[str, int], files: list[dict]) -> RetentionPurge:
    log = RetentionPurge(kind=kind, member_id=member_id, pseudonym=alias, left_on=left_on, purge_on=purge_on,
                         reason=reason, as_of=as_of, counts=json.dumps(counts, sort_keys=True),
                         files=json.dumps([{k: f[k] for k in ("check", "sha256", "size")} for f in files]),
                         files_left=0, run_by=audit.current_actor()[1], run_at=utcnow())
    db.session.add(log)
    db.session.flush()
    return log


def _evidence_files(ids) -> tuple[list[dict[str, Any]], list[tuple[str, Path]]]:
    """The evidence rows `ids` selects, as the purge log describes them, and the files to delete."""
    rows = db.session.execute(select(Evidence, CheckRecord.code).join(CheckRecord)
                              .where(Evidence.id.in_(ids)).order_by(Evidence.id)).tuples().all()
    files = [{"evidence_id": e.id, "check": code, "sha256": e.sha256, "size": e.size} for e, code in rows]
    return files, [(f"evidence file {e.stored_name} (SHA-256 {e.sha256})", evidence_path(e)) for e, _ in rows]


def _delete_rows(member: Member) -> dict[str, int]:
    """Delete the member's rows, children first (some children point at the member's check records)."""
    records = select(CheckRecord.id).where(CheckRecord.member_pk == member.id).scalar_subquery()
    counts = {}
    for name, statement in (
        ("evidence", delete(Evidence).where(Evidence.record_id.in_(records))),
        ("attestations", delete(Attestation).where(Attestation.member_pk == member.id)),
        ("attestation_requests", delete(AttestationRequest).where(AttestationRequest.member_pk == member.id)),
        ("outcomes", delete(Assessment).where(Assessment.member_pk == member.id)),
        ("references", delete(LeaverReference).where(LeaverReference.member_pk == member.id)),
        ("reminders", delete(Reminder).where(Reminder.member_pk == member.id)),
        ("check_records", delete(CheckRecord).where(CheckRecord.member_pk == member.id)),
    ):
        counts[name] = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return counts


def _remove_mail(member: Member, addresses: set[str], alias: str) -> tuple[dict[str, int], list[tuple[str, Path]]]:
    """Delete the e-mails about the member (their reminders' messages, copies included) and those addressed
    to them; in the other messages (the staff's digests that listed them) their name becomes the pseudonym.
    Returns the counts and the stored .eml files of the deleted messages."""
    reminders = select(Reminder.id).where(Reminder.member_pk == member.id).scalar_subquery()
    doomed = OutboxMessage.reminder_id.in_(reminders)
    if addresses:
        doomed = doomed | func.lower(OutboxMessage.recipient).in_(sorted(addresses))
    stored = db.session.execute(select(OutboxMessage.stored_as).where(doomed, OutboxMessage.stored_as.is_not(None)))
    files = [("stored e-mail", Path(path)) for path in stored.scalars()]
    removed = db.session.execute(delete(OutboxMessage).where(doomed).execution_options(synchronize_session=False))
    redacted = 0
    if member.name.strip():
        forms = {member.name, str(escape(member.name))}
        mentions = select(OutboxMessage).where(OutboxMessage.subject.contains(member.name)
                                               | OutboxMessage.body_text.contains(member.name)
                                               | OutboxMessage.body_html.contains(str(escape(member.name))))
        for message in db.session.execute(mentions).scalars():
            for attribute in ("subject", "body_text", "body_html"):
                text = getattr(message, attribute)
                for form in forms:
                    text = text.replace(form, alias)
                setattr(message, attribute, text)
            redacted += 1
    return {"outbox_messages": removed.rowcount, "outbox_messages_redacted": redacted}, files


def _redact_declarations(member: Member, account_ids: set[int], alias: str, on: date) -> int:
    """Redact the member in each signed declaration's stored copy (their entry reduced to DECLARED_FIELDS,
    their name as the decider of others' outcomes and as signatory replaced by the pseudonym) and mark the
    copy redacted. `content_hash` is left as signed."""
    changed = 0
    for declaration in db.session.execute(select(Declaration).order_by(Declaration.id)).scalars():
        content = json.loads(declaration.content)
        touched = False
        for entry in content.get("members", []):
            if entry.get("member_id") == member.member_id:
                kept = {key: entry.get(key) for key in DECLARED_FIELDS}
                entry.clear()
                entry.update(kept | {"name": PURGED_NAME})
                touched = True
            elif entry.get("decided_by") and entry.get("decided_by") == member.name:
                entry["decided_by"] = alias
                touched = True
        if declaration.signed_by_id in account_ids or declaration.signed_by_name == member.name:
            declaration.signed_by_name = alias
            touched = True
        if touched:
            content.setdefault("redacted", []).append(
                {"member_id": member.member_id, "on": on.isoformat(), "note": REDACTION_NOTE})
            declaration.content = canonical_json(content)
            audit.record("declaration.redact", "declarations", declaration.id,
                         after={"member_id": member.member_id, "content_hash": declaration.content_hash,
                                "note": REDACTION_NOTE})
            changed += 1
    return changed


def _replace_name(name: str, alias: str) -> int:
    """The purged person's name where other rows hold it as text: who searched a register for someone else,
    who completed another leaver's reference. Each change is audited with the new value only (the old one is
    the very name being purged)."""
    if not name.strip():
        return 0
    items = []
    for column in (CheckRecord.searched_by, LeaverReference.completed_by_name):
        model = column.class_
        for row in db.session.execute(select(model).where(column == name)).scalars():
            setattr(row, column.key, alias)
            items.append({"action": "retention.pseudonymise", "entity_type": model.__tablename__,
                          "entity_id": row.id, "before": None, "after": {column.key: alias},
                          "member_pk": row.member_pk})
    audit.record_many(items)
    return len(items)


def _strip_account(user: User, alias: str) -> int:
    """Keep the account as a disabled husk named by the pseudonym: nothing left that identifies or signs in."""
    session = db.session
    for model in (RecoveryCode, EndedSession, CalendarFeed):
        session.execute(delete(model).where(model.user_id == user.id))
    user.email, user.password_hash, user.member_pk = alias, "!purged", None
    user.is_enabled, user.invited_at, user.active_until, user.locked_until = False, None, None, None
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = user.last_login_at = None
    user.session_version = (user.session_version or 1) + 1
    packs = Base.metadata.tables.get("pack_jobs")  # who asked for an evidence pack, as the trail named them
    if packs is not None and "requested_by" in packs.c:
        session.execute(update(packs).where(packs.c.requested_by_id == user.id).values(requested_by=alias))
    return 1
