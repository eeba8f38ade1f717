"""The annual cycle on the web: attestations, the year view, outcomes, decisions and the declaration."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from checks.annual import ACCEPTED, ASSESSMENT_OUTCOME_LABELS, decider_refusal, judged_on_phrase
from checks.years import year_bounds, year_label, year_of
from fpp.access import READ_ALL, require_member_view, roles_required
from fpp.annual import forms, frameworks, operations, queries
from fpp.annual.declaration import declaration_state, signing_readiness
from fpp.annual.models import Attestation
from fpp.extensions import db, settings, writes
from fpp.errors import DomainError
from fpp.forms import commit_or_fail
from fpp.navigation import add_nav_item
from fpp.register.models import CheckRecord
from fpp.people.queries import get_member
from fpp.timeutil import today

bp = Blueprint("annual", __name__)
bp.record_once(lambda state: frameworks.configure(state.app))  # a malformed framework file stops start-up
add_nav_item("Annual cycle", "annual.current_year", READ_ALL)
add_nav_item("My attestations", "annual.list_attestations", ("chair", "sid", "member"), blueprint="annual.mine")
MEMBER_ROLES = ("chair", "sid", "member")


@bp.app_context_processor
def inject():
    return {"ASSESSMENT_OUTCOME_LABELS": ASSESSMENT_OUTCOME_LABELS, "year_label": year_label}


def _own_member():
    if current_user.member_pk is None:
        abort(403)
    return get_member(current_user.member_pk)


@bp.route("/attestations")
@roles_required(*MEMBER_ROLES)
def list_attestations():
    member = _own_member()
    year = year_of(today())
    return render_template("annual/attestations.html", member=member, year=year,
                           attestations=queries.attestations_for(member),
                           current=queries.find_attestation(member.id, year),
                           request_=queries.find_request(member.id, year))


@bp.route("/attestations/new", methods=["GET", "POST"])
@writes
@roles_required(*MEMBER_ROLES)
def new_attestation():
    member = _own_member()
    year = year_of(today())
    existing = queries.find_attestation(member.id, year)
    framework = frameworks.for_year(year)
    form = forms.attestation_form(framework)()
    if form.validate_on_submit():
        attestation = commit_or_fail(form, lambda: operations.submit_attestation(
            member, current_user, form.password.data, form.answers(), form.ratings()))
        if attestation is not None:
            flash(f"Your {year_label(year)} attestation was submitted.", "success")
            return redirect(url_for("annual.show_attestation", attestation_id=attestation.id))
    return render_template("annual/attestation_form.html", form=form, member=member, year=year,
                           existing=existing, framework=framework)


@bp.route("/attestations/<int:attestation_id>")
@login_required
def show_attestation(attestation_id: int):
    attestation = db.session.get(Attestation, attestation_id)
    if attestation is None:
        abort(404)
    member = require_member_view(get_member(attestation.member_pk))
    return render_template("annual/attestation.html", attestation=attestation, member=member,
                           framework=frameworks.by_version(attestation.framework_version),
                           answers=queries.answers_of(attestation),
                           ratings=queries.self_assessment_of(attestation))


@bp.route("/years")
@roles_required(*READ_ALL)
def current_year():
    return redirect(url_for("annual.show_year", year=year_of(today())))


@bp.route("/years/<year:year>")
@roles_required(*READ_ALL)
def show_year(year: int):
    rows = queries.year_rows(year, settings().rules)
    start, end = year_bounds(year)
    return render_template("annual/year.html", year=year, rows=rows, start=start, end=end,
                           issues=queries.open_issues([r.member.id for r in rows]),
                           not_accepted=queries.not_accepted_issues([r.member.id for r in rows], year),
                           judged_on=judged_on_phrase,
                           state=declaration_state(year), is_current=year == year_of(today()),
                           request_form=forms.RequestAttestationsForm(), rules=settings().rules,
                           today=today(), can_act=_can_act, framework=frameworks.for_year(year),
                           framework_years=frameworks.in_force_label,
                           interim=queries.short_interims_in_year(year, settings().rules))


def _can_act(member, what: str = "outcome") -> bool:
    """Whether the signed-in user may record this member's outcome (or decide on their records)."""
    return decider_refusal(current_user.role, current_user.member_pk, member.id,
                           queries.is_chair_member(member), what) is None


