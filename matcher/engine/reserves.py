"""Soft reserves: places an opportunity keeps first for applicants eligible for reserved places.

The choice rule (Hafalir, Yenmez and Yildirim 2013, "Effective affirmative action in school
choice", Theoretical Economics 8, their minority reserves): among the applicants an opportunity
holds and its new proposers (only those it ranks), it takes the best-ranked reserve-eligible ones
up to its reserved number, then fills the rest of its capacity with the best-ranked of the others,
eligible or not. Reserved places that no eligible applicant wants go to anyone.

This rule is substitutable and always takes min(capacity, candidates), so applicant-proposing
deferred acceptance under it gives the applicant-optimal stable matching, whatever the order of
proposals (`matcher.engine.stability` says what stable means here). With nothing reserved, or
nobody eligible, or everyone eligible, it is the plain rule (the best-ranked up to capacity).

Here: the rule itself on a list (`choose`, `reserve_holders`), and the checks that turn the
contract's ``reserved`` and ``reserve_eligible`` into the kernels' arrays (`Reserve`). Every
problem with them is a ValueError naming the id or position at fault.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from matcher.engine._solve import Reserve

Id = TypeVar("Id")


def choose(ranked: Sequence[Id], eligible: Container[Id], capacity: int, seats: int) -> list[Id]:
    """The applicants an opportunity takes from ``ranked`` (its candidates, best first): the best
    eligible up to ``seats``, then the best of the others up to ``capacity``; in rank order."""
    reserved = set(reserve_holders(ranked, eligible, seats))
    others = [a for a in ranked if a not in reserved][: capacity - len(reserved)]
    taken = reserved.union(others)
    return [a for a in ranked if a in taken]


def reserve_holders(placed: Sequence[Id], eligible: Container[Id], seats: int) -> list[Id]:
    """Who of ``placed`` (in the opportunity's rank order) holds its ``seats`` reserved places, as
    the rule fills them: the best-ranked eligible ones first."""
    return [a for a in placed if a in eligible][:seats] if seats > 0 else []


def from_mappings(
    reserved: Mapping[str, int] | None,
    reserve_eligible: Iterable[str] | None,
    opportunity_ids: Sequence[str],
    capacities: Mapping[str, int],
    applicants: Mapping[str, object],
) -> tuple[dict[str, int], frozenset[str], Reserve | None]:
    """Check the contract's two reserve arguments against an instance already checked.

    Returns the reserved numbers (only those above 0), the eligible ids, and the kernels' arrays,
    or None when nothing is reserved for anyone (the plain rule then decides alone).
    """
    seats = reserved_numbers(reserved, capacities)
    eligible = eligible_ids(reserve_eligible, applicants)
    if not seats or not eligible:
        return seats, eligible, None
    seat_array = np.fromiter((seats.get(o, 0) for o in opportunity_ids), np.int64, len(opportunity_ids))
    mask = np.fromiter(map(eligible.__contains__, applicants), np.bool_, len(applicants))
    return seats, eligible, Reserve(seat_array, mask)


def from_arrays(
    reserved: np.ndarray | None, reserve_eligible: np.ndarray | None, capacity: np.ndarray, n_app: int
) -> Reserve | None:
    """Check the array path's reserve arguments: ``reserved``, one integer per opportunity
    (0 <= r <= its capacity); ``reserve_eligible``, one bool per applicant. None when nothing is
    reserved for anyone."""
    if reserved is None and reserve_eligible is None:
        return None
    seats = np.zeros(len(capacity), np.int64) if reserved is None else _seat_array(reserved, capacity)
    if reserve_eligible is None:
        mask = np.zeros(n_app, np.bool_)
    else:
        mask = np.asarray(reserve_eligible)
        if mask.dtype != np.bool_:
            raise ValueError(f"reserve_eligible must be an array of bools, not {mask.dtype}")
        if mask.shape != (n_app,):
            raise ValueError(
                f"reserve_eligible must have one entry per applicant ({n_app}), not {mask.shape}"
            )
    if not seats.any() or not mask.any():
        return None
    return Reserve(seats, np.ascontiguousarray(mask))


def reserved_numbers(reserved: Mapping[str, int] | None, capacities: Mapping[str, int]) -> dict[str, int]:
    if reserved is None:
        return {}
    if not isinstance(reserved, Mapping):
        raise ValueError(
            "reserved must be a mapping of opportunity id to a number of places, "
            f"not {type(reserved).__name__}"
        )
    seats = {}
    for opportunity, number in reserved.items():
        if opportunity not in capacities:
            raise ValueError(f"reserved places given for unknown opportunity {opportunity!r}")
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)):
            raise ValueError(
                f"reserved places of opportunity {opportunity!r} must be an integer, not {number!r}"
            )
        _check_within(number, capacities[opportunity], f"opportunity {opportunity!r}")
        if number:
            seats[opportunity] = int(number)
    return seats


def eligible_ids(reserve_eligible: Iterable[str] | None, applicants: Mapping[str, object]) -> frozenset[str]:
    if reserve_eligible is None:
        return frozenset()
    if isinstance(reserve_eligible, (str, bytes)) or not isinstance(reserve_eligible, Iterable):
        raise ValueError(
            f"reserve_eligible must be a collection of applicant ids, not {type(reserve_eligible).__name__}"
        )
    try:
        eligible = frozenset(reserve_eligible)
    except TypeError:
        raise ValueError("reserve_eligible must hold applicant ids (strings)") from None
    unknown = [a for a in eligible if a not in applicants]
    if unknown:
        bad = min(unknown, key=repr)  # the same one named on every run
        if not isinstance(bad, str):
            raise ValueError(
                f"reserve_eligible holds {bad!r} ({type(bad).__name__}); applicant ids are strings"
            )
        raise ValueError(f"reserve_eligible lists unknown applicant {bad!r}")
    return eligible


def _seat_array(reserved: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    seats = np.asarray(reserved)
    if not np.issubdtype(seats.dtype, np.integer) and not (seats.size == 0 and seats.dtype == np.float64):
        raise ValueError(f"reserved must hold integers, not {seats.dtype}")
    if seats.shape != capacity.shape:
        raise ValueError(f"reserved must have one entry per opportunity ({len(capacity)}), not {seats.shape}")
    beyond = np.flatnonzero((seats < 0) | (seats > capacity))
    if len(beyond):
        j = int(beyond[0])
        _check_within(int(seats[j]), int(capacity[j]), f"opportunity {j}")
    return np.ascontiguousarray(seats, np.int64)


def _check_within(number: int, capacity: int, which: str) -> None:
    if number < 0:
        raise ValueError(f"reserved places of {which} must not be negative ({number})")
    if number > capacity:
        raise ValueError(f"{which} reserves {number} places but has only {capacity}")
