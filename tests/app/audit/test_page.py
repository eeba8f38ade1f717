"""The audit page in plain words: "field: before → after" lines with names instead of ids, filters by member,
date and action, and one import as one row that opens onto its entries."""
from __future__ import annotations

import io
import re
from html import unescape
from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from fpp.audit import operations as audit
from fpp.audit.models import AuditEntry
from fpp.audit.presentation import action_label, field_label
from fpp.extensions import db
from fpp.people.operations import update_member
from fpp.register.operations import add_evidence, withdraw_evidence
from tests.app.imports.test_import_workbook import EXAMPLE


def listing(page: str) -> str:
    """The rows of the page's table, without each entry's stored values (folded away under "as stored")."""
    body = page.split("<tbody>", 1)[1].rsplit("</tbody>", 1)[0]
    return re.sub(r'<details class="nhsuk-details fpp-small.*?</details>', "", body, flags=re.S)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_recorded_check_reads_in_words(client, login, create_member, create_record):
    login("secretary")
    member = create_member(name="Ann Example")
    create_record(member, "dbs", date(2025, 3, 1), dbs_level="enhanced", is_update_service=True)
    shown = text(listing(get(client, "/audit?action=check.create")))
    assert "Check recorded" in shown and "Ann Example" in shown
    assert "Completed on: 01/03/2025" in shown and "DBS level: Enhanced" in shown
    assert "DBS Update Service: Yes" in shown and "Outcome: Clear" in shown
    assert "Check record #" in shown and "Check: DBS" in shown and "Check: dbs" not in shown


def test_a_member_update_shows_before_and_after(client, login, create_member):
    login("auditor")
    member = create_member(name="Before Name", role_title="Director")
    update_member(member, name="After Name", role_title=None, end_on=date(2026, 3, 31))
    db.session.commit()
    shown = text(listing(get(client, "/audit?action=member.update")))
    assert "Member updated" in shown and "Name: Before Name → After Name" in shown
    assert "Appointment ends: 31/03/2026" in shown  # set from nothing
    assert "Role title: removed (was Director)" in shown  # cleared


def test_an_evidence_withdrawal_reads_in_words(client, login, create_member, create_record):
    user = login("secretary")
    record = create_record(create_member(), "insolvency", date(2025, 4, 1))
    evidence = add_evidence(record, "search.pdf", io.BytesIO(b"%PDF-1.4 search"), user.id)
    withdraw_evidence(evidence, "Wrong person's search", user.id)
    db.session.commit()
    shown = text(listing(get(client, "/audit?action=evidence.withdraw")))
    assert "Evidence withdrawn" in shown and "Reason: Wrong person's search" in shown
    assert re.search(r"Withdrawn on: \d\d/\d\d/\d{4} \d\d:\d\d", shown) and "File: search.pdf" in shown


def test_a_redacted_entry_says_so(client, login, create_member, create_record):
    login("auditor")
    member = create_member(name="Gone Member")
    create_record(member, "insolvency", date(2025, 4, 1))
    audit.redact(db.session, member_pk=member.id, actor_ids=set(), pseudonym="Purged person",
                 when=datetime(2026, 5, 1, 9, 0))
    db.session.commit()
    shown = text(listing(get(client, "/audit?action=check.create")))
    assert "Content redacted on 01/05/2026 (retention)" in shown and "Completed on" not in shown


def test_ids_become_names_and_a_gone_one_says_so(client, login, create_member, create_user):
    login("auditor")
    member = create_member(name="Ann Example")
    chair = create_user("chair", member=create_member(name="Carol Chair"))
    secretary = create_user("secretary", email="sec@example.nhs.uk")
    audit.record("check.decide", "check_records", 1, before={"decided_by_id": None},
                 after={"decided_by_id": chair.id, "decision_on": "2025-06-01"}, member_pk=member.id)
    audit.record("check.decide", "check_records", 2, before={"decided_by_id": secretary.id},
                 after={"decided_by_id": 987654}, member_pk=987655)
    db.session.commit()
    shown = text(listing(get(client, "/audit?action=check.decide")))
    assert "Decided by: Carol Chair" in shown and "Decided on: 01/06/2025" in shown and "Ann Example" in shown
    assert "Decided by: sec@example.nhs.uk → #987654 (deleted)" in shown and "#987655 (deleted)" in shown


def _count_queries():
    found = []
    engine = db.engine
    listener = lambda *args: found.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    return found, lambda: event.remove(engine, "before_cursor_execute", listener)


