"""Organisation A's teaching: a site, an open request with two visits, a build whose team for the
first visit is approved (the host may confirm it) with the trainee offered a place in it; the
trainee applied to the second visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from matcher.models import (
    Opportunity,
    Organisation,
    TeachingRequest,
    Team,
    TeamBuild,
    TeamMember,
    TeamSlot,
    User,
    VisitApplication,
)
from matcher.services.teams import visits
from tests.support.teaching import make_request, make_site


@dataclass
class TeamsWorld:
    request: TeachingRequest
    visit: Opportunity  # has the team
    free_visit: Opportunity  # no team yet: a build can take it
    build: TeamBuild
    team: Team
    member: TeamMember  # the trainee's offered place
    application: VisitApplication  # the trainee's, to the free visit


def build_teams_world(session: Session, org_a: Organisation, trainee: User, coordinator: User) -> TeamsWorld:
    trainee.profession_code = "ir-trainee"
    site = make_site(session, org_a, name="Teams site of A", slug="teams-site-a", city="Arusha", readiness={})
    request = make_request(
        session,
        site,
        status="open",
        title="Teaching at A",
        learners=2,
        months=[3, 6],
        year=date.today().year + 1,
        procedures=("nephrostomy",),
        roles={"ir-trainee": (1, 2)},
        created_by_id=coordinator.id,
    )
    visit, free_visit = visits.open_visits(session, coordinator, request, date.today())
    build = TeamBuild(name="Build of A", created_by_id=coordinator.id)
    team = Team(visit=visit, build=build, status="approved")  # its host page shows the Confirm form
    team.slots = [TeamSlot(role="ir-trainee", minimum=1, maximum=2, filled=1)]
    session.add_all([build, team])
    session.flush()
    member = TeamMember(
        team_id=team.id,
        build_id=build.id,
        user_id=trainee.id,
        role="ir-trainee",
        status="offered",
        fixed=True,
        reasons={"covers": [], "rank": 1, "by": "builder"},
        reply_by=date.today() + timedelta(days=14),
    )
    session.add(member)
    application = VisitApplication(user_id=trainee.id, visit_id=free_visit.id, rank=1)
    session.add(application)
    session.flush()
    return TeamsWorld(request, visit, free_visit, build, team, member, application)
