"""The student's trip to organisation A's placement that has begun (the world's `accepted` match):
a traveller's item without proof (the student may submit it) and a host task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from matcher.models.departure import ItemOwner, ItemSource, Trip, TripItem
from matcher.models.matching import Match


@dataclass
class TripsWorld:
    trip: Trip
    item: TripItem  # the traveller's, to do, no proof needed
    host_item: TripItem  # the host's letter


def build_trips_world(session: Session, accepted: Match) -> TripsWorld:
    starts = accepted.opportunity.starts_on
    trip = Trip(user_id=accepted.applicant_id, opportunity_id=accepted.opportunity_id, match_id=accepted.id)
    item = TripItem(
        code="country:insurance",
        source=ItemSource.COUNTRY,
        title="Travel insurance",
        due_on=starts - timedelta(days=14),
        needs_proof=False,
    )
    host_item = TripItem(
        code="host:letter",
        source=ItemSource.HOST,
        owner=ItemOwner.HOST,
        title="Invitation or welcome letter",
        due_on=starts - timedelta(days=45),
        position=1,
    )
    trip.items = [item, host_item]
    session.add(trip)
    session.flush()
    return TripsWorld(trip=trip, item=item, host_item=host_item)
