"""Board members: adding and editing them, ending an appointment, the privacy notice."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from fpp.access import require_member_view, roles_required
from fpp.extensions import writes
from fpp.forms import commit_or_fail
from fpp.people import operations, queries
from fpp.people.forms import EndAppointmentForm, MemberForm, PrivacyNoticeForm

bp = Blueprint("people", __name__)


def _save_member_form(form: MemberForm, member=None):
    """Create or update the member from the form; None (with the error on the form) when refused."""
    if member is None:
        return commit_or_fail(form, lambda: operations.create_member(**form.member_fields()))
    return commit_or_fail(form, lambda: operations.update_member(member, **form.member_fields()) or True)


@bp.route("/members/new", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def new_member():
    form = MemberForm()
    if form.validate_on_submit():
        member = _save_member_form(form)
        if member is not None:
            flash(f"{member.name} added to the register.", "success")
            return redirect(url_for("register.show_member", member_pk=member.id))
    return render_template("people/member_form.html", form=form, member=None)


@bp.route("/members/<int:member_pk>/edit", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def edit_member(member_pk: int):
    member = require_member_view(queries.get_member(member_pk))
    form = MemberForm(obj=member)
    if request.method == "GET":
        for name in ("is_executive", "is_voting", "is_interim"):
            form[name].data = "yes" if getattr(member, name) else "no"
    if form.validate_on_submit():
        if _save_member_form(form, member) is not None:
            flash("Member details saved.", "success")
            return redirect(url_for("register.show_member", member_pk=member.id))
    return render_template("people/member_form.html", form=form, member=member)


@bp.route("/members/<int:member_pk>/end", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def end_appointment(member_pk: int):
    member = require_member_view(queries.get_member(member_pk))
    form = EndAppointmentForm()
    if form.validate_on_submit() and commit_or_fail(form, lambda: operations.end_appointment(member, form.end_on.data)):
        flash(f"Appointment ended on {member.end_on:%d/%m/%Y}. The leaver reference is now due.", "success")
        return redirect(url_for("register.show_member", member_pk=member.id))
    return render_template("people/end_appointment.html", form=form, member=member)


@bp.route("/members/<int:member_pk>/privacy", methods=["GET", "POST"])
@writes
@roles_required("secretary")
def privacy_notice(member_pk: int):
    member = require_member_view(queries.get_member(member_pk))
    form = PrivacyNoticeForm(obj=member)
    if form.validate_on_submit() and commit_or_fail(form, lambda: operations.record_privacy_notice(
            member, form.privacy_notice_on.data, form.privacy_objection.data)) is not None:
        flash("Privacy notice recorded.", "success")
        return redirect(url_for("register.show_member", member_pk=member.id))
    return render_template("people/privacy_notice.html", form=form, member=member)
