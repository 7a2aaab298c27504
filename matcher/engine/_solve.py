"""Deferred acceptance on CSR arrays: the pure-Python reference, and the call into its numba twin.

`solve` takes the engine's internal form: compressed sparse rows (CSR) of ranked ids.
Applicant i ranks opportunities ``app_opp[app_indptr[i]:app_indptr[i + 1]]``, most preferred
first; opportunity j ranks applicants ``opp_app[opp_indptr[j]:opp_indptr[j + 1]]``.

The compiled back-end (`_solve_numba`) and the pure-Python one here run the same algorithm.
Applicant-proposing deferred acceptance has a unique outcome whatever the order of proposals, so
both give the same matching and the same number of proposals; the tests check it on random instances.

With reserved places (`Reserve`), opportunities choose by the soft-reserve rule of
`matcher.engine.reserves`; that choice is substitutable and keeps its size, so the outcome is
again unique and order-free, and both back-ends again agree.
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


class Reserve(NamedTuple):
    """Reserved places per opportunity (int64) and who may take them, per applicant (bool)."""

    seats: np.ndarray
    eligible: np.ndarray


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
    reserve: Reserve | None = None,
) -> Solved:
    """Run deferred acceptance on the CSR instance with the chosen back-end.

    Arrays must already have the engine's dtypes (int64 pointers, int32 ids, int64 capacities).
    ``reserve`` (checked by `reserves`) switches the opportunities' choice to the soft-reserve rule.
    Raises BuildError for out-of-range ids and duplicates.
    """
    if backend == "compiled":
        return _solve_compiled(app_indptr, app_opp, opp_indptr, opp_app, capacity, reserve)
    return _solve_python(app_indptr, app_opp, opp_indptr, opp_app, capacity, reserve)


def _solve_compiled(app_indptr, app_opp, opp_indptr, opp_app, capacity, reserve):
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
    if reserve is None:
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
    else:
        proposals = _solve_numba.deferred_acceptance_reserved(
            app_indptr,
            app_opp,
            app_rank,
            opp_indptr,
            opp_app,
            capacity,
            reserve.seats,
            reserve.eligible,
            assign,
            np.empty(n_app, np.int64),
            np.empty(n_app, np.int32),
            np.empty(len(opp_app), np.int8),
            np.empty((n_opp, _solve_numba.TABLE_COLUMNS), np.int64),
        )
    return Solved(assign, int(proposals), built - started, time.perf_counter() - built)


def _solve_python(app_indptr, app_opp, opp_indptr, opp_app, capacity, reserve):
    """The reference implementation: the fallback without numba, and the kernels' test oracle."""
    started = time.perf_counter()
    o_ptr, o_app = opp_indptr.tolist(), opp_app.tolist()
    proposals_of = _acceptable_lists(app_indptr.tolist(), app_opp.tolist(), o_ptr, o_app)
    built = time.perf_counter()
    caps = capacity.tolist()
    if reserve is None:
        assign, proposals = _defer(proposals_of, o_ptr, o_app, caps)
    else:
        seats, eligible = reserve.seats.tolist(), reserve.eligible.tolist()
        assign, proposals = _defer_reserved(proposals_of, o_ptr, o_app, caps, seats, eligible)
    assignment = np.array(assign, dtype=np.int32)
    return Solved(assignment, proposals, built - started, time.perf_counter() - built)


def _acceptable_lists(a_ptr, a_opp, o_ptr, o_app) -> list[list[tuple[int, int]]]:
    """Each applicant's list as (opportunity, rank it gives the applicant), acceptable pairs only."""
    n_app, n_opp = len(a_ptr) - 1, len(o_ptr) - 1
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
    return proposals_of


def _defer(proposals_of, o_ptr, o_app, caps) -> tuple[list[int], int]:
    """Deferred acceptance, each opportunity keeping the best-ranked up to its capacity."""
    n_app = len(proposals_of)
    # held[o] is the set of ranks o holds (few: at most its capacity).
    held: list[set[int]] = [set() for _ in caps]
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
    return assign, proposals


def _defer_reserved(proposals_of, o_ptr, o_app, caps, seats, eligible) -> tuple[list[int], int]:
    """Deferred acceptance under soft reserves: each opportunity holds `reserves.choose` of what it
    held and the new proposer, kept as two sets of ranks: its reserved places and its open ones.

    Reserved places hold the best-ranked eligible applicants (up to the reserved number); the open
    places the best of the rest. A proposer who is eligible and ranked above the worst reserved
    holder takes that place, and the holder it displaces competes for the open places instead.
    """
    n_app = len(proposals_of)
    on_reserve: list[set[int]] = [set() for _ in caps]
    on_open: list[set[int]] = [set() for _ in caps]
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
            if cap == 0:
                continue
            reserved, open_ = on_reserve[o], on_open[o]
            contender = r  # the rank that competes for an open place: the proposer's, or a displaced one
            if eligible[a] and seats[o]:
                if len(reserved) < seats[o]:
                    reserved.add(r)
                    contender = -1
                elif r < (worst := max(reserved)):
                    reserved.remove(worst)
                    reserved.add(r)
                    contender = worst
            if contender < 0:
                if len(reserved) + len(open_) > cap:  # an eligible newcomer takes an open holder's place
                    _evict(o, max(open_), open_, o_ptr, o_app, assign, free)
            elif len(reserved) + len(open_) < cap:
                open_.add(contender)
            elif open_ and contender < max(open_):
                _evict(o, max(open_), open_, o_ptr, o_app, assign, free)
                open_.add(contender)
            elif contender == r:
                continue  # the proposer is the worst: refused, on to their next choice
            else:  # the reserved holder the proposer displaced is the worst: it goes
                _evict(o, contender, set(), o_ptr, o_app, assign, free)
            assign[a] = o
            break
        nxt[a] = i
    return assign, proposals


def _evict(o: int, rank: int, held: set[int], o_ptr, o_app, assign: list[int], free: list[int]) -> None:
    """The applicant opportunity o ranked ``rank`` loses their place there and proposes again."""
    held.discard(rank)
    evicted = o_app[o_ptr[o] + rank]
    assign[evicted] = -1
    free.append(evicted)
