"""Trips in and around Kenya for the advisory tests: which ones a rise to level 3 must hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from matcher.advisories.importing import import_source
from matcher.extensions import db
from matcher.models import MatchStatus, Opportunity, Organisation, User
from matcher.models.departure import Trip
from matcher.models.teams import MemberStatus, Team, TeamBuild, TeamMember
from matcher.services.departure.advisories import ImportReport
from tests.support.factories import UserFactory
from tests.support.trips import make_trip

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "advisories"


def import_fixture(app: Flask, name: str, source_format: str | None = None) -> ImportReport:
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        report = import_source(db.session, str(FIXTURES / name), source_format, date.today())
        db.session.commit()
    return report


@dataclass
class Scene:
    host: User
    coordinator: User
    organisation: Organisation
    held: dict[str, Trip] = field(default_factory=dict)  # what a rise in Kenya must hold
    spared: dict[str, Trip] = field(default_factory=dict)  # what it must leave alone
    published: Opportunity | None = None  # a published Kenyan opportunity with no trip
    offered: Opportunity | None = None  # a closed one with a place offered (a published match), no trip
    elsewhere: Opportunity | None = None  # a published one too late (200 days on)


def _opportunity(
    users: UserFactory, organisation: Organisation, country: str, days: int, **fields
) -> Opportunity:
    starts = date.today() + timedelta(days=days)
    return users.opportunity(
        organisation,
        country_code=country,
        starts_on=starts,
        ends_on=starts + timedelta(days=27),
        deadline=None,
        **fields,
    )


def _team_trip(users: UserFactory, opportunity: Opportunity) -> Trip:
    volunteer = users.create("professional", name="Tia Teacher")
    build = TeamBuild(name="Build")
    team = Team(visit_id=opportunity.id, build=build)
    db.session.add_all([build, team])
    db.session.flush()
    member = TeamMember(
        team=team, build_id=build.id, user_id=volunteer.id, role="ir-physician", status=MemberStatus.ACCEPTED
    )
    db.session.add(member)
    db.session.flush()
    trip = Trip(user_id=volunteer.id, opportunity_id=opportunity.id, team_member_id=member.id)
    db.session.add(trip)
    db.session.commit()
    return trip


def kenya_scene(users: UserFactory) -> Scene:
    organisation = users.organisation(name="Kenyatta Hospital")
    host = users.create("org_member", name="Hana Host", organisation=organisation)
    scene = Scene(
        host=host, coordinator=users.create("coordinator", name="Cora Coordinator"), organisation=organisation
    )

    def trip(country: str, days: int, name: str, status: str = "closed") -> Trip:
        opportunity = _opportunity(users, organisation, country, days, status=status)
        return make_trip(users, traveller=users.create("student", name=name), opportunity=opportunity)

    scene.held["placement in 60 days"] = trip("KE", 60, "Ada Soon")
    scene.held["team place in 150 days"] = _team_trip(
        users, _opportunity(users, organisation, "KE", 150, status="closed")
    )
    scene.spared["placement in 200 days"] = trip("KE", 200, "Ben Later")
    scene.spared["placement started 5 days ago"] = trip("KE", -5, "Cai There")
    scene.spared["placement in Tanzania"] = trip("TZ", 60, "Dee Elsewhere")
    cancelled = trip("KE", 30, "Eve Cancelled")
    cancelled.match.status = MatchStatus.CANCELLED
    db.session.commit()
    scene.spared["cancelled placement"] = cancelled
    scene.published = _opportunity(users, organisation, "KE", 90, title="Published Kenyan elective")
    scene.elsewhere = _opportunity(users, organisation, "KE", 200, title="Late Kenyan elective")
    scene.offered = _opportunity(
        users, organisation, "KE", 120, title="Offered Kenyan elective", status="closed"
    )
    users.match(users.create("student", name="Fay Offered"), scene.offered, MatchStatus.PUBLISHED)
    _opportunity(users, organisation, "KE", 100, title="Closed Kenyan elective", status="closed")
    return scene
