"""Jinja filters and globals shared by every page."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_login import current_user

from checks import CATALOGUE, get_check
from checks.people import POSITION_LABELS
from checks.records import DBS_LEVEL_LABELS, RECORD_OUTCOME_LABELS
from fpp.navigation import extra_nav_items

STATUS_LABELS = {
    "valid": "Valid", "due_soon": "Due soon", "expired": "Expired", "missing": "Missing",
    "concern": "Concern", "not_required": "Not required", "compliant": "Compliant",
    "action_required": "Action required", "left": "Left", "not_started": "Not started",
}
STATUS_TAGS = {
    "valid": "green", "compliant": "green", "due_soon": "yellow", "expired": "red", "missing": "orange",
    "action_required": "orange", "concern": "red", "not_required": "grey", "left": "grey",
    "not_started": "grey",
}


def format_date(value: date | datetime | None, style: str = "short") -> str:
    """dd/mm/yyyy (short) or 1 April 2026 (long); '' for None."""
    if value is None:
        return ""
    if style == "long":
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def status_tag(status: str) -> dict:
    return {"text": STATUS_LABELS.get(status, status), "classes": f"nhsuk-tag--{STATUS_TAGS.get(status, 'grey')}"}


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed."""
    args = request.args.to_dict() | {k: v for k, v in changes.items() if v is not None}
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["status_label"] = lambda s: STATUS_LABELS.get(s, s)
    app.jinja_env.filters["outcome_label"] = lambda s: RECORD_OUTCOME_LABELS.get(s, s)
    app.jinja_env.filters["dbs_level_label"] = lambda s: DBS_LEVEL_LABELS.get(s, s)
    app.jinja_env.filters["check_label"] = lambda code: get_check(code).label
    app.jinja_env.filters["position_label"] = lambda s: POSITION_LABELS.get(s, s)
    app.jinja_env.globals.update(
        status_tag=status_tag, STATUS_LABELS=STATUS_LABELS, CATALOGUE=CATALOGUE, url_with=url_with,
        current_user=current_user, extra_nav_items=extra_nav_items,
    )

    @app.context_processor
    def inject():
        from fpp.extensions import settings
        return {"organisation_name": settings()["organisation_name"]}
