"""The team builder's plan: who is in each team, and why, as data (codes and parameters).

Explanations are never sentences: the app words each code in the reader's language. Every
parameter is JSON-ready (ids, role and need names, integers, lists).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from matcher.engine.team_input import Id, Misfit, Team, Volunteer, misfit, sort_key
from matcher.engine.team_solver import Solution


class TeamReason(StrEnum):
    """Why a team was not formed (one reason per role short of its minimum, and so on)."""

    # Fewer volunteers fit the role than its minimum: no plan could form the team.
    # params: role, minimum, fitting
    ROLE_SHORT = "role_short"
    # Enough fit, but the best plan placed so many of them in other teams that fewer than the
    # minimum were left (given only when no role of the team is ROLE_SHORT).
    # params: role, minimum, fitting, free, elsewhere (team ids, sorted)
    ROLE_TAKEN = "role_taken"
    # The team's fixed volunteers were released because it could not be formed even with them.
    # params: volunteers (ids, sorted)
    FIXED_RELEASED = "fixed_released"
    # Only when the solver stopped at its time limit: the plan is not proven optimal.
    NOT_CHOSEN = "not_chosen"


class LeftOutReason(StrEnum):
    """Why a volunteer is in no team; the first that applies, in this order."""

    NOT_APPLIED = "not_applied"  # they applied to none of these teams. params: none
    # The checks below look only at the teams they applied to, when they said which.
    NO_ROLE_SLOT = "no_role_slot"  # no team has a place for their role. params: role
    DATES = "dates"  # no team with a place for their role lies inside their windows. params: role, teams
    WEEKS = "weeks"  # those that do are longer than their weeks. params: weeks, shortest, teams
    LANGUAGE = "language"  # those are in languages they do not speak. params: languages, wanted, teams
    # Every team they fit was not formed. params: teams
    NOT_FORMED = "not_formed"
    # Others covered more: every formed team they fit had all its places for their role taken in
    # the best plan. params: role, full (formed teams they fit), not_formed (the others they fit)
    TEAMS_FULL = "teams_full"
    # Only when the solver stopped at its time limit. params: teams (formed teams they fit)
    NOT_CHOSEN = "not_chosen"


@dataclass(frozen=True)
class Reason:
    """One explanation as data: a code and JSON-ready parameters (ids, role and need names, numbers)."""

    code: TeamReason | LeftOutReason
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RoleFill:
    """A role of a team: its bounds, the members placed in it and how many volunteers fit it."""

    role: str
    minimum: int
    maximum: int
    filled: int
    fitting: int


@dataclass(frozen=True)
class MemberReason:
    """Why a member is in their team: the slot, the needs they cover, their own rank for the team."""

    volunteer: Id
    role: str
    covers: tuple[str, ...]  # the team's needs among their skills, sorted
    rank: int | None  # 1 = their first choice among this call's teams; None: unranked
    fixed: bool  # placed before this run and kept


@dataclass(frozen=True)
class TeamReport:
    team: Id
    formed: bool
    roles: tuple[RoleFill, ...]  # sorted by role
    covered: Mapping[str, tuple[Id, ...]]  # need -> the members who have the skill
    missing: tuple[str, ...]  # needs not covered (every need, when the team is not formed)
    unreachable: tuple[str, ...]  # needs that no volunteer who fits the team has: no plan covers them
    members: tuple[MemberReason, ...]
    why_not: tuple[Reason, ...] = ()  # empty when formed


class PlanObjective(NamedTuple):
    """The plan's value, compared lexicographically (higher is better)."""

    fixed_kept: int  # fixed volunteers still in their team (all of them unless a team cannot form)
    teams_formed: int
    needs_covered: int  # over formed teams
    placed: int
    preference: int  # sum of preference points (see `form_teams`)


