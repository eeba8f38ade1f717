"""The tracker import pages (secretary only): upload, confirm the mapping, preview and answer, apply."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fpp.access import roles_required
from fpp.errors import DomainError
from fpp.extensions import db, writes
from fpp.navigation import add_nav_item
from fpp.imports.tracker import Answers, ColumnMapping, TrackerError, describe
from fpp.imports import operations, queries, uploads
from fpp.imports.forms import (MappingForm, PreviewForm, UploadForm, answers_from, mapping_from,
                                  target_choices)
from fpp.imports.planner import is_contract_workbook, load_preset, prepare, prepare_workbook
from fpp.imports.tracker.mapping import advise
from fpp.imports.tracker.model import RENAME_PREFIX

bp = Blueprint("imports", __name__, url_prefix="/imports")
add_nav_item("Import a tracker", "imports.upload_tracker", ("secretary",))
SUFFIXES = (".xlsx", ".csv")
WORKBOOK = "workbook"  # note["format"] of the contract workbook (CONTRACT.md "Import workbook")


@bp.route("/tracker", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def upload_tracker():
    form = UploadForm()
    form.preset.choices += [(p.name, p.name) for p in queries.list_presets()]
    if form.validate_on_submit():
        upload = form.tracker.data
        name = Path((getattr(upload, "filename", "") or "").replace("\\", "/")).name
        content = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1) if upload else b""
        if not name.lower().endswith(SUFFIXES):
            form.tracker.errors = ["Choose an .xlsx or .csv file"]
        elif not content or len(content) > current_app.config["MAX_UPLOAD_BYTES"]:
            form.tracker.errors = ["The file is empty or too large"]
        else:
            token = uploads.store(content, name, current_user.id)
            if name.lower().endswith(".xlsx") and is_contract_workbook(_sheet_names(content, name)):
                uploads.save_note(token, {**uploads.note(token), "format": WORKBOOK})
                return redirect(url_for("imports.preview_import", token=token))
            return redirect(url_for("imports.edit_mapping", token=token, preset=form.preset.data or None))
    return render_template("imports/upload.html", form=form)


def _upload(token: str) -> tuple[dict, bytes | None]:
    note = uploads.note(token)
    if note is None:
        abort(404)
    return note, uploads.data(token)


def _sheet_names(content: bytes, filename: str) -> list[str]:
    if filename.lower().endswith(".csv"):
        return []
    try:
        from fpp.extensions import settings
        from fpp.imports.guard import Limits, sheet_names  # within the limits: no openpyxl before the guard
        return sheet_names(content, Limits.from_settings(settings()))
    except Exception:  # noqa: BLE001 - read_tracker reports the damaged file with its own message
        return []


@bp.route("/tracker/<token>/mapping", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def edit_mapping(token: str):
    note, content = _upload(token)
    if content is None:
        return _already_applied(note)
    if note.get("format") == WORKBOOK:
        return redirect(url_for("imports.preview_import", token=token))
    form = MappingForm()
    sheets = _sheet_names(content, note["filename"])
    form.sheet.choices = [(s, s) for s in sheets]
    try:
        preset = load_preset(request.args["preset"]) if request.args.get("preset") else None
        sheet = form.sheet.data if request.method == "POST" and sheets else note.get("sheet")
        prepared = prepare(content, note["filename"], sheet=sheet, preset=preset)
    except TrackerError as error:
        return render_template("imports/upload.html", form=UploadForm(), error=str(error)), 400
    keys = [c.key for c in prepared.tracker.columns]
    advice = {c.key: advise(prepared.tracker, c.index, c.header, queries.catalogue_pairs())
              for c in prepared.tracker.columns if c.key not in prepared.mapping.columns}
    if form.validate_on_submit():
        chosen = mapping_from(request.form, keys)
        mapping = ColumnMapping(chosen, prepared.tracker.header_row, prepared.tracker.sheet)
        unanswered = [key for key, target in chosen.items() if not target]
        try:
            if unanswered:
                raise DomainError(f"Say what column {unanswered[0]!r} holds: its cells look like check records "
                                  "(choose \u201cIgnore this column\u201d to leave it out)")
            if form.preset_name.data:
                operations.save_preset(form.preset_name.data, mapping, current_user.id)
                db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            uploads.save_note(token, {**note, "sheet": mapping.sheet, "mapping": mapping.to_dict()})
            return redirect(url_for("imports.preview_import", token=token))
    form.sheet.data = prepared.tracker.sheet
    return render_template("imports/mapping.html", form=form, note=note, prepared=prepared, advice=advice,
                           current=_current_targets(prepared, advice), samples=_samples(prepared.tracker),
                           choices=target_choices(), sheets=sheets)


def _current_targets(prepared, advice) -> dict[str, str]:
    """What each column's select starts on: the mapping, else the suggestion to confirm, else nothing
    chosen for a column of check values (the form then asks), else ignore."""
    current = {}
    for column in prepared.tracker.columns:
        found = advice.get(column.key)
        mapped = prepared.mapping.columns.get(column.key)
        current[column.key] = mapped or (found.suggestion or "" if found and found.blocks else "ignore")
    return current


def _samples(tracker) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for row in tracker.rows[:20]:
        for index, cell in row.cells.items():
            values = found.setdefault(index, [])
            if len(values) < 3:
                values.append(f"{cell.value:%d/%m/%Y}" if hasattr(cell.value, "strftime") else str(cell.value))
    return {index: ", ".join(values) for index, values in found.items()}


def _already_applied(note: dict):
    if note.get("discarded"):
        flash("This upload was discarded: upload the file again to import it.", "info")
        return redirect(url_for("imports.upload_tracker"))
    flash("This tracker was already imported: nothing was imported again.", "info")
    return redirect(url_for("register.overview"))


@bp.route("/tracker/<token>/preview", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def preview_import(token: str):
    note, content = _upload(token)
    if content is None:
        return _already_applied(note)
    workbook = note.get("format") == WORKBOOK
    if not workbook and note.get("mapping") is None:
        return redirect(url_for("imports.edit_mapping", token=token))
    form = PreviewForm()
    given = dict(note.get("answers") or {})
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("action") == "discard":
            uploads.mark_applied(token)  # removes the file: the upload and its answers are gone
            uploads.save_note(token, {"filename": note["filename"], "discarded": True})
            flash(f"{note['filename']} was discarded: nothing was imported.", "info")
            return redirect(url_for("imports.upload_tracker"))
        given = answers_from(request.form, given)
        note = {**note, "answers": given}
        uploads.save_note(token, note)  # kept with the upload until it is applied or discarded
    try:
        if workbook:
            prepared = prepare_workbook(uploads.folder() / token, note["filename"], answers=given)
        else:
            mapping = ColumnMapping.from_dict(note["mapping"], queries.codes())
            prepared = prepare(content, note["filename"], sheet=note.get("sheet"), preset=mapping,
                               answers=Answers(given))
    except TrackerError as error:
        return render_template("imports/upload.html", form=UploadForm(), error=str(error)), 400
    problems = []
    if request.method == "POST" and form.validate_on_submit() and request.form.get("action") == "apply":
        result = operations.apply_plan(prepared.plan, filename=note["filename"], sha256=prepared.sha256,
                                       recorded_by_id=current_user.id,
                                       audit_action="import.workbook" if workbook else "tracker.import")
        if result.ok:
            db.session.commit()
            uploads.mark_applied(token)
            flash(f"Imported {note['filename']}: {result.summary()}." if result.changed else
                  "Nothing to change: the register already holds everything in this file.", "success")
            return redirect(url_for("register.overview"))
        db.session.rollback()
        problems = result.problems
    return render_template("imports/preview.html", form=form, note=note, plan=prepared.plan, given=given,
                           apply_problems=problems, describe=describe, workbook=workbook,
                           renames=[q for q in prepared.plan.questions if q.key.startswith(RENAME_PREFIX)],
                           others=[q for q in prepared.plan.questions if not q.key.startswith(RENAME_PREFIX)])
