"""Database rows -> the team builder's input (`matcher.engine.form_teams`), and the one-pair check
the server applies to a coordinator's hand-made change (the builder's own rules, so a hand-made
team never breaks what the builder would keep).

A volunteer: role = their profession's code; skills = the procedures they can teach or assist;
available = their availability windows, else the months they offer to teach (each run of
consecutive months a window, in the visits' years); preferences = the visits they applied to, by
their rank; weeks = the weeks they offered this year minus those of teams they hold a place in
elsewhere that year; languages = those they can teach in (else those they speak professionally).
A team (a visit): its dates, the request's procedures as needs, its places per role, the
request's language of instruction, and the members fixed in it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from matcher.engine.team_input import Misfit, misfit, read_teams, read_volunteers
from matcher.models import (
    Country,
    LanguageLevel,
    Opportunity,
    Profession,
    Profile,
    TeachingWish,
    Team,
    TeamMember,
    User,
    VisitApplication,
)
from matcher.models.teams import HOLDING
from matcher.models.user import APPLICANT_ROLES


def weeks_of(visit: Opportunity) -> int:
    """A visit's length in weeks, both ends included, rounded up (the builder counts so)."""
    return -(-((visit.ends_on - visit.starts_on).days + 1) // 7)


def month_windows(months: Iterable[int], years: Iterable[int]) -> list[tuple[date, date]]:
    """Each run of consecutive months, in each year, as a window from its first to its last day."""
    chosen = sorted(set(months))
    windows: list[tuple[date, date]] = []
    for year in sorted(set(years)):
        run: list[int] = []
        for month in [*chosen, None]:
            if month is not None and (not run or month == run[-1] + 1):
                run.append(month)
                continue
            if run:
                last = run[-1]
                windows.append((date(year, run[0], 1), date(year, last, calendar.monthrange(year, last)[1])))
            run = [month] if month is not None else []
    return windows


def teaching_professions(session: Session) -> set[str]:
    return set(session.scalars(select(Profession.code).where(Profession.teaches.is_(True))))


def is_volunteer(user: User, professions: set[str]) -> bool:
    return user.role_enum in APPLICANT_ROLES and user.profession_code in professions


def _profiles(session: Session, user_ids: Iterable[int]) -> dict[int, Profile]:
    rows = session.scalars(
        select(Profile)
        .where(Profile.user_id.in_(list(user_ids)))
        .options(
            selectinload(Profile.procedure_skills),
            selectinload(Profile.availability),
            selectinload(Profile.languages),
        )
    )
    return {p.user_id: p for p in rows}


def candidates(session: Session, visits: list[Opportunity]) -> list[User]:
    """Volunteers who applied to one of the visits, or whose wish (months, region) takes one in."""
    if not visits:
        return []
    ids = {v.id for v in visits}
    applied = set(session.scalars(select(VisitApplication.user_id).where(VisitApplication.visit_id.in_(ids))))
    places = {
        c.iso2: (c.region, c.subregion)
        for c in session.scalars(select(Country).where(Country.iso2.in_({v.country_code for v in visits})))
    }
    for wish in session.scalars(select(TeachingWish)):
        for visit in visits:
            if visit.starts_on.month in wish.months and wish.region in places.get(visit.country_code, ()):
                applied.add(wish.user_id)
                break
    professions = teaching_professions(session)
    users = session.scalars(select(User).where(User.id.in_(applied)).order_by(User.id))
    return [u for u in users if is_volunteer(u, professions)]


def _weeks_used(
    session: Session, user_ids: set[int], years: set[int], outside_builds: set[int]
) -> dict[int, dict]:
    """{user: {year: weeks}} of the teams (of other builds) where they hold a place."""
    used: dict[int, dict[int, int]] = {}
    rows = session.execute(
        select(TeamMember.user_id, Opportunity)
        .join(Team, TeamMember.team_id == Team.id)
        .join(Opportunity, Team.visit_id == Opportunity.id)
        .where(
            TeamMember.user_id.in_(user_ids),
            TeamMember.status.in_(HOLDING),
            Team.build_id.not_in(outside_builds),
        )
    )
    for user_id, visit in rows:
        if visit.starts_on.year in years:
            year = used.setdefault(user_id, {})
            year[visit.starts_on.year] = year.get(visit.starts_on.year, 0) + weeks_of(visit)
    return used


def _wished(session: Session, users: list[User], teams: list[Team]) -> dict[int, set[int]]:
    """{user: team ids} of the teams whose visit falls in their wish (months, region)."""
    wishes = list(
        session.scalars(select(TeachingWish).where(TeachingWish.user_id.in_([u.id for u in users])))
    )
    if not wishes:
        return {}
    places = {
        c.iso2: (c.region, c.subregion)
        for c in session.scalars(
            select(Country).where(Country.iso2.in_({t.visit.country_code for t in teams}))
        )
    }
    return {
        wish.user_id: {
            t.id
            for t in teams
            if t.visit.starts_on.month in wish.months and wish.region in places.get(t.visit.country_code, ())
        }
        for wish in wishes
    }


def volunteer_specs(session: Session, users: list[User], teams: list[Team]) -> dict[int, dict[str, Any]]:
    """The builder's `volunteers` for these users, against these teams (of one build): they may
    join the teams whose visit they applied to or that fall in their wish, in their rank's order."""
    profiles = _profiles(session, [u.id for u in users])
    team_of = {t.visit_id: t.id for t in teams}
    visits = [t.visit for t in teams]
    years = {v.starts_on.year for v in visits} | {v.ends_on.year for v in visits}
    ranks: dict[int, list[tuple[int, int, int]]] = {}
    for application in session.scalars(
        select(VisitApplication).where(
            VisitApplication.user_id.in_([u.id for u in users]), VisitApplication.visit_id.in_(list(team_of))
        )
    ):
        ranks.setdefault(application.user_id, []).append(
            (application.rank, application.id, team_of[application.visit_id])
        )
    wishes = {
        w.user_id: w
        for w in session.scalars(select(TeachingWish).where(TeachingWish.user_id.in_([u.id for u in users])))
    }
    wished = _wished(session, users, teams)
    build_ids = {t.build_id for t in teams}
    used = _weeks_used(session, {u.id for u in users}, years, build_ids)
    specs: dict[int, dict[str, Any]] = {}
    for user in users:
        ranked = sorted(ranks.get(user.id, []))
        spec = _spec(user, profiles.get(user.id), wishes.get(user.id), years, used)
        spec["preferences"] = [team_id for _, _, team_id in ranked]
        spec["applied"] = sorted({team_id for _, _, team_id in ranked} | wished.get(user.id, set()))
        specs[user.id] = spec
    return specs


def _spec(
    user: User,
    profile: Profile | None,
    wish: TeachingWish | None,
    years: set[int],
    used: dict[int, dict[int, int]],
) -> dict[str, Any]:
    spec: dict[str, Any] = {"role": user.profession_code, "skills": set(), "available": []}
    if profile is None:
        return spec
    spec["skills"] = {s.procedure.code for s in profile.procedure_skills}
    windows = [(w.starts_on, w.ends_on) for w in profile.availability]
    if not windows:
        windows = month_windows(profile.teaching_months or (wish.months if wish else []), years)
    spec["available"] = windows
    if profile.teaching_weeks is not None:
        # One budget a year: what is left in the busiest of the visits' years.
        spent = max((used.get(user.id, {}).get(year, 0) for year in years), default=0)
        spec["weeks"] = max(profile.teaching_weeks - spent, 0)
    instructs = {lang.language for lang in profile.languages if lang.instructs}
    spec["languages"] = instructs or {
        lang.language for lang in profile.languages if lang.level == LanguageLevel.PROFESSIONAL
    }
    return spec


def team_spec(team: Team, fixed: Iterable[int] = ()) -> dict[str, Any]:
    """The builder's description of one team (from its visit, request and places)."""
    visit = team.visit
    request = visit.teaching_request
    spec: dict[str, Any] = {
        "starts": visit.starts_on,
        "ends": visit.ends_on,
        "needs": {p.code for p in request.procedures} if request else set(),
        "slots": {slot.role: (slot.minimum, slot.maximum) for slot in team.slots},
        "fixed": sorted(set(fixed)),
    }
    if request is not None and request.instruction_language:
        spec["language"] = request.instruction_language
    return spec


def misfit_for(session: Session, user: User, team: Team) -> Misfit | None:
    """Why this volunteer cannot take a place in this team by the builder's rules (None: they fit)."""
    return misfits_for(session, [user], team)[user.id]


def misfits_for(session: Session, users: list[User], team: Team) -> dict[int, Misfit | None]:
    """`misfit_for` of several volunteers, their specs read together."""
    if not users:
        return {}
    specs = volunteer_specs(session, users, [team])
    shape = team_spec(team)
    shape["fixed"] = []
    found: dict[int, Misfit | None] = {}
    for user in users:
        spec = specs[user.id]
        # A coordinator may place someone who did not apply to this visit: the other rules hold.
        spec.pop("applied", None)
        if spec["role"] is None:
            found[user.id] = Misfit.ROLE
            continue
        volunteer = read_volunteers({user.id: spec})[0]
        found[user.id] = misfit(volunteer, read_teams({team.id: dict(shape)}, [user.id])[0])
    return found


def holders_elsewhere(session: Session, build_id: int) -> dict[int, int]:
    """{user: team id} of the volunteers holding a place in a team of this build."""
    rows = session.execute(
        select(TeamMember.user_id, TeamMember.team_id).where(
            TeamMember.build_id == build_id, TeamMember.status.in_(HOLDING)
        )
    )
    return dict(rows.all())


def refused_in_build(session: Session, build_id: int) -> set[int]:
    """Volunteers a coordinator removed from, or who declined, a team of this build: the builder
    proposes them no more in it (a coordinator may still add them by hand)."""
    return set(
        session.scalars(
            select(TeamMember.user_id).where(
                TeamMember.build_id == build_id,
                or_(TeamMember.status == "removed", TeamMember.status == "declined"),
            )
        )
    )