def test_names_are_looked_up_once_per_page_not_per_row(client, login, create_member):
    login("auditor")
    counts = []
    for size in (2, 30):
        for number in range(size):
            member = create_member(name=f"Named {size} {number}")
            audit.record("member.view_dbs", "members", member.id, member_pk=member.id)
        db.session.commit()
        found, stop = _count_queries()
        shown = text(listing(get(client, "/audit?action=member.view_dbs")))
        stop()
        assert f"Named {size} {size - 1}" in shown
        counts.append(len(found))
    assert counts[0] == counts[1]


def test_the_member_filter(client, login, create_member, create_record):
    login("auditor")
    ann, bob = create_member(name="Ann Example"), create_member(name="Bob Example")
    create_record(ann, "insolvency", date(2025, 4, 1))
    create_record(bob, "insolvency", date(2025, 4, 2))
    page = get(client, f"/audit?member={ann.id}&action=check.create")
    shown = text(listing(page))
    assert "Completed on: 01/04/2025" in shown and "02/04/2025" not in shown and "1 entry" in page
    assert f'<option value="{ann.id}" selected>Ann Example</option>' in page  # a select of members by name


@pytest.mark.parametrize("query, kept", [
    ("since=2025-02-01&until=2025-02-28", ["February"]),
    ("since[day]=1&since[month]=2&since[year]=2025", ["February", "March"]),
    ("until[day]=31&until[month]=1&until[year]=2025", ["January"]),
])
def test_the_date_filter_takes_iso_text_or_day_month_year(client, login, create_member, query, kept):
    login("auditor")
    member = create_member()
    for month, day in (("January", date(2025, 1, 15)), ("February", date(2025, 2, 15)), ("March", date(2025, 3, 15))):
        entry = audit.record("member.view_dbs", "members", member.id, after={"note": month}, member_pk=member.id)
        db.session.execute(AuditEntry.__table__.update().where(AuditEntry.id == select(AuditEntry.id).where(
            AuditEntry.hash == entry["hash"]).scalar_subquery()).values(at=datetime.combine(day, datetime.min.time())))
    db.session.commit()
    shown = text(listing(get(client, f"/audit?action=member.view_dbs&{query}")))
    assert [m for m in ("January", "February", "March") if f"Note: {m}" in shown] == kept


@pytest.mark.parametrize("query, message", [
    ("since=yesterday", "“yesterday” is not a date"),
    ("since[day]=31&since[month]=2&since[year]=2025", "“31/2/2025” is not a date"),
    ("until[day]=1&until[month]=&until[year]=2025", "“1/?/2025” is not a date"),
])
def test_a_bad_date_is_named_and_ignored(client, login, create_member, query, message):
    login("auditor")
    create_member(name="Still Listed")
    page = get(client, f"/audit?{query}")
    assert message in page and "Still Listed" in text(listing(page))


def test_the_action_filter_offers_actions_in_words(client, login, create_member, create_record):
    login("secretary")
    create_record(create_member(name="Ann Example"), "insolvency", date(2025, 4, 1))
    page = get(client, "/audit?action=member.create")
    assert '<option value="check.create" >Check recorded</option>' in page
    assert '<option value="member.create" selected>Member added</option>' in page
    assert "Member added" in text(listing(page)) and "Check recorded" not in text(listing(page))
    assert action_label("widget.reticulate_splines") == "Widget: reticulate splines"  # an unknown action
    assert field_label("approved_by_id") == "Approved by" and field_label("is_locked") == "Locked"


def test_paging_keeps_the_filters(client, login, create_member):
    login("auditor")
    member = create_member(name="Ann Example")
    audit.record_many([{"action": "member.view_dbs", "entity_type": "members", "entity_id": member.id,
                        "after": {"n": n}, "member_pk": member.id} for n in range(150)])
    db.session.commit()
    page = get(client, f"/audit?member={member.id}&action=member.view_dbs")
    assert "150 entries, page 1" in page
    older = re.search(r'href="([^"]+)">Older entries', page).group(1).replace("&amp;", "&")
    assert f"member={member.id}" in older and "action=member.view_dbs" in older and "page=2" in older
    second = text(listing(get(client, older)))
    assert "N: 49" in second and "N: 50" not in second and "N: 0" in second


