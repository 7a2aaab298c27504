"""Application pages: apply, your ranked list, and an organisation's applicants for an opportunity."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.applications.forms import HostOrderForm, MotivationForm
from matcher.auth.forms import EmptyForm
from matcher.extensions import db
from matcher.models import MAX_APPLICATIONS, Opportunity, Role
from matcher.services import applications, hosting, profiles
from matcher.services.errors import DomainError, NotFound
from matcher.web.access import role_required
from matcher.web.forms import show_error

bp = Blueprint("applications", __name__)
APPLICANTS = (Role.STUDENT, Role.TRAINEE)
HOSTS = (Role.ORG_MEMBER, Role.COORDINATOR, Role.ADMIN)


@bp.get("/applications")
@role_required(*APPLICANTS)
def index():
    mine = applications.applications_of(db.session, current_user)
    today = date.today()
    return render_template(
        "applications/index.html",
        applications=mine,
        statuses={a.id: applications.status_of(a, today) for a in mine},
        today=today,
        max_applications=MAX_APPLICATIONS,
        action_form=EmptyForm(),
        profile_complete=profiles.is_complete(profiles.profile_of(db.session, current_user)),
    )


@bp.route("/opportunities/<int:opportunity_id>/apply", methods=["GET", "POST"])
@role_required(*APPLICANTS)
def apply(opportunity_id: int):
    opportunity = db.session.get(Opportunity, opportunity_id) or abort(404)
    form = MotivationForm()
    if form.validate_on_submit():
        try:
            application = applications.apply(
                db.session, current_user, opportunity_id, form.motivation.data, date.today()
            )
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            rank = application.rank
            db.session.commit()
            flash(f"You applied to “{opportunity.title}”. It is choice {rank} in your list.", "success")
            return redirect(url_for("applications.index"))
    if not applications.is_public(opportunity):
        abort(404)
    state = applications.apply_state(db.session, current_user, opportunity, date.today())
    return render_template(
        "applications/apply.html", opportunity=opportunity, form=form, state=state
    ), 422 if form.errors else 200


@bp.post("/applications/<int:application_id>/move/<any(up, down):direction>")
@role_required(*APPLICANTS)
def move(application_id: int, direction: str):
    if EmptyForm().validate_on_submit():
        try:
            applications.move(db.session, current_user, application_id, direction, date.today())
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
    return redirect(url_for("applications.index"))


@bp.post("/applications/<int:application_id>/withdraw")
@role_required(*APPLICANTS)
def withdraw(application_id: int):
    if EmptyForm().validate_on_submit():
        try:
            opportunity = applications.withdraw(db.session, current_user, application_id)
        except NotFound:
            db.session.rollback()
            abort(404)
        title = opportunity.title
        db.session.commit()
        flash(f"You withdrew your application to “{title}”.", "success")
    return redirect(url_for("applications.index"))


@bp.route("/applications/<int:application_id>/motivation", methods=["GET", "POST"])
@role_required(*APPLICANTS)
def motivation(application_id: int):
    try:
        application = applications.own_application(db.session, current_user, application_id)
    except NotFound:
        abort(404)
    form = MotivationForm(obj=application)
    if form.validate_on_submit():
        try:
            applications.update_motivation(
                db.session, current_user, application_id, form.motivation.data, date.today()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Your motivation is saved.", "success")
            return redirect(url_for("applications.index"))
    return render_template(
        "applications/motivation.html", application=application, form=form
    ), 422 if form.errors else 200


@bp.route("/opportunities/<int:opportunity_id>/applicants", methods=["GET", "POST"])
@role_required(*HOSTS)
def applicants(opportunity_id: int):
    try:
        opportunity = hosting.opportunity_for_host(db.session, current_user, opportunity_id)
    except NotFound:
        abort(404)
    rows = hosting.applicants_for(db.session, current_user, opportunity)
    ids = [row.application.id for row in rows]
    if request.method == "POST":
        form = HostOrderForm.for_applications(ids)
    else:
        saved = {f"position_{row.application.id}": row.application.host_rank for row in rows}
        form = HostOrderForm.for_applications(ids, data=saved)
    if form.validate_on_submit():
        try:
            hosting.set_host_order(db.session, current_user, opportunity, form.positions())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Your order of the applicants is saved.", "success")
            return redirect(url_for("applications.applicants", opportunity_id=opportunity_id))
    return render_template(
        "applications/applicants.html",
        opportunity=opportunity,
        rows=rows,
        form=form,
        show_scores=any(row.match_score is not None for row in rows),
    ), 422 if form.errors else 200


@bp.app_context_processor
def _application_helpers() -> dict:
    return {
        "application_box": _application_box,
        "member_opportunity_counts": _member_opportunity_counts,
    }


def _application_box(opportunity: Opportunity) -> dict:
    """For templates/applications/_apply_box.html on an opportunity's page."""
    return {
        "state": applications.apply_state(db.session, current_user, opportunity, date.today()),
        "form": MotivationForm(formdata=None),
    }


def _member_opportunity_counts() -> list:
    """For an organisation contact's dashboard."""
    return hosting.counts_for_member(db.session, current_user)
