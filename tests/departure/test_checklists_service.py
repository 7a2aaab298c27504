"""Trips and their checklists: generation from the country's rules, the opportunity's flags and the
host's tasks; who sees a trip and who reviews it; clearance; trips made on acceptance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from matcher.extensions import db
from matcher.jobs import registry
from matcher.models import MemberStatus, Opportunity, OutboxMessage
from matcher.models.departure import CountryRule, ItemOwner, ItemSource, ItemStatus, Trip, TripItem
from matcher.models.matching import Match, MatchStatus
from matcher.services.departure import trips
from matcher.services.departure.checklists import sync_items
from matcher.services.errors import NotFound
from matcher.services.matching import placements
from matcher.services.teams import decisions
from tests.departure.checklist_data import kenya_pack, offered_member, rule
from tests.support.trips import make_trip

HOST_CODES = {"host:letter", "host:supervisor", "host:accommodation"}


def _kenya(users, **flags):
    starts = date.today() + timedelta(days=90)
    return users.opportunity(
        country_code="KE", starts_on=starts, ends_on=starts + timedelta(days=27), **flags
    )


def _trip(users, traveller, opportunity) -> Trip:
    trip = make_trip(users, traveller=traveller, opportunity=opportunity, items=[])
    sync_items(db.session, trip)
    trips.refresh_clearance(db.session, trip)
    db.session.commit()
    return trip


def _items(trip: Trip) -> dict[str, TripItem]:
    db.session.expire(trip, ["items"])
    return {item.code: item for item in trip.items}


# -- generation ---------------------------------------------------------------------------------


def test_a_student_gets_every_kenyan_rule_due_counted_back_from_the_start(users):
    kenya_pack(users)
    opportunity = _kenya(users)
    trip = _trip(users, users.create("student", profession_code="medical-student"), opportunity)
    items = _items(trip)
    starts = opportunity.starts_on
    assert (
        set(items)
        == {
            "country:kmpdc-temporary-licence",
            "country:yellow-fever",
            "country:insurance",
        }
        | HOST_CODES
    )
    assert items["country:kmpdc-temporary-licence"].due_on == starts - timedelta(days=60)
    assert items["country:yellow-fever"].due_on == starts - timedelta(days=21)
    assert items["country:insurance"].due_on == starts - timedelta(days=14)
    assert items["country:insurance"].mandatory is False
    licence_rule = db.session.scalar(select(CountryRule).where(CountryRule.code == "kmpdc-temporary-licence"))
    assert items["country:kmpdc-temporary-licence"].rule_id == licence_rule.id
    assert all(i.status == ItemStatus.TO_DO for i in items.values())
    assert all(i.source == ItemSource.COUNTRY for c, i in items.items() if c.startswith("country:"))


def test_a_nurse_gets_no_licence_the_pack_asks_of_doctors_only(users):
    kenya_pack(users)
    trip = _trip(users, users.create("professional", profession_code="ir-nurse"), _kenya(users))
    items = _items(trip)
    assert "country:kmpdc-temporary-licence" not in items
    assert {"country:yellow-fever", "country:insurance"} <= set(items)


def test_the_opportunitys_flags_add_items_only_where_the_pack_has_no_rule_of_that_kind(users):
    kenya_pack(users)  # has a licence and an immunisation rule, no visa, no indemnity
    opportunity = _kenya(
        users, needs_visa=True, needs_temporary_licence=True, needs_indemnity=True, needs_immunisations=True
    )
    trip = _trip(users, users.create("student", profession_code="medical-student"), opportunity)
    items = _items(trip)
    flagged = {code for code, i in items.items() if i.source == ItemSource.OPPORTUNITY}
    assert flagged == {"opportunity:visa", "opportunity:indemnity"}
    assert items["opportunity:visa"].due_on == opportunity.starts_on - timedelta(days=45)
    assert items["opportunity:visa"].owner == ItemOwner.TRAVELLER and items["opportunity:visa"].needs_proof


def test_without_a_pack_every_flag_becomes_an_item(users):
    starts = date.today() + timedelta(days=90)
    opportunity = users.opportunity(
        country_code="TZ", starts_on=starts, needs_temporary_licence=True, needs_immunisations=True
    )
    trip = _trip(users, users.create("student"), opportunity)
    items = _items(trip)
    assert {c for c, i in items.items() if i.source == ItemSource.OPPORTUNITY} == {
        "opportunity:licence",
        "opportunity:immunisations",
    }
    assert not any(c.startswith("country:") for c in items)


def test_the_hosts_tasks_belong_to_the_host(users):
    trip = _trip(users, users.create("student"), _kenya(users))
    items = _items(trip)
    assert set(items) >= HOST_CODES
    for code in HOST_CODES:
        assert items[code].owner == ItemOwner.HOST and items[code].source == ItemSource.HOST
        assert items[code].mandatory
    assert items["host:letter"].title == "Invitation or welcome letter"


def test_changed_rules_add_new_items_update_those_to_do_and_keep_those_done(users):
    pack = kenya_pack(users)
    opportunity = _kenya(users)
    trip = _trip(users, users.create("student", profession_code="medical-student"), opportunity)
    items = _items(trip)
    items["country:kmpdc-temporary-licence"].status = ItemStatus.VERIFIED
    db.session.commit()
    by_code = {r.code: r for r in pack.rules}
    by_code["kmpdc-temporary-licence"].lead_days = 90
    by_code["kmpdc-temporary-licence"].title = "Licence (new words)"
    by_code["yellow-fever"].lead_days = 30
    db.session.delete(by_code["insurance"])
    db.session.add(CountryRule(country_code="KE", position=9, **rule("police-check", lead_days=40)))
    db.session.commit()

    assert sync_items(db.session, trip) is True
    db.session.commit()
    items = _items(trip)
    starts = opportunity.starts_on
    assert items["country:kmpdc-temporary-licence"].due_on == starts - timedelta(days=60)  # done: kept
    assert items["country:kmpdc-temporary-licence"].title != "Licence (new words)"
    assert items["country:yellow-fever"].due_on == starts - timedelta(days=30)  # to do: updated
    assert items["country:police-check"].due_on == starts - timedelta(days=40)  # new
    assert "country:insurance" not in items  # its rule is gone and nothing was done on it
    assert sync_items(db.session, trip) is False  # in step: nothing more to do


# -- who sees and who reviews -------------------------------------------------------------------


def test_a_trip_is_visible_to_its_traveller_its_hosts_members_and_coordinators_only(users):
    trip = make_trip(users)
    host = users.create("org_member", organisation=trip.opportunity.organisation)
    coordinator = users.create("coordinator")
    for viewer in (trip.user, host, coordinator):
        assert trips.trip_visible_to(db.session, viewer, trip.id) is trip
    assert trips.can_review(db.session, host, trip) and trips.can_review(db.session, coordinator, trip)
    assert not trips.can_review(db.session, trip.user, trip)
    for stranger in (users.create("org_member"), users.create("student"), users.create("professional")):
        with pytest.raises(NotFound):
            trips.trip_visible_to(db.session, stranger, trip.id)
        assert not trips.can_review(db.session, stranger, trip)
    with pytest.raises(NotFound):
        trips.trip_visible_to(db.session, coordinator, trip.id + 1000)


def test_an_unconfirmed_host_member_does_not_review(users):
    trip = make_trip(users)
    host = users.create("org_member", organisation=trip.opportunity.organisation, verified=False)
    assert not trips.can_review(db.session, host, trip)
    with pytest.raises(NotFound):
        trips.trip_visible_to(db.session, host, trip.id)


# -- clearance ------------------------------------------------------------------------------------


def test_cleared_when_every_mandatory_item_is_done_and_not_before(users):
    trip = _trip(users, users.create("student", profession_code="medical-student"), _kenya(users))
    assert trip.cleared_at is None
    items = list(_items(trip).values())
    for item in items[:-1]:
        item.status = ItemStatus.VERIFIED
        trips.refresh_clearance(db.session, trip)
        assert trip.cleared_at is None
    items[-1].status = ItemStatus.NOT_NEEDED
    trips.refresh_clearance(db.session, trip)
    assert trip.cleared_at is not None
    items[0].status = ItemStatus.SUBMITTED
    trips.refresh_clearance(db.session, trip)
    assert trip.cleared_at is None


def test_an_optional_item_left_to_do_does_not_stop_clearance(users):
    kenya_pack(users)
    trip = _trip(users, users.create("student", profession_code="medical-student"), _kenya(users))
    for item in _items(trip).values():
        if item.mandatory:
            item.status = ItemStatus.VERIFIED
    trips.refresh_clearance(db.session, trip)
    assert _items(trip)["country:insurance"].status == ItemStatus.TO_DO
    assert trip.cleared_at is not None


# -- trips made on acceptance -------------------------------------------------------------------


def test_accepting_a_placement_makes_its_trip_with_a_checklist(users):
    kenya_pack(users)
    student = users.create("student", profession_code="medical-student")
    opportunity = _kenya(users)
    match = users.match(student, opportunity, MatchStatus.PUBLISHED)
    placements.respond(db.session, student, match.id, True, date.today())
    db.session.commit()
    trip = db.session.scalar(select(Trip).where(Trip.match_id == match.id))
    assert trip.user_id == student.id and trip.opportunity_id == opportunity.id
    assert "country:kmpdc-temporary-licence" in _items(trip) and set(_items(trip)) >= HOST_CODES
    assert trips.trips_of(db.session, student) == [trip]


def test_declining_a_placement_makes_no_trip(users):
    student = users.create("student")
    match = users.match(student, _kenya(users), MatchStatus.PUBLISHED)
    placements.respond(db.session, student, match.id, False, date.today())
    db.session.commit()
    assert db.session.scalar(select(func.count(Trip.id))) == 0


def test_accepting_a_team_place_makes_its_trip(users):
    volunteer = users.create("professional", profession_code="ir-physician")
    visit = _kenya(users, type="teaching_visit")
    kenya_pack(users)
    member = offered_member(users, volunteer, visit)
    decisions.respond(db.session, volunteer, member.id, True, date.today())
    db.session.commit()
    trip = db.session.scalar(select(Trip).where(Trip.team_member_id == member.id))
    assert trip.user_id == volunteer.id and trip.opportunity_id == visit.id and trip.match_id is None
    assert "country:kmpdc-temporary-licence" in _items(trip)  # the licence applies to physicians


def test_ensure_trips_makes_the_missing_ones_once(users):
    student = users.create("student")
    accepted = users.match(student, _kenya(users), MatchStatus.ACCEPTED)
    users.match(users.create("student"), _kenya(users), MatchStatus.DECLINED)
    past = date.today() - timedelta(days=60)
    users.match(
        users.create("student"),
        users.opportunity(starts_on=past, ends_on=past + timedelta(days=10), deadline=None),
        MatchStatus.ACCEPTED,
    )
    volunteer = users.create("professional", profession_code="ir-physician")
    member = offered_member(users, volunteer, _kenya(users, type="teaching_visit"))
    member.status = MemberStatus.ACCEPTED
    db.session.commit()

    assert trips.ensure_trips(db.session, date.today()) == 2
    db.session.commit()
    made = db.session.scalars(select(Trip).order_by(Trip.id)).all()
    assert [(t.match_id, t.team_member_id) for t in made] == [(accepted.id, None), (None, member.id)]
    items = db.session.scalar(select(func.count(TripItem.id)))
    assert trips.ensure_trips(db.session, date.today()) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(Trip.id))) == 2
    assert db.session.scalar(select(func.count(TripItem.id))) == items


def test_checklist_work_leaves_places_and_matches_alone(users):
    kenya_pack(users)
    student = users.create("student", profession_code="medical-student")
    opportunity = _kenya(users)
    match = users.match(student, opportunity, MatchStatus.ACCEPTED)
    before = (opportunity.places_filled, match.status)
    trips.ensure_trips(db.session, date.today())
    trip = db.session.scalar(select(Trip).where(Trip.match_id == match.id))
    for item in _items(trip).values():
        item.status = ItemStatus.VERIFIED
    trips.refresh_clearance(db.session, trip)
    db.session.commit()
    db.session.expire_all()
    assert trip.cleared_at is not None
    assert (
        db.session.get(Opportunity, opportunity.id).places_filled,
        db.session.get(Match, match.id).status,
    ) == before


def test_rebuilding_a_country_touches_its_upcoming_trips_only(users):
    kenya_pack(users)
    student = users.create("student", profession_code="medical-student")
    upcoming = _trip(users, student, _kenya(users))
    started = date.today() - timedelta(days=3)
    begun = _trip(
        users,
        users.create("student", profession_code="medical-student"),
        users.opportunity(
            country_code="KE", starts_on=started, ends_on=started + timedelta(days=20), deadline=None
        ),
    )
    elsewhere = _trip(users, users.create("student"), users.opportunity(country_code="TZ"))
    before = {t.id: sorted(_items(t)) for t in (begun, elsewhere)}
    db.session.add(CountryRule(country_code="KE", position=9, **rule("police-check", lead_days=40)))
    db.session.commit()

    assert trips.rebuild_for_country(db.session, "KE", date.today()) == 1
    db.session.commit()
    assert "country:police-check" in _items(upcoming)
    assert {t.id: sorted(_items(t)) for t in (begun, elsewhere)} == before
    assert trips.rebuild_for_country(db.session, "KE", date.today()) == 0


def test_the_acceptance_email_links_to_the_checklist(users):
    student = users.create("student")
    match = users.match(student, _kenya(users), MatchStatus.PUBLISHED)
    placements.respond(db.session, student, match.id, True, date.today())
    db.session.commit()
    trip = db.session.scalar(select(Trip).where(Trip.match_id == match.id))
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "place_accepted"))
    assert f"/trips/{trip.id}" in mail.body_text and f"/trips/{trip.id}" in mail.body_html


def test_a_trip_made_meanwhile_by_another_transaction_is_the_one_kept(users):
    student = users.create("student")
    opportunity = _kenya(users)
    match = users.match(student, opportunity, MatchStatus.ACCEPTED)
    theirs = db.session.execute(
        insert(Trip).values(user_id=student.id, opportunity_id=opportunity.id, match_id=match.id)
    ).inserted_primary_key[0]
    kept = trips._new_trip(db.session, student.id, opportunity, match_id=match.id)
    db.session.commit()
    assert kept.id == theirs
    assert db.session.scalar(select(func.count(Trip.id))) == 1


def test_the_daily_job_makes_the_missing_trips(users):
    match = users.match(users.create("student"), _kenya(users), MatchStatus.ACCEPTED)
    assert "trips" in registry.PERIODIC
    registry.trips()
    assert db.session.scalar(select(Trip.match_id)) == match.id
