"""The secretary's outbox (list, message, retry), the calendar feed page and the feed itself."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from fpp.access import roles_required
from fpp.extensions import csrf, db, settings, writes
from fpp.navigation import add_nav_item
from fpp.reminders import calendar, operations, queries
from fpp.reminders.mail import read_stored
from fpp.reminders.models import FAILED, MESSAGE_STATUSES, QUEUED, OutboxMessage
from fpp.reminders.policy import reminder_policy
from fpp.reminders.scheduler import heartbeat
from fpp.timeutil import today, utcnow

bp = Blueprint("reminders", __name__)
OUTBOX_READERS = ("secretary", "auditor")
add_nav_item("Outbox", "reminders.list_outbox", OUTBOX_READERS)
add_nav_item("Calendar", "reminders.show_calendar", ("secretary", "chair", "sid", "member", "auditor"))


@bp.record_once
def offer_the_outbox(state) -> None:
    """Other features queue mail through `app.extensions["fpp_outbox"]` (see operations.queue_message)."""
    state.app.extensions["fpp_outbox"] = operations.queue_message


@bp.app_context_processor
def scheduler_context():
    """`scheduler_health()` for templates (the board overview): a warning when the heartbeat is stale."""
    def scheduler_health() -> dict:
        beat = heartbeat(db.session)
        limit = timedelta(minutes=settings()["scheduler_heartbeat_stale_minutes"])
        return {"heartbeat_at": beat, "is_stale": beat is None or utcnow() - beat > limit}
    return {"scheduler_health": scheduler_health}


@bp.route("/outbox")
@roles_required(*OUTBOX_READERS)
def list_outbox():
    status = request.args.get("status", "")
    status = status if status in MESSAGE_STATUSES else None
    return render_template("reminders/outbox.html", messages=queries.outbox_page(status), status=status,
                           counts=queries.outbox_counts(), statuses=MESSAGE_STATUSES, mail_backend=settings()["mail_backend"])


@bp.route("/outbox/<int:message_id>")
@roles_required(*OUTBOX_READERS)
def show_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    raw = None if message.is_confidential else read_stored(message.stored_as)
    return render_template("reminders/message.html", message=message, raw=raw)


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@writes
@roles_required("secretary")
def retry_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.status not in (FAILED, QUEUED):
        abort(400)
    operations.retry_message(message, utcnow())
    db.session.commit()
    flash("The message will be sent at the next send (within a minute while the scheduler runs).", "success")
    return redirect(url_for("reminders.show_message", message_id=message.id))


@bp.route("/calendar", methods=["GET", "POST"])
@writes
@login_required
def show_calendar():
    new_url = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            calendar.revoke_feed(current_user)
            flash("The calendar feed was revoked: its address no longer works.", "success")
        else:
            token = calendar.create_feed(current_user)
            new_url = f"{settings()['base_url'].rstrip('/')}{url_for('reminders.calendar_feed', token=token)}"
        db.session.commit()
    return render_template("reminders/calendar.html", feed=calendar.active_feed(current_user), new_url=new_url)


@bp.route("/calendar/feed/<token>.ics")
@csrf.exempt
def calendar_feed(token: str):
    """The feed needs no session: the secret token is the credential."""
    user = calendar.feed_user(token) or abort(404)
    body = calendar.build_calendar(user, today(), settings().rules, reminder_policy(settings()),
                                   settings()["organisation_name"], settings()["base_url"])
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