def test_an_import_is_one_row_that_opens_onto_its_entries(client, login, runner, create_member):
    create_member(name="Outside The Batch")
    assert runner("import", EXAMPLE).exit_code == 0
    batch = db.session.execute(select(AuditEntry.batch_id).where(AuditEntry.batch_id.is_not(None))).scalars().first()
    size = len(db.session.execute(select(AuditEntry.id).where(AuditEntry.batch_id == batch)).scalars().all())
    login("auditor")
    page = get(client, "/audit")
    rows = listing(page).count('<tr class="fpp-batch">')
    shown = text(listing(page))
    assert rows == 1 and f"Import of {EXAMPLE.name}: {size} changes (members " in shown
    assert "created, check records " in shown and "Show its changes" in shown
    opened = text(listing(page).split('<tr class="fpp-batch">')[1].split("</details></td></tr>")[0])
    assert opened.count("Member added") + opened.count("Check recorded") == 10  # the first ten, folded away
    everything = len(db.session.execute(select(AuditEntry.id)).scalars().all())  # the sign-in's entries too
    assert "Outside The Batch" in shown and f"{everything} entries in {everything - size + 1} rows" in page
    link = re.search(r'href="([^"]+)">All [\d,]+ changes of this batch', page).group(1).replace("&amp;", "&")
    inside = get(client, link)
    assert f"{size} entries" in inside and "Outside The Batch" not in listing(inside)
    assert f"Import of {EXAMPLE.name}: {size} changes" in inside


def test_filters_apply_inside_a_batch(client, login, runner):
    assert runner("import", EXAMPLE).exit_code == 0
    login("auditor")
    shown = text(listing(get(client, "/audit?action=member.create")))
    created = db.session.execute(select(AuditEntry.id).where(AuditEntry.action == "member.create")).scalars().all()
    assert f"{len(created)} changes (members {len(created)} created)" in shown
    assert "Check recorded" not in shown


def test_the_listing_holds_no_null_and_no_json(client, login, runner, create_member, create_record):
    user = login("secretary")
    member = create_member(name="Ann Example")
    record = create_record(member, "insolvency", date(2025, 4, 1), notes="First")
    update_member(member, role_title=None, email=None)
    add_evidence(record, "search.pdf", io.BytesIO(b"%PDF-1.4 search"), user.id)
    db.session.commit()
    assert runner("import", EXAMPLE).exit_code == 0
    page = get(client, "/audit")
    rows = listing(page)
    assert "null" not in rows.lower() and "{" not in rows and "}" not in rows and '"' not in text(rows)
    assert '"notes": "First"' in page.replace("&#34;", '"')  # the stored values stay, folded away


@pytest.mark.parametrize("query, rows, newer", [
    ("batch=import:nothing", 0, False), ("batch={batch}&action=auth.logout", 0, False),
    ("member=abc&page=-3", 2, False),  # a member that is not a number: no member filter; page 1
    ("page=999", 0, True),
])
def test_an_unknown_batch_or_a_page_past_the_end(client, login, runner, query, rows, newer):
    assert runner("import", EXAMPLE).exit_code == 0
    batch = db.session.execute(select(AuditEntry.batch_id).where(AuditEntry.batch_id.is_not(None))).scalars().first()
    login("auditor")
    page = get(client, "/audit?" + query.format(batch=batch))
    top = re.sub(r'<details class="nhsuk-details nhsuk-u-margin-bottom-0">.*?</details>', "", listing(page), flags=re.S)
    assert (top.count("<tr") >= rows if rows else top.count("<tr") == 0) and ("Newer entries" in page) == newer


def test_a_name_pseudonymised_in_a_kept_entry_says_so(client, login, create_member, create_record):
    login("auditor")
    gone, kept = create_member(name="Gone Searcher"), create_member(name="Kept Member")
    create_record(kept, "insolvency", date(2025, 4, 1), searched_by="Gone Searcher")
    audit.redact(db.session, member_pk=gone.id, actor_ids=set(), pseudonym="Former member",
                 when=datetime(2026, 5, 1, 9, 0), names=["Gone Searcher"])
    db.session.commit()
    shown = text(listing(get(client, f"/audit?action=check.create&member={kept.id}")))
    assert "Searched by: Former member" in shown and "Names pseudonymised on 01/05/2026 (retention)" in shown
    assert "Gone Searcher" not in shown


def test_a_removal_names_what_there_was(client, login):
    login("auditor")
    audit.record("export.pack_deleted", "pack_jobs", 3, before={"year": 2025, "finished_at": "2026-04-02T10:15:00"})
    db.session.commit()
    shown = text(listing(get(client, "/audit?action=export.pack_deleted")))
    assert "Evidence pack deleted" in shown and "Pack #3" in shown
    assert "Year: removed (was 2025)" in shown and "Finished at: removed (was 02/04/2026 10:15)" in shown
