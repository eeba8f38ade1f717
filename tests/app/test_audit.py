"""The audit trail: every change is an entry, and `fpp audit verify` finds an edited or deleted one."""
from datetime import date

from sqlalchemy import delete, select, update

from fpp.audit.models import AuditEntry
from fpp.extensions import db


def _make_history(create_member, create_record):
    member = create_member()
    for day in (1, 2, 3):
        create_record(member, "insolvency", date(2025, 1, day))
    return member


def test_verify_passes_on_an_untouched_trail(runner, create_member, create_record):
    _make_history(create_member, create_record)
    result = runner("audit", "verify")
    assert result.exit_code == 0 and "4 entries verified" in result.output


def test_verify_finds_an_edited_entry(runner, create_member, create_record):
    _make_history(create_member, create_record)
    ids = list(db.session.execute(select(AuditEntry.id).order_by(AuditEntry.id)).scalars())
    db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(after='{"outcome": "clear"}'))
    db.session.commit()
    result = runner("audit", "verify")
    assert result.exit_code == 1
    assert f"audit entry {ids[2]} does not verify" in result.output and "edited" in result.output


def test_verify_finds_a_deleted_entry(runner, create_member, create_record):
    _make_history(create_member, create_record)
    ids = list(db.session.execute(select(AuditEntry.id).order_by(AuditEntry.id)).scalars())
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
    db.session.commit()
    result = runner("audit", "verify")
    assert result.exit_code == 1 and f"audit entry {ids[2]} does not verify" in result.output
    assert "deleted or altered" in result.output


def test_entries_name_who_and_what_changed(client, login, create_member):
    user = login("secretary")
    member = create_member(name="Before")
    client.post(f"/members/{member.id}/edit", data={
        "member_id": member.member_id, "name": "After", "position": "ned", "is_voting": "yes",
        "is_interim": "no", "start_on[day]": "1", "start_on[month]": "1", "start_on[year]": "2020"})
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "member.update")).scalar_one()
    assert entry.actor == user.email and entry.member_pk == member.id
    assert '"name": "Before"' in entry.before and '"name": "After"' in entry.after


def test_audit_page_filters(client, login, create_member):
    login("auditor")
    create_member(name="Someone")
    page = client.get("/audit?action=member.create").data.decode()
    assert "member.create" in page and "1 entry" in page
    bad = client.get("/audit?since=yesterday").data.decode()
    assert "is not a date" in bad
