"""Ranked lists from scores, with ties broken by a seeded lottery, and allocation from them.

Tie-breaking is "single": one lottery order over all applicants, used by every opportunity, and
one over all opportunities, used by every applicant. Single tie-breaking wastes fewer places than
a fresh lottery per opportunity (Abdulkadiroglu, Pathak and Roth 2009) and keeps a run
reproducible from its seed alone. The lottery is drawn over the sorted ids, so it does not depend
on the order in which the caller happens to list them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from matcher.engine._backend import Backend, resolve_backend
from matcher.engine._row_order import entry_dtype, opportunity_lists, order_rows
from matcher.engine.allocation import Allocation, allocate


@dataclass(frozen=True)
class Preferences:
    """Both sides' ranked lists, ready for `allocate`, and the seed that broke their ties."""

    applicants: dict[str, list[str]]
    opportunities: dict[str, list[str]]
    seed: int
    # Pairs an applicant ranked although they are not eligible (no score): kept to explain.
    ineligible: frozenset[tuple[str, str]] = frozenset()


def lottery(ids: Iterable[str], seed: int) -> dict[str, int]:
    """A seeded random order over ids (0 = drawn first), independent of the order given."""
    ordered = sorted(set(ids))
    draw = np.random.default_rng(seed).permutation(len(ordered))
    return dict(zip(ordered, draw.tolist(), strict=True))


def preferences_from_scores(
    scores: Mapping[tuple[str, str], float],
    *,
    seed: int,
    applicants: Iterable[str] = (),
    opportunities: Iterable[str] = (),
    applicant_ranks: Mapping[str, Sequence[str]] | None = None,
    opportunity_ranks: Mapping[str, Sequence[str]] | None = None,
) -> Preferences:
    """Rank lists from (applicant, opportunity) -> score for the eligible pairs.

    An applicant's own ranked list, where given, replaces the score order; a host's ranking of
    applicants likewise (keeping only eligible applicants). Equal scores are ordered by the lottery.
    ``applicants``/``opportunities`` add ids that have no eligible pair (they get empty lists).
    """
    applicant_ranks = applicant_ranks or {}
    opportunity_ranks = opportunity_ranks or {}
    by_applicant: dict[str, list[tuple[float, str]]] = {a: [] for a in (*applicants, *applicant_ranks)}
    by_opportunity: dict[str, list[tuple[float, str]]] = {o: [] for o in opportunities}
    for (applicant, opportunity), value in scores.items():
        if not isinstance(value, numbers.Real) or math.isnan(value):
            raise ValueError(f"score of ({applicant!r}, {opportunity!r}) is not a number: {value!r}")
        by_applicant.setdefault(applicant, []).append((value, opportunity))
        by_opportunity.setdefault(opportunity, []).append((value, applicant))
    applicant_draw = lottery(by_applicant, seed)
    opportunity_draw = lottery(by_opportunity, seed + 1)

    ineligible = set()
    ranked_applicants = {}
    for applicant, options in by_applicant.items():
        if applicant in applicant_ranks:
            # Kept whole: the opportunity does not list an ineligible applicant, so the pair is
            # unacceptable anyway, and the allocation can still say why that choice failed.
            own = applicant_ranks[applicant]
            ranked_applicants[applicant] = list(own)
            ineligible.update((applicant, o) for o in own if (applicant, o) not in scores)
        else:
            options.sort(key=lambda pair: (-pair[0], opportunity_draw[pair[1]]))
            ranked_applicants[applicant] = [o for _, o in options]
    ranked_opportunities = {}
    for opportunity, candidates in by_opportunity.items():
        if opportunity in opportunity_ranks:
            own = opportunity_ranks[opportunity]
            ranked_opportunities[opportunity] = [a for a in own if (a, opportunity) in scores]
        else:
            candidates.sort(key=lambda pair: (-pair[0], applicant_draw[pair[1]]))
            ranked_opportunities[opportunity] = [a for _, a in candidates]
    return Preferences(ranked_applicants, ranked_opportunities, seed, frozenset(ineligible))


