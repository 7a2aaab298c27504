"""On the student's trip for the placement accepted at organisation A (tests/security/world_trips):
a licence item that needs proof, with one document on disk (restored after each request like the CVs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from matcher import uploads
from matcher.models.departure import Trip, TripDocument, TripItem
from matcher.services.departure.documents import DIRECTORY
from tests.support.pdf import minimal_pdf
from tests.support.trips import item


@dataclass
class DocumentsWorld:
    trip: Trip  # the student's
    item: TripItem  # needs proof, to do
    document: TripDocument


def build_documents_world(session: Session, trip: Trip, files: dict[Path, bytes]) -> DocumentsWorld:
    """A licence item with its document on the student's trip (the trips world's: one per placement)."""
    opportunity = trip.opportunity
    licence = TripItem(position=2, **item("country:licence", opportunity.starts_on - timedelta(days=30)))
    trip.items.append(licence)
    session.flush()
    data = minimal_pdf()
    stored = uploads.store(session, data, DIRECTORY, ".pdf")
    files[uploads.path_of(stored, DIRECTORY)] = data
    document = TripDocument(
        item_id=licence.id,
        trip_id=trip.id,
        stored_name=stored,
        filename="licence.pdf",
        content_type=uploads.PDF,
        size=len(data),
        uploaded_by_id=trip.user_id,
    )
    session.add(document)
    session.flush()
    return DocumentsWorld(trip, licence, document)
