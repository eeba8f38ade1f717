"""The audit trail, for the secretary and the auditor: filterable, never editable."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from fpp.access import roles_required
from fpp.audit import presentation, queries
from fpp.extensions import db, settings

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100
PREVIEW = 10  # entries shown when a batch's row is opened; the rest a page at a time


@bp.app_template_global()
def audit_public_key() -> dict[str, str]:
    """The audit key's public half and fingerprint, for pages that print it (the declaration)."""
    from exports.trail import key_fingerprint, public_key_text
    from fpp.audit.keys import register_keys
    text = public_key_text(register_keys()[0])
    return {"text": text, "fingerprint": key_fingerprint(text)}


def _date_arg(name: str) -> tuple[date | None, str | None, dict[str, str]]:
    """A date filter from the URL: ISO text (`since=2025-04-01`) or the NHS.UK date input's three parts
    (`since[day]`, `since[month]`, `since[year]`). Returns the date, an error, and the parts to show."""
    parts = {p: request.args.get(f"{name}[{p}]", "").strip() for p in ("day", "month", "year")}
    text = request.args.get(name, "").strip()
    if any(parts.values()):
        try:
            found = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            shown = "/".join(parts[p] or "?" for p in ("day", "month", "year"))
            return None, f"“{shown}” is not a date (day, month and year); that filter was ignored.", parts
        return found, None, parts
    if not text:
        return None, None, parts
    try:
        found = date.fromisoformat(text)
    except ValueError:
        return None, f"“{text}” is not a date (use YYYY-MM-DD); that filter was ignored.", parts
    return found, None, {"day": str(found.day), "month": str(found.month), "year": str(found.year)}


@bp.route("/audit")
@roles_required("secretary", "auditor")
def list_entries():
    since, since_error, since_parts = _date_arg("since")
    until, until_error, until_parts = _date_arg("until")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    batch = request.args.get("batch") or None
    query = queries.filtered(action=request.args.get("action") or None, actor=request.args.get("actor") or None,
                             member_pk=request.args.get("member", type=int), since=since, until=until, batch=batch)
    entries_total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar()
    if batch:  # one batch's entries, one by one
        total = entries_total
        entries = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
        rows, batches = [("entry", e) for e in entries], queries.batch_details(query, [batch], 0)[0]
        previews: dict = {}
    else:
        found, total = queries.rows_page(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        singles = queries.entries_by_id([last for last, batch_id, _ in found if batch_id is None])
        batches, previews = queries.batch_details(query, [b for _, b, _ in found if b], PREVIEW)
        rows = [("batch", b) if b else ("entry", singles[last]) for last, b, _ in found]
    shown = [e for kind, e in rows if kind == "entry"] + [e for p in previews.values() for e in p]
    names = _names(shown)
    summaries = {b: presentation.Batch(b, sum(n for _, n in info["counts"]), info["first_at"], info["last_at"],
                                       info["actor"], tuple(info["counts"]), info.get("summary"))
                 for b, info in batches.items() if info["counts"] or b == batch}
    rows = [(kind, summaries.get(item, item) if kind == "batch" else item) for kind, item in rows]
    return render_template(
        "audit/list.html", rows=rows, previews=previews, names=names, total=total, entries_total=entries_total,
        page=page, page_size=PAGE_SIZE,
        batch=summaries.get(batch) if batch else None, present=presentation,
        actions=[(a, presentation.action_label(a)) for a in queries.distinct_actions()],
        members=queries.member_choices(), since_parts=since_parts, until_parts=until_parts,
        errors=[e for e in (since_error, until_error) if e])


def _names(entries: list) -> presentation.Names:
    member_pks, user_ids = presentation.ids_named(entries)
    members, users = queries.names_for(member_pks, user_ids)
    labels = {code: settings().rules.label(code) for code in _codes(entries)}
    return presentation.Names(members, users, labels, queries.role_labels(), queries.field_order())


def _codes(entries: list) -> set[str]:
    codes = set()
    for entry in entries:
        if not presentation.is_redacted(entry):
            for side in (presentation.loads(entry.before), presentation.loads(entry.after)):
                if side and isinstance(side.get("code"), str):
                    codes.add(side["code"])
    return codes
