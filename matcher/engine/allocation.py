"""Stable allocation with capacities: applicant-proposing deferred acceptance.

This is the hospitals/residents problem as the NRMP solves it without couples (Roth and Peranson
1999, after Gale and Shapley 1962). A pair is acceptable only when each side lists the other; the
result is the applicant-optimal stable matching, unique for strict preferences.

Two entry points run the same kernels:
- `allocate`, the public contract on dicts of string ids;
- `allocate_arrays`, on integer CSR arrays, for callers that already hold positions (the service
  layer at scale) and so skip the string look-ups.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np

from matcher.engine._backend import Backend, resolve_backend
from matcher.engine._csr import describe_build_error, describe_position_error, from_arrays, from_mappings
from matcher.engine._solve import BuildError, Solved, solve


class RefusalReason(StrEnum):
    """Why an opportunity the applicant ranked did not take them."""

    ZERO_CAPACITY = "zero_capacity"
    NOT_ELIGIBLE = "not_eligible"
    NOT_RANKED = "not_ranked"
    FULL = "full"


@dataclass(frozen=True)
class Refusal:
    """One opportunity an applicant preferred to what they got, and why it did not take them."""

    opportunity: str
    reason: RefusalReason
    preferred: tuple[str, ...] = ()  # for FULL: the applicants it placed, all ranked above this one

    @property
    def message(self) -> str:
        if self.reason is RefusalReason.ZERO_CAPACITY:
            return f"{self.opportunity} has no places in this round"
        if self.reason is RefusalReason.NOT_ELIGIBLE:
            return f"{self.opportunity}: you are not eligible for it"
        if self.reason is RefusalReason.NOT_RANKED:
            return f"{self.opportunity} did not rank you"
        n = len(self.preferred)
        return f"{self.opportunity} was full with {n} applicant{'s' if n != 1 else ''} it ranked higher"


@dataclass(frozen=True)
class Allocation:
    """The outcome of a round: every applicant id mapped to an opportunity id, or None."""

    assignments: dict[str, str | None]
    proposals: int
    seed: int | None = None
    backend: str = field(default="python", compare=False)
    # Seconds spent turning the input into the engine's arrays ("build") and allocating.
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    # The inputs, kept to explain the outcome; they are the caller's objects, not copies.
    applicants: Mapping[str, Sequence[str]] = field(default_factory=dict, repr=False, compare=False)
    opportunities: Mapping[str, Sequence[str]] = field(default_factory=dict, repr=False, compare=False)
    capacities: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    ineligible: frozenset[tuple[str, str]] = field(default=frozenset(), repr=False, compare=False)

    @cached_property
    def placements(self) -> dict[str, list[str]]:
        """Each opportunity id -> the applicants placed there, in the opportunity's rank order."""
        placed: dict[str, set[str]] = {o: set() for o in self.opportunities}
        for applicant, opportunity in self.assignments.items():
            if opportunity is not None:
                placed[opportunity].add(applicant)
        return {o: [a for a in self.opportunities[o] if a in placed[o]] for o in self.opportunities}

    def why_unmatched(self, applicant: str) -> list[Refusal]:
        """For each opportunity the applicant ranked above their outcome (all, if unmatched), why not.

        Stability guarantees one of the reasons holds for every such opportunity.
        """
        if applicant not in self.assignments:
            raise ValueError(f"unknown applicant {applicant!r}")
        assigned = self.assignments[applicant]
        refusals = []
        for opportunity in self.applicants[applicant]:
            if opportunity == assigned:
                break
            refusals.append(self._refusal(applicant, opportunity))
        return refusals

    def blocking_pairs(self) -> list[tuple[str, str]]:
        """The (applicant, opportunity) pairs that block this allocation; empty when stable."""
        return is_stable(self.applicants, self.opportunities, self.capacities, self.assignments)

    def _refusal(self, applicant: str, opportunity: str) -> Refusal:
        if self.capacities[opportunity] == 0:
            return Refusal(opportunity, RefusalReason.ZERO_CAPACITY)
        if (applicant, opportunity) in self.ineligible:
            return Refusal(opportunity, RefusalReason.NOT_ELIGIBLE)
        if applicant not in self._ranks(opportunity):
            return Refusal(opportunity, RefusalReason.NOT_RANKED)
        return Refusal(opportunity, RefusalReason.FULL, tuple(self.placements[opportunity]))

    @cached_property
    def _rank_cache(self) -> dict[str, dict[str, int]]:
        return {}

    def _ranks(self, opportunity: str) -> dict[str, int]:
        """Applicant -> rank in the opportunity's list, built on first use for that opportunity."""
        if opportunity not in self._rank_cache:
            self._rank_cache[opportunity] = {a: r for r, a in enumerate(self.opportunities[opportunity])}
        return self._rank_cache[opportunity]