@dataclass(frozen=True)
class SolveStats:
    volunteers: int
    teams: int
    pairs: int  # fitting (volunteer, team) pairs: the only ones given a variable
    variables: int
    constraints: int
    solves: int
    seconds: float  # the solver's (model building and solves), not the explanations
    level_seconds: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TeamPlan:
    """The teams, who is in each, and why: per team (`teams`) and per volunteer left out (`left_out`)."""

    members: dict[Id, list[Id]]  # every team id -> its members, sorted; [] for a team not formed
    teams: dict[Id, TeamReport]
    left_out: dict[Id, Reason]  # every volunteer in no team -> why
    objective: PlanObjective
    optimal: bool  # False only when time_limit stopped the solver before the proof
    stats: SolveStats

    @property
    def assignments(self) -> dict[Id, Id | None]:
        """Each volunteer id -> their team id, or None."""
        placed = {vid: tid for tid, members in self.members.items() for vid in members}
        return {vid: placed.get(vid) for vid in sorted([*placed, *self.left_out], key=sort_key)}


def explain(
    volunteers: list[Volunteer],
    teams: list[Team],
    pairs: list[tuple[int, int]],
    ranks: Mapping[tuple[int, int], int],
    points: Mapping[tuple[int, int], int],
    solution: Solution,
) -> TeamPlan:
    """The plan of ``solution``, its value counted again from the members, and every reason."""
    fits_of: dict[int, list[int]] = defaultdict(list)  # volunteer -> teams they fit
    fitting: dict[int, list[int]] = defaultdict(list)  # team -> volunteers who fit it
    placed_in: dict[int, int] = {}
    for p, (v, t) in enumerate(pairs):
        fits_of[v].append(t)
        fitting[t].append(v)
        if solution.chosen[p]:
            placed_in[v] = t
    members: dict[int, list[int]] = {t: [] for t in range(len(teams))}
    for v, t in sorted(placed_in.items()):
        members[t].append(v)
    formed = [bool(f) for f in solution.formed]

    reports = {}
    for t, team in enumerate(teams):
        reports[team.id] = _team_report(
            t, team, volunteers, teams, fitting[t], members[t], formed[t], placed_in, ranks
        )
        if not formed[t] and not reports[team.id].why_not:
            reports[team.id] = _with_why_not(reports[team.id], (Reason(TeamReason.NOT_CHOSEN),))
    left_out = {
        volunteer.id: _left_out(
            volunteer, [teams[t] for t in fits_of[v]], fits_of[v], teams, formed, members, volunteers
        )
        for v, volunteer in enumerate(volunteers)
        if v not in placed_in
    }
    fixed_kept = sum(1 for t, team in enumerate(teams) for v in members[t] if volunteers[v].id in team.fixed)
    objective = PlanObjective(
        fixed_kept=fixed_kept,
        teams_formed=sum(formed),
        needs_covered=sum(len(report.covered) for report in reports.values() if report.formed),
        placed=len(placed_in),
        preference=sum(points.get((v, t), 0) for v, t in placed_in.items()),
    )
    stats = SolveStats(
        volunteers=len(volunteers),
        teams=len(teams),
        pairs=len(pairs),
        variables=solution.variables,
        constraints=solution.constraints,
        solves=solution.solves,
        seconds=solution.seconds,
        level_seconds=dict(solution.level_seconds),
    )
    return TeamPlan(
        members={team.id: [volunteers[v].id for v in members[t]] for t, team in enumerate(teams)},
        teams=reports,
        left_out=left_out,
        objective=objective,
        optimal=solution.optimal,
        stats=stats,
    )


