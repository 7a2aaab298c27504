"""Travel advisories: the coordinators' page of levels, held trips and flagged opportunities, and
the re-approval of a held trip with a reason. Also the template helpers of the level snippets."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Role
from matcher.models.departure import Trip
from matcher.services.departure import advisories as service
from matcher.services.departure.advisory_levels import (
    CountryAdvice,
    advice_by_country,
    source_label,
)
from matcher.translate import gettext as _
from matcher.trips import bp
from matcher.trips.advisory_forms import ReleaseForm
from matcher.web.access import role_required
from matcher.web.usecase import attempt, render_form

STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.app_template_global("country_advice")
def country_advice(country_code: str) -> CountryAdvice:
    """A country's advice for a page: every country's is read once per request (one statement,
    however many placements the page lists)."""
    if "country_advice" not in g:
        g.country_advice = advice_by_country(db.session)
    return g.country_advice.get(country_code) or CountryAdvice(country_code, (), utcnow())


@bp.app_template_filter("advisory_source")
def advisory_source(source: str) -> str:
    return source_label(source)


@bp.get("/coordination/advisories")
@role_required(*STAFF)
def advisories():
    return _advisories_page()


def _advisories_page(refused: ReleaseForm | None = None, refused_id: int | None = None):
    """The levels, held trips and flagged opportunities; with a refused re-approval, 422 and its
    reason at that trip's row."""
    today = date.today()
    countries = sorted(
        advice_by_country(db.session).values(), key=lambda a: (-(a.level or 0), a.country_code)
    )
    holding = [a.country_code for a in countries if a.holds]
    page = render_template(
        "advisories/coordination.html",
        countries=countries,
        held=service.held_trips(db.session),
        flagged=service.flagged_opportunities(db.session, holding, today),
        release_form=ReleaseForm(formdata=None),
        refused=refused,
        refused_id=refused_id,
        form=refused,  # the page's title says "Error:" when it has errors
    )
    return page, 422 if refused is not None else 200


@bp.route("/trips/<int:trip_id>/release", methods=["GET", "POST"])
@role_required(*STAFF)
def release(trip_id: int):
    """The re-approval's own page; the list's rows post here too (`from=list`), and come back to it."""
    trip = db.session.get(Trip, trip_id) or abort(404)
    form = ReleaseForm()
    from_list = request.form.get("from") == "list"
    if form.validate_on_submit():
        done = attempt(service.release, db.session, current_user, trip.id, form.reason.data or "", form=form)
        if done.ok:
            flash(
                _("The trip of %(name)s may go ahead; they have been told.", name=trip.user.name), "success"
            )
            return redirect(url_for("trips.advisories"))
    if from_list and form.errors:
        return _advisories_page(form, trip.id)
    return render_form("advisories/release.html", form, trip=trip)
