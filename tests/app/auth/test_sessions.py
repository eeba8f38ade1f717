"""Sessions that end: signing out for good, a password change, idle and absolute timeouts, accounts that
may no longer be used (refused at sign-in and on the next request), no remember-me cookie."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from fpp.auth.models import EndedSession
from fpp.extensions import db
from tests.fixtures.factories import PASSWORD, sign_in_as

from .conftest import text_of


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(client, value: str) -> None:
    client.set_cookie("session", value)


def test_a_cookie_replayed_after_sign_out_is_refused(client, create_user, clock):
    user = create_user("secretary")
    sign_in_as(client, user.email)
    assert client.get("/board").status_code == 200
    kept = _cookie(client)
    client.post("/logout")
    assert client.get("/board").headers["Location"].startswith("/login")
    _replay(client, kept)
    response = client.get("/board")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "You signed out" in text_of(client.get("/login"))
    assert db.session.execute(select(func.count()).select_from(EndedSession)).scalar() == 1


def test_signing_out_purges_ended_sessions_that_could_no_longer_be_used(client, create_user, clock):
    user = create_user("member")
    db.session.add(EndedSession(session_id="old", user_id=user.id, ended_at=clock.now - timedelta(days=2),
                                expires_at=clock.now - timedelta(days=1)))
    db.session.commit()
    sign_in_as(client, user.email)
    client.post("/logout")
    ids = db.session.execute(select(EndedSession.session_id)).scalars().all()
    assert "old" not in ids and len(ids) == 1


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, create_user, clock):
    user = create_user("auditor")
    here, there = app.test_client(), app.test_client()
    sign_in_as(here, user.email)
    sign_in_as(there, user.email)  # a second session (the next time step's code)
    assert there.get("/board").status_code == 200
    response = here.post("/account/password", data={"current": PASSWORD, "password": "plum-lantern-orbit-42"})
    assert response.headers["Location"] == "/account"
    assert here.get("/board").status_code == 200
    refused = there.get("/board")
    assert refused.headers["Location"].startswith("/login")
    assert "Your account was changed: sign in again" in text_of(there.get("/login"))
    assert user.session_version == 2 and user.password_changed_at == clock.now


def test_a_session_unused_for_30_minutes_ends_with_the_reason(client, create_user, clock):
    user = create_user("secretary")
    sign_in_as(client, user.email)
    for _ in range(4):  # in use: every 25 minutes keeps it going
        clock.advance(minutes=25)
        assert client.get("/board").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/board")
    assert response.headers["Location"].startswith("/login?next=")
    assert "Your session ended after 30 minutes without use. Sign in again." in text_of(client.get("/login"))
    assert "Sign in to see the register" not in text_of(client.get("/login"))


def test_a_session_ends_after_12_hours_however_much_it_is_used(client, create_user, clock):
    user = create_user("member")
    sign_in_as(client, user.email)
    for _ in range(12 * 60 // 20):
        clock.advance(minutes=20)
        assert client.get("/").status_code == 302
        assert client.get("/account").status_code == 200
    clock.advance(minutes=20)
    assert client.get("/account").headers["Location"].startswith("/login")
    assert "Your session ended after 12 hours" in text_of(client.get("/login"))


def test_the_cookie_is_permanent_for_the_session_lifetime_and_no_remember_me(app, client, create_user, clock):
    user = create_user("secretary")
    assert sign_in_as(client, user.email) == "/"
    assert app.permanent_session_lifetime == timedelta(hours=12)
    assert client.get_cookie("session").expires is not None
    assert client.get_cookie("remember_token") is None


def test_a_session_not_made_by_signing_in_is_refused(client, create_user, clock):
    """A session holding only Flask-Login's user id (an old remember-me cookie would make one) is refused."""
    user = create_user("secretary")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/board").headers["Location"].startswith("/login")


def test_an_auditor_past_their_end_date_is_refused_at_sign_in_and_on_the_next_request(client, create_user, clock):
    user = create_user("auditor")
    user.active_until = clock.now.date()
    db.session.commit()
    sign_in_as(client, user.email)
    assert client.get("/audit").status_code == 200  # the last day still works
    clock.advance(days=1)
    assert client.get("/audit").headers["Location"].startswith("/login")
    assert "This account ended on 10 March 2026" in text_of(client.get("/login"))
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200 and "This account ended on 10 March 2026" in text_of(refused)


def test_a_member_who_has_left_is_refused_at_sign_in_and_on_the_next_request(client, create_user, create_member,
                                                                             clock):
    member = create_member(name="Len Leaving")
    user = create_user("member", member=member)
    sign_in_as(client, user.email)
    assert client.get(f"/members/{member.id}").status_code == 200
    member.end_on = clock.now.date() - timedelta(days=1)  # the appointment ended yesterday
    db.session.commit()
    assert client.get(f"/members/{member.id}").headers["Location"].startswith("/login")
    assert "Len Leaving left the board on 9 March 2026" in text_of(client.get("/login"))
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "left the board" in text_of(refused) and client.get("/").status_code == 302


def test_a_disabled_account_or_a_raised_version_ends_the_session(client, create_user, clock):
    user = create_user("chair")
    sign_in_as(client, user.email)
    user.session_version += 1  # what a role change or a second-factor reset does
    db.session.commit()
    assert client.get("/board").headers["Location"].startswith("/login")
    clock.advance(seconds=30)
    sign_in_as(client, user.email)
    user.is_enabled = False
    db.session.commit()
    assert client.get("/board").headers["Location"].startswith("/login")
    assert "disabled" in text_of(client.get("/login"))


def test_a_pending_invitation_cannot_sign_in(client, create_user, clock):
    user = create_user("auditor")
    user.invited_at = clock.now
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and "invitation has not been accepted" in text_of(response)


def test_sign_out_everywhere_ends_every_session(app, create_user, clock):
    user = create_user("secretary")
    here, there = app.test_client(), app.test_client()
    sign_in_as(here, user.email)
    sign_in_as(there, user.email)
    assert here.post("/account/sign-out-everywhere").headers["Location"] == "/login"
    assert "You signed out everywhere" in text_of(here.get("/login"))
    assert there.get("/board").headers["Location"].startswith("/login")


def test_reads_write_nothing_to_the_database(client, create_user, clock, count_queries, engine):
    from sqlalchemy import event
    user = create_user("secretary")
    sign_in_as(client, user.email)
    statements = []
    listener = lambda *args: statements.append(args[2].split()[0].upper())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        clock.advance(minutes=5)
        assert client.get("/board").status_code == 200
        assert client.get("/account").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements and not {"INSERT", "UPDATE", "DELETE"} & set(statements)
