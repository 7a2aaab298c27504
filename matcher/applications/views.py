"""Application pages: apply, your ranked list, and an organisation's applicants for an opportunity."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from matcher.applications import bp
from matcher.applications.forms import HostOrderForm, MotivationForm
from matcher.extensions import db
from matcher.models import MAX_APPLICATIONS, Opportunity, Role
from matcher.models.user import APPLICANT_ROLES
from matcher.services import applications, hosting, profiles
from matcher.services.matching import outcomes
from matcher.services.standings import standings_of
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

APPLICANTS = tuple(APPLICANT_ROLES)
HOSTS = (Role.ORG_MEMBER, Role.COORDINATOR, Role.ADMIN)


@bp.get("/applications")
@role_required(*APPLICANTS)
def index():
    mine = applications.applications_of(db.session, current_user)
    today = date.today()
    letters = outcomes.letters_of(db.session, current_user)
    standings = standings_of(db.session, current_user, mine, today, letters)
    return render_template(
        "applications/index.html",
        applications=mine,
        statuses=standings,
        accepted=next((a for a in mine if standings[a.id].key == "accepted"), None),
        withdrawals=applications.withdrawals_of(db.session, current_user),
        letters=letters,
        today=today,
        max_applications=MAX_APPLICATIONS,
        action_form=EmptyForm(),
        profile_complete=profiles.is_complete(profiles.profile_of(db.session, current_user)),
    )


@bp.route("/opportunities/<int:opportunity_id>/apply", methods=["GET", "POST"])
@role_required(*APPLICANTS)
def apply(opportunity_id: int):
    # With what the engine's check reads of it (services.eligibility), in three statements.
    opportunity = db.session.scalar(
        select(Opportunity)
        .where(Opportunity.id == opportunity_id)
        .options(
            joinedload(Opportunity.organisation),
            joinedload(Opportunity.country),
            selectinload(Opportunity.interests),
            selectinload(Opportunity.languages),
        )
    ) or abort(404)
    form = MotivationForm()
    if form.validate_on_submit():
        applied = attempt(
            applications.apply,
            db.session,
            current_user,
            opportunity_id,
            form.motivation.data,
            date.today(),
            form=form,
        )
        if applied.ok:
            flash(
                _(
                    "You applied to “%(title)s”. It is choice %(rank)d in your list.",
                    title=opportunity.title,
                    rank=applied.value.rank,
                ),
                "success",
            )
            return redirect(url_for("applications.index"))
    if not applications.is_public(opportunity):
        abort(404)
    state = applications.apply_state(db.session, current_user, opportunity, date.today())
    return render_form("applications/apply.html", form, opportunity=opportunity, state=state)


@bp.post("/applications/<int:application_id>/move/<any(up, down):direction>")
@role_required(*APPLICANTS)
def move(application_id: int, direction: str):
    if EmptyForm().validate_on_submit():
        attempt(applications.move, db.session, current_user, application_id, direction, date.today())
    return redirect(url_for("applications.index"))


@bp.post("/applications/<int:application_id>/withdraw")
@role_required(*APPLICANTS)
def withdraw(application_id: int):
    if EmptyForm().validate_on_submit():
        withdrawn = attempt(applications.withdraw, db.session, current_user, application_id)
        if withdrawn.ok:
            flash(_("You withdrew your application to “%(title)s”.", title=withdrawn.value.title), "success")
    return redirect(url_for("applications.index"))


@bp.route("/applications/<int:application_id>/motivation", methods=["GET", "POST"])
@role_required(*APPLICANTS)
def motivation(application_id: int):
    application = applications.own_application(db.session, current_user, application_id)
    form = MotivationForm(obj=application)
    if (
        form.validate_on_submit()
        and attempt(
            applications.update_motivation,
            db.session,
            current_user,
            application_id,
            form.motivation.data,
            date.today(),
            form=form,
        ).ok
    ):
        flash(_("Your motivation is saved."), "success")
        return redirect(url_for("applications.index"))
    return render_form("applications/motivation.html", form, application=application)


@bp.route("/opportunities/<int:opportunity_id>/applicants", methods=["GET", "POST"])
@role_required(*HOSTS)
def applicants(opportunity_id: int):
    opportunity = hosting.opportunity_for_host(db.session, current_user, opportunity_id)
    rows = hosting.applicants_for(db.session, current_user, opportunity)
    ids = [row.application.id for row in rows]
    if request.method == "POST":
        form = HostOrderForm.for_applications(ids)
    else:
        saved = {f"position_{row.application.id}": row.application.host_rank for row in rows}
        form = HostOrderForm.for_applications(ids, data=saved)
    if (
        form.validate_on_submit()
        and attempt(
            hosting.set_host_order, db.session, current_user, opportunity, form.positions(), form=form
        ).ok
    ):
        flash(_("Your order of the applicants is saved."), "success")
        return redirect(url_for("applications.applicants", opportunity_id=opportunity_id))
    return render_form(
        "applications/applicants.html",
        form,
        opportunity=opportunity,
        rows=rows,
        show_scores=any(row.match_score is not None for row in rows),
    )


@bp.app_context_processor
def _application_helpers() -> dict:
    return {
        "application_box": _application_box,
        "member_opportunity_counts": _member_opportunity_counts,
    }


def _application_box(opportunity: Opportunity) -> dict:
    """For templates/applications/_apply_box.html on an opportunity's page."""
    state = applications.apply_state(db.session, current_user, opportunity, date.today())
    # Only an applicant who can apply sees the form; building it for others would put a CSRF
    # token in their session, and so a cookie on a page anyone can read.
    return {"state": state, "form": MotivationForm(formdata=None) if state.kind == "can_apply" else None}


def _member_opportunity_counts() -> list:
    """For an organisation contact's dashboard."""
    return hosting.counts_for_member(db.session, current_user)
