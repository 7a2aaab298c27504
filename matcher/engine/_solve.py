"""Deferred acceptance on CSR arrays: the pure-Python reference, and the call into its numba twin.

`solve` takes the engine's internal form: compressed sparse rows (CSR) of ranked ids.
Applicant i ranks opportunities ``app_opp[app_indptr[i]:app_indptr[i + 1]]``, most preferred
first; opportunity j ranks applicants ``opp_app[opp_indptr[j]:opp_indptr[j + 1]]``.

The compiled back-end (`_solve_numba`) and the pure-Python one here run the same algorithm.
Applicant-proposing deferred acceptance has a unique outcome whatever the order of proposals, so
both give the same matching and the same number of proposals; the tests check it on random instances.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from matcher.engine._backend import Resolved


@dataclass
class BuildError(Exception):
    """A structural problem in the integer preference lists, located by row and value."""

    kind: str
    row: int
    value: int


# The compiled build step returns (code, row, value); code 0 means no error.
BUILD_ERRORS = {
    1: "applicant_index",
    2: "opportunity_index",
    3: "applicant_duplicate",
    4: "opportunity_duplicate",
}


class Solved(NamedTuple):
    """A kernel run: assignment per applicant (-1 = unmatched), proposals, and where time went."""

    assignment: np.ndarray
    proposals: int
    build_seconds: float  # ranks and validation, before the first proposal
    allocate_seconds: float  # deferred acceptance itself


def solve(
    app_indptr: np.ndarray,
    app_opp: np.ndarray,
    opp_indptr: np.ndarray,
    opp_app: np.ndarray,
    capacity: np.ndarray,
    backend: Resolved,
) -> Solved:
    """Run deferred acceptance on the CSR instance with the chosen back-end.

    Arrays must already have the engine's dtypes (int64 pointers, int32 ids, int64 capacities).
    Raises BuildError for out-of-range ids and duplicates.
    """
    if backend == "compiled":
        return _solve_compiled(app_indptr, app_opp, opp_indptr, opp_app, capacity)
    return _solve_python(app_indptr, app_opp, opp_indptr, opp_app, capacity)


def _solve_compiled(app_indptr, app_opp, opp_indptr, opp_app, capacity):
    # Imported here, not at the top: numba's import costs about a second and 70 MB, which only
    # a round on the compiled back-end should pay (the web app imports the engine too).
    from matcher.engine import _solve_numba

    n_app, n_opp = len(app_indptr) - 1, len(opp_indptr) - 1
    started = time.perf_counter()
    app_rank = np.empty(len(app_opp), np.int32)
    code, row, value = _solve_numba.build_ranks(
        app_indptr,
        app_opp,
        opp_indptr,
        opp_app,
        app_rank,
        np.empty(n_app + 1, np.int64),
        np.empty(len(opp_app), np.int32),
        np.empty(len(opp_app), np.int32),
        np.empty(n_opp, np.int64),
        np.empty(n_opp, np.int32),
    )
    if code:
        raise BuildError(BUILD_ERRORS[code], int(row), int(value))
    built = time.perf_counter()
    assign = np.empty(n_app, np.int32)
    proposals = _solve_numba.deferred_acceptance(
        app_indptr,
        app_opp,
        app_rank,
        opp_indptr,
        opp_app,
        capacity,
        assign,
        np.empty(n_app, np.int64),
        np.empty(n_app, np.int32),
        np.empty(len(opp_app), np.bool_),
        np.empty(n_opp, np.int64),
        np.empty(n_opp, np.int64),
    )
    return Solved(assign, int(proposals), built - started, time.perf_counter() - built)


def _solve_python(app_indptr, app_opp, opp_indptr, opp_app, capacity):
    """The reference implementation: the fallback without numba, and the kernels' test oracle."""
    n_app, n_opp = len(app_indptr) - 1, len(opp_indptr) - 1
    started = time.perf_counter()
    a_ptr, a_opp = app_indptr.tolist(), app_opp.tolist()
    o_ptr, o_app = opp_indptr.tolist(), opp_app.tolist()
    caps = capacity.tolist()

    # rank_of[o][a]: the rank opportunity o gives applicant a (only for the applicants it lists).
    rank_of: list[dict[int, int]] = []
    for o in range(n_opp):
        ranks: dict[int, int] = {}
        for r, a in enumerate(o_app[o_ptr[o] : o_ptr[o + 1]]):
            if not 0 <= a < n_app:
                raise BuildError("opportunity_index", o, a)  # i18n: ignore (a code)
            if a in ranks:
                raise BuildError("opportunity_duplicate", o, a)  # i18n: ignore (a code)
            ranks[a] = r
        rank_of.append(ranks)
    # Each applicant's list as (opportunity, rank it gives the applicant), acceptable pairs only.
    proposals_of: list[list[tuple[int, int]]] = []
    for a in range(n_app):
        listed: set[int] = set()
        acceptable = []
        for o in a_opp[a_ptr[a] : a_ptr[a + 1]]:
            if not 0 <= o < n_opp:
                raise BuildError("applicant_index", a, o)  # i18n: ignore (a code)
            if o in listed:
                raise BuildError("applicant_duplicate", a, o)  # i18n: ignore (a code)
            listed.add(o)
            r = rank_of[o].get(a)
            if r is not None:
                acceptable.append((o, r))
        proposals_of.append(acceptable)

    built = time.perf_counter()
    # held[o] is the set of ranks o holds (few: at most its capacity).
    held: list[set[int]] = [set() for _ in range(n_opp)]
    nxt = [0] * n_app
    assign = [-1] * n_app
    free = list(range(n_app - 1, -1, -1))
    proposals = 0
    while free:
        a = free.pop()
        choices = proposals_of[a]
        i = nxt[a]
        while i < len(choices):
            o, r = choices[i]
            i += 1
            proposals += 1
            cap = caps[o]
            holding = held[o]
            if len(holding) < cap:
                holding.add(r)
                assign[a] = o
                break
            if cap and r < (worst := max(holding)):
                holding.remove(worst)
                evicted = o_app[o_ptr[o] + worst]
                assign[evicted] = -1
                free.append(evicted)
                holding.add(r)
                assign[a] = o
                break
        nxt[a] = i
    assignment = np.array(assign, dtype=np.int32)
    return Solved(assignment, proposals, built - started, time.perf_counter() - built)
