"""Verification of organisations and of claims to act for them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from matcher.auth.forms import EmptyForm
from matcher.extensions import db
from matcher.models import Membership, Organisation, Role
from matcher.organisations.forms import RejectForm
from matcher.services import organisations as service
from matcher.services.errors import DomainError
from matcher.web.access import role_required

bp = Blueprint("coordination", __name__, url_prefix="/coordination")
STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.get("/organisations")
@role_required(*STAFF)
def organisations():
    return render_template(
        "coordination/organisations.html",
        pending=service.pending_organisations(db.session),
        claims=service.pending_claims(db.session),
        action_form=EmptyForm(),
        reject_form=RejectForm(),
    )


def _done(message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("coordination.organisations"))


def _refused(error: DomainError):
    db.session.rollback()
    flash(error.message, "error")
    return redirect(url_for("coordination.organisations"))


@bp.post("/organisations/<int:organisation_id>/verify")
@role_required(*STAFF)
def verify(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.verify(db.session, current_user, organisation)
    except DomainError as error:
        return _refused(error)
    return _done(f"{organisation.name} is verified; its contacts have been told.")


@bp.post("/organisations/<int:organisation_id>/reject")
@role_required(*STAFF)
def reject(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = RejectForm()
    if not form.validate_on_submit():
        flash("Say why, so the contact can put it right.", "error")
        return redirect(url_for("coordination.organisations"))
    try:
        service.reject(db.session, current_user, organisation, form.reason.data)
    except DomainError as error:
        return _refused(error)
    return _done(f"{organisation.name} is not verified; the reason was emailed to its contacts.")


@bp.post("/claims/<int:membership_id>/<any(approve, refuse):decision>")
@role_required(*STAFF)
def decide_claim(membership_id: int, decision: str):
    membership = db.session.get(Membership, membership_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    who, org = membership.user.email, membership.organisation.name
    try:
        service.decide_claim(db.session, current_user, membership, approve=decision == "approve")
    except DomainError as error:
        return _refused(error)
    verb = "now acts for" if decision == "approve" else "does not act for"
    return _done(f"{who} {verb} {org}.")
