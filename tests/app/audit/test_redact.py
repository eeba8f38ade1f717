"""Redaction for retention: a purged member's entries lose their content, their accounts' names become a
pseudonym, and the trail still verifies (the chain and the MAC; the content cannot be re-hashed)."""
from __future__ import annotations

from sqlalchemy import select, update

from fpp.audit import operations as audit
from fpp.audit.models import AuditEntry
from fpp.extensions import db
from fpp.timeutil import utcnow


def test_redacted_entries_still_verify(runner, history, create_user):
    account = create_user("member", member=history)
    audit.record("auth.login", "users", account.id, actor=(account.id, account.email))
    other_entry = audit.record("member.view_dbs", "members", 999, actor=(account.id, account.email))
    db.session.commit()
    about = db.session.execute(select(AuditEntry.id).where(AuditEntry.member_pk == history.id)).scalars().all()
    changed = audit.redact(db.session, member_pk=history.id, actor_ids={account.id}, pseudonym="Former member 7",
                           when=utcnow())
    db.session.commit()
    account_entries = db.session.execute(select(AuditEntry.id).where(
        AuditEntry.entity_type == "users", AuditEntry.entity_id == str(account.id))).scalars().all()
    assert changed == len(set(about) | set(account_entries) | {e.id for e in _by_actor(account.id)})
    entries = {e.id: e for e in db.session.execute(select(AuditEntry)).scalars()}
    for entry_id in [*about, *account_entries]:  # the account's e-mail is in its user.create entry
        entry = entries[entry_id]
        assert entry.redacted_at is not None and "Ann Example" not in (entry.after or "")
        assert entry.after in (None, audit.REDACTED) and entry.before in (None, audit.REDACTED)
    acted = [e for e in entries.values() if e.actor_id == account.id]
    assert acted and all(e.actor == "Former member 7" for e in acted)
    assert not any(account.email == e.actor for e in entries.values())
    assert other_entry["hash"] in {e.hash for e in entries.values()}  # hashes kept
    result = runner("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"{changed} redacted under retention: their link and MAC checked, their content cannot be re-hashed" \
        in result.output


def test_a_redacted_entry_altered_afterwards_is_found(runner, history):
    audit.redact(db.session, member_pk=history.id, actor_ids=set(), pseudonym="Former member 8", when=utcnow())
    db.session.commit()
    target = db.session.execute(select(AuditEntry.id).where(AuditEntry.member_pk == history.id)).scalars().first()
    db.session.execute(update(AuditEntry).where(AuditEntry.id == target).values(after='{"name": "Invented"}'))
    db.session.commit()
    result = runner("audit", "verify")
    assert result.exit_code == 1 and f"audit entry {target} does not verify: its MAC does not match" in result.output


def test_redacting_nobody_changes_nothing(history):
    assert audit.redact(db.session, member_pk=-1, actor_ids=set(), pseudonym="x", when=utcnow()) == 0


def _by_actor(actor_id):
    return db.session.execute(select(AuditEntry).where(AuditEntry.actor_id == actor_id)).scalars().all()