@bp.route("/years/<year:year>/requests", methods=["POST"])
@writes
@roles_required("secretary")
def request_attestations(year: int):
    form = forms.RequestAttestationsForm()
    if form.validate_on_submit():
        try:
            asked = operations.request_attestations(year, current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if asked:
                flash(f"Attestation requested from {len(asked)} member(s). The reminder scheduler emails the "
                      "request to each serving member who has not attested since 1 April.", "success")
            else:
                flash("Every serving member had already been asked: no new requests.", "info")
    return redirect(url_for("annual.show_year", year=year))


@bp.route("/years/<year:year>/members/<int:member_pk>/outcome", methods=["GET", "POST"])
@writes
@roles_required("chair", "sid")
def record_outcome(year: int, member_pk: int):
    member = require_member_view(get_member(member_pk))
    assessment = queries.find_assessment(member.id, year)
    form = forms.OutcomeForm(obj=assessment)
    if assessment is not None and form.regulator_informed.data is None and assessment.regulator_informed is not None:
        form.regulator_informed.data = "yes" if assessment.regulator_informed else "no"
    refusal = decider_refusal(current_user.role, current_user.member_pk, member.id,
                              queries.is_chair_member(member))
    if form.validate_on_submit():
        saved = commit_or_fail(form, lambda: operations.record_outcome(
            member, year, current_user, settings().rules, form.outcome.data, form.mitigation_note.data,
            form.action_taken.data, form.regulator_flag()))
        if saved is not None:
            flash(f"Outcome recorded for {member.name}: {ASSESSMENT_OUTCOME_LABELS[saved.outcome]}.", "success")
            return redirect(url_for("annual.show_year", year=year))
    return render_template("annual/outcome_form.html", form=form, member=member, year=year,
                           assessment=assessment, refusal=refusal,
                           latest=queries.latest_attestation(member.id, today()),
                           fit_refused=queries.fit_refusal_today(member, year, settings().rules, today()))


@bp.route("/records/<int:record_id>/decision", methods=["GET", "POST"])
@writes
@roles_required("chair", "sid")
def decide_record(record_id: int):
    record = db.session.get(CheckRecord, record_id)
    if record is None:
        abort(404)
    member = get_member(record.member_pk)
    form = forms.DecisionForm()
    refusal = decider_refusal(current_user.role, current_user.member_pk, member.id,
                              queries.is_chair_member(member), "decision")
    if form.validate_on_submit():
        if commit_or_fail(form, lambda: operations.decide_on_record(record, current_user, form.note(),
                                                                   form.decision.data)):
            flash(f"Decision recorded: the issue is accepted from {record.decision_on:%d/%m/%Y}."
                  if record.decision_outcome == ACCEPTED else
                  f"Decision recorded: the issue is not accepted ({record.decision_on:%d/%m/%Y}); the check "
                  "stays a concern.", "success")
            return redirect(url_for("register.show_member", member_pk=member.id, _anchor=f"check-{record.code}"))
    return render_template("annual/decision_form.html", form=form, record=record, member=member, refusal=refusal)


@bp.route("/years/<year:year>/declaration")
@roles_required(*READ_ALL)
def show_declaration(year: int):
    rows = queries.year_rows(year, settings().rules)
    state = declaration_state(year, rows)
    return render_template("annual/declaration.html", year=year, state=state, versions=queries.declarations(year),
                           readiness=signing_readiness(year, rows, state))


@bp.route("/years/<year:year>/declaration/sign", methods=["GET", "POST"])
@writes
@roles_required("chair")
def sign_declaration(year: int):
    form = forms.SignForm()
    if form.validate_on_submit():
        signed = commit_or_fail(form, lambda: operations.sign_declaration(year, current_user, form.password.data))
        if signed is not None:
            flash(f"Declaration for {year_label(year)} signed (version {signed.version}).", "success")
            return redirect(url_for("annual.show_declaration", year=year))
    rows = queries.year_rows(year, settings().rules)
    state = declaration_state(year, rows)
    return render_template("annual/sign.html", form=form, year=year, state=state, year_end=year_bounds(year)[1],
                           readiness=signing_readiness(year, rows, state), can_act=_can_act,
                           members={row.member.id: row.member for row in rows})


from fpp.annual import reference_views  # noqa: E402,F401  (its routes join this blueprint)
