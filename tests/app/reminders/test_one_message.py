"""One message per person per pass (issue 13): after a tracker import of members without e-mail addresses,
with several checks due for one member, with secretary copies on and off, after a catch-up, run twice."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from fpp.extensions import db
from fpp.reminders.models import OutboxMessage, Reminder, outbox_message_reminders
from fpp.timeutil import freeze
from tests.data import SAMPLE_TRACKER

from .conftest import AS_OF

SAMPLE_ANSWERS = 'I5 = "skip"\nJ5 = "skip"\nR9 = "clear 20/04/2025"\nP11 = "skip"\n'
IMPORTED_ON = date(2025, 5, 14)  # the sample tracker's day; nobody in it has an e-mail address
SECRETARIES = ("sec1@example.nhs.uk", "sec2@example.nhs.uk")


def run(runner, *args) -> str:
    result = runner(*args)
    assert result.exit_code == 0, result.output
    return result.output


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def linked(message: OutboxMessage) -> set[int]:
    query = select(outbox_message_reminders.c.reminder_id).where(outbox_message_reminders.c.message_id == message.id)
    return set(db.session.execute(query).scalars())


def import_sample(runner, tmp_path, create_user) -> None:
    for address in SECRETARIES:
        create_user("secretary", email=address)
    answers = tmp_path / "answers.toml"
    answers.write_text(SAMPLE_ANSWERS)
    with freeze(datetime(2025, 5, 14, 12, 0)):
        run(runner, "import-tracker", SAMPLE_TRACKER, "--answers", answers)


def test_after_an_import_without_addresses_each_secretary_gets_one_message_and_no_member_mail(
        runner, create_user, tmp_path, smtp_server):
    import_sample(runner, tmp_path, create_user)
    with freeze(datetime(2025, 5, 14, 13, 0)):
        output = run(runner, "reminders", "run", "--as-of", IMPORTED_ON.isoformat())
        rows = messages()
        assert Counter(m.recipient for m in rows) == {address: 1 for address in SECRETARIES}
        reminders = db.session.execute(select(Reminder)).scalars().all()
        assert f"queued {len(reminders)} reminder(s), 2 message(s)" in output
        for message in rows:
            assert linked(message) == {r.id for r in reminders}  # each lists every step queued
            assert message.reminder_id is None  # about many members: it stays if one is removed
            body = message.body_text
            assert body.startswith("Hello,") and "Dear" not in body and "Dear" not in message.body_html
            assert "- No email address for Dame Elizabeth Ward (30145566): 2 reminders could not be sent." in body
            assert "  - Qualifications: missing, required since 01/11/2019. First notice." in body
            assert "- No email address for Mrs Sarah O'Neill (30254411): 1 reminder could not be sent." in body
            assert "  - DBS check: expired since 06/01/2025. First notice." in body
            assert "Ms Fiona Grant (30110099), who left on 31/03/2025: overdue, due by 30/04/2025." in body
            assert "Weekly digest" in body
            unreachable = body.count("- No email address for ")
            told = sum(int(line.split(": ")[1].split()[0]) for line in body.splitlines()
                       if line.startswith("- No email address for "))
            member_steps = [r for r in reminders if r.kind in ("expiry", "overdue", "attestation")]
            assert unreachable == len({r.member_pk for r in member_steps}) and told == len(member_steps)
        assert "2 sent" in run(runner, "outbox", "send")
    envelopes = Counter(to for to, _, _ in smtp_server.inbox.received)
    assert envelopes == {address: 1 for address in SECRETARIES}
    assert all("Dear" not in text for _, _, text in smtp_server.inbox.received)


def test_a_second_pass_on_the_same_day_queues_nothing(runner, create_user, tmp_path):
    import_sample(runner, tmp_path, create_user)
    with freeze(datetime(2025, 5, 14, 13, 0)):
        run(runner, "reminders", "run", "--as-of", IMPORTED_ON.isoformat())
        before = [(m.id, m.recipient, m.body_text) for m in messages()]
        reminders = db.session.execute(select(func.count()).select_from(Reminder)).scalar()
        assert "queued 0 reminder(s), 0 message(s)" in run(runner, "reminders", "run", "--as-of",
                                                           IMPORTED_ON.isoformat())
        assert [(m.id, m.recipient, m.body_text) for m in messages()] == before
        assert db.session.execute(select(func.count()).select_from(Reminder)).scalar() == reminders


def test_a_member_gets_one_message_listing_every_check_that_concerns_them(runner, create_full_member, create_user,
                                                                          frozen):
    create_user("secretary", email="sec@example.nhs.uk")
    member = create_full_member({"dbs": date(2023, 7, 31), "insolvency": date(2025, 5, 20), "qualifications": None},
                                name="Alice Able", email="alice@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    rows = messages()
    assert Counter(m.recipient for m in rows) == {"alice@example.nhs.uk": 1, "sec@example.nhs.uk": 1}
    [alice] = [m for m in rows if m.recipient == "alice@example.nhs.uk"]
    assert alice.subject == "3 fit and proper checks for Alice Able need attention"
    lines = [line for line in alice.body_text.splitlines() if line.startswith("- ")]
    assert lines == [
        "- DBS check: valid until 31/07/2026 (60 days from now). First notice. Please arrange for it to be "
        "renewed before then.",
        "- Insolvency search: expired since 21/05/2026. First notice. Please arrange for it to be done now and "
        "send the evidence to the company secretary.",
        "- Qualifications: missing, required since 01/01/2020. First notice. Please arrange for it to be done "
        "now and send the evidence to the company secretary.",
    ]
    assert len(linked(alice)) == 3 and alice.reminder_id in linked(alice)  # it goes with Alice's record
    [secretary] = [m for m in rows if m.recipient == "sec@example.nhs.uk"]
    assert "Dear" not in secretary.body_text and "Copy" not in secretary.subject  # the digest, no copy
    assert f"/members/{member.id}" in alice.body_text


def test_secretary_copies_are_marked_as_copies_in_subject_and_first_line(app, runner, create_full_member,
                                                                          create_user, frozen, monkeypatch):
    monkeypatch.setitem(app.extensions["fpp_settings"].values, "reminders_secretary_copies", True)
    for address in ("sec1@example.nhs.uk", "sec2@example.nhs.uk"):
        create_user("secretary", email=address)
    create_full_member({"dbs": date(2023, 7, 31), "insolvency": date(2025, 5, 20)}, name="Alice Able",
                       email="alice@example.nhs.uk")
    create_full_member({"dbs": date(2023, 7, 31)}, name="Bob Brown", email="bob@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    rows = messages()
    assert Counter(m.recipient for m in rows) == {"alice@example.nhs.uk": 1, "bob@example.nhs.uk": 1,
                                                  "sec1@example.nhs.uk": 3, "sec2@example.nhs.uk": 3}
    alice = next(m for m in rows if m.recipient == "alice@example.nhs.uk")
    copies = [m for m in rows if m.recipient == "sec1@example.nhs.uk" and m.subject.startswith("Copy: ")]
    assert sorted(m.subject for m in copies) == ["Copy: 2 fit and proper checks for Alice Able need attention",
                                                 "Copy: DBS check for Bob Brown: valid until 31/07/2026"]
    copy = next(m for m in copies if "Alice" in m.subject)
    first, _, rest = copy.body_text.partition("\n")
    assert first == "Copy for the company secretary of the message sent to Alice Able at alice@example.nhs.uk."
    assert rest.lstrip("\n") == alice.body_text
    assert copy.body_html.count("Copy for the company secretary") == 1
    assert linked(copy) == linked(alice) and copy.reminder_id == alice.reminder_id
    assert not any(m.subject.startswith("Copy") for m in rows if m.recipient.startswith(("alice", "bob")))


def test_copies_are_off_by_default(runner, create_full_member, create_user, frozen):
    create_user("secretary", email="sec@example.nhs.uk")
    create_full_member({"dbs": date(2023, 7, 31)}, name="Alice Able", email="alice@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    [secretary] = [m for m in messages() if m.recipient == "sec@example.nhs.uk"]
    assert "Alice Able" not in secretary.subject and "Copy" not in secretary.body_text
    assert "Dear Alice" not in secretary.body_text


def test_a_catch_up_counts_the_notices_really_sent(runner, create_full_member, frozen):
    """Weekly overdue steps 1 and 2 go out, the scheduler stops, and the sixth step is due when it comes
    back: that message is the third notice, not "reminder 6"; a first pass after weeks is a first notice."""
    create_full_member({"insolvency": date(2025, 5, 20)}, name="Bob Brown", email="bob@example.nhs.uk")
    first = date(2026, 5, 21)
    run(runner, "reminders", "run", "--as-of", first.isoformat())
    run(runner, "reminders", "run", "--as-of", (first + timedelta(days=7)).isoformat())
    create_full_member({"insolvency": date(2025, 5, 20)}, name="Cat Late", email="cat@example.nhs.uk")  # imported now
    run(runner, "reminders", "run", "--as-of", (first + timedelta(days=40)).isoformat())
    bob = [m.body_text for m in messages() if m.recipient == "bob@example.nhs.uk"]
    assert [("First notice." in b, "Reminder 2." in b, "Reminder 3." in b) for b in bob] == [
        (True, False, False), (False, True, False), (False, False, True)]
    [cat] = [m.body_text for m in messages() if m.recipient == "cat@example.nhs.uk"]
    assert "Insolvency search: expired since 21/05/2026. First notice." in cat and "Reminder" not in cat
    steps = db.session.execute(select(Reminder.step).join(OutboxMessage, OutboxMessage.reminder_id == Reminder.id)
                               .where(OutboxMessage.recipient == "cat@example.nhs.uk")).scalars().all()
    assert steps == ["expired_6"]


def test_a_message_is_sent_while_one_of_its_reminders_applies_and_cancelled_when_none_does(
        runner, create_full_member, create_record, smtp_server, frozen):
    alice = create_full_member({"dbs": date(2023, 7, 31), "insolvency": date(2025, 5, 20)}, name="Alice Able",
                               email="alice@example.nhs.uk")
    bob = create_full_member({"dbs": date(2023, 7, 31), "insolvency": date(2025, 5, 20)}, name="Bob Brown",
                             email="bob@example.nhs.uk")
    run(runner, "reminders", "run", "--as-of", AS_OF.isoformat())
    create_record(alice, "dbs", AS_OF)  # one of Alice's two renewed before the sender ran
    create_record(bob, "dbs", AS_OF)
    create_record(bob, "insolvency", AS_OF)  # both of Bob's
    assert "1 sent, 0 failed (will be retried or shown as failed), 1 cancelled" in run(runner, "outbox", "send")
    assert [to for to, _, _ in smtp_server.inbox.received] == ["alice@example.nhs.uk"]
    [cancelled] = [m for m in messages() if m.recipient == "bob@example.nhs.uk"]
    assert cancelled.status == "cancelled"
    assert cancelled.last_error == ("none of its 2 reminders applies any more: the check has been renewed or no "
                                    "longer applies; the check has been completed or no longer applies")
