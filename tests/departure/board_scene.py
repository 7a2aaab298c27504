"""Trips in each state of readiness at two hosts, for the board's and the reminders' tests.

Host A (Kenya, starting in 40 days) has Bea (an item overdue: blocked), Sam (on track) and Tom
(an accepted team place, on track); host B (Tanzania, starting in 100 days: another month) has
Raj (an item due in 5 days: at risk) and Cleo (all verified: cleared). Never on the board: Carl,
whose placement at A was cancelled, and Pat, whose placement at A has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from matcher.models import MatchStatus, Opportunity, Organisation, User
from matcher.models.departure import ItemOwner, ItemSource, ItemStatus, Trip, TripItem
from matcher.models.teams import MemberStatus, Team, TeamBuild, TeamMember
from tests.support.factories import UserFactory
from tests.support.trips import item, make_trip


def soon(days: int) -> date:
    return date.today() + timedelta(days=days)


def team_trip(
    users: UserFactory, traveller: User, opportunity: Opportunity, items: list[dict[str, Any]]
) -> Trip:
    """An accepted place in a teaching team for `opportunity` (the visit), and its trip."""
    build = TeamBuild(name=f"Build for {opportunity.title}")
    team = Team(visit_id=opportunity.id, build=build, status="confirmed")
    users.session.add_all([build, team])
    users.session.flush()
    member = TeamMember(
        team=team, build_id=build.id, user_id=traveller.id, role="ir-physician", status=MemberStatus.ACCEPTED
    )
    users.session.add(member)
    users.session.flush()
    trip = Trip(user_id=traveller.id, opportunity_id=opportunity.id, team_member_id=member.id)
    trip.items = [TripItem(position=n, **fields) for n, fields in enumerate(items)]
    users.session.add(trip)
    users.session.commit()
    return trip


@dataclass
class BoardScene:
    org_a: Organisation
    org_b: Organisation
    host_a: User
    host_b: User
    opp_a: Opportunity
    opp_b: Opportunity
    trips: dict[str, Trip]  # by traveller's first name


def build_board_scene(users: UserFactory) -> BoardScene:
    org_a = users.organisation(name="Kenyatta Host", slug="kenyatta-host")
    org_b = users.organisation(name="Muhimbili Host", slug="muhimbili-host")
    host_a = users.create("org_member", name="Host Amani", organisation=org_a)
    host_b = users.create("org_member", name="Host Baraka", organisation=org_b)
    opp_a = users.opportunity(org_a, title="Nairobi IR", country_code="KE", starts_on=soon(40))
    opp_b = users.opportunity(org_b, title="Dar IR", country_code="TZ", starts_on=soon(100))
    visit = users.opportunity(org_a, title="Nairobi teaching visit", country_code="KE", starts_on=soon(45))
    ended = users.opportunity(
        org_a, title="Last year", country_code="KE", starts_on=soon(-40), ends_on=soon(-1)
    )

    def person(name: str) -> User:
        return users.create(name=name)

    trips = {
        "Bea": make_trip(
            users, traveller=person("Bea Blocked"), opportunity=opp_a, items=[item("licence", soon(-1))]
        ),
        "Sam": make_trip(
            users, traveller=person("Sam Steady"), opportunity=opp_a, items=[item("licence", soon(30))]
        ),
        "Raj": make_trip(
            users, traveller=person("Raj Risky"), opportunity=opp_b, items=[item("licence", soon(5))]
        ),
        "Cleo": make_trip(
            users,
            traveller=person("Cleo Cleared"),
            opportunity=opp_b,
            items=[item("licence", soon(-5), status=ItemStatus.VERIFIED)],
        ),
        "Carl": make_trip(
            users, traveller=person("Carl Cancelled"), opportunity=opp_a, items=[item("licence", soon(30))]
        ),
        "Pat": make_trip(
            users, traveller=person("Pat Past"), opportunity=ended, items=[item("licence", soon(-50))]
        ),
    }
    trips["Tom"] = team_trip(
        users,
        person("Tom Team"),
        visit,
        [
            item("visa", soon(20)),
            item("host:letter", soon(30), source=ItemSource.HOST, owner=ItemOwner.HOST, needs_proof=False),
        ],
    )
    trips["Carl"].match.status = MatchStatus.CANCELLED
    users.session.commit()
    return BoardScene(org_a, org_b, host_a, host_b, opp_a, opp_b, trips)
