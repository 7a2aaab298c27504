"""The host's side of teaching teams: its teams, opening visits from its requests, confirming a team."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from matcher.extensions import db
from matcher.models import Opportunity, Organisation, TeachingRequest, Team
from matcher.services.teams import decisions, reports, visits
from matcher.teams import bp, words
from matcher.teams.forms import OpenVisitsForm
from matcher.teams.views import STAFF, found_or_404, open_requests
from matcher.translate import gettext as _
from matcher.web.access import can_act_for
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, submitted


def _hosted(team_id: int) -> Team:
    team = found_or_404(Team, team_id)
    if not can_act_for(current_user, team.visit.organisation):
        abort(403)
    return team


@bp.get("/organisations/<slug>/teams")
@login_required
def hosted(slug: str):
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug)) or abort(404)
    if not can_act_for(current_user, organisation):
        abort(403)
    teams = db.session.scalars(
        select(Team)
        .join(Team.visit)
        .where(Opportunity.organisation_id == organisation.id)
        .options(contains_eager(Team.visit), selectinload(Team.slots), selectinload(Team.members))
        .order_by(Team.id)
    ).all()
    return render_template(
        "teams/hosted.html",
        organisation=organisation,
        teams=teams,
        requests=open_requests(organisation),
        open_form=OpenVisitsForm(formdata=None),
    )


@bp.post("/teaching-requests/<int:request_id>/visits")
@login_required
def open_visits(request_id: int):
    teaching_request = found_or_404(TeachingRequest, request_id)
    organisation = teaching_request.site.organisation
    if not can_act_for(current_user, organisation):
        abort(403)
    form = OpenVisitsForm()
    back = request.form.get("back") == "coordination" and current_user.role_enum in STAFF
    target = url_for("teams.index") if back else url_for("teams.hosted", slug=organisation.slug)
    if not submitted(form):
        return redirect(target, 303)
    done = attempt(
        visits.open_visits, db.session, current_user, teaching_request, date.today(), form.year.data
    )
    if done.ok:
        flash(_("Teaching visits opened: %(num)d.", num=len(done.value)), "success")
    return redirect(target, 303)


@bp.get("/teams/<int:team_id>/host")
@login_required
def host_team(team_id: int):
    team = _hosted(team_id)
    return render_template(
        "teams/host.html",
        team=team,
        review=reports.review(db.session, team, with_candidates=False),
        action_form=EmptyForm(),
        words=words,
    )


@bp.post("/teams/<int:team_id>/confirm")
@login_required
def confirm(team_id: int):
    team = _hosted(team_id)
    if submitted(EmptyForm()) and attempt(decisions.confirm, db.session, current_user, team, date.today()).ok:
        flash(_("Thank you: the team is confirmed and its members are offered their places."), "success")
    return redirect(url_for("teams.host_team", team_id=team_id), 303)
