"""The advisory pages: a held trip's re-approval (coordinators only, with a reason, audited, the
traveller told), the coordinators' list, and the level, date and staleness on the opportunity and
placement pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.models.departure import TravelAdvisory, Trip
from tests.departure.advisory_scene import import_fixture, kenya_scene


@pytest.fixture
def audit_file(app, tmp_path, monkeypatch):
    path = tmp_path / "audit.log"
    monkeypatch.setitem(app.config, "AUDIT_LOG_PATH", str(path))
    return path


def audit_entries(path, action):
    lines = path.read_text().splitlines() if path.exists() else []
    return [e for e in map(json.loads, lines) if e["action"] == action]


def mails_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == user.email)))


@pytest.fixture
def held(app, users):
    scene = kenya_scene(users)
    import_fixture(app, "us_state.rss.xml")
    return scene


def test_a_rise_is_audited_with_the_trips_it_held(app, users, audit_file):
    scene = kenya_scene(users)
    import_fixture(app, "us_state.rss.xml")
    (entry,) = [e for e in audit_entries(audit_file, "advisory_hold") if e["details"]["country"] == "KE"]
    assert entry["details"]["level"] == 3
    assert sorted(entry["details"]["trips"]) == sorted(t.id for t in scene.held.values())
    assert entry["details"]["opportunities"] == [scene.published.id, scene.offered.id]


def test_re_approval_needs_a_reason_then_releases_the_trip_audited_and_tells_the_traveller(
    client, auth, held, audit_file
):
    trip = held.held["placement in 60 days"]
    auth.login_as(held.coordinator)
    page = client.get(f"/trips/{trip.id}/release")
    assert page.status_code == 200
    assert "Re-approve the trip of Ada Soon" in page.get_data(as_text=True)
    before = len(mails_to(trip.user))

    refused = client.post(f"/trips/{trip.id}/release", data={"reason": "   "})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert (
        'class="form-errors error-summary"' in body
        and body.count("Give the reason the trip may go ahead.") == 2
    )
    db.session.expire_all()
    assert db.session.get(Trip, trip.id).on_hold
    assert audit_entries(audit_file, "advisory_release") == []
    assert len(mails_to(trip.user)) == before

    done = client.post(f"/trips/{trip.id}/release", data={"reason": "School consent; Nairobi unaffected."})
    assert done.status_code == 302 and done.headers["Location"].endswith("/coordination/advisories")
    db.session.expire_all()
    released = db.session.get(Trip, trip.id)
    assert not released.on_hold and released.hold_level == 3
    assert released.released_by_id == held.coordinator.id
    assert released.release_reason == "School consent; Nairobi unaffected."
    (entry,) = audit_entries(audit_file, "advisory_release")
    assert entry["user_id"] == held.coordinator.id
    assert entry["details"] == {
        "trip_id": trip.id,
        "level": 3,
        "reason": "School consent; Nairobi unaffected.",
    }
    (told,) = mails_to(trip.user)[before:]
    assert told.subject.startswith("Your trip to") and "School consent" in told.body_text
    other = held.held["team place in 150 days"]
    assert db.session.get(Trip, other.id).on_hold  # only the one re-approved

    again = client.post(f"/trips/{trip.id}/release", data={"reason": "Twice"})
    assert again.status_code == 422 and "This trip is not on hold." in again.get_data(as_text=True)
    assert len(audit_entries(audit_file, "advisory_release")) == 1


@pytest.mark.parametrize("role", ["student", "org_member", "professional"])
def test_only_coordinators_re_approve(client, auth, held, role):
    trip = held.held["placement in 60 days"]
    auth.login_as(held.host if role == "org_member" else auth.users.create(role))
    assert client.get(f"/trips/{trip.id}/release").status_code == 403
    assert client.post(f"/trips/{trip.id}/release", data={"reason": "Mine"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Trip, trip.id).on_hold


def test_the_traveller_cannot_release_their_own_trip(client, auth, held):
    trip = held.held["placement in 60 days"]
    auth.login_as(trip.user)
    assert client.post(f"/trips/{trip.id}/release", data={"reason": "I will be careful"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Trip, trip.id).on_hold


def test_an_unknown_trip_is_not_found(client, auth, held):
    auth.login_as(held.coordinator)
    assert client.get("/trips/999999/release").status_code == 404


def test_the_coordinators_page_lists_held_trips_flagged_opportunities_and_levels(client, auth, held):
    auth.login_as(held.coordinator)
    body = client.get("/coordination/advisories").get_data(as_text=True)
    held_part = body.split('id="held-heading"')[1].split('id="flagged-heading"')[0]
    assert "Ada Soon" in held_part and "Tia Teacher" in held_part
    assert "Ben Later" not in held_part and "Dee Elsewhere" not in held_part
    flagged_part = body.split('id="flagged-heading"')[1].split('id="levels-heading"')[0]
    assert "Published Kenyan elective" in flagged_part and "Late Kenyan elective" not in flagged_part
    levels = body.split('id="levels-heading"')[1]
    assert "US State Department: level 3, issued on" in levels and "stale" not in levels


def test_the_opportunity_page_shows_the_level_its_date_and_when_it_went_stale(client, auth, users, held):
    opportunity = held.published
    body = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Travel advice: level 3 of 4" in body and "US State Department, issued on" in body
    assert "stale" not in body
    advisory = db.session.scalar(select(TravelAdvisory).where(TravelAdvisory.country_code == "KE"))
    advisory.imported_at = utcnow() - timedelta(days=31)
    db.session.commit()
    body = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Travel advice: level 3 of 4" in body
    assert ">stale<" in body and "check the official advice before relying on it" in body
    # Imported again: confirmed today, no longer stale.
    import_fixture(client.application, "us_state.rss.xml")
    body = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Travel advice: level 3 of 4" in body and "stale" not in body


def test_a_country_without_advice_says_so(client, users):
    opportunity = users.opportunity(country_code="GH")
    body = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "No travel advice on record for this country" in body


def test_the_travellers_placements_page_shows_the_level(client, auth, held):
    trip = held.held["placement in 60 days"]
    auth.login_as(trip.user)
    body = client.get("/placements").get_data(as_text=True)
    assert "Travel advice: level 3 of 4" in body


def test_a_team_members_place_page_shows_the_level(client, auth, held):
    trip = held.held["team place in 150 days"]
    auth.login_as(trip.user)
    page = client.get(f"/teaching/offers/{trip.team_member_id}")
    assert page.status_code == 200
    assert "Travel advice: level 3 of 4" in page.get_data(as_text=True)


def test_re_approval_from_the_list_comes_back_to_it_with_the_error_at_that_row(
    client, auth, held, audit_file
):
    ada, tia = held.held["placement in 60 days"], held.held["team place in 150 days"]
    auth.login_as(held.coordinator)
    refused = client.post(f"/trips/{ada.id}/release", data={"reason": "", "from": "list"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<h1>Travel advisories</h1>" in body
    assert f'id="reason-{ada.id}-error"' in body and f'id="reason-{tia.id}-error"' not in body
    assert body.count("Give the reason the trip may go ahead.") == 2  # the summary and the field
    db.session.expire_all()
    assert db.session.get(Trip, ada.id).on_hold and audit_entries(audit_file, "advisory_release") == []

    done = client.post(f"/trips/{tia.id}/release", data={"reason": "Visit moved to Mombasa.", "from": "list"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/coordination/advisories")
    db.session.expire_all()
    assert not db.session.get(Trip, tia.id).on_hold and db.session.get(Trip, ada.id).on_hold
    assert [e["details"]["trip_id"] for e in audit_entries(audit_file, "advisory_release")] == [tia.id]
