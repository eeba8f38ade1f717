"""Pages that say what needs doing (issue 13): a member page opens with "What needs doing", each check's
history is folded away; the board's cells are compact with their full words for screen readers; only the
current section is marked in the header; the footer names the organisation."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from checks.wording import action_phrase, compact_date, short_label
from fpp.timeutil import freeze



@pytest.fixture(autouse=True)
def frozen():
    with freeze(datetime(2026, 6, 1, 9, 0)):
        yield


@pytest.fixture
def full_member(create_full_member):
    return create_full_member


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def to_do(page: str) -> str:
    """The "What needs doing" section's HTML."""
    return page.split('aria-labelledby="to-do-heading"', 1)[1].split("</section>", 1)[0]


# ---- the pure words ----

@pytest.mark.parametrize(("status", "label", "expires_on", "words"), [
    ("missing", "DBS check", None, "Record the DBS check"),
    ("missing", "Insolvency search", None, "Record the insolvency search"),
    ("due_soon", "DBS check", date(2026, 11, 16), "Renew by 16/11/2026"),
    ("expired", "DBS check", date(2026, 11, 16), "Renew now: expired since 17/11/2026"),
    ("concern", "DBS check", None, "Record a decision on the issue"),
    ("valid", "DBS check", date(2026, 11, 16), ""),
    ("not_required", "Appraisal", None, ""),
])
def test_the_action_for_each_status(status, label, expires_on, words):
    assert action_phrase(status, label, expires_on) == words


def test_a_concern_decided_against_says_so():
    assert action_phrase("concern", "DBS check", None, date(2026, 3, 1)) == "The issue was not accepted on 01/03/2026"


def test_board_headings_and_dates_are_short():
    assert short_label("disqualified_directors", "Disqualified directors search") == "Disq. dirs"
    assert short_label("interests_review", "Declared interests review") == "Declared interests review"
    assert compact_date(date(2026, 11, 16)) == "16/11/26"


# ---- the member page ----

def test_a_member_page_opens_with_what_needs_doing(client, login, full_member, create_record):
    login("secretary")
    member = full_member({"dbs": None, "insolvency": date(2025, 5, 20), "self_attestation": date(2025, 7, 1)})
    create_record(member, "social_media", date(2026, 2, 1), outcome="issue", notes="A press story")
    page = client.get(f"/members/{member.id}").data.decode()
    section = to_do(page)
    assert page.index("What needs doing") < page.index("Member ID")  # first, before the details
    items = [plain(li) for li in re.findall(r"<li>(.*?)</li>", section, re.S)]
    assert items == [
        "Concern Social media and press search : Record a decision on the issue about the Social media and press search",
        "Expired Insolvency search : Renew now: expired since 21/05/2026 of the Insolvency search",
        "Missing DBS check : Record the DBS check",
        "Due soon Self-attestation : Renew by 01/07/2026 of the Self-attestation",
    ]
    assert f'href="/members/{member.id}/checks/new?code=dbs"' in section  # the secretary's form
    assert f'href="/members/{member.id}/checks/new?code=insolvency"' in section
    assert 'href="#check-social_media"' in section  # the secretary may not decide: the check's history


def test_the_chair_is_linked_to_the_decision_on_a_concern(client, login, full_member, create_record):
    member = full_member()
    issue = create_record(member, "social_media", date(2026, 2, 1), outcome="issue", notes="A press story")
    login("chair")
    section = to_do(client.get(f"/members/{member.id}").data.decode())
    assert f'href="/records/{issue.id}/decision"' in section
    assert "/checks/new" not in section  # recording checks is the secretary's


def test_an_issue_not_accepted_stays_to_do_without_a_decision_link(client, login, full_member, create_record,
                                                                   create_user):
    from fpp.annual.operations import decide_on_record
    from fpp.extensions import db
    member = full_member()
    issue = create_record(member, "social_media", date(2026, 2, 1), outcome="issue", notes="A press story")
    chair = create_user("chair")
    decide_on_record(issue, chair, "Not compatible with the role", "not_accepted")
    db.session.commit()
    login("chair", user=chair)
    section = to_do(client.get(f"/members/{member.id}").data.decode())
    assert "The issue was not accepted on 01/06/2026" in plain(section)
    assert "/decision" not in section and "Record a decision" not in section


def test_nothing_needs_doing(client, login, full_member):
    member = full_member()
    login("member", member=member)
    page = client.get(f"/members/{member.id}").data.decode()
    assert "Nothing needs doing: every check that applies is valid as of 1 June 2026." in plain(to_do(page))
    assert "<ul" not in to_do(page)


