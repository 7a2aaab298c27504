"""The traveller's trips and each trip's checklist: "My trips", the trip page (traveller, the host's
members, coordinators), submitting and reviewing items, the emergency contact and insurance."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from matcher.extensions import db, limiter
from matcher.models.departure import DONE, ItemOwner, Trip
from matcher.models.user import APPLICANT_ROLES
from matcher.services.departure import items, trips
from matcher.services.departure.checklists import standard_details, standard_title
from matcher.translate import gettext as _
from matcher.trips import bp
from matcher.trips.forms import ContactsForm, ReviewForm
from matcher.web import throttle
from matcher.web.access import role_required
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form


@bp.app_template_global("checklist_title")
def checklist_title(item) -> str:
    """A checklist item's title in the reader's language where the app worded it."""
    return standard_title(item)


@bp.get("/trips")
@role_required(*APPLICANT_ROLES)
def mine():
    return render_template("trips/mine.html", trips=trips.trips_of(db.session, current_user), DONE=DONE)


@bp.get("/trips/<int:trip_id>")
@login_required
def show(trip_id: int):
    trip = trips.trip_visible_to(db.session, current_user, trip_id)
    return _trip_page(trip)


def _trip_page(trip: Trip, refused: ReviewForm | None = None, refused_id: int | None = None):
    """The trip and its checklist; with a refused review, 422 and the form's errors at its item."""
    trip = trips.with_checklist(db.session, trip)
    page = render_template(
        "trips/show.html",
        trip=trip,
        is_traveller=trip.user_id == current_user.id,
        live=trips.is_live(trip),
        reviewer=trips.is_live(trip) and trips.can_review(db.session, current_user, trip),
        cleared=trips.is_cleared(trip),
        review_form=ReviewForm(formdata=None),
        refused=refused,
        refused_id=refused_id,
        form=refused,  # the page's title says "Error:" when it has errors
        action_form=EmptyForm(),
        details=standard_details,
        ItemOwner=ItemOwner,
        today=date.today(),
    )
    return page, 422 if refused is not None else 200


@bp.post("/trips/<int:trip_id>/items/<int:item_id>/submit")
@login_required
def submit(trip_id: int, item_id: int):
    trip = trips.trip_visible_to(db.session, current_user, trip_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(items.submit, db.session, current_user, trip.id, item_id).ok:
        flash(_("Submitted: the host or a coordinator will check it."), "success")
    return redirect(url_for("trips.show", trip_id=trip.id, _anchor=f"item-{item_id}"))


# Sending an item back emails the traveller: a reviewer's decisions are limited per hour.
REVIEW_LIMIT = "120 per hour"


@bp.post("/trips/<int:trip_id>/items/<int:item_id>/review")
@login_required
@limiter.limit(
    REVIEW_LIMIT,
    key_func=lambda: f"trip-review:{current_user.id}",
    error_message=throttle.worded(REVIEW_LIMIT),
)
def review(trip_id: int, item_id: int):
    trip = trips.trip_visible_to(db.session, current_user, trip_id)
    if not trips.can_review(db.session, current_user, trip):
        abort(403)
    form = ReviewForm()
    if not (
        form.validate_on_submit()
        and attempt(
            items.review,
            db.session,
            current_user,
            trip.id,
            item_id,
            form.decision.data,
            form.note.data or "",
            form=form,
        ).ok
    ):
        if "csrf_token" in form.errors:
            abort(400)
        trip = trips.trip_visible_to(db.session, current_user, trip_id)
        return _trip_page(trip, form, item_id)
    flash(_("Saved. The checklist is up to date."), "success")
    return redirect(url_for("trips.show", trip_id=trip.id, _anchor=f"item-{item_id}"))


@bp.route("/trips/<int:trip_id>/contacts", methods=["GET", "POST"])
@login_required
def contacts(trip_id: int):
    trip = trips.trip_visible_to(db.session, current_user, trip_id)
    editing = trip.user_id == current_user.id
    form = ContactsForm(obj=trip)
    if form.is_submitted() and not editing:
        abort(403)
    if editing and form.validate_on_submit():
        values = items.Contacts(**{name: form[name].data for name in items.Contacts.__dataclass_fields__})
        if attempt(items.save_contacts, db.session, current_user, trip.id, values, form=form).ok:
            flash(_("Your emergency contact and insurance are saved."), "success")
            return redirect(url_for("trips.show", trip_id=trip.id))
    return render_form("trips/contacts.html", form, trip=trip, editing=editing)
