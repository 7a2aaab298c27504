"""A country's level rising to 3 or 4 holds exactly its accepted placements and team places in the
next 180 days, and tells the traveller, the host and the coordinators once (through a real SMTP
server); the same level imported again tells no one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from matcher.advisories.records import FeedError
from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.models import NotificationPreference
from matcher.models.departure import TravelAdvisory, Trip
from matcher.models.notification import Category, Frequency
from matcher.services.departure.advisories import flagged_opportunities, held_trips, release
from tests.departure.advisory_scene import import_fixture, kenya_scene


@pytest.fixture
def app_config(smtp_sink):
    return smtp_sink.config()


def holds(scene) -> dict[str, int | None]:
    db.session.expire_all()
    everything = {**scene.held, **scene.spared}
    return {name: db.session.get(Trip, trip.id).hold_level for name, trip in everything.items()}


def advisory_count() -> int:
    return db.session.scalar(select(func.count()).select_from(TravelAdvisory))


def test_a_rise_to_level_3_holds_exactly_the_upcoming_trips_there_and_mails_each_person_once(
    app, users, smtp_sink
):
    scene = kenya_scene(users)
    # Everyone turned placement emails off: hold notices are essential and still go out.
    for person in (scene.host, scene.coordinator, *(t.user for t in scene.held.values())):
        for category in Category:
            db.session.add(
                NotificationPreference(user_id=person.id, category=category, frequency=Frequency.OFF)
            )
    db.session.commit()

    level_2 = import_fixture(app, "matcher.csv")  # Kenya at 2, Tanzania at 1: no hold
    assert (level_2.added, level_2.raised, level_2.held) == (2, {}, 0)
    assert set(holds(scene).values()) == {None}
    deliver_due(db.session)
    assert smtp_sink.received == []

    rise = import_fixture(app, "us_state.rss.xml")  # Kenya 3, Tanzania 2, Burma 4 (nothing there)
    assert rise.raised == {"KE": 3, "MM": 4} and rise.held == 2
    assert holds(scene) == {
        "placement in 60 days": 3,
        "team place in 150 days": 3,
        "placement in 200 days": None,
        "placement started 5 days ago": None,
        "placement in Tanzania": None,
        "cancelled placement": None,
    }
    assert [t.id for t in held_trips(db.session)] == [t.id for t in scene.held.values()]
    assert flagged_opportunities(db.session, ["KE"], date.today()) == [scene.published, scene.offered]

    deliver_due(db.session)
    by_person: dict[str, list] = {}
    for message in smtp_sink.received:
        for address in message.rcpt_tos:
            by_person.setdefault(address, []).append(message)
    travellers = {t.user.email for t in scene.held.values()}
    assert set(by_person) == travellers | {scene.host.email, scene.coordinator.email}
    assert all(len(messages) == 1 for messages in by_person.values())
    ada = by_person[scene.held["placement in 60 days"].user.email][0]
    assert ada.message["Subject"].startswith("Travel advisory: your trip to")
    assert "is now at level 3 of 4 (US State Department" in ada.text
    assert "Your trip to" in ada.text and "is on hold until a coordinator re-approves it" in ada.text
    assert app.config["BASE_URL"] + f"/trips/{scene.held['placement in 60 days'].id}" in ada.text
    for staff in (scene.host, scene.coordinator):
        text = by_person[staff.email][0].text
        assert "Ada Soon" in text and "Tia Teacher" in text
        assert "Ben Later" not in text and "Dee Elsewhere" not in text and "Eve Cancelled" not in text
        assert "Published Kenyan elective" in text and "Offered Kenyan elective" in text
        assert "Late Kenyan elective" not in text and "Closed Kenyan elective" not in text
    assert "/coordination/advisories" in by_person[scene.coordinator.email][0].text
    assert "/coordination/advisories" not in by_person[scene.host.email][0].text

    # The same feed again: confirmed, no new row, nobody told again, holds unchanged.
    rows = advisory_count()
    again = import_fixture(app, "us_state.rss.xml")
    assert (again.added, again.confirmed, again.raised, again.held) == (0, 3, {}, 0)
    assert advisory_count() == rows
    deliver_due(db.session)
    assert len(smtp_sink.received) == len(travellers) + 2
    assert holds(scene)["placement in 60 days"] == 3


def test_an_older_level_from_another_source_does_not_lower_or_raise_anything(app, users, smtp_sink):
    scene = kenya_scene(users)
    import_fixture(app, "us_state.rss.xml")  # Kenya 3
    deliver_due(db.session)
    told = len(smtp_sink.received)
    fcdo = import_fixture(app, "uk_fcdo_kenya.json")  # Kenya 2 from the FCDO: the country stays at 3
    assert (fcdo.added, fcdo.raised) == (1, {})
    assert holds(scene)["placement in 60 days"] == 3
    deliver_due(db.session)
    assert len(smtp_sink.received) == told


def test_a_rise_from_3_to_4_holds_again_a_trip_that_was_re_approved(app, users, smtp_sink):
    scene = kenya_scene(users)
    import_fixture(app, "us_state.rss.xml")
    ada = scene.held["placement in 60 days"]
    with app.test_request_context():
        release(db.session, scene.coordinator, ada.id, "The school agreed; Nairobi is not affected.")
        db.session.commit()
    assert not db.session.get(Trip, ada.id).on_hold
    rise = import_fixture(app, "matcher.json")  # Kenya at 4
    assert rise.raised == {"KE": 4}
    trip = db.session.get(Trip, ada.id)
    assert trip.on_hold and trip.hold_level == 4 and trip.released_at is None and trip.release_reason == ""


@pytest.mark.parametrize("name", ["bad_level.csv", "bad_country.json", "broken.rss.xml"])
def test_a_refused_file_imports_nothing_and_holds_nothing(app, users, name, smtp_sink):
    scene = kenya_scene(users)
    with pytest.raises(FeedError):
        import_fixture(app, name)
    db.session.rollback()
    assert advisory_count() == 0
    assert set(holds(scene).values()) == {None}
    deliver_due(db.session)
    assert smtp_sink.received == []


def test_staff_read_the_country_in_their_language_in_the_subject(app, users, smtp_sink):
    scene = kenya_scene(users)
    scene.coordinator.locale = "fr"
    db.session.commit()
    import_fixture(app, "us_state.rss.xml")
    deliver_due(db.session)
    host = next(m for m in smtp_sink.received if scene.host.email in m.rcpt_tos)
    assert host.message["Subject"] == "Travel advisory: Kenya at level 3 of 4"
    coordinator = next(m for m in smtp_sink.received if scene.coordinator.email in m.rcpt_tos)
    assert "Kenya" in coordinator.message["Subject"] and "3" in coordinator.message["Subject"]


def test_the_same_level_reissued_with_a_new_date_is_kept_but_tells_no_one(app, users, smtp_sink, tmp_path):
    scene = kenya_scene(users)
    import_fixture(app, "us_state.rss.xml")  # Kenya 3 from the State Department
    deliver_due(db.session)
    told = len(smtp_sink.received)
    reissued = tmp_path / "ours.csv"
    reissued.write_text("country,level,issued_on\nKE,3,2026-07-01\n")
    report = import_fixture(app, str(reissued))  # our coordinators say 3 too, later
    assert (report.added, report.raised, report.held) == (1, {}, 0)
    assert advisory_count() == 4
    deliver_due(db.session)
    assert len(smtp_sink.received) == told
    assert holds(scene)["placement in 60 days"] == 3
