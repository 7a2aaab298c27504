"""What a stable allocation is, with or without reserved places, checked apart from the solver.

An allocation gives each applicant at most one opportunity. Under soft reserves (`reserves`), after
Hafalir, Yenmez and Yildirim 2013 (Definition of stability with minority reserves), it is
*stable* when:

1. it is feasible: every pair is mutually acceptable (each side lists the other) and no
   opportunity holds more applicants than its capacity;
2. it wastes no place: no applicant prefers an opportunity that lists them and holds fewer
   applicants than its capacity (unmatched applicants prefer everything they list);
3. no applicant has justified envy: there is no applicant a who prefers an opportunity c that
   lists them to their own outcome while c holds an applicant b such that
   (i)   a and b are both eligible for reserved places, or both not, and c ranks a above b; or
   (ii)  a is eligible, b is not, and c ranks a above b or holds fewer eligible applicants than
         it reserves places; or
   (iii) a is not eligible, b is, c ranks a above b and holds more eligible applicants than it
         reserves places.

Equivalently: no such a is taken by c's choice rule (`reserves.choose`) from what c holds and a;
the tests check the two readings agree. With nothing reserved, (ii) and (iii) come down to "c
ranks a above b", and this is the usual stability of the hospitals/residents problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from matcher.engine.reserves import eligible_ids, reserved_numbers


def is_stable(
    applicants: Mapping[str, Sequence[str]],
    opportunities: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
    assignments: Mapping[str, str | None],
    *,
    reserved: Mapping[str, int] | None = None,
    reserve_eligible: Iterable[str] | None = None,
) -> list[tuple[str, str]]:
    """Return the blocking pairs of an allocation: an empty list means it is stable.

    ``reserved`` and ``reserve_eligible`` are `allocate`'s; without them the plain definition.
    Raises ValueError when the allocation is not even feasible (a pair that is not mutually
    acceptable, an opportunity over capacity, an unknown id). Independent of the solver on purpose.
    """
    seats = reserved_numbers(reserved, capacities)
    eligible = eligible_ids(reserve_eligible, applicants)
    ranks = {o: {a: r for r, a in enumerate(ranked)} for o, ranked in opportunities.items()}
    held: dict[str, list[str]] = {o: [] for o in opportunities}
    for applicant, opportunity in assignments.items():
        if applicant not in applicants:
            raise ValueError(f"unknown applicant {applicant!r} in the allocation")
        if opportunity is None:
            continue
        if opportunity not in ranks:
            raise ValueError(f"unknown opportunity {opportunity!r} in the allocation")
        if applicant not in ranks[opportunity] or opportunity not in applicants[applicant]:
            raise ValueError(f"{applicant!r} and {opportunity!r} are not mutually acceptable")
        held[opportunity].append(applicant)
    for opportunity, taken in held.items():
        if len(taken) > capacities[opportunity]:
            raise ValueError(f"opportunity {opportunity!r} is over capacity")
    # Per opportunity: the worst rank it gives an eligible holder and a holder not eligible (-1:
    # none), and how many eligible applicants it holds. Clause 3 needs only these.
    worst: dict[str, tuple[int, int, int]] = {}
    for opportunity, taken in held.items():
        on = [ranks[opportunity][a] for a in taken if a in eligible]
        off = [ranks[opportunity][a] for a in taken if a not in eligible]
        worst[opportunity] = (max(on, default=-1), max(off, default=-1), len(on))

    blocking = []
    for applicant, ranked in applicants.items():
        assigned = assignments.get(applicant)
        for opportunity in ranked:
            if opportunity == assigned:
                break
            rank = ranks.get(opportunity, {}).get(applicant)
            if rank is None or capacities[opportunity] == 0:
                continue
            if len(held[opportunity]) < capacities[opportunity] or _envies(
                rank, applicant in eligible, *worst[opportunity], seats.get(opportunity, 0)
            ):
                blocking.append((applicant, opportunity))
    return blocking


def _envies(rank: int, eligible: bool, worst_on: int, worst_off: int, n_on: int, seats: int) -> bool:
    """Clause 3: an applicant ranked ``rank`` has justified envy of someone the opportunity holds."""
    if eligible:
        same = rank < worst_on  # (i), both eligible
        return same or (worst_off >= 0 and (rank < worst_off or n_on < seats))  # (ii)
    same = rank < worst_off  # (i), neither eligible
    return same or (rank < worst_on and n_on > seats)  # (iii)
