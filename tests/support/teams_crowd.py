"""Teaching teams that grow with a Crowd (tests/support/crowd.py), for the teams' pages in
tests/web/test_query_counts.py: one team build of organisation A with a team per crowd member (each
at its own visit, site and request), the first team with a member per crowd member, the crowd's
applicant an IR trainee who applied to every visit and holds an offered place in the first team,
and remote requests, one per crowd member."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.models import (
    Opportunity,
    Procedure,
    Profile,
    Team,
    TeamBuild,
    TeamBuildRun,
    TeamMember,
    TeamSlot,
    User,
    VisitApplication,
)
from matcher.models.teaching import RequestRole, Site, TeachingRequest
from tests.support import teaching_crowd
from tests.support.crowd import Crowd

BUILD = "Crowd build"


def top_up(crowd: Crowd) -> TeamBuild:
    """The build and its teams, members, visits and applications up to the crowd's size."""
    session = crowd.session
    teaching_crowd.top_up(crowd)  # listed volunteers (IR physicians) and on-site requests
    build = session.scalar(select(TeamBuild).where(TeamBuild.name == BUILD))
    if build is None:
        build = TeamBuild(name=BUILD, created_by_id=crowd.coordinator.id)
        session.add(build)
        session.add(TeamBuildRun(build=build, kind="build", ran_by_id=crowd.coordinator.id))
        _volunteer(crowd)
    procedures = list(session.scalars(select(Procedure).order_by(Procedure.position)))
    teams = session.scalar(select(func.count()).select_from(Team).where(Team.build == build)) or 0
    for i in range(teams, crowd.size):
        visit = _visit(crowd, i, procedures)
        team = Team(visit=visit, build=build, status="approved" if i else "confirmed")
        team.slots = [
            TeamSlot(role="ir-physician", minimum=1, maximum=100, filled=0),
            TeamSlot(role="ir-trainee", minimum=0, maximum=1, filled=0),
        ]
        session.add(team)
        session.add(VisitApplication(user_id=crowd.applicant.id, visit=visit, rank=i + 1))
        session.add(_remote_request(crowd, i, procedures))
    session.flush()
    first = session.scalar(select(Team).where(Team.build == build).order_by(Team.id))
    _members(crowd, build, first)
    session.commit()
    return build


def _volunteer(crowd: Crowd) -> None:
    """The crowd's applicant as an IR trainee who volunteers to teach."""
    applicant = crowd.applicant
    applicant.role, applicant.profession_code = "trainee", "ir-trainee"
    profile = crowd.session.scalar(select(Profile).where(Profile.user_id == applicant.id))
    profile.volunteers_to_teach, profile.teaching_weeks, profile.teaching_months = True, 8, [3, 4, 9]


def _visit(crowd: Crowd, i: int, procedures: list[Procedure]) -> Opportunity:
    country = crowd.countries[i % len(crowd.countries)]
    site = Site(
        organisation=crowd.org_a,
        name=f"Team site {i:03}",
        slug=f"team-site-{i:03}",
        city="City",
        country_code=country.iso2,
    )
    request = TeachingRequest(
        site=site,
        status="open",
        title=f"Team request {i + 1:03}",
        mode="on_site",
        weeks=2,
        months=[3],
        year=2027,
    )
    request.procedures = [procedures[i % len(procedures)], procedures[(i + 3) % len(procedures)]]
    request.roles = [RequestRole(profession_code="ir-physician", minimum=1, maximum=1)]
    starts = date.today() + timedelta(days=60 + i)
    return Opportunity(
        organisation=crowd.org_a,
        title=f"Team visit {i + 1:03}",
        description="Two weeks of teaching.",
        type="teaching_visit",
        host_institution=site.name,
        city="City",
        country_code=country.iso2,
        level_min=1,
        level_max=15,
        starts_on=starts,
        ends_on=starts + timedelta(days=13),
        capacity=5,
        status="published",
        published_at=utcnow(),
        site=site,
        teaching_request=request,
    )


def _remote_request(crowd: Crowd, i: int, procedures: list[Procedure]) -> TeachingRequest:
    site = Site(
        organisation=crowd.org_a,
        name=f"Remote site {i:03}",
        slug=f"remote-site-{i:03}",
        city="City",
        country_code=crowd.countries[i % len(crowd.countries)].iso2,
        timezone="Africa/Nairobi",
    )
    request = TeachingRequest(
        site=site,
        status="open",
        title=f"Remote request {i + 1:03}",
        mode="remote",
        remote_format="case_review",
        remote_from=time(14, 0),
        remote_until=time(17, 0),
        hours_per_month=4,
    )
    request.procedures = [procedures[i % len(procedures)]]
    return request


def _members(crowd: Crowd, build: TeamBuild, team: Team) -> None:
    """A member of the first team per listed volunteer (their places held), and the applicant offered one."""
    session = crowd.session
    have = set(session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id)))
    volunteers = session.scalars(
        select(User).where(User.email.like("volunteer%@example.org")).order_by(User.id).limit(crowd.size)
    ).all()
    added = {"ir-physician": 0, "ir-trainee": 0}
    for user in [*volunteers, crowd.applicant]:
        if user.id in have:
            continue
        role = "ir-trainee" if user.id == crowd.applicant.id else "ir-physician"
        status = "offered" if user.id == crowd.applicant.id else "accepted"
        session.add(
            TeamMember(
                team_id=team.id,
                build_id=build.id,
                user_id=user.id,
                role=role,
                status=status,
                reasons={"covers": [], "rank": None, "by": "builder"},
            )
        )
        added[role] += 1
    for slot in team.slots:
        slot.filled += added[slot.role]


def offer_of(crowd: Crowd) -> int:
    """The id of the applicant's offered place (in the first team)."""
    top_up(crowd)
    return crowd.session.scalar(select(TeamMember.id).where(TeamMember.user_id == crowd.applicant.id))


def page(path: str):
    """A teams page whose path is formatted with the build (b), the first team (t) and the crowd (c)."""

    def build(crowd: Crowd) -> str:
        made = top_up(crowd)
        first = crowd.session.scalar(select(Team.id).where(Team.build == made).order_by(Team.id))
        return path.format(b=made, t=first, c=crowd, m=offer_of(crowd))

    return build
