"""The audit trail, for the secretary and the auditor: filterable, never editable."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from fpp.access import roles_required
from fpp.audit import queries
from fpp.extensions import db

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100


@bp.app_template_global()
def audit_public_key() -> dict[str, str]:
    """The audit key's public half and fingerprint, for pages that print it (the declaration)."""
    from exports.trail import key_fingerprint, public_key_text
    from fpp.audit.keys import register_keys
    text = public_key_text(register_keys()[0])
    return {"text": text, "fingerprint": key_fingerprint(text)}


def _date_arg(name: str) -> tuple[date | None, str | None]:
    text = request.args.get(name, "").strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, f"“{text}” is not a date (use YYYY-MM-DD); that filter was ignored."


@bp.route("/audit")
@roles_required("secretary", "auditor")
def list_entries():
    since, since_error = _date_arg("since")
    until, until_error = _date_arg("until")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = queries.filtered(action=request.args.get("action") or None, actor=request.args.get("actor") or None,
                             member_pk=request.args.get("member", type=int), since=since, until=until,
                             batch=request.args.get("batch") or None)
    total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar()
    entries = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    return render_template("audit/list.html", entries=entries, total=total, page=page, page_size=PAGE_SIZE,
                           actions=queries.distinct_actions(), errors=[e for e in (since_error, until_error) if e])
