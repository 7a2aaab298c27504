"""Teaching teams: the optimal teams for a set of visits, and why each person is where they are.

`form_teams(volunteers, teams)` is the public contract (see its docstring). The plan is the exact
lexicographic optimum of an integer programme (`team_solver`, HiGHS through scipy), and it explains
itself as data: codes and parameters (`TeamReason`, `LeftOutReason`), never sentences, so the app
words them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from matcher.engine.team_input import (
    Id,
    Team,
    Volunteer,
    check_fixed,
    fitting_pairs,
    read_teams,
    read_volunteers,
)
from matcher.engine.team_plan import TeamPlan, explain
from matcher.engine.team_solver import Programme, solve


def form_teams(
    volunteers: Mapping[Id, Mapping[str, Any]],
    teams: Mapping[Id, Mapping[str, Any]],
    *,
    time_limit: float | None = None,
) -> TeamPlan:
    """The best teams for ``teams`` from ``volunteers``; ValueError on malformed input.

    ``volunteers``: ``{vid: {"role": str, "skills": set[str], "available": [(date, date), ...]}}``
    with optional ``"preferences"`` (team ids, best first), ``"weeks"`` (the most weeks they can
    give one team), ``"languages"`` (a set) and ``"applied"`` (the team ids they applied to, the
    only ones they may join; absent: any). ``teams``: ``{tid: {"starts": date, "ends": date,
    "needs": set[str], "slots": {role: (min, max)}}}`` with optional ``"language"`` and ``"fixed"``
    (volunteer ids already placed there, who stay). Ids are strings or integers.

    Rules. A volunteer fits a team when they applied to it (if they say which), the team has a
    place for their role (max >= 1), its dates lie inside one of their windows (both ends
    included), it is no longer than their weeks (a team's weeks: its days, both ends included,
    divided by 7 and rounded up) and, when the team has a language, they speak it. Each volunteer
    joins at most one team. A team is formed when every role reaches its minimum (so a team whose
    minimums are all 0 is always formed, perhaps empty); a team not formed gets nobody:
    ``plan.members`` still lists its id, with an empty list.

    Optimal, in this order: (0) fixed volunteers kept: they stay unless their team cannot be formed
    at all, and then they are released; (1) most teams formed; (2) most needs covered, summed over
    formed teams (covered: a member has that skill); (3) most volunteers placed; (4) preference
    points: a volunteer placed in the team they rank k-th scores R + 1 - k, where ranks count only
    this call's teams and R is the longest such list; unranked and unplaced score 0.

    Deterministic: the same input gives the same plan whatever the order of its mappings.
    ``time_limit`` (seconds) stops the solver; the plan is then the best found and ``optimal`` is False.
    """
    people = read_volunteers(volunteers)
    visits = read_teams(teams, (v.id for v in people))
    check_fixed(people, visits)
    pairs = fitting_pairs(people, visits)
    ranks = _ranks(people, visits)
    points = _points(ranks)
    solution = solve(_programme(people, visits, pairs, points), time_limit)
    return explain(people, visits, pairs, ranks, points, solution)


def _ranks(volunteers: list[Volunteer], teams: list[Team]) -> dict[tuple[int, int], int]:
    """(volunteer, team) positions -> the volunteer's rank for it, counting only this call's teams."""
    position = {team.id: t for t, team in enumerate(teams)}
    ranks: dict[tuple[int, int], int] = {}
    for v, volunteer in enumerate(volunteers):
        listed = [position[tid] for tid in volunteer.preferences if tid in position]
        ranks.update({(v, t): k for k, t in enumerate(listed, start=1)})
    return ranks


def _points(ranks: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """Preference points: R + 1 - rank, R the longest ranked list, so every listed team scores >= 1."""
    longest = max(ranks.values(), default=0)
    return {pair: longest + 1 - rank for pair, rank in ranks.items()}


def _programme(
    volunteers: list[Volunteer],
    teams: list[Team],
    pairs: list[tuple[int, int]],
    points: dict[tuple[int, int], int],
) -> Programme:
    role_rows: dict[tuple[int, str], int] = {}
    for t, team in enumerate(teams):
        for role in team.slots:
            role_rows[(t, role)] = len(role_rows)
    pair_role_row = np.array([role_rows[(t, volunteers[v].role)] for v, t in pairs], dtype=np.int64)
    fitting = np.bincount(pair_role_row, minlength=len(role_rows))
    role_team = np.array([t for t, _ in role_rows], dtype=np.int64)
    role_min = np.array([teams[t].slots[role][0] for t, role in role_rows], dtype=float)
    role_max = np.array([teams[t].slots[role][1] for t, role in role_rows], dtype=float)

    need_rows: dict[tuple[int, str], int] = {}
    cover_need: list[int] = []
    cover_pair: list[int] = []
    for p, (v, t) in enumerate(pairs):
        for need in sorted(volunteers[v].skills & teams[t].needs):
            row = need_rows.setdefault((t, need), len(need_rows))
            cover_need.append(row)
            cover_pair.append(p)
    position = {volunteer.id: v for v, volunteer in enumerate(volunteers)}
    fixed = {(position[vid], t) for t, team in enumerate(teams) for vid in team.fixed}
    return Programme(
        teams=len(teams),
        pair_volunteer=np.array([v for v, _ in pairs], dtype=np.int64),
        pair_team=np.array([t for _, t in pairs], dtype=np.int64),
        pair_role_row=pair_role_row,
        role_team=role_team,
        role_min=role_min,
        role_max=role_max,
        need_team=np.array([t for t, _ in need_rows], dtype=np.int64),
        cover_need=np.array(cover_need, dtype=np.int64),
        cover_pair=np.array(cover_pair, dtype=np.int64),
        fixed_pairs=np.array([p for p, pair in enumerate(pairs) if pair in fixed], dtype=np.int64),
        pair_preference=np.array([points.get(pair, 0) for pair in pairs], dtype=np.int64),
        closed_teams=np.unique(role_team[fitting < role_min]),
    )
