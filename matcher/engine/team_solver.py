"""The team builder's integer programme, solved level by level with HiGHS (`scipy.optimize.milp`).

Variables, all in [0, 1]:
- ``x[p]``, binary, one per fitting (volunteer, team) pair: the volunteer joins the team;
- ``y[t]``, binary, one per team: the team is formed;
- ``z[k]``, continuous, one per (team, need) that some fitting volunteer could cover: it is covered.

Constraints: each volunteer in at most one team (sum of their x <= 1); for each team and role,
min * y <= (x of that role) <= max * y, so a team not formed gets nobody and a formed one has every
role between its bounds; x <= y for every pair (implied by the max row, but it tightens the
relaxation); z <= y and z <= (x of the members with that skill), so z can be 1 only when a member
covers the need; a fixed volunteer's x equals their team's y.

Lexicographic optimum, exactly, by sequential solves: each level's objective is maximised with the
levels before it held at their optimum by a constraint ``level >= optimum - 1/2``. Every level's
value is an integer at any solution (x and y are integers; a z can be positive only when its bound
``sum of x`` is at least 1, so the sum of z is at most the number of covered needs), so the half
keeps each optimum exactly while leaving room for the solver's tolerances. The solver is asked for
a zero gap (``mip_rel_gap=0``). A single weighted objective would need weights up to the product of
the levels' ranges (about 1e12 at 5,000 volunteers), beyond what HiGHS's tolerances keep exact.
A level whose objective is zero everywhere (no fixed volunteers, no preferences) is not solved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array

# Entries of a block of constraint rows: (row numbers, column numbers, values).
Block = tuple[ArrayLike, ArrayLike, ArrayLike]

LEVELS = ("fixed", "teams", "needs", "placed", "preferences")

# scipy.optimize.milp's status codes.
_OPTIMAL = 0
_LIMIT = 1


@dataclass(frozen=True)
class Programme:
    """The model's data in positions: pairs (volunteer, team), (team, role) rows, coverable needs."""

    teams: int
    pair_volunteer: np.ndarray  # int, one per pair
    pair_team: np.ndarray
    pair_role_row: np.ndarray  # the (team, role) row each pair counts in
    role_team: np.ndarray  # per (team, role) row: its team, min and max
    role_min: np.ndarray
    role_max: np.ndarray
    need_team: np.ndarray  # per coverable (team, need): its team
    cover_need: np.ndarray  # (need row, pair) entries: the pair's volunteer has that skill
    cover_pair: np.ndarray
    fixed_pairs: np.ndarray  # pair positions that are fixed
    pair_preference: np.ndarray  # int score per pair, 0 when unranked
    closed_teams: np.ndarray  # teams that cannot be formed: a role's min above its fitting count


@dataclass(frozen=True)
class Solution:
    chosen: np.ndarray  # bool per pair
    formed: np.ndarray  # bool per team
    optimal: bool  # every level solved to proven optimality
    variables: int
    constraints: int
    seconds: float
    solves: int
    level_seconds: dict[str, float] = field(default_factory=dict)


