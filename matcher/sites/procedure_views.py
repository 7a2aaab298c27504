"""Coordinators' editing of the procedures taxonomy: list, new, edit, retire and restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Role
from matcher.models.teaching import Procedure
from matcher.services import procedures as service
from matcher.sites import bp
from matcher.sites.forms import ProcedureForm
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _procedure(code: str) -> Procedure:
    return db.session.scalar(select(Procedure).where(Procedure.code == code)) or abort(404)


@bp.get("/coordination/procedures")
@role_required(*STAFF)
def procedure_list():
    return render_template(
        "sites/procedure_list.html",
        procedures=service.all_procedures(db.session),
        equipment_words=service.equipment_words,
        action_form=EmptyForm(),
    )


@bp.route("/coordination/procedures/new", methods=["GET", "POST"])
@role_required(*STAFF)
def procedure_new():
    form = ProcedureForm()
    if form.validate_on_submit():
        done = attempt(
            service.create, db.session, current_user, form.code.data or "", form.to_data(), form=form
        )
        if done.ok:
            flash(_("The procedure is added."), "success")
            return redirect(url_for("sites.procedure_list"))
    return render_form("sites/procedure_form.html", form, procedure=None)


@bp.route("/coordination/procedures/<code>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def procedure_edit(code: str):
    procedure = _procedure(code)
    form = ProcedureForm()
    if request.method == "GET":
        form.load(procedure)
    elif (
        form.validate_on_submit()
        and attempt(service.update, db.session, current_user, procedure, form.to_data(), form=form).ok
    ):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("sites.procedure_list"))
    return render_form("sites/procedure_form.html", form, procedure=procedure)


@bp.post("/coordination/procedures/<code>/<any(retire, restore):action>")
@role_required(*STAFF)
def procedure_retire(code: str, action: str):
    procedure = _procedure(code)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = attempt(service.set_retired, db.session, current_user, procedure, action == "retire")
    if done.ok:
        flash(
            _("The procedure is retired: it is no longer offered.")
            if action == "retire"
            else _("The procedure is offered again."),
            "success",
        )
    return redirect(url_for("sites.procedure_list"))
