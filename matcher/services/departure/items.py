"""Changes to a trip's checklist and its contacts: the traveller submits an item; the host's members
or a coordinator verify it, mark it not needed or send it back with a note; the traveller records
an emergency contact and travel insurance. Each status change is audited and keeps the trip's
clearance in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.mail.outbox import queue_email
from matcher.models import User
from matcher.models.departure import ItemOwner, ItemStatus, Trip, TripItem
from matcher.models.notification import Category
from matcher.services.departure.checklists import standard_title
from matcher.services.departure.trips import can_review, is_live, refresh_clearance, trip_visible_to
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

S = ItemStatus


class Decision:
    VERIFY = "verify"
    NOT_NEEDED = "not_needed"
    SEND_BACK = "send_back"


DECISIONS = (Decision.VERIFY, Decision.NOT_NEEDED, Decision.SEND_BACK)
# Where each decision may start from, and where it leads.
_FROM = {
    Decision.VERIFY: (S.TO_DO, S.SUBMITTED),
    Decision.NOT_NEEDED: (S.TO_DO, S.SUBMITTED),
    Decision.SEND_BACK: (S.SUBMITTED, S.VERIFIED, S.NOT_NEEDED),
}
_TO = {Decision.VERIFY: S.VERIFIED, Decision.NOT_NEEDED: S.NOT_NEEDED, Decision.SEND_BACK: S.TO_DO}


def item_of(session: Session, user: User, trip_id: int, item_id: int) -> tuple[Trip, TripItem]:
    """The trip (visible to `user`, else NotFound) and one of its items, locked for the change."""
    trip = trip_visible_to(session, user, trip_id)
    if not is_live(trip):
        raise Conflict(_("This place no longer stands: its checklist is kept as it was."))
    item = session.scalar(
        select(TripItem).where(TripItem.id == item_id, TripItem.trip_id == trip.id).with_for_update()
    )
    if item is None:
        raise NotFound(_("There is no such item."))
    session.refresh(item)
    return trip, item


def _audit(session: Session, actor: User, item: TripItem, action: str, before: str) -> None:
    audit.on_commit(
        session,
        f"trip_item_{action}",
        actor,
        trip_id=item.trip_id,
        item_id=item.id,
        code=item.code,
        from_status=before,
        to_status=item.status,
        note=item.note or None,
    )


def submit(session: Session, traveller: User, trip_id: int, item_id: int) -> TripItem:
    """The traveller says an item of theirs is done (with its proof uploaded where asked)."""
    trip, item = item_of(session, traveller, trip_id, item_id)
    if trip.user_id != traveller.id:
        raise PermissionDenied(_("Only the traveller submits their items."))
    if item.owner != ItemOwner.TRAVELLER:
        raise PermissionDenied(_("The host does this one; there is nothing for you to submit."))
    if item.status != S.TO_DO:
        raise Conflict(_("This item is already %(status)s.", status=item.status_enum.label))
    if item.needs_proof and not item.documents:
        raise DomainError(_("Upload your proof first, then submit the item."))
    before = item.status
    item.status, item.submitted_at = S.SUBMITTED, utcnow()
    _audit(session, traveller, item, "submitted", before)
    return item


def review(
    session: Session, reviewer: User, trip_id: int, item_id: int, decision: str, note: str
) -> TripItem:
    """A host member or coordinator verifies the item, marks it not needed, or sends it back to
    the traveller with a note saying what is missing (the traveller is told by email)."""
    trip, item = item_of(session, reviewer, trip_id, item_id)
    if not can_review(session, reviewer, trip):
        raise PermissionDenied(_("Only the host's members and coordinators check items."))
    if decision not in DECISIONS:
        raise DomainError(_("Choose what to do with this item."), field="decision")
    note = note.strip()
    if decision != Decision.VERIFY and not note:
        raise DomainError(_("Say why, in a few words: the traveller reads it."), field="note")
    if item.status not in _FROM[decision]:
        raise Conflict(
            _("This item is %(status)s; it cannot change that way.", status=item.status_enum.label)
        )
    before = item.status
    item.status, item.note = _TO[decision], note
    item.reviewed_at, item.reviewed_by_id = utcnow(), reviewer.id
    _audit(session, reviewer, item, decision, before)
    refresh_clearance(session, trip)
    if decision == Decision.SEND_BACK and item.owner == ItemOwner.TRAVELLER:
        _tell_sent_back(session, trip, item)
    return item


def _tell_sent_back(session: Session, trip: Trip, item: TripItem) -> None:
    """An outcome on something the traveller must do before a date: essential mail."""
    queue_email(
        session,
        to=trip.user,
        template="trip_item_sent_back",
        category=Category.OFFERS,
        subject=_l("Before you leave: %(title)s needs more from you", title=standard_title(item)),
        context={
            "trip": trip,
            "item": item,
            "title": standard_title(item),
            "link": url_for("trips.show", trip_id=trip.id, _external=True),
        },
    )


@dataclass(frozen=True)
class Contacts:
    emergency_name: str
    emergency_relation: str
    emergency_phone: str
    insurer: str
    policy_number: str
    insurance_phone: str
    insurance_expires_on: date | None


def save_contacts(session: Session, traveller: User, trip_id: int, contacts: Contacts) -> Trip:
    """The traveller's emergency contact and travel insurance for the trip."""
    trip = trip_visible_to(session, traveller, trip_id)
    if trip.user_id != traveller.id:
        raise PermissionDenied(_("Only the traveller changes their contacts."))
    if contacts.insurance_expires_on and contacts.insurance_expires_on < trip.opportunity.ends_on:
        raise DomainError(
            _("Your insurance must cover the whole visit: it ends before the visit does."),
            field="insurance_expires_on",
        )
    for field, value in contacts.__dict__.items():
        setattr(trip, field, value.strip() if isinstance(value, str) else value)
    audit.on_commit(session, "trip_contacts_changed", traveller, trip_id=trip.id)
    return trip
