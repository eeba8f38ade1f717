"""The board overview, a member's page and their check records."""
from __future__ import annotations

from collections import Counter
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from checks import MEMBER_STATUSES
from checks.catalogue import SEARCH_CODES
from checks.records import REGISTER_SEARCH_CODES
from checks.wording import NEEDS_DOING, action_phrase, compact_date, phrase_day, short_label
from fpp.access import READ_ALL, require_member_view, roles_required
from fpp.audit import operations as audit
from fpp.errors import DomainError
from fpp.extensions import db, settings, writes
from fpp.forms import commit_or_fail
from fpp.people.queries import get_member
from fpp.register import operations, queries
from fpp.register.forms import CorrectRecordForm, DeleteRecordForm, EvidenceForm, NewRecordForm, WithdrawEvidenceForm
from fpp.register.models import CheckRecord, Evidence
from fpp.timeutil import today

bp = Blueprint("register", __name__)


@bp.route("/")
@login_required
def home():
    if current_user.role in READ_ALL:
        return redirect(url_for("register.overview"))
    if current_user.member_pk:
        return redirect(url_for("register.show_member", member_pk=current_user.member_pk))
    abort(403)


def _as_of_arg() -> tuple[date, str | None]:
    """The board's date: the form's day, month and year (`as_of[day]`, ...), or `as_of` as YYYY-MM-DD (links
    and bookmarks); today, with a message saying why, for anything that is not a real date."""
    parts = [request.args.get(f"as_of[{part}]", "").strip() for part in ("day", "month", "year")]
    if any(parts):
        try:
            if len(parts[2]) != 4:
                raise ValueError("a year has four digits")
            day, month, year = (int(part) for part in parts)
            return date(year, month, day), None
        except ValueError:
            return today(), _NOT_A_DATE.format(" ".join(part or "?" for part in parts))
    text = request.args.get("as_of", "").strip()
    if not text:
        return today(), None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return today(), _NOT_A_DATE.format(text)


_NOT_A_DATE = "“{}” is not a date: showing today instead. Enter a day, month and year, for example 31 3 2026."


@bp.route("/board")
@roles_required(*READ_ALL)
def overview():
    as_of, as_of_error = _as_of_arg()
    status_filter = request.args.get("status", "")
    rows, future = queries.board(as_of, settings().rules)
    serving = [r for r in rows if not r.member.facts.has_left(as_of)]
    leavers = [r for r in rows if r.member.facts.has_left(as_of)]
    counts = Counter(r.status.status for r in rows)
    if status_filter in MEMBER_STATUSES:
        serving = [r for r in serving if r.status.status == status_filter]
        leavers = [r for r in leavers if r.status.status == status_filter]
    return render_template("register/overview.html", as_of=as_of, as_of_error=as_of_error, serving=serving,
                           leavers=leavers, future=future, counts=counts, status_filter=status_filter,
                           statuses=MEMBER_STATUSES, is_today=as_of == today(), needs_doing=NEEDS_DOING,
                           short_label=short_label, compact_date=compact_date, phrase_day=phrase_day)


@bp.route("/members/<int:member_pk>")
@login_required
def show_member(member_pk: int):
    member = require_member_view(get_member(member_pk))
    as_of = today()
    row = queries.member_row(member, as_of, settings().rules)
    history = queries.member_history(member)
    rules = settings().rules
    by_code = {c.code: [r for r in history if r.code == c.code] for c in rules.catalogue}
    # A check no longer configured keeps its records, shown apart as retired (never counted in statuses).
    retired = {r.code: [x for x in history if x.code == r.code] for r in history if not rules.holds(r.code)}
    if by_code["dbs"] and not current_user.is_member(member):
        # DBS data is criminal-offence data: every read by someone other than the member is logged.
        audit.record_read("member.view_dbs", "members", member.id, member_pk=member.id)
    return render_template("register/member.html", member=member, row=row, by_code=by_code, retired=retired,
                           as_of=as_of, to_do=_what_needs_doing(row, by_code, rules),
                           can_edit=current_user.role == "secretary", register_searches=REGISTER_SEARCH_CODES)


def _what_needs_doing(row: queries.MemberRow, by_code: dict[str, list[CheckRecord]], rules) -> list[dict]:
    """The member page's opening list: each check that is a concern, expired, missing or due soon (most
    urgent first, then catalogue order), with what to do (`checks.wording.action_phrase`) and the undecided
    issue a concern's decision is about (none once the issue was decided: not accepted, it stays a concern)."""
    found = []
    for check in rules.catalogue:
        status = row.status.checks[check.code]
        if status.status not in NEEDS_DOING:
            continue
        latest_issue = next((r for r in by_code[check.code] if r.outcome == "issue" and r.deleted_at is None), None)
        undecided = latest_issue if latest_issue and latest_issue.decision_on is None else None
        refused_on = latest_issue.decision_on if latest_issue and latest_issue.decision_on and \
            latest_issue.decision_outcome == "not_accepted" else None
        found.append({"check": check, "status": status, "issue": undecided,
                      "action": action_phrase(status.status, check.label, status.expires_on, refused_on)})
    return sorted(found, key=lambda item: NEEDS_DOING.index(item["status"].status))


def _record_or_404(record_id: int) -> CheckRecord:
    record = db.session.get(CheckRecord, record_id)
    if record is None:
        abort(404)
    return record


