"""The trips' schema guards what the services rely on: one subject per trip, one item per code."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models.departure import Trip, TripItem
from tests.support.trips import item, make_trip


def test_a_trip_has_its_items_in_due_order(users):
    trip = make_trip(users)
    db.session.expire_all()
    trip = db.session.get(Trip, trip.id)
    assert [i.code for i in trip.items] == ["country:licence", "host:letter"]
    assert trip.items[0].due_on < trip.items[1].due_on
    assert not trip.on_hold


def test_a_trip_names_exactly_one_placement_or_team_place(users):
    trip = make_trip(users)
    db.session.add(Trip(user_id=trip.user_id, opportunity_id=trip.opportunity_id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_trip_has_one_item_per_code(users):
    trip = make_trip(users)
    db.session.add(TripItem(trip_id=trip.id, **item("host:letter", date.today())))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
