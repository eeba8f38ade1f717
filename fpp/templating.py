"""Jinja filters and globals shared by every page."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from checks.people import POSITION_LABELS
from checks.records import DBS_LEVEL_LABELS, RECORD_OUTCOME_LABELS
from checks.text import one_line
from checks.wording import date_phrase
from fpp.navigation import extra_nav_items, header_navigation

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


def _check_label(code: str) -> str:
    from fpp.extensions import settings
    return settings().rules.label(code)


def date_phrase_filter(check, expires_on: date | None = None) -> str:
    """`{{ c|date_phrase }}` for anything with `.status` and `.expires_on` (a CheckStatus), or
    `{{ status|date_phrase(expires_on) }}`: checks.wording.date_phrase, the words every page and mail use."""
    if isinstance(check, str):
        return date_phrase(check, expires_on)
    return date_phrase(check.status, check.expires_on)


def _mail_value(value):
    """Each value a mail template prints, on one line: a name holding CR, LF or another control character
    (an old record) shows without it, in both parts. Markup is left as it is (it was escaped already)."""
    return one_line(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def render_mail(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of `templates/email/<template>.txt|.html`.

    The .txt part is rendered without HTML escaping (`O'Brien` stays `O'Brien`), the .html part escaped as
    every page is; in both, every printed value is kept to one line (`_mail_value`). Subjects and addresses
    are not made here: the mail builder refuses any header with a control character."""
    app = current_app._get_current_object()
    environments = app.extensions["fpp_mail_environments"]
    app.update_template_context(context)
    return tuple(environments[part].get_template(f"email/{template}.{part}").render(context)
                 for part in ("txt", "html"))


def register(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["date_phrase"] = date_phrase_filter
    app.jinja_env.filters["status_label"] = lambda s: STATUS_LABELS.get(s, s)
    app.jinja_env.filters["outcome_label"] = lambda s: RECORD_OUTCOME_LABELS.get(s, s)
    app.jinja_env.filters["dbs_level_label"] = lambda s: DBS_LEVEL_LABELS.get(s, s)
    app.jinja_env.filters["check_label"] = _check_label
    app.jinja_env.filters["position_label"] = lambda s: POSITION_LABELS.get(s, s)
    app.jinja_env.globals.update(
        status_tag=status_tag, STATUS_LABELS=STATUS_LABELS, url_with=url_with,
        current_user=current_user, extra_nav_items=extra_nav_items, header_navigation=header_navigation,
    )

    # Mail: plain text unescaped, HTML escaped; both share the loader, filters and globals of the pages.
    app.extensions["fpp_mail_environments"] = {
        "txt": app.jinja_env.overlay(autoescape=False, finalize=_mail_value),
        "html": app.jinja_env.overlay(autoescape=True, finalize=_mail_value),
    }

    @app.context_processor
    def inject():
        from fpp.extensions import settings
        values = settings()
        # The configured catalogue: the standard checks, then the organisation's own (docs/catalogue.md).
        return {"organisation_name": values["organisation_name"], "CATALOGUE": values.rules.catalogue}
