"""Demo trips: checklists in several states after `seed-demo`, the same again on a second seed."""

from __future__ import annotations

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Opportunity
from matcher.models.departure import ItemStatus, Trip, TripItem
from matcher.models.matching import Match, MatchStatus
from matcher.seed.demo import seed
from matcher.seed.demo_trips import TRAVELLERS


def _snapshot() -> list[tuple]:
    rows = db.session.execute(
        select(Trip.user_id, Trip.opportunity_id, Trip.cleared_at.is_(None), TripItem.code, TripItem.status)
        .join(TripItem, TripItem.trip_id == Trip.id)
        .order_by(Trip.user_id, TripItem.code)
    )
    return [tuple(row) for row in rows]


def test_demo_trips_stand_in_several_states_and_a_second_seed_changes_nothing(app):
    seed(db.session, "demo password")
    db.session.commit()
    trips = db.session.scalars(select(Trip).order_by(Trip.id)).all()
    assert len(trips) == len(TRAVELLERS)
    for trip in trips:
        match = db.session.get(Match, trip.match_id)
        assert match.status == MatchStatus.ACCEPTED and match.applicant_id == trip.user_id
        assert db.session.get(Opportunity, trip.opportunity_id).places_filled >= 1
    statuses = [{i.status for i in trip.items} for trip in trips]
    assert [trip.cleared_at is not None for trip in trips] == [True, False, False]
    assert ItemStatus.SUBMITTED in statuses[1] and ItemStatus.VERIFIED in statuses[1]
    assert any(i.note for i in trips[2].items) and statuses[2] == {ItemStatus.TO_DO}

    before = _snapshot()
    places = dict(db.session.execute(select(Opportunity.id, Opportunity.places_filled)).all())
    seed(db.session, "demo password")
    db.session.commit()
    assert _snapshot() == before
    assert dict(db.session.execute(select(Opportunity.id, Opportunity.places_filled)).all()) == places
