"""The trip page's advisory panel (templates/trips/_advisory.html): on hold, in the second person to
the traveller and the third to staff; re-approved, with the reason. And a trip made while its
country is at level 3 or 4 starts on hold (`hold_if_advised`)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template
from flask_login import login_user

from matcher.extensions import db
from matcher.services.departure.advisories import hold_if_advised, release
from tests.departure.advisory_scene import import_fixture, kenya_scene
from tests.support.trips import make_trip


def panel(app, trip, viewer) -> str:
    with app.test_request_context():
        login_user(viewer)
        return " ".join(render_template("trips/_advisory.html", trip=trip).split())


def test_the_panel_speaks_to_the_traveller_and_about_them_to_staff(app, users):
    scene = kenya_scene(users)
    import_fixture(app, "us_state.rss.xml")
    trip = scene.held["placement in 60 days"]
    db.session.refresh(trip)
    own = panel(app, trip, trip.user)
    assert "Travel advice: level 3 of 4" in own
    assert "Your trip is on hold: the travel advice for this country rose to level 3" in own
    assert "Re-approve this trip" not in own
    host = panel(app, trip, scene.host)
    assert "This trip is on hold" in host and "Your trip" not in host and "Re-approve this trip" not in host
    staff = panel(app, trip, scene.coordinator)
    assert "This trip is on hold" in staff and f"/trips/{trip.id}/release" in staff

    with app.test_request_context():
        release(db.session, scene.coordinator, trip.id, "Nairobi is calm; the school agreed.")
        db.session.commit()
    own = panel(app, trip, trip.user)
    assert "on hold" not in own
    assert "A coordinator re-approved your trip on" in own and "Nairobi is calm; the school agreed." in own
    assert "Re-approved on" in panel(app, trip, scene.host)


def test_a_trip_made_while_its_country_is_at_level_3_starts_on_hold(app, users):
    import_fixture(app, "us_state.rss.xml")  # Kenya 3, Tanzania 2
    kenya = make_trip(users)  # Kenya, in 60 days
    later = make_trip(users, starts_in_days=200)
    tanzania_opportunity = users.opportunity(country_code="TZ", starts_on=date.today() + timedelta(days=60))
    tanzania = make_trip(users, opportunity=tanzania_opportunity)
    assert hold_if_advised(db.session, kenya, date.today())
    assert kenya.on_hold and kenya.hold_level == 3 and kenya.hold_advisory_id is not None
    assert not hold_if_advised(db.session, later, date.today()) and not later.on_hold
    assert not hold_if_advised(db.session, tanzania, date.today()) and not tanzania.on_hold
