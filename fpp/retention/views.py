"""The retention page, for the company secretary (and the auditor, who reads everything): who falls due,
who cannot be judged, evidence files due to go, and the purge log. Purging is never a button: the
scheduler does it on the first of each month, and `fpp retention purge` on demand."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Blueprint, render_template

from checks.dates import add_months
from checks.retention import ordinal
from fpp.access import roles_required
from fpp.extensions import settings
from fpp.navigation import add_nav_item
from fpp.retention import queries, tasks
from fpp.timeutil import today

bp = Blueprint("retention", __name__)
READERS = ("secretary", "auditor")
add_nav_item("Retention", "retention.index", ("secretary",))


@bp.record_once
def _offer_the_monthly_purge(state) -> None:
    """The scheduler (fpp.reminders) runs the monthly purge through `app.extensions["fpp_monthly_purge"]`,
    so that it imports nothing of this feature, which imports the reminders' tables."""
    state.app.extensions["fpp_monthly_purge"] = tasks.monthly_purge


def next_run(day: date) -> date:
    """The day of the scheduler's next monthly purge: today on the first of a month, else the next first."""
    return day if day.day == 1 else add_months(day.replace(day=1), 1)


@bp.route("/retention")
@roles_required(*READERS)
def index():
    values = settings()
    now = today()
    log, policy = queries.purge_log(), queries.retention_policy(values)
    return render_template("retention/index.html", outlook=queries.outlook(now, values), policy=policy,
                           birthday=ordinal(policy.leaver_age_years), horizon=queries.HORIZON_DAYS,
                           horizon_end=now + timedelta(days=queries.HORIZON_DAYS),
                           next_run=next_run(now), run_at=values["reminders_run_at"], log=log,
                           log_counts={entry.id: json.loads(entry.counts) for entry in log})