@dataclass(frozen=True, eq=False)
class ArrayAllocation:
    """The outcome on integer positions: assignment[i] is an opportunity position, or -1."""

    assignment: np.ndarray
    proposals: int
    backend: str = field(compare=False)
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)


def allocate(
    applicants: Mapping[str, Sequence[str]],
    opportunities: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
    *,
    seed: int | None = None,
    backend: Backend | None = None,
) -> Allocation:
    """Applicant-optimal stable allocation of applicants to opportunities with capacities.

    ``seed`` is recorded in the result: pass the one used to break ties when building the lists.
    ``backend`` is "compiled", "python" or "auto" (default: $MATCHER_ENGINE_BACKEND, else auto).
    """
    chosen = resolve_backend(backend)
    started = time.perf_counter()
    instance = from_mappings(applicants, opportunities, capacities)
    converted = time.perf_counter()
    try:
        solved = solve(*instance.arrays, chosen)
    except BuildError as error:
        raise describe_build_error(error, instance) from None
    # Position -1 reads the trailing None, so unmatched needs no special case.
    names: list[str | None] = [*instance.opportunity_ids, None]
    assignments = dict(
        zip(instance.applicant_ids, map(names.__getitem__, solved.assignment.tolist()), strict=True)
    )
    timings = _timings(converted - started, solved)
    return Allocation(
        assignments, solved.proposals, seed, chosen, timings, applicants, opportunities, capacities
    )


def allocate_arrays(
    applicant_indptr: np.ndarray,
    applicant_prefs: np.ndarray,
    opportunity_indptr: np.ndarray,
    opportunity_prefs: np.ndarray,
    capacities: np.ndarray,
    *,
    backend: Backend | None = None,
) -> ArrayAllocation:
    """`allocate` on positions: applicant i ranks applicant_prefs[applicant_indptr[i]:applicant_indptr[i+1]].

    Opportunities likewise rank applicant positions; capacities has one entry per opportunity.
    """
    chosen = resolve_backend(backend)
    started = time.perf_counter()
    arrays = from_arrays(applicant_indptr, applicant_prefs, opportunity_indptr, opportunity_prefs, capacities)
    checked = time.perf_counter()
    try:
        solved = solve(*arrays, chosen)
    except BuildError as error:
        raise describe_position_error(error) from None
    timings = _timings(checked - started, solved)
    return ArrayAllocation(solved.assignment, solved.proposals, chosen, timings)


def is_stable(
    applicants: Mapping[str, Sequence[str]],
    opportunities: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
    assignments: Mapping[str, str | None],
) -> list[tuple[str, str]]:
    """Return the blocking pairs of an allocation: an empty list means it is stable.

    Raises ValueError when the allocation is not even feasible (a pair that is not mutually
    acceptable, an opportunity over capacity, an unknown id). Independent of the solver on purpose.
    """
    ranks = {o: {a: r for r, a in enumerate(ranked)} for o, ranked in opportunities.items()}
    held: dict[str, list[int]] = {o: [] for o in opportunities}
    for applicant, opportunity in assignments.items():
        if applicant not in applicants:
            raise ValueError(f"unknown applicant {applicant!r} in the allocation")
        if opportunity is None:
            continue
        if opportunity not in ranks:
            raise ValueError(f"unknown opportunity {opportunity!r} in the allocation")
        if applicant not in ranks[opportunity] or opportunity not in applicants[applicant]:
            raise ValueError(f"{applicant!r} and {opportunity!r} are not mutually acceptable")
        held[opportunity].append(ranks[opportunity][applicant])
    for opportunity, taken in held.items():
        if len(taken) > capacities[opportunity]:
            raise ValueError(f"opportunity {opportunity!r} is over capacity")
    worst = {o: max(taken) for o, taken in held.items() if taken}

    blocking = []
    for applicant, ranked in applicants.items():
        assigned = assignments.get(applicant)
        for opportunity in ranked:
            if opportunity == assigned:
                break
            rank = ranks.get(opportunity, {}).get(applicant)
            if rank is None or capacities[opportunity] == 0:
                continue
            # A full opportunity holds someone, so worst[opportunity] exists when it is read.
            if len(held[opportunity]) < capacities[opportunity] or rank < worst[opportunity]:
                blocking.append((applicant, opportunity))
    return blocking


def _timings(checking_seconds: float, solved: Solved) -> dict[str, float]:
    """Seconds spent building the kernels' input (checks and ranks), then allocating."""
    return {"build": checking_seconds + solved.build_seconds, "allocate": solved.allocate_seconds}
