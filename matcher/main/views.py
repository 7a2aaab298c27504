"""Home page, dashboard and /healthz."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from matcher.extensions import db
from matcher.models import Membership, Organisation

bp = Blueprint("main", __name__)
log = logging.getLogger(__name__)


@bp.get("/")
def index():
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.verified_at.is_not(None)).order_by(Organisation.name)
    ).all()
    return render_template("main/index.html", organisations=organisations)


@bp.get("/dashboard")
@login_required
def dashboard():
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id).join(Membership.organisation)
    ).all()
    return render_template("main/dashboard.html", memberships=memberships)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", exc)
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
