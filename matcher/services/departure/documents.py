"""Proof documents of checklist items: upload, download and delete them, flag those that expire
before the placement ends, delete them after the placement (retention) and with the account.

Who sees a trip's documents: its traveller, the members of the host organisation (that of the
trip's opportunity) and coordinators; anyone else is told there is nothing here (NotFound). Who
adds or removes them: the traveller on their own items, the host's members and coordinators on
the host's items, while the item is not yet verified or marked not needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from matcher import audit, uploads
from matcher.db import utcnow
from matcher.models import Opportunity, User
from matcher.models.departure import DONE, ItemOwner, Trip, TripDocument, TripItem
from matcher.services.departure.trips import can_review, trip_visible_to
from matcher.services.errors import DomainError, NotFound, PermissionDenied
from matcher.translate import gettext as _

DIRECTORY = "trip-documents"  # under UPLOAD_FOLDER, which is outside the web root
MAX_DOCUMENTS_PER_ITEM = 5


def item_for(session: Session, user: User, trip_id: int, item_id: int) -> tuple[Trip, TripItem]:
    trip = trip_visible_to(session, user, trip_id)
    item = session.get(TripItem, item_id)
    if item is None or item.trip_id != trip.id:
        raise NotFound(_("There is no such item on this trip."))
    return trip, item


def may_change(session: Session, user: User, trip: Trip, item: TripItem) -> bool:
    """Whether `user` may add or remove this item's documents now."""
    if not item.needs_proof or item.status in DONE or trip.documents_purged_at is not None:
        return False
    if item.owner == ItemOwner.TRAVELLER:
        return user.id == trip.user_id
    return can_review(session, user, trip)


def require_change(session: Session, user: User, trip: Trip, item: TripItem) -> None:
    if may_change(session, user, trip, item):
        return
    if trip.documents_purged_at is not None:
        raise DomainError(_("This trip's documents were deleted after the placement ended."))
    if not item.needs_proof:
        raise DomainError(_("This item needs no document."))
    if item.status in DONE:
        raise DomainError(
            _(
                "This item is already %(status)s: its documents stay as they were.",
                status=item.status_enum.label,
            )
        )
    if item.owner == ItemOwner.TRAVELLER:
        raise PermissionDenied(_("Only the traveller adds or removes the documents of this item."))
    raise PermissionDenied(_("Only the host's members and coordinators add or remove these documents."))


def upload(
    session: Session,
    user: User,
    trip_id: int,
    item_id: int,
    stream: BinaryIO,
    filename: str | None,
    expires_on: date | None,
    today: date,
) -> TripDocument:
    """Check and store a proof document; the file goes again if the transaction rolls back."""
    trip, item = item_for(session, user, trip_id, item_id)
    require_change(session, user, trip, item)
    if expires_on is not None and expires_on < today:
        raise DomainError(
            _("This document has already expired. Upload one that is still valid."), field="expires_on"
        )
    # The item's row is locked, so that two uploads at once cannot both pass the count.
    session.execute(select(TripItem.id).where(TripItem.id == item.id).with_for_update())
    count = session.scalar(select(func.count()).where(TripDocument.item_id == item.id))
    if count >= MAX_DOCUMENTS_PER_ITEM:
        raise DomainError(
            _("An item takes at most %(count)s documents. Delete one first.", count=MAX_DOCUMENTS_PER_ITEM),
            field="file",
        )
    data, content_type = uploads.read_document(stream, current_app.config["DOCUMENT_MAX_BYTES"], field="file")
    stored_name = uploads.store(session, data, DIRECTORY, uploads.SUFFIXES[content_type])
    document = TripDocument(
        item_id=item.id,
        trip_id=trip.id,
        stored_name=stored_name,
        filename=uploads.document_name(filename, content_type),
        content_type=content_type,
        size=len(data),
        expires_on=expires_on,
        uploaded_by_id=user.id,
    )
    session.add(document)
    session.flush()
    audit.on_commit(
        session, "trip_document_uploaded", user, trip_id=trip.id, item=item.code, document_id=document.id
    )
    return document


