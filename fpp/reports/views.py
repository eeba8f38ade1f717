"""The reports page: the year's declaration workbook, board summary and evidence pack."""
from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user

from checks.years import year_bounds, year_label, year_of
from exports import board_summary
from fpp.access import roles_required
from fpp.extensions import writes
from fpp.forms import BaseForm
from fpp.navigation import add_nav_item
from fpp.reports import operations
from fpp.reports.queries import declaration_data
from fpp.timeutil import today

bp = Blueprint("reports", __name__)
DOWNLOADERS = ("secretary", "chair", "sid", "auditor")  # CONTRACT.md: these roles "read everything"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
add_nav_item("Reports", "reports.index", DOWNLOADERS)


def current_year() -> int:
    return year_of(today())


@bp.route("/reports")
@roles_required(*DOWNLOADERS)
def index():
    years = list(range(current_year(), current_year() - 6, -1))
    return render_template("reports/index.html", years=years, label=year_label,
                           bounds=year_bounds, form=BaseForm())


def _xlsx_download(kind: str, year: int, writer, filename: str):
    buffer = io.BytesIO()
    writer(year, buffer)
    operations.record_export(kind, year)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=filename)


@bp.route("/reports/<year:year>/declaration.xlsx")
@roles_required(*DOWNLOADERS)
def download_declaration(year: int):
    return _xlsx_download("declaration", year, operations.write_declaration,
                          f"fpp-declaration-{year_label(year).replace('/', '-')}.xlsx")


@bp.route("/reports/<year:year>/summary.xlsx")
@roles_required(*DOWNLOADERS)
def download_summary(year: int):
    return _xlsx_download("summary", year, operations.write_summary,
                          f"fpp-board-summary-{year_label(year).replace('/', '-')}.xlsx")


@bp.route("/reports/<year:year>/summary")
@roles_required(*DOWNLOADERS)
def show_summary(year: int):
    summary = board_summary(declaration_data(year))
    operations.record_export("summary_page", year)
    return render_template("reports/summary.html", summary=summary, year=year)


@bp.route("/reports/<year:year>/pack", methods=["POST"])
@writes
@roles_required(*DOWNLOADERS)
def start_pack(year: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    job = operations.start_pack(year, current_user.id, current_user.email)
    return redirect(url_for("reports.pack_progress", job=job))


def _own_job(job: str) -> dict:
    state = operations.pack_state(job)
    if state is None:
        abort(404)
    if state["user_id"] != current_user.id:
        abort(403)
    return state


@bp.route("/reports/packs/<job>")
@roles_required(*DOWNLOADERS)
def pack_progress(job: str):
    state = _own_job(job)
    return render_template("reports/pack.html", state=state, job=job, label=year_label(state["year"]))


@bp.route("/reports/packs/<job>/download")
@roles_required(*DOWNLOADERS)
def download_pack(job: str):
    state = _own_job(job)
    if state["state"] != "ready":
        return redirect(url_for("reports.pack_progress", job=job))
    operations.record_export("pack_download", state["year"], job=job)
    name = f"fpp-evidence-pack-{year_label(state['year']).replace('/', '-')}.zip"
    return send_file(operations.pack_file(job), mimetype="application/zip", as_attachment=True,
                     download_name=name)


@bp.route("/reports/packs/<job>/status")
@roles_required(*DOWNLOADERS)
def pack_status(job: str):
    return _own_job(job) | {"download": url_for("reports.download_pack", job=job)}


@bp.route("/members/<int:member_pk>/subject-access.zip")
@roles_required("secretary")
def download_subject_access(member_pk: int):
    """Everything held about the member (a subject access request), as one zip; the read is audited."""
    import tempfile

    from fpp.access import require_member_view
    from fpp.audit import operations as audit
    from fpp.people.queries import get_member
    from fpp.reports.subject_access import write_subject_access
    member = require_member_view(get_member(member_pk))
    archive = tempfile.TemporaryFile()  # evidence can be large: on disk, not in memory; gone once sent
    files = write_subject_access(member, archive, current_user.email)
    audit.record_read("member.subject_access", "members", member.id, member_pk=member.id,
                      after={"evidence_files": files})
    archive.seek(0)
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"subject-access-{member.member_id}.zip")