def solve(model: Programme, time_limit: float | None = None) -> Solution:
    """The lexicographic optimum of `LEVELS`; with a time limit, the best plan found in that time."""
    started = time.perf_counter()
    n_pairs, n_teams, n_needs = len(model.pair_team), model.teams, len(model.need_team)
    n = n_pairs + n_teams + n_needs
    x0, y0, z0 = 0, n_pairs, n_pairs + n_teams
    rows = _Rows(n)

    # Each volunteer joins at most one team.
    volunteers, counts = np.unique(model.pair_volunteer, return_counts=True)
    several = volunteers[counts > 1]
    if len(several):
        row_of = np.full(int(volunteers.max()) + 1, -1)
        row_of[several] = np.arange(len(several))
        keep = row_of[model.pair_volunteer] >= 0
        rows.add(
            row_of[model.pair_volunteer[keep]], x0 + np.flatnonzero(keep), 1.0, -np.inf, 1.0, len(several)
        )
    # Roles between min * y and max * y.
    n_roles = len(model.role_team)
    pairs = np.arange(n_pairs)
    rows.add_pair(
        (model.pair_role_row, x0 + pairs, 1.0),
        (np.arange(n_roles), y0 + model.role_team, -model.role_min),
        lb=0.0,
        ub=np.inf,
        count=n_roles,
    )
    rows.add_pair(
        (model.pair_role_row, x0 + pairs, 1.0),
        (np.arange(n_roles), y0 + model.role_team, -model.role_max),
        lb=-np.inf,
        ub=0.0,
        count=n_roles,
    )
    # x <= y, and x == y for the fixed.
    rows.add_pair((pairs, x0 + pairs, 1.0), (pairs, y0 + model.pair_team, -1.0), -np.inf, 0.0, n_pairs)
    fixed = model.fixed_pairs
    if len(fixed):
        rows.add_pair(
            (np.arange(len(fixed)), x0 + fixed, 1.0),
            (np.arange(len(fixed)), y0 + model.pair_team[fixed], -1.0),
            0.0,
            0.0,
            len(fixed),
        )
    # A need is covered only by a member with the skill, in a formed team.
    needs = np.arange(n_needs)
    rows.add_pair(
        (needs, z0 + needs, 1.0), (model.cover_need, x0 + model.cover_pair, -1.0), -np.inf, 0.0, n_needs
    )
    rows.add_pair((needs, z0 + needs, 1.0), (needs, y0 + model.need_team, -1.0), -np.inf, 0.0, n_needs)

    upper = np.ones(n)
    upper[y0 + model.closed_teams] = 0.0
    bounds = Bounds(np.zeros(n), upper)
    integrality = np.zeros(n)
    integrality[: n_pairs + n_teams] = 1

    objectives = {
        "fixed": _vector(n, x0 + fixed, 1.0),
        "teams": _vector(n, y0 + np.arange(n_teams), 1.0),
        "needs": _vector(n, z0 + needs, 1.0),
        "placed": _vector(n, x0 + pairs, 1.0),
        "preferences": _vector(n, x0 + pairs, model.pair_preference.astype(float)),
    }
    best = np.zeros(n)  # nobody anywhere is always feasible (a fixed x follows its team's y = 0)
    optimal, solves, level_seconds = True, 0, {}
    for level in LEVELS:
        objective = objectives[level]
        if not objective.any():
            continue
        remaining = None if time_limit is None else time_limit - (time.perf_counter() - started)
        if remaining is not None and remaining <= 0:
            optimal = False
            break
        options = {
            "disp": False,
            "presolve": True,
            "mip_rel_gap": 0.0,
        }
        if remaining is not None:
            options["time_limit"] = remaining
        level_start = time.perf_counter()
        result = milp(
            -objective, integrality=integrality, bounds=bounds, constraints=rows.constraint(), options=options
        )
        level_seconds[level] = time.perf_counter() - level_start
        solves += 1
        if result.x is not None:
            best = result.x
        if result.status != _OPTIMAL:
            if result.status != _LIMIT:  # infeasible or unbounded cannot happen: zero is feasible
                raise RuntimeError(f"the team programme failed at level {level}: {result.message}")
            optimal = False
            break
        reached = round(float(objective @ best))
        rows.add(
            np.zeros(np.count_nonzero(objective), dtype=int),
            np.flatnonzero(objective),
            objective[objective != 0],
            reached - 0.5,
            np.inf,
            1,
        )
    chosen = best[x0:y0] > 0.5
    formed = best[y0:z0] > 0.5
    return Solution(
        chosen=chosen,
        formed=formed,
        optimal=optimal,
        variables=n,
        constraints=rows.count,
        seconds=time.perf_counter() - started,
        solves=solves,
        level_seconds=level_seconds,
    )


def _vector(n: int, positions: np.ndarray, values: float | np.ndarray) -> np.ndarray:
    vector = np.zeros(n)
    vector[positions] = values
    return vector


class _Rows:
    """Constraint rows gathered as COO blocks, stacked into one sparse matrix when solving."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.count = 0
        self.row: list[np.ndarray] = []
        self.col: list[np.ndarray] = []
        self.val: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []

    def add(
        self, row: ArrayLike, col: ArrayLike, val: ArrayLike, lb: ArrayLike, ub: ArrayLike, count: int
    ) -> None:
        row = np.asarray(row, dtype=np.int64)
        self.row.append(row + self.count)
        self.col.append(np.asarray(col, dtype=np.int64))
        self.val.append(np.broadcast_to(np.asarray(val, dtype=float), row.shape))
        self.lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (count,)))
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (count,)))
        self.count += count

    def add_pair(self, first: Block, second: Block, lb: ArrayLike, ub: ArrayLike, count: int) -> None:
        """Rows made of two blocks of entries, each (rows, columns, values), over the same row range."""
        row = np.concatenate([np.asarray(first[0]), np.asarray(second[0])])
        col = np.concatenate([np.asarray(first[1]), np.asarray(second[1])])
        val = np.concatenate(
            [
                np.broadcast_to(np.asarray(first[2], dtype=float), np.shape(first[0])),
                np.broadcast_to(np.asarray(second[2], dtype=float), np.shape(second[0])),
            ]
        )
        self.add(row, col, val, lb, ub, count)

    def constraint(self) -> LinearConstraint:
        matrix = coo_array(
            (np.concatenate(self.val), (np.concatenate(self.row), np.concatenate(self.col))),
            shape=(self.count, self.n),
        )
        return LinearConstraint(csr_array(matrix), np.concatenate(self.lb), np.concatenate(self.ub))
