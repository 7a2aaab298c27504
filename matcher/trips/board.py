"""The readiness boards: the coordinators' board of every upcoming trip, and a host organisation's
board of its own visitors, both filtered by start month and country (issue 21)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from matcher.extensions import db
from matcher.formatting import locale
from matcher.models import Organisation, Role
from matcher.services.departure.board import parse_filters, readiness_board
from matcher.services.departure.links import trip_url
from matcher.services.departure.readiness import STATES
from matcher.trips import bp
from matcher.web.access import can_act_for, role_required


def month_label(value: date) -> str:
    """A month and its year in the reader's language: "March 2027", "Março de 2027"."""
    written = format_skeleton("yMMMM", value, locale=locale())
    return written[:1].upper() + written[1:]


def _board_page(organisation: Organisation | None, action: str):
    filters, errors = parse_filters(db.session, request.args)
    board = readiness_board(db.session, current_user, date.today(), filters, organisation)
    page = render_template(
        "trips/board.html",
        board=board,
        states=STATES,
        filters=filters,
        errors=errors,
        organisation=organisation,
        action=action,
        month_label=month_label,
        trip_url=trip_url,
    )
    return page, 400 if errors else 200


@bp.get("/coordination/readiness")
@role_required(Role.COORDINATOR, Role.ADMIN)
def coordination_board():
    return _board_page(None, url_for("trips.coordination_board"))


@bp.get("/organisations/<slug>/readiness")
@login_required
def organisation_board(slug: str):
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug)) or abort(404)
    if not can_act_for(current_user, organisation):
        # An unverified organisation is known only to its members and coordinators.
        abort(403 if organisation.is_verified else 404)
    return _board_page(organisation, url_for("trips.organisation_board", slug=slug))