@bp.route("/members/<int:member_pk>/checks/new", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def new_record(member_pk: int):
    member = require_member_view(get_member(member_pk))
    code = request.args.get("code", "")
    form = NewRecordForm(code=code, **_prefilled(member, code))
    if form.validate_on_submit() and (record := commit_or_fail(form, lambda: _record_with_evidence(member, form))):
        flash(f"{operations.check_label(record.code)} recorded for {member.name}.", "success")
        return redirect(url_for("register.show_member", member_pk=member.id, _anchor=f"check-{record.code}"))
    return render_template("register/record_form.html", form=form, member=member, record=None)


def _prefilled(member, code: str) -> dict:
    """A register search records the name and date of birth searched on (start from the member's own) and
    who searched (start from the person recording)."""
    searched = {"searched_name": member.name, "searched_dob": member.date_of_birth} if code in SEARCH_CODES else {}
    if code in REGISTER_SEARCH_CODES:
        searched["searched_by"] = current_user.member.name if current_user.member else current_user.email
    return searched


def _record_with_evidence(member, form: NewRecordForm):
    record = operations.record_check(member, current_user.id, require_facts=True, code=form.code.data,
                                     **form.record_fields())
    upload = form.evidence.data
    if upload and upload.filename:
        operations.add_evidence(record, upload.filename, upload.stream, current_user.id)
    return record


@bp.route("/records/<int:record_id>/correct", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def correct_record(record_id: int):
    record = _record_or_404(record_id)
    member = get_member(record.member_pk)
    form = CorrectRecordForm(obj=record)
    if form.validate_on_submit() and (changed := commit_or_fail(
            form, lambda: operations.correct_record(record, form.reason.data, **form.record_fields()))) is not None:
        flash("Record corrected." if changed else "Nothing was changed.", "success" if changed else "info")
        return redirect(url_for("register.show_member", member_pk=member.id, _anchor=f"check-{record.code}"))
    return render_template("register/record_form.html", form=form, member=member, record=record)


@bp.route("/records/<int:record_id>/delete", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def delete_record(record_id: int):
    record = _record_or_404(record_id)
    member = get_member(record.member_pk)
    form = DeleteRecordForm()
    if form.validate_on_submit() and commit_or_fail(
            form, lambda: operations.delete_record(record, form.reason.data, current_user.id)):
        flash("Record deleted. It stays in the history, marked deleted.", "success")
        return redirect(url_for("register.show_member", member_pk=member.id, _anchor=f"check-{record.code}"))
    return render_template("register/delete_record.html", form=form, member=member, record=record)


@bp.route("/records/<int:record_id>/evidence", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def add_evidence(record_id: int):
    record = _record_or_404(record_id)
    member = get_member(record.member_pk)
    form = EvidenceForm()
    if form.validate_on_submit() and commit_or_fail(form, lambda: _evidence(record, form.evidence.data)):
        flash("Evidence added.", "success")
        return redirect(url_for("register.show_member", member_pk=member.id, _anchor=f"check-{record.code}"))
    return render_template("register/evidence_form.html", form=form, member=member, record=record)


def _evidence(record: CheckRecord, upload):
    if not upload or not upload.filename:
        raise DomainError("Choose a file to upload", "evidence")
    return operations.add_evidence(record, upload.filename, upload.stream, current_user.id)


@bp.errorhandler(413)
def upload_too_large(error):
    """An upload over MAX_CONTENT_LENGTH on a record's pages: the form again, with the message on the file."""
    if not current_user.is_authenticated or current_user.role != "secretary":
        return error  # the app's page: only the secretary sees these forms
    message = operations.too_large_message(current_app.config["MAX_UPLOAD_BYTES"])
    endpoint, args = request.endpoint, request.view_args or {}
    if endpoint == "register.add_evidence":
        record = _record_or_404(args["record_id"])
        form = EvidenceForm(formdata=None)
        form.fail(DomainError(message, "evidence"))
        return render_template("register/evidence_form.html", form=form, member=get_member(record.member_pk),
                               record=record), 413
    if endpoint == "register.new_record":
        member = require_member_view(get_member(args["member_pk"]))
        code = request.args.get("code", "")
        form = NewRecordForm(formdata=None, code=code, **_prefilled(member, code))
        form.fail(DomainError(message + " The record was not saved.", "evidence"))
        return render_template("register/record_form.html", form=form, member=member, record=None), 413
    return error


def _evidence_or_404(evidence_id: int) -> Evidence:
    """The evidence file, unless it does not exist or was withdrawn."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.withdrawn_at is not None:
        abort(404)
    return evidence


@bp.route("/evidence/<int:evidence_id>/withdraw", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def withdraw_evidence(evidence_id: int):
    evidence = _evidence_or_404(evidence_id)
    record = db.session.get(CheckRecord, evidence.record_id)
    member = get_member(record.member_pk)
    form = WithdrawEvidenceForm()
    if form.validate_on_submit() and commit_or_fail(
            form, lambda: operations.withdraw_evidence(evidence, form.reason.data, current_user.id)):
        flash(f"{evidence.original_name} withdrawn. It no longer appears on the pages or in the pack.", "success")
        return redirect(url_for("register.show_member", member_pk=member.id, _anchor=f"check-{record.code}"))
    return render_template("register/withdraw_evidence.html", form=form, member=member, record=record,
                           evidence=evidence)


@bp.route("/evidence/<int:evidence_id>")
@login_required
def download_evidence(evidence_id: int):
    evidence = _evidence_or_404(evidence_id)
    record = db.session.get(CheckRecord, evidence.record_id)
    require_member_view(get_member(record.member_pk))
    from fpp.audit import operations as audit
    audit.record_read("evidence.download", "evidence", evidence.id, member_pk=record.member_pk)
    return send_file(operations.evidence_path(evidence), mimetype=evidence.content_type, as_attachment=True,
                     download_name=evidence.original_name)
