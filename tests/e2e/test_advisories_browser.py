"""Travel advisories in a real browser: the coordinator opens the list of held trips, is refused
a re-approval without a reason (the summary and the field say why) and re-approves with one; the
traveller reads the level on their placements page and the opportunity page, stale once it is not
confirmed. axe-core checks every page; at 360 px no page is wider than the screen."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from matcher.advisories.importing import import_source
from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.departure import TravelAdvisory
from tests.departure.advisory_scene import FIXTURES, kenya_scene
from tests.e2e.browser import Person, new_context
from tests.support.factories import UserFactory

WIDTH = 360


@pytest.fixture(scope="module")
def scene(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        kenya = kenya_scene(make)
        with live_server.app.test_request_context():
            import_source(db.session, str(FIXTURES / "us_state.rss.xml"), None, date.today())
            db.session.commit()
        trip = kenya.held["placement in 60 days"]
        return {
            "coordinator": kenya.coordinator.email,
            "traveller": trip.user.email,
            "trip_id": trip.id,
            "published_id": kenya.published.id,
        }


def _state(browser, live_server, email: str) -> dict[str, Any]:
    person = Person(email, new_context(browser), live_server.url, audit=None)
    person.log_in(email, UserFactory.PASSWORD)
    state = person.context.storage_state()
    person.context.close()
    return state


def test_a_coordinator_re_approves_a_held_trip_with_a_reason(browser, live_server, people, scene):
    coordinator = people("coordinator", storage_state=_state(browser, live_server, scene["coordinator"]))
    coordinator.goto(f"/trips/{scene['trip_id']}/release")
    assert coordinator.heading == "Re-approve the trip of Ada Soon"
    coordinator.click(coordinator.button("Re-approve the trip"), expect_status=422)
    assert "Give the reason the trip may go ahead." in coordinator.text(".error-summary")
    coordinator.goto("/coordination/advisories")
    coordinator.click(coordinator.button("Re-approve Ada Soon"), expect_status=422)
    assert "Give the reason the trip may go ahead." in coordinator.text(".error-summary")
    coordinator.page.get_by_label("Why the trip of Ada Soon may go ahead").fill(
        "The school agreed; Nairobi is calm."
    )
    coordinator.click(coordinator.button("Re-approve Ada Soon"))
    assert "The trip of Ada Soon may go ahead" in coordinator.flashes
    held = coordinator.text("main").split("Trips on hold")[1].split("Published opportunities")[0]
    assert "Ada Soon" not in held and "Tia Teacher" in held
    assert coordinator.audit is not None and len(coordinator.audit.seen) >= 4


def test_the_traveller_sees_the_level_and_a_stale_one_on_a_phone(browser, live_server, people, scene):
    traveller = people(
        "traveller", width=WIDTH, height=740, storage_state=_state(browser, live_server, scene["traveller"])
    )
    traveller.goto("/placements")
    assert "Travel advice: level 3 of 4" in traveller.text("main")
    with live_server.data():
        for advisory in db.session.query(TravelAdvisory).all():
            advisory.imported_at = utcnow() - timedelta(days=40)
        db.session.commit()
    traveller.goto(f"/opportunities/{scene['published_id']}")
    main = traveller.text("main")
    assert "Travel advice: level 3 of 4" in main and "stale" in main
    assert traveller.page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_coordinators_list_fits_a_phone(browser, live_server, people, scene):
    state = _state(browser, live_server, scene["coordinator"])
    coordinator = people("coordinator-phone", width=WIDTH, height=740, storage_state=state)
    coordinator.goto("/coordination/advisories")
    assert "Tia Teacher" in coordinator.text("main")
    assert coordinator.page.evaluate("document.documentElement.scrollWidth") <= WIDTH