def remove(session: Session, user: User, trip_id: int, document_id: int) -> TripDocument:
    """Delete a document; its file goes once this commits."""
    document = document_for(session, user, trip_id, document_id)
    trip, item = document_trip(document), document.item
    require_change(session, user, trip, item)
    uploads.delete_after_commit(session, document.stored_name, DIRECTORY)
    session.delete(document)
    session.flush()
    audit.on_commit(
        session, "trip_document_deleted", user, trip_id=trip.id, item=item.code, document_id=document_id
    )
    return document


def document_for(session: Session, user: User, trip_id: int, document_id: int) -> TripDocument:
    """The document if `user` may see its trip and it belongs to that trip, else NotFound."""
    trip = trip_visible_to(session, user, trip_id)
    document = session.get(TripDocument, document_id)
    if document is None or document.trip_id != trip.id:
        raise NotFound(_("There is no such document on this trip."))
    return document


def document_trip(document: TripDocument) -> Trip:
    return document.item.trip


def download(session: Session, user: User, trip_id: int, document_id: int) -> TripDocument:
    """The document to send; a download by anyone but the traveller is written to the audit log."""
    document = document_for(session, user, trip_id, document_id)
    if document_trip(document).user_id != user.id:
        audit.record("trip_document_downloaded", user, trip_id=trip_id, document_id=document.id)
    return document


def file_of(document: TripDocument):
    return uploads.path_of(document.stored_name, DIRECTORY)


def expires_too_soon(document: TripDocument, trip: Trip) -> bool:
    """The document's validity ends before the placement does."""
    return document.expires_on is not None and document.expires_on < trip.opportunity.ends_on


def expiring_documents(trip: Trip) -> list[TripDocument]:
    """The trip's proof documents that expire before the placement ends (for the readiness board)."""
    return [d for item in trip.items for d in item.documents if expires_too_soon(d, trip)]


@dataclass(frozen=True)
class Purge:
    trips: int
    documents: int


def purge_after_placements(session: Session, today: date, retention_days: int) -> Purge:
    """Delete the documents of every trip whose placement ended more than `retention_days` ago,
    and mark the trip (documents_purged_at) so that none is added again. Files go on commit."""
    cutoff = today - timedelta(days=retention_days)
    trips = session.scalars(
        select(Trip)
        .join(Opportunity, Opportunity.id == Trip.opportunity_id)
        .where(Opportunity.ends_on < cutoff, Trip.documents_purged_at.is_(None))
        .order_by(Trip.id)
        .with_for_update(of=Trip)
    ).all()
    removed = 0
    for trip in trips:
        removed += _forget_files(session, TripDocument.trip_id == trip.id)
        trip.documents_purged_at = utcnow()
        audit.on_commit(
            session, "trip_documents_purged", None, trip_id=trip.id, retention_days=retention_days
        )
    session.flush()
    return Purge(len(trips), removed)


def forget_traveller(session: Session, user: User) -> int:
    """With the account: delete the documents of every trip of `user` (files on commit)."""
    return _forget_files(session, TripDocument.trip_id.in_(select(Trip.id).where(Trip.user_id == user.id)))


def _forget_files(session: Session, where: Any) -> int:
    stored = session.scalars(select(TripDocument.stored_name).where(where)).all()
    for name in stored:
        uploads.delete_after_commit(session, name, DIRECTORY)
    session.execute(delete(TripDocument).where(where).execution_options(synchronize_session=False))
    return len(stored)


def export_of(session: Session, user: User) -> list[dict[str, Any]]:
    """The privacy export: what documents we hold on the user's trips (names and dates, not contents)."""
    documents = session.scalars(
        select(TripDocument)
        .join(Trip, Trip.id == TripDocument.trip_id)
        .where(Trip.user_id == user.id)
        .options(joinedload(TripDocument.item).joinedload(TripItem.trip).joinedload(Trip.opportunity))
        .order_by(TripDocument.uploaded_at, TripDocument.id)
    )
    return [
        {
            "opportunity": d.item.trip.opportunity.title,
            "item": d.item.title,
            "file_name": d.filename,
            "type": d.content_type,
            "size_bytes": d.size,
            "uploaded_at": d.uploaded_at.isoformat(),
            "expires_on": d.expires_on.isoformat() if d.expires_on else None,
        }
        for d in documents
    ]
