"""Verification of organisations and of claims to act for them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from matcher.coordination import bp
from matcher.extensions import db
from matcher.models import Membership, Organisation, Role
from matcher.organisations.forms import RejectForm
from matcher.services import organisations as service
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt

STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.get("/organisations")
@role_required(*STAFF)
def organisations():
    return _queue_page()


def _queue_page(refused: RejectForm | None = None, refused_id: int | None = None):
    """The verification queue; with a refused "Do not verify", 422 and its reason at that organisation."""
    page = render_template(
        "coordination/organisations.html",
        pending=service.pending_organisations(db.session),
        claims=service.pending_claims(db.session),
        renames=service.pending_renames(db.session),
        action_form=EmptyForm(),
        reject_form=RejectForm(formdata=None),
        refused=refused,
        refused_id=refused_id,
        form=refused,  # the page's title says "Error:" when it has errors
    )
    return page, 422 if refused is not None else 200


def _decide(message: str, call, *args, **kwargs):
    """Run one decision; flash `message` when it is done, the reason when it is refused."""
    if attempt(call, *args, **kwargs).ok:
        flash(message, "success")
    return redirect(url_for("coordination.organisations"))


@bp.post("/organisations/<int:organisation_id>/verify")
@role_required(*STAFF)
def verify(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _decide(
        _("%(name)s is verified; its contacts have been told.", name=organisation.name),
        service.verify,
        db.session,
        current_user,
        organisation,
    )


@bp.post("/organisations/<int:organisation_id>/reject")
@role_required(*STAFF)
def reject(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = RejectForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _queue_page(form, organisation.id)
    return _decide(
        _("%(name)s is not verified; the reason was emailed to its contacts.", name=organisation.name),
        service.reject,
        db.session,
        current_user,
        organisation,
        form.reason.data,
    )


@bp.post("/claims/<int:membership_id>/<any(approve, refuse):decision>")
@role_required(*STAFF)
def decide_claim(membership_id: int, decision: str):
    membership = db.session.get(Membership, membership_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    who, where = membership.user.email, membership.organisation.name
    return _decide(
        _("%(email)s now acts for %(organisation)s.", email=who, organisation=where)
        if decision == "approve"
        else _("%(email)s does not act for %(organisation)s.", email=who, organisation=where),
        service.decide_claim,
        db.session,
        current_user,
        membership,
        approve=decision == "approve",
    )


@bp.post("/organisations/<int:organisation_id>/name/<any(approve, refuse):decision>")
@role_required(*STAFF)
def decide_rename(organisation_id: int, decision: str):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    approve = decision == "approve"
    old, new = organisation.name, organisation.pending_name
    return _decide(
        _("%(old)s is now called %(new)s; its contacts have been told.", old=old, new=new)
        if approve
        else _("%(old)s keeps its name; its contacts have been told.", old=old),
        service.decide_rename,
        db.session,
        current_user,
        organisation,
        approve=approve,
    )
