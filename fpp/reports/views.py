"""The reports page: each year's declaration (its state, to print, as a PDF), declaration workbook, board
summary and evidence pack (queued here, built by the scheduler: fpp.reports.tasks)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user

from checks.years import year_bounds, year_label, year_of
from exports import board_summary
from fpp.access import roles_required
from fpp.extensions import db, settings, writes
from fpp.forms import BaseForm
from fpp.navigation import add_nav_item
from fpp.reports import operations, paper
from fpp.reports.models import READY, PackJob
from fpp.reports.queries import declaration_data
from fpp.timeutil import today

bp = Blueprint("reports", __name__)
DOWNLOADERS = ("secretary", "chair", "sid", "auditor")  # CONTRACT.md: these roles "read everything"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
add_nav_item("Reports", "reports.index", DOWNLOADERS)


@bp.record_once
def offer_the_pack_job(state) -> None:
    """The scheduler (fpp.reminders) builds queued packs through `app.extensions["fpp_pack_jobs"]`, so
    that it imports nothing of this feature (which reads the reminders for a subject access request)."""
    from fpp.reports.tasks import run_pack_jobs
    state.app.extensions["fpp_pack_jobs"] = run_pack_jobs


def current_year() -> int:
    return year_of(today())


@bp.route("/reports")
@roles_required(*DOWNLOADERS)
def index():
    years = list(range(current_year(), current_year() - 6, -1))
    keep_days = settings()["reports_pack_keep_days"]
    jobs = [(job, operations.pack_expires_on(job, keep_days)) for job in operations.pack_queue()]
    return render_template("reports/index.html", years=years, label=year_label, bounds=year_bounds,
                           form=BaseForm(), jobs=jobs, keep_days=keep_days,
                           declarations={year: paper.declaration_status(year) for year in years},
                           pdf_problem=paper.pdf_unavailable())


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


@bp.route("/reports/<year:year>/declaration")
@roles_required(*DOWNLOADERS)
def show_declaration(year: int):
    """The declaration on paper, for the regional director: the page prints on A4."""
    sheet = paper.declaration_paper(year)
    operations.record_export("declaration_page", year)
    return render_template("reports/declaration_print.html", paper=sheet, today=today(),
                           pdf_problem=paper.pdf_unavailable())


@bp.route("/reports/<year:year>/declaration.pdf")
@roles_required(*DOWNLOADERS)
def download_declaration_pdf(year: int):
    problem = paper.pdf_unavailable()
    if problem:
        return render_template("errors/error.html", code=503, title="No PDF on this server",
                               message=f"The PDF cannot be made here: {problem}. Print the declaration page "
                                       f"(Reports, {year_label(year)}) instead."), 503
    sheet = paper.declaration_paper(year)
    pdf = paper.render_pdf(render_template("reports/declaration_pdf.html", paper=sheet, today=today()))
    operations.record_export("declaration_pdf", year, version=sheet.version, sha256=sheet.content_hash)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"fpp-declaration-{year_label(year).replace('/', '-')}.pdf")


@bp.route("/reports/<year:year>/pack", methods=["POST"])
@writes
@roles_required(*DOWNLOADERS)
def start_pack(year: int):
    """Queue the year's pack for the scheduler (or follow the one already queued or running)."""
    if not BaseForm().validate_on_submit():
        abort(400)
    job = operations.request_pack(year, current_user.id, current_user.email)
    db.session.commit()
    return redirect(url_for("reports.pack_progress", job_id=job.id))


def _job(job_id: int) -> PackJob:
    """Any job of the queue: every role that may download a pack reads everything (CONTRACT.md)."""
    job = operations.get_job(job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/reports/packs/<int:job_id>")
@roles_required(*DOWNLOADERS)
def pack_progress(job_id: int):
    job = _job(job_id)
    return render_template("reports/pack.html", job=job, label=year_label(job.year),
                           expires_on=operations.pack_expires_on(job, settings()["reports_pack_keep_days"]))


@bp.route("/reports/packs/<int:job_id>/download")
@roles_required(*DOWNLOADERS)
def download_pack(job_id: int):
    job = _job(job_id)
    if job.state != READY:
        return redirect(url_for("reports.pack_progress", job_id=job.id))
    path = operations.pack_file(job)
    if not path.is_file():
        abort(404)
    operations.record_export("pack_download", job.year, job=job.id)
    name = f"fpp-evidence-pack-{year_label(job.year).replace('/', '-')}.zip"
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/reports/packs/<int:job_id>/status")
@roles_required(*DOWNLOADERS)
def pack_status(job_id: int):
    job = _job(job_id)
    return {"id": job.id, "year": job.year, "state": job.state, "done": job.done, "total": job.total,
            "error": job.error, "download": url_for("reports.download_pack", job_id=job.id)}


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
