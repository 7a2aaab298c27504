"""Proof documents of checklist items: the item's documents page (and its upload form), downloads
as attachments only, deletion; and `document_panel`, what the trip page shows under each item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from matcher.errors import render_error
from matcher.extensions import db
from matcher.models.departure import Trip, TripDocument, TripItem
from matcher.services.departure import documents
from matcher.services.errors import DomainError, NotFound, PermissionDenied
from matcher.translate import gettext as _
from matcher.trips import bp
from matcher.trips.document_forms import DocumentForm, document_form
from matcher.web.forms import EmptyForm, show_error
from matcher.web.input_guard import larger_body
from matcher.web.usecase import attempt, render_form


@dataclass(frozen=True)
class DocumentRow:
    document: TripDocument
    expires_too_soon: bool


@dataclass(frozen=True)
class DocumentPanel:
    """An item's documents as the viewer sees them, and whether they may add or remove some."""

    rows: list[DocumentRow]
    may_change: bool
    form: DocumentForm | None
    delete_form: EmptyForm


@bp.app_template_global("document_panel")
def document_panel(trip: Trip, item: TripItem, form: DocumentForm | None = None) -> DocumentPanel:
    may_change = documents.may_change(db.session, current_user, trip, item)
    if may_change and form is None:
        form = document_form(item.id, formdata=None)
    return DocumentPanel(
        rows=[DocumentRow(d, documents.expires_too_soon(d, trip)) for d in item.documents],
        may_change=may_change,
        form=form if may_change else None,
        delete_form=EmptyForm(formdata=None),
    )


def trip_page(trip: Trip) -> str:
    """The trip's own page, with its checklist."""
    return url_for("trips.show", trip_id=trip.id)


def _item_page(trip: Trip, item: TripItem, form: DocumentForm | None = None, status: int | None = None):
    form = form or document_form(item.id, formdata=None)
    page, code = render_form(
        "trips/item_documents.html",
        form,
        document_form=form,
        documents_page=True,
        trip=trip,
        item=item,
        trip_url=trip_page(trip),
    )
    return page, status or code


def _back_to(trip: Trip, item: TripItem) -> str:
    page = trip_page(trip)
    if request.args.get("from") == "trip":
        return f"{page}#item-{item.id}"
    return url_for("trips.item_documents", trip_id=trip.id, item_id=item.id)


@bp.get("/trips/<int:trip_id>/items/<int:item_id>/documents")
@login_required
def item_documents(trip_id: int, item_id: int):
    trip, item = documents.item_for(db.session, current_user, trip_id, item_id)
    return _item_page(trip, item)


@bp.post("/trips/<int:trip_id>/items/<int:item_id>/documents")
@login_required
@larger_body(lambda config: config["DOCUMENT_MAX_BYTES"])
def upload_document(trip_id: int, item_id: int):
    trip, item = documents.item_for(db.session, current_user, trip_id, item_id)
    form = document_form(item.id)
    try:  # the wrong person is refused (403) before the form is read; the right one is told why
        documents.require_change(db.session, current_user, trip, item)
    except PermissionDenied:
        raise
    except DomainError as refusal:
        show_error(form, refusal)
        return _item_page(trip, item, form)
    if form.validate_on_submit():
        upload = form.file.data
        done = attempt(
            documents.upload,
            db.session,
            current_user,
            trip_id,
            item_id,
            upload.stream,
            upload.filename,
            form.expires_on.data,
            date.today(),
            form=form,
        )
        if done.ok:
            flash(_("The document is uploaded: %(name)s.", name=done.value.filename), "success")
            return redirect(_back_to(trip, item))
        trip, item = documents.item_for(db.session, current_user, trip_id, item_id)  # after the rollback
    if form.errors and form.file.data and not form.file.errors:
        # Browsers never send a chosen file again: say so, rather than let it vanish unnoticed.
        form.file.errors = [_("Nothing was uploaded yet: choose the file again.")]
    return _item_page(trip, item, form)


@bp.get("/trips/<int:trip_id>/documents/<int:document_id>")
@login_required
def document(trip_id: int, document_id: int):
    found = documents.download(db.session, current_user, trip_id, document_id)
    path = documents.file_of(found)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/trips/<int:trip_id>/documents/<int:document_id>/delete")
@login_required
def delete_document(trip_id: int, document_id: int):
    found = documents.document_for(db.session, current_user, trip_id, document_id)
    trip, item = documents.document_trip(found), found.item
    if (
        EmptyForm().validate_on_submit()
        and attempt(documents.remove, db.session, current_user, trip_id, document_id).ok
    ):
        flash(_("The document is deleted."), "success")
    return redirect(_back_to(trip, item))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over the upload's limit: the item's page again, with the reason at the file field.
    The body is never read again here (that would raise again)."""
    if request.endpoint != "trips.upload_document" or not current_user.is_authenticated:
        return render_error(413)
    args = request.view_args or {}
    try:
        trip, item = documents.item_for(db.session, current_user, args["trip_id"], args["item_id"])
    except NotFound:
        return render_error(404)
    form = document_form(item.id, formdata=None)
    size = current_app.config["DOCUMENT_MAX_BYTES"] // 2**20
    show_error(
        form,
        DomainError(
            _("The file is larger than %(size)s MB. Make it smaller and try again.", size=size), "file"
        ),
    )
    return _item_page(trip, item, form, 413)
