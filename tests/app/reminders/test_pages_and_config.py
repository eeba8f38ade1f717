"""Bad configuration, the outbox and calendar pages, the feed, the overview warning, the scheduler."""
from __future__ import annotations

import os
from datetime import date

import pytest
from icalendar import Calendar

from fpp.config import ConfigError, load_settings
from fpp.extensions import db

from .conftest import AS_OF


@pytest.mark.parametrize("key, value, message", [
    ("reminders_expiry_lead_days", [60, "soon"], "unknown lead time 'soon'"),
    ("reminders_expiry_lead_days", [0], "unknown lead time 0"),
    ("reminders_declaration_lead_days", "30,400", "unknown lead time 400"),
    ("reminders_run_at", "25:00", "expected a time of day"),
    ("reminders_run_at", "6pm", "expected a time of day"),
    ("reminders_digest_weekday", "someday", "expected a day of the week"),
    ("reminders_attestation_request_on", "13-01", "expected a day of the year"),
    ("outbox_max_attempts", 0, "expected 1 or more"),
])
def test_bad_configuration_names_the_key(key, value, message):
    with pytest.raises(ConfigError) as error:
        load_settings(os.devnull, {key: value}, environ={})
    assert key in str(error.value) and message in str(error.value)


def test_bad_declaration_deadline_stops_the_commands(app, runner, monkeypatch):
    monkeypatch.setitem(app.extensions["fpp_settings"].values, "annual_declaration_deadline", "02-30")
    for command in (("reminders", "run"), ("outbox", "send"), ("scheduler", "--once")):
        result = runner(*command)
        assert result.exit_code == 1 and "annual_declaration_deadline" in result.output


def test_a_bad_as_of_is_a_usage_error(runner):
    assert runner("reminders", "run", "--as-of", "1 June").exit_code == 2


def test_outbox_pages(client, login, runner, board, frozen):
    runner("reminders", "run", "--as-of", AS_OF.isoformat())
    login("secretary")
    page = client.get("/outbox").data.decode()
    assert "DBS check for Alice Able: valid until 31/07/2026" in page
    from sqlalchemy import select
    from fpp.reminders.models import OutboxMessage
    message = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "alice@example.nhs.uk")).scalar()
    shown = client.get(f"/outbox/{message.id}").data.decode()
    assert "Alice Able" in shown and "https://fpp.example.nhs.uk/members/" in shown
    assert client.post(f"/outbox/{message.id}/retry").status_code == 302


@pytest.mark.parametrize("role, status", [("member", 403), ("chair", 403), ("auditor", 200)])
def test_outbox_is_for_the_secretary_and_auditor(client, login, role, status):
    login(role)
    assert client.get("/outbox").status_code == status


def test_outbox_needs_sign_in(client):
    assert client.get("/outbox").status_code == 302


def test_file_backend_writes_eml_and_the_page_shows_it(app, runner, board, frozen, monkeypatch, client, login):
    monkeypatch.setitem(app.extensions["fpp_settings"].values, "mail_backend", "file")
    runner("reminders", "run", "--as-of", AS_OF.isoformat())
    assert "4 sent" in runner("outbox", "send").output
    files = sorted((app.extensions["fpp_settings"].data_dir / "mail").glob("*.eml"))
    assert len(files) == 4
    login("secretary")
    assert b"The .eml file as written" in client.get("/outbox/" + files[0].stem.lstrip("0")).data


def _feed_url(client) -> str:
    page = client.post("/calendar", data={"action": "create"}).data.decode()
    return page.split("https://fpp.example.nhs.uk", 1)[1].split("<", 1)[0]


def test_calendar_feed_for_a_member_lists_only_their_own_dates(app, client, login, board, frozen):
    login("member", member=board["alice"])
    url = _feed_url(client)
    client.get("/logout")
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "DBS check valid until 31/07/2026: Alice Able" in summaries
    assert all("Alice Able" in s for s in summaries)
    dbs = next(e for e in events if str(e["SUMMARY"]).startswith("DBS check"))
    assert dbs.decoded("DTSTART") == date(2026, 7, 31)  # the last valid day


def test_calendar_feed_for_the_secretary_lists_everyone_and_can_be_revoked(app, client, login, board, frozen):
    login("secretary")
    url = _feed_url(client)
    body = app.test_client().get(url).data.decode()
    assert "Bob Brown" in body and "Leaver reference due: Colin Cole" in body and "declaration" in body
    client.post("/calendar", data={"action": "revoke"})
    assert app.test_client().get(url).status_code == 404
    assert app.test_client().get("/calendar/feed/not-a-token.ics").status_code == 404


def test_the_token_is_stored_only_as_a_hash(client, login, frozen):
    login("secretary")
    url = _feed_url(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    from sqlalchemy import select
    from fpp.reminders.models import CalendarFeed
    stored = db.session.execute(select(CalendarFeed.token_hash)).scalars().all()
    assert token not in stored and len(stored[0]) == 64


def test_overview_warns_when_the_heartbeat_is_stale(app, client, login):
    login("secretary")
    assert "The reminder scheduler has never run" in client.get("/board").data.decode()
    from fpp.reminders.models import SchedulerLease
    from fpp.timeutil import utcnow
    db.session.add(SchedulerLease(name="scheduler", holder="x", acquired_at=utcnow(), expires_at=utcnow(),
                                  heartbeat_at=utcnow()))
    db.session.commit()
    assert "Reminders are not running" not in client.get("/board").data.decode()