def test_each_check_is_folded_with_its_status_and_date_in_the_summary(client, login, full_member):
    login("secretary")
    member = full_member({"dbs": date(2023, 5, 15)})
    page = client.get(f"/members/{member.id}").data.decode()
    dbs = page.split('id="check-dbs"', 1)[1].split("</section>", 1)[0]
    summary = plain(dbs.split("<summary", 1)[1].split("</summary>", 1)[0])
    assert summary.endswith("DBS check Expired expired since 16/05/2026")
    assert '<details class="nhsuk-details' in dbs and "History of DBS check" in dbs.split("</summary>", 1)[1]
    assert page.count('<details class="nhsuk-details fpp-check__details">') == 15  # every standard check


def test_retired_checks_stay_listed(app, client, login, full_member, create_record):
    from fpp.extensions import db
    from fpp.register.models import CheckRecord
    member = full_member()
    record = create_record(member, "dbs", date(2026, 1, 10))
    db.session.get(CheckRecord, record.id).code = "old_check"
    db.session.commit()
    login("secretary")
    page = client.get(f"/members/{member.id}").data.decode()
    assert 'id="retired-old_check"' in page and "Retired checks" in page


# ---- the board ----

def test_board_cells_are_compact_with_the_full_words_for_screen_readers(client, login, full_member):
    login("secretary")
    full_member({"dbs": date(2023, 5, 15)}, name="Eve Expired")
    page = client.get("/board").data.decode()
    assert '<abbr title="Disqualified directors search">Disq. dirs</abbr>' in page
    cell = page.split('<span class="fpp-card-only">DBS check: </span>', 1)[1].split("</td>", 1)[0]
    assert '<span class="fpp-cell__date" aria-hidden="true">16/05/23</span>' not in cell  # the phrase's day
    assert '<span class="fpp-cell__date" aria-hidden="true">16/05/26</span>' in cell
    assert '<span class="fpp-cell__phrase">expired since 16/05/2026</span>' in cell
    assert 'class="fpp-cell fpp-attention"' in page.split("Eve Expired", 1)[1]


def test_every_column_has_a_heading_and_a_cell(client, login, full_member):
    login("secretary")
    full_member()
    page = client.get("/board").data.decode()
    table = page.split('<table class="nhsuk-table fpp-matrix">', 1)[1].split("</table>", 1)[0]
    head, body = table.split("</thead>", 1)
    row = body.split("</tr>", 1)[0]
    assert head.count("<th ") == 2 + 15 == row.count("<td") + 1  # member, overall, every check


# ---- the header and footer ----

def current_items(page: str) -> list[str]:
    return [plain(m) for m in re.findall(r'<li class="nhsuk-header__navigation-item nhsuk-header__navigation-'
                                         r'item--current[^"]*"[^>]*>(.*?)</li>', page, re.S)]


@pytest.mark.parametrize(("path", "current"), [
    ("/board", ["Board"]),
    ("/outbox", ["Outbox"]),
    ("/calendar", ["Calendar"]),
    ("/audit", ["Audit trail"]),
    ("/users", ["Users"]),
    ("/account", []),
])
def test_only_the_current_section_is_marked(client, login, path, current):
    login("secretary")
    page = client.get(path, follow_redirects=True).data.decode()
    assert current_items(page) == current


def test_a_member_page_is_the_board_s_section_and_the_own_record_my_record(client, login, create_member):
    other = create_member()
    user = login("chair")
    assert current_items(client.get(f"/members/{other.id}").data.decode()) == ["Board"]
    assert current_items(client.get(f"/members/{user.member_pk}").data.decode()) == ["My record"]


def test_the_footer_names_the_organisation(client, login):
    login("secretary")
    page = client.get("/board").data.decode()
    footer = page.split("<footer", 1)[1]
    assert "Test NHS Trust" in footer and "NHS England" not in footer


# ---- the board's date: the NHS.UK date input (day, month, year) ----

def test_the_board_is_shown_as_of_a_day_month_and_year(client, login, full_member):
    login("secretary")
    full_member({"dbs": date(2023, 5, 15)}, name="Eve Expired")
    page = client.get("/board?as_of[day]=1&as_of[month]=5&as_of[year]=2026").data.decode()
    assert "as of 1 May 2026" in page and 'name="as_of[day]"' in page and 'type="date"' not in page
    assert "valid until 15/05/2026" in plain(page)  # the DBS check held on 1 May
    assert "as of 1 May 2026" in client.get("/board?as_of=2026-05-01").data.decode()  # links keep working


@pytest.mark.parametrize("query", ["as_of[day]=31&as_of[month]=2&as_of[year]=2026",
                                   "as_of[day]=1&as_of[month]=5&as_of[year]=26",
                                   "as_of[day]=&as_of[month]=5&as_of[year]=2026",
                                   "as_of[day]=x&as_of[month]=5&as_of[year]=2026",
                                   "as_of=2026-02-31"])
def test_a_date_that_is_not_real_shows_today_and_says_so(client, login, query):
    login("secretary")
    page = client.get(f"/board?{query}").data.decode()
    assert "is not a date: showing today instead" in page and "as of 1 June 2026 (today)" in page
    assert "nhsuk-date-input--error" in page or "nhsuk-form-group--error" in page
