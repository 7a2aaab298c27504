"""After your visits: the list of visits a person took part in or hosts, and one visit's page."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user, login_required

from matcher.extensions import db
from matcher.impact import bp
from matcher.services.impact import hub
from matcher.services.impact.visits import visit_for
from matcher.web.forms import EmptyForm


@bp.get("/visits")
@login_required
def visits():
    page = hub.visits_page(db.session, current_user, date.today())
    return render_template("impact/visits.html", page=page)


@bp.get("/visits/<int:visit_id>")
@login_required
def visit(visit_id: int):
    found, standing = visit_for(db.session, current_user, visit_id)
    page = hub.visit_page(db.session, current_user, found, standing, date.today())
    return render_template("impact/visit.html", page=page, action_form=EmptyForm())