def _team_report(
    t: int,
    team: Team,
    volunteers: list[Volunteer],
    teams: list[Team],
    fitting: list[int],
    members: list[int],
    formed: bool,
    placed_in: Mapping[int, int],
    ranks: Mapping[tuple[int, int], int],
) -> TeamReport:
    fitting_by_role: dict[str, list[int]] = defaultdict(list)
    for v in fitting:
        fitting_by_role[volunteers[v].role].append(v)
    roles = tuple(
        RoleFill(
            role=role,
            minimum=low,
            maximum=high,
            filled=sum(1 for v in members if volunteers[v].role == role),
            fitting=len(fitting_by_role[role]),
        )
        for role, (low, high) in sorted(team.slots.items())
    )
    needs = sorted(team.needs)
    covered = {
        need: tuple(volunteers[v].id for v in members if need in volunteers[v].skills)
        for need in needs
        if any(need in volunteers[v].skills for v in members)
    }
    reachable = set().union(*(volunteers[v].skills for v in fitting)) if fitting else set()
    why_not: list[Reason] = []
    if not formed:
        # A role fewer volunteers fit than its minimum is the whole story: no plan forms the team.
        # Otherwise say, per role, how few of those who fit were left by the other teams.
        for fill in roles:
            if fill.fitting < fill.minimum:
                params = {"role": fill.role, "minimum": fill.minimum, "fitting": fill.fitting}
                why_not.append(Reason(TeamReason.ROLE_SHORT, params))
        for fill in roles if not why_not else ():
            others = [v for v in fitting_by_role[fill.role] if v in placed_in]
            free = fill.fitting - len(others)
            if free < fill.minimum:
                elsewhere = sorted({teams[placed_in[v]].id for v in others}, key=sort_key)
                params = {
                    "role": fill.role,
                    "minimum": fill.minimum,
                    "fitting": fill.fitting,
                    "free": free,
                    "elsewhere": elsewhere,
                }
                why_not.append(Reason(TeamReason.ROLE_TAKEN, params))
        if team.fixed:
            why_not.append(Reason(TeamReason.FIXED_RELEASED, {"volunteers": list(team.fixed)}))
    return TeamReport(
        team=team.id,
        formed=formed,
        roles=roles,
        covered=covered,
        missing=tuple(need for need in needs if need not in covered),
        unreachable=tuple(need for need in needs if need not in reachable),
        members=tuple(
            MemberReason(
                volunteer=volunteers[v].id,
                role=volunteers[v].role,
                covers=tuple(sorted(volunteers[v].skills & team.needs)),
                rank=ranks.get((v, t)),
                fixed=volunteers[v].id in team.fixed,
            )
            for v in members
        ),
        why_not=tuple(why_not),
    )


def _with_why_not(report: TeamReport, why_not: tuple[Reason, ...]) -> TeamReport:
    return TeamReport(**{**report.__dict__, "why_not": why_not})


def _left_out(
    volunteer: Volunteer,
    fit: list[Team],
    fit_positions: list[int],
    teams: list[Team],
    formed: list[bool],
    members: Mapping[int, list[int]],
    volunteers: list[Volunteer],
) -> Reason:
    if not fit:
        return _misfit_reason(volunteer, teams)
    formed_fit = [t for t in fit_positions if formed[t]]
    if not formed_fit:
        return Reason(LeftOutReason.NOT_FORMED, {"teams": [team.id for team in fit]})
    room = [
        t
        for t in formed_fit
        if sum(1 for v in members[t] if volunteers[v].role == volunteer.role)
        < teams[t].slots[volunteer.role][1]
    ]
    if room:  # only when the solver stopped early: the optimum would have placed them there
        return Reason(LeftOutReason.NOT_CHOSEN, {"teams": [teams[t].id for t in room]})
    return Reason(
        LeftOutReason.TEAMS_FULL,
        {
            "role": volunteer.role,
            "full": [teams[t].id for t in formed_fit],
            "not_formed": [teams[t].id for t in fit_positions if not formed[t]],
        },
    )


def _misfit_reason(volunteer: Volunteer, teams: list[Team]) -> Reason:
    """Why a volunteer fits no team: the first check that leaves no team standing."""
    if volunteer.applied is not None:
        teams = [team for team in teams if team.id in volunteer.applied]
        if not teams:
            return Reason(LeftOutReason.NOT_APPLIED)
    with_slot = [team for team in teams if team.has_slot(volunteer.role)]
    if not with_slot:
        return Reason(LeftOutReason.NO_ROLE_SLOT, {"role": volunteer.role})
    failures = {team.id: misfit(volunteer, team) for team in with_slot}
    in_dates = [team for team in with_slot if failures[team.id] is not Misfit.DATES]
    if not in_dates:
        return Reason(LeftOutReason.DATES, {"role": volunteer.role, "teams": [team.id for team in with_slot]})
    in_weeks = [team for team in in_dates if failures[team.id] is not Misfit.WEEKS]
    if not in_weeks:
        return Reason(
            LeftOutReason.WEEKS,
            {
                "weeks": volunteer.weeks,
                "shortest": min(team.weeks for team in in_dates),
                "teams": [team.id for team in in_dates],
            },
        )
    return Reason(
        LeftOutReason.LANGUAGE,
        {
            "languages": sorted(volunteer.languages or ()),
            "wanted": sorted({team.language for team in in_weeks if team.language is not None}),
            "teams": [team.id for team in in_weeks],
        },
    )