def allocate_from_scores(
    scores: Mapping[tuple[str, str], float],
    capacities: Mapping[str, int],
    *,
    seed: int,
    applicants: Iterable[str] = (),
    applicant_ranks: Mapping[str, Sequence[str]] | None = None,
    opportunity_ranks: Mapping[str, Sequence[str]] | None = None,
    reserved: Mapping[str, int] | None = None,
    reserve_eligible: Iterable[str] | None = None,
    backend: Backend | None = None,
) -> Allocation:
    """Build both sides' lists from scores (see `preferences_from_scores`) and allocate.

    The opportunities are the keys of ``capacities``; ``applicants`` adds those with no eligible pair.
    ``reserved`` and ``reserve_eligible`` are `allocate`'s.
    """
    prefs = preferences_from_scores(
        scores,
        seed=seed,
        applicants=applicants,
        opportunities=capacities,
        applicant_ranks=applicant_ranks,
        opportunity_ranks=opportunity_ranks,
    )
    reserves = {"reserved": reserved, "reserve_eligible": reserve_eligible}
    result = allocate(
        prefs.applicants, prefs.opportunities, capacities, **reserves, seed=seed, backend=backend
    )
    return replace(result, ineligible=prefs.ineligible)


def csr_from_scores(
    applicant: np.ndarray,
    opportunity: np.ndarray,
    score: np.ndarray,
    n_applicants: int,
    n_opportunities: int,
    *,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`preferences_from_scores` on positions, for `allocate_arrays`; one entry per eligible pair.

    Returns (applicant_indptr, applicant_prefs, opportunity_indptr, opportunity_prefs). With ids
    whose sorted order is their position, it gives the same lists as the dict version.
    """
    applicant, opportunity = _integers(applicant), _integers(opportunity)
    score = np.asarray(score, np.float64)
    if np.isnan(score).any():
        raise ValueError("scores must not be NaN")
    applicant_draw = np.random.default_rng(seed).permutation(n_applicants)
    opportunity_draw = np.random.default_rng(seed + 1).permutation(n_opportunities)
    # lexsort sorts by the last key first: row, then best score, then lottery.
    by_applicant = np.lexsort((opportunity_draw[opportunity], -score, applicant))
    by_opportunity = np.lexsort((applicant_draw[applicant], -score, opportunity))
    applicant_indptr = np.zeros(n_applicants + 1, np.int64)
    np.cumsum(np.bincount(applicant, minlength=n_applicants), out=applicant_indptr[1:])
    opportunity_indptr = np.zeros(n_opportunities + 1, np.int64)
    np.cumsum(np.bincount(opportunity, minlength=n_opportunities), out=opportunity_indptr[1:])
    return (
        applicant_indptr,
        opportunity[by_applicant].astype(np.int32),
        opportunity_indptr,
        applicant[by_opportunity].astype(np.int32),
    )


@dataclass(frozen=True)
class RoundLists:
    """Both sides' lists of a ranked round as CSR arrays, with the way back to the caller's entries.

    ``applicant_entry[k]`` is the caller's entry behind slot k of ``applicant_prefs``;
    ``opportunity_entry`` likewise for ``opportunity_prefs``.
    """

    applicant_indptr: np.ndarray
    applicant_prefs: np.ndarray
    opportunity_indptr: np.ndarray
    opportunity_prefs: np.ndarray
    applicant_entry: np.ndarray
    opportunity_entry: np.ndarray


def csr_from_choices(
    applicant: np.ndarray,
    opportunity: np.ndarray,
    choice_rank: np.ndarray,
    eligible: np.ndarray,
    score: np.ndarray,
    host_rank: np.ndarray,
    n_applicants: int,
    n_opportunities: int,
    *,
    seed: int,
    backend: Backend | None = None,
) -> RoundLists:
    """The lists of a round where applicants ranked their choices and hosts may have ranked them.

    One entry per application, on positions. Applicants keep all their choices in their own order
    (``choice_rank``), eligible or not: an opportunity never lists an ineligible applicant, so such
    a choice cannot be taken, and it stays to be explained. An opportunity lists its eligible
    applicants in the host's order (``host_rank``, negative for "not ranked") when the host ranked
    any of them, leaving out those it did not rank; otherwise by score, best first, equal scores in
    the order of a lottery over applicant positions drawn from ``seed`` (single tie-breaking, as in
    `csr_from_scores`).
    """
    # Integer arrays are kept in their own width (the service passes int32): a 2M-entry round
    # must not be copied to int64 on the way in.
    applicant, opportunity, choice_rank, host_rank = map(
        _integers, (applicant, opportunity, choice_rank, host_rank)
    )
    eligible = np.asarray(eligible, bool)
    score = np.asarray(score, np.float64)
    if len({len(column) for column in (applicant, opportunity, choice_rank, eligible, score, host_rank)}) > 1:
        raise ValueError(
            "every entry needs an applicant, an opportunity, a rank, eligibility, score, host rank"
        )
    if np.isnan(score).any():
        raise ValueError("scores must not be NaN")
    # The compiled sorts index with these positions unchecked.
    for positions, count, name in (
        (applicant, n_applicants, "applicant"),
        (opportunity, n_opportunities, "opportunity"),
    ):
        if len(positions) and not 0 <= positions.min() <= positions.max() < count:
            raise ValueError(f"{name} positions must lie in [0, {count})")
    hosted = host_rank >= 0
    host_ranks_any = np.zeros(n_opportunities, bool)
    host_ranks_any[opportunity[hosted]] = True
    listed = eligible & (hosted | ~host_ranks_any[opportunity])
    del hosted
    applicant_draw = np.random.default_rng(seed).permutation(n_applicants).astype(np.int32)
    compiled = resolve_backend(backend) == "compiled"

    if _in_applicant_order(applicant, choice_rank):
        # Already in order, as the service reads them: the applicant side is the input itself.
        applicant_entry = np.arange(len(applicant), dtype=entry_dtype(len(applicant)))
        applicant_prefs = np.asarray(opportunity, np.int32)  # no copy when it is int32 already
    else:
        nothing = np.zeros(len(applicant))
        applicant_entry = order_rows(applicant, n_applicants, choice_rank, nothing, choice_rank, compiled)
        applicant_prefs = opportunity[applicant_entry].astype(np.int32)
    opportunity_entry, listed_per_opportunity = opportunity_lists(
        listed,
        opportunity,
        host_rank,
        host_ranks_any,
        score,
        applicant,
        applicant_draw,
        n_opportunities,
        compiled,
    )

    applicant_indptr = np.zeros(n_applicants + 1, np.int64)
    np.cumsum(np.bincount(applicant, minlength=n_applicants), out=applicant_indptr[1:])
    opportunity_indptr = np.zeros(n_opportunities + 1, np.int64)
    np.cumsum(listed_per_opportunity, out=opportunity_indptr[1:])
    return RoundLists(
        applicant_indptr,
        applicant_prefs,
        opportunity_indptr,
        np.asarray(applicant[opportunity_entry], np.int32),
        applicant_entry,
        opportunity_entry,
    )


def _integers(values: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(values)
    if np.issubdtype(array.dtype, np.integer):
        return array
    return np.ascontiguousarray(values, np.int64)  # lists and other sequences of ints


def _in_applicant_order(applicant: np.ndarray, choice_rank: np.ndarray) -> bool:
    """Whether the entries already run by applicant, then by strictly rising rank."""
    later, earlier = applicant[1:], applicant[:-1]
    rising = (later > earlier) | ((later == earlier) & (choice_rank[1:] > choice_rank[:-1]))
    return bool(rising.all())
