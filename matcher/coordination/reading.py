"""Coordinators keep the home page's further-reading links: add, edit, delete, move up and down."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from matcher.coordination import reading_bp as bp
from matcher.coordination.forms import ReadingLinkForm
from matcher.extensions import db
from matcher.models import ReadingLink, Role
from matcher.services import reading
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _data(form: ReadingLinkForm) -> reading.LinkData:
    return reading.LinkData(form.title.data or "", form.url.data or "", form.description.data or "")


def _list_page(form: ReadingLinkForm, status: int = 200):
    return render_template(
        "coordination/reading.html", links=reading.links(db.session), form=form, action_form=EmptyForm()
    ), status


@bp.get("")
@role_required(*STAFF)
def index():
    return _list_page(ReadingLinkForm(formdata=None))


@bp.post("")
@role_required(*STAFF)
def add():
    form = ReadingLinkForm()
    if form.validate_on_submit():
        added = attempt(reading.add, db.session, current_user, _data(form), form=form)
        if added.ok:
            flash(_("“%(title)s” is added to the further reading.", title=added.value.title), "success")
            return redirect(url_for("reading.index"))
    return _list_page(form, 422)


@bp.route("/<int:link_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(link_id: int):
    link = db.session.get(ReadingLink, link_id) or abort(404)
    form = ReadingLinkForm(obj=link)
    if (
        form.validate_on_submit()
        and attempt(reading.update, db.session, current_user, link_id, _data(form), form=form).ok
    ):
        flash(_("The link is saved."), "success")
        return redirect(url_for("reading.index"))
    return render_form("coordination/reading_edit.html", form, link=link)


@bp.post("/<int:link_id>/delete")
@role_required(*STAFF)
def delete(link_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    deleted = attempt(reading.delete, db.session, current_user, link_id)
    if deleted.ok:
        flash(_("“%(title)s” is removed from the further reading.", title=deleted.value), "success")
    return redirect(url_for("reading.index"))


@bp.post("/<int:link_id>/move/<any(up, down):direction>")
@role_required(*STAFF)
def move(link_id: int, direction: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(reading.move, db.session, current_user, link_id, direction)
    return redirect(url_for("reading.index", _anchor=f"link-{link_id}"))
