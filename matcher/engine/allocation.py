"""Stable allocation with capacities: applicant-proposing deferred acceptance.

This is the hospitals/residents problem as the NRMP solves it without couples (Roth and Peranson
1999, after Gale and Shapley 1962). A pair is acceptable only when each side lists the other; the
result is the applicant-optimal stable matching, unique for strict preferences.

Two entry points run the same kernels:
- `allocate`, the public contract on dicts of string ids;
- `allocate_arrays`, on integer CSR arrays, for callers that already hold positions (the service
  layer at scale) and so skip the string look-ups.

Both take optional reserved places (soft reserves, `matcher.engine.reserves`): each opportunity
fills its reserved number first with the best-ranked applicants eligible for them. The result is
then the applicant-optimal matching that is stable under that rule (`matcher.engine.stability`);
with nothing reserved, it is exactly the plain one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np

from matcher.engine import reserves
from matcher.engine._backend import Backend, resolve_backend
from matcher.engine._csr import describe_build_error, describe_position_error, from_arrays, from_mappings
from matcher.engine._solve import BuildError, Solved, solve
from matcher.engine.reasons import YOU, Voice, render_outcome
from matcher.engine.stability import is_stable

__all__ = [
    "Allocation",
    "ArrayAllocation",
    "Refusal",
    "RefusalReason",
    "allocate",
    "allocate_arrays",
    "is_stable",
]


class RefusalReason(StrEnum):
    """Why an opportunity the applicant ranked did not take them."""

    ZERO_CAPACITY = "zero_capacity"
    NOT_ELIGIBLE = "not_eligible"
    NOT_RANKED = "not_ranked"
    FULL = "full"
    # Full, and some of those it placed rank below this applicant: they hold reserved places, for
    # which this applicant is not eligible.
    RESERVED = "reserved"


@dataclass(frozen=True)
class Refusal:
    """One opportunity an applicant preferred to what they got, and why it did not take them."""

    opportunity: str
    reason: RefusalReason
    preferred: tuple[str, ...] = ()  # for FULL and RESERVED: those it placed, ranked above this one
    reserve_holders: tuple[str, ...] = ()  # for RESERVED: those it placed on reserved places, ranked below

    @property
    def message(self) -> str:
        return self.text(YOU)

    def text(self, voice: Voice) -> str:
        """The words in ``voice``: `message` is the applicant's, `Voice.named` staff's."""
        params = {
            "opportunity": self.opportunity,
            "preferred": len(self.preferred),
            "reserved": len(self.reserve_holders),
        }
        return render_outcome(f"refused.{self.reason.value}", params, voice)


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
    # The reserves it ran with: reserved numbers above 0, and who was eligible for them.
    reserved: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    reserve_eligible: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @cached_property
    def placements(self) -> dict[str, list[str]]:
        """Each opportunity id -> the applicants placed there, in the opportunity's rank order."""
        placed: dict[str, set[str]] = {o: set() for o in self.opportunities}
        for applicant, opportunity in self.assignments.items():
            if opportunity is not None:
                placed[opportunity].add(applicant)
        return {o: [a for a in self.opportunities[o] if a in placed[o]] for o in self.opportunities}

    @cached_property
    def reserve_holders(self) -> dict[str, list[str]]:
        """Each opportunity with reserved places -> who holds them, in its rank order.

        The rule fills reserved places first, so they are held by the best-ranked eligible
        applicants placed there (up to the reserved number); the others hold its open places.
        """
        return {
            o: reserves.reserve_holders(self.placements[o], self.reserve_eligible, seats)
            for o, seats in self.reserved.items()
        }

    def on_reserved_place(self, applicant: str) -> bool:
        """Whether the applicant was placed on one of their opportunity's reserved places."""
        if applicant not in self.assignments:
            raise ValueError(f"unknown applicant {applicant!r}")
        opportunity = self.assignments[applicant]
        return opportunity in self.reserved and applicant in self.reserve_holders[opportunity]

    def how_placed(self, applicant: str, voice: Voice = YOU) -> str | None:
        """Where the applicant was placed, in ``voice``: "You were placed at o1", or "You were
        placed on a reserved place at o1"; None when they were not placed."""
        if applicant not in self.assignments:
            raise ValueError(f"unknown applicant {applicant!r}")
        opportunity = self.assignments[applicant]
        if opportunity is None:
            return None
        code = "placed.reserved" if self.on_reserved_place(applicant) else "placed"
        return render_outcome(code, {"opportunity": opportunity}, voice)

    def why_unmatched(self, applicant: str) -> list[Refusal]:
        """For each opportunity the applicant ranked above their outcome (all, if unmatched), why not.

        Stability guarantees one of the reasons holds for every such opportunity: under reserves, an
        opportunity that placed someone it ranked below this applicant placed them on a reserved
        place this applicant is not eligible for (RESERVED).
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
        return is_stable(
            self.applicants,
            self.opportunities,
            self.capacities,
            self.assignments,
            reserved=self.reserved,
            reserve_eligible=self.reserve_eligible,
        )

    def _refusal(self, applicant: str, opportunity: str) -> Refusal:
        if self.capacities[opportunity] == 0:
            return Refusal(opportunity, RefusalReason.ZERO_CAPACITY)
        if (applicant, opportunity) in self.ineligible:
            return Refusal(opportunity, RefusalReason.NOT_ELIGIBLE)
        ranks = self._ranks(opportunity)
        if applicant not in ranks:
            return Refusal(opportunity, RefusalReason.NOT_RANKED)
        placed = self.placements[opportunity]
        mine = ranks[applicant]
        above = tuple(a for a in placed if ranks[a] < mine)
        if len(above) == len(placed):
            return Refusal(opportunity, RefusalReason.FULL, above)
        return Refusal(opportunity, RefusalReason.RESERVED, above, tuple(placed[len(above) :]))

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
    reserved: Mapping[str, int] | None = None,
    reserve_eligible: Iterable[str] | None = None,
    seed: int | None = None,
    backend: Backend | None = None,
) -> Allocation:
    """Applicant-optimal stable allocation of applicants to opportunities with capacities.

    ``reserved`` maps opportunity ids to how many of their places are reserved (0 <= r <=
    capacity; opportunities left out reserve none); ``reserve_eligible`` is a collection of the
    applicant ids who may take reserved places (None: nobody). Soft reserves: an opportunity takes
    the best-ranked eligible applicants up to its reserved number, then the best-ranked of the
    others up to its capacity; reserved places nobody eligible wants go to anyone. A problem with
    either argument is a ValueError.
    ``seed`` is recorded in the result: pass the one used to break ties when building the lists.
    ``backend`` is "compiled", "python" or "auto" (default: $MATCHER_ENGINE_BACKEND, else auto).
    """
    chosen = resolve_backend(backend)
    started = time.perf_counter()
    instance = from_mappings(applicants, opportunities, capacities)
    seats, eligible, reserve = reserves.from_mappings(
        reserved, reserve_eligible, instance.opportunity_ids, capacities, applicants
    )
    converted = time.perf_counter()
    try:
        solved = solve(*instance.arrays, chosen, reserve)
    except BuildError as error:
        raise describe_build_error(error, instance) from None
    # Position -1 reads the trailing None, so unmatched needs no special case.
    names: list[str | None] = [*instance.opportunity_ids, None]
    assignments = dict(
        zip(instance.applicant_ids, map(names.__getitem__, solved.assignment.tolist()), strict=True)
    )
    timings = _timings(converted - started, solved)
    return Allocation(
        assignments,
        solved.proposals,
        seed,
        chosen,
        timings,
        applicants,
        opportunities,
        capacities,
        reserved=seats,
        reserve_eligible=eligible,
    )


def allocate_arrays(
    applicant_indptr: np.ndarray,
    applicant_prefs: np.ndarray,
    opportunity_indptr: np.ndarray,
    opportunity_prefs: np.ndarray,
    capacities: np.ndarray,
    *,
    reserved: np.ndarray | None = None,
    reserve_eligible: np.ndarray | None = None,
    backend: Backend | None = None,
) -> ArrayAllocation:
    """`allocate` on positions: applicant i ranks applicant_prefs[applicant_indptr[i]:applicant_indptr[i+1]].

    Opportunities likewise rank applicant positions; capacities has one entry per opportunity, and
    so has ``reserved`` (integers, 0 <= r <= capacity); ``reserve_eligible`` is one bool per applicant.
    """
    chosen = resolve_backend(backend)
    started = time.perf_counter()
    arrays = from_arrays(applicant_indptr, applicant_prefs, opportunity_indptr, opportunity_prefs, capacities)
    reserve = reserves.from_arrays(reserved, reserve_eligible, arrays.capacity, len(arrays.app_indptr) - 1)
    checked = time.perf_counter()
    try:
        solved = solve(*arrays, chosen, reserve)
    except BuildError as error:
        raise describe_position_error(error) from None
    timings = _timings(checked - started, solved)
    return ArrayAllocation(solved.assignment, solved.proposals, chosen, timings)


def _timings(checking_seconds: float, solved: Solved) -> dict[str, float]:
    """Seconds spent building the kernels' input (checks and ranks), then allocating."""
    return {"build": checking_seconds + solved.build_seconds, "allocate": solved.allocate_seconds}
