"""Board Member References on the web: the leaver's BMR, its printable page and sending, BMRs received."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from checks import leaver_reference_due_on
from checks.annual import decider_refusal
from checks.years import year_of
from fpp.access import require_member_view, roles_required
from fpp.annual import forms, queries, references
from fpp.annual.models import LeaverReference
from fpp.annual.views import bp
from fpp.forms import commit_or_fail
from fpp.extensions import db, settings, writes
from fpp.people.queries import get_member
from fpp.timeutil import today


@bp.app_context_processor
def member_panel():
    """`annual_panel(member)` for the member page: the leaver task, references, attestations and the
    competency framework of each appraisal."""
    def annual_panel(member) -> dict:
        due_on = leaver_reference_due_on(member.facts, settings().rules)
        given = queries.given_reference(member.id) if member.end_on else None
        return {
            "leaver_due_on": due_on, "leaver_overdue": bool(due_on and not given and today() > due_on),
            "given": given, "references": queries.references_for(member.id),
            "attestations": queries.attestations_for(member), "year": year_of(today()),
            "appraisals": queries.appraisals_of(member.id),
            "may_decide": current_user.is_authenticated and decider_refusal(
                current_user.role, current_user.member_pk, member.id, queries.is_chair_member(member),
                "decision") is None,
        }
    return {"annual_panel": annual_panel}


def _member_or_404(member_pk: int):
    return require_member_view(get_member(member_pk))


@bp.route("/members/<int:member_pk>/leaver-reference", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def new_leaver_reference(member_pk: int):
    member = _member_or_404(member_pk)
    form = forms.ReferenceForm()
    if not form.is_submitted():
        form.organisation.data = settings()["organisation_name"]
    if form.validate_on_submit():
        saved = commit_or_fail(form, lambda: references.complete_leaver_reference(
            member, current_user.id, **form.reference_fields()))
        if saved is not None:
            flash("Leaver reference completed. Print it from this page to send it.", "success")
            return redirect(url_for("annual.show_reference", reference_id=saved.id))
    return render_template("annual/reference_form.html", form=form, member=member, direction="given",
                           existing=queries.given_reference(member.id))


@bp.route("/members/<int:member_pk>/references/received", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def new_received_reference(member_pk: int):
    member = _member_or_404(member_pk)
    form = forms.ReferenceForm()
    if form.validate_on_submit():
        saved = commit_or_fail(form, lambda: references.record_received_reference(
            member, current_user.id, **form.reference_fields()))
        if saved is not None:
            flash("Reference received recorded, with the references check.", "success")
            return redirect(url_for("annual.show_reference", reference_id=saved.id))
    return render_template("annual/reference_form.html", form=form, member=member, direction="received",
                           existing=None)


def _reference_or_404(reference_id: int) -> LeaverReference:
    reference = db.session.get(LeaverReference, reference_id)
    if reference is None:
        abort(404)
    return reference


@bp.route("/references/<int:reference_id>")
@login_required
def show_reference(reference_id: int):
    reference = _reference_or_404(reference_id)
    member = _member_or_404(reference.member_pk)
    return render_template("annual/reference.html", reference=reference, member=member)


@bp.route("/references/<int:reference_id>/sent", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def record_sent(reference_id: int):
    reference = _reference_or_404(reference_id)
    member = _member_or_404(reference.member_pk)
    form = forms.SentForm(obj=reference)
    if form.validate_on_submit():
        if commit_or_fail(form, lambda: references.record_sent(reference, form.sent_to.data, form.sent_on.data)):
            flash(f"Recorded: sent to {reference.sent_to} on {reference.sent_on:%d/%m/%Y}.", "success")
            return redirect(url_for("annual.show_reference", reference_id=reference.id))
    return render_template("annual/sent_form.html", form=form, reference=reference, member=member)
