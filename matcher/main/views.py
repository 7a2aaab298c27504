"""Home page, dashboard and /healthz."""

from __future__ import annotations

import logging
from datetime import date

from flask import jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.main import bp
from matcher.models import MAX_APPLICATIONS, Membership, Organisation, Role
from matcher.services import applications, dashboards, profiles, reading
from matcher.services.departure.trips import trips_of
from matcher.services.matching import outcomes
from matcher.services.search import latest_opportunities
from matcher.services.standings import standings_of
from matcher.web.caching import cached_publicly

log = logging.getLogger(__name__)
LATEST = 6


# Rows, not ORM objects: the page only shows these columns. Built once, like the other statements
# of the home page: composing one costs more CPU than SQLite takes to run it.
_PARTNERS = (
    select(Organisation.slug, Organisation.name, Organisation.description)
    .where(Organisation.verified_at.is_not(None))
    .order_by(Organisation.name)
)


@bp.get("/")
@cached_publicly
def index():
    organisations = db.session.execute(_PARTNERS).all()
    latest = latest_opportunities(db.session, date.today(), LATEST)
    return render_template(
        "main/index.html", organisations=organisations, latest=latest, links=reading.shown(db.session)
    )


@bp.get("/dashboard")
@login_required
def dashboard():
    today = date.today()
    context = {}
    if current_user.is_applicant:
        mine = applications.applications_of(db.session, current_user)
        profile = profiles.profile_of(db.session, current_user)
        letters = outcomes.letters_of(db.session, current_user)
        standings = standings_of(db.session, current_user, mine, today, letters)
        context["mine"] = {
            # The accepted place first: it is what the applicant is preparing for now.
            "applications": sorted(mine, key=lambda a: standings[a.id].key != "accepted"),
            "statuses": standings,
            "letters": letters,
            "completeness": profiles.completeness(profile),
            "max_applications": MAX_APPLICATIONS,
        }
        context["todo"] = dashboards.applicant_todo(db.session, current_user, today, mine, profile)
        context["trips"] = trips_of(db.session, current_user)
    elif current_user.role_enum == Role.ORG_MEMBER:
        memberships = db.session.scalars(
            select(Membership)
            .where(Membership.user_id == current_user.id)
            .options(selectinload(Membership.organisation))
        ).all()
        context["memberships"] = memberships
        context["todo"] = dashboards.host_todo(db.session, current_user, today, memberships)
    else:
        context["todo"] = dashboards.staff_todo(db.session)
    return render_template("main/dashboard.html", today=today, **context)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", exc)
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
