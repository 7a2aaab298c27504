"""Soft reserves on random instances (Hypothesis): stable under the reserve rule, applicant-optimal
against a brute-force search, both back-ends agreeing, and no change when nothing is reserved."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.engine import RefusalReason, allocate, allocate_arrays, choose, is_stable
from matcher.engine._csr import from_mappings
from matcher.engine._solve import Reserve, solve
from tests.unit.engine.test_allocation_properties import (
    FAST,
    FAST_COUNTING,
    instances,
    preference_position,
    random_csr_instance,
)

# More examples than the plain tests: a reserve changes the outcome in only some instances.
MANY = settings(FAST, max_examples=200)


@st.composite
def drawn_instances(draw, max_applicants: int, max_opportunities: int, max_capacity: int):
    """A contested instance drawn by Hypothesis (few places, most pairs acceptable to both sides)."""
    applicants = [f"a{i}" for i in range(draw(st.integers(1, max_applicants)))]
    opportunities = [f"o{j}" for j in range(draw(st.integers(1, max_opportunities)))]
    mostly = st.integers(0, 4).map(bool)  # True four times in five

    def ranked(pool: list[str]) -> list[str]:
        return [x for x in draw(st.permutations(pool)) if draw(mostly)]

    capacities = {o: draw(st.integers(0, max_capacity)) for o in opportunities}
    return (
        {a: ranked(opportunities) for a in applicants},
        {o: ranked(applicants) for o in opportunities},
        capacities,
        # Drawn from the largest down, so that examples shrink toward places that are all reserved.
        {o: draw(st.sampled_from(range(c, -1, -1))) for o, c in capacities.items()},
        set(draw(st.lists(st.sampled_from(applicants), min_size=1))),
    )


def seeded_instance(seed: int, max_applicants: int, max_opportunities: int, max_capacity: int):
    """The same shape drawn uniformly from a seed: Hypothesis favours small, simple examples, where
    a reserve seldom changes anything; these make most examples contested."""
    rng = random.Random(seed)
    applicants = [f"a{i}" for i in range(rng.randint(2, max_applicants))]
    opportunities = [f"o{j}" for j in range(rng.randint(1, max_opportunities))]

    def ranked(pool: list[str]) -> list[str]:
        return [x for x in rng.sample(pool, len(pool)) if rng.random() < 0.85]

    capacities = {o: rng.randint(0 if rng.random() < 0.1 else 1, max_capacity) for o in opportunities}
    return (
        {a: ranked(opportunities) for a in applicants},
        {o: ranked(applicants) for o in opportunities},
        capacities,
        {o: c if rng.random() < 0.5 else rng.randint(0, c) for o, c in capacities.items()},
        {a for a in applicants if rng.random() < 0.4},
    )


def reserve_instances(max_applicants: int = 6, max_opportunities: int = 3, max_capacity: int = 2):
    """Instances with reserved numbers and a set of applicants eligible for reserved places."""
    shape = (max_applicants, max_opportunities, max_capacity)
    return st.one_of(
        drawn_instances(*shape), st.integers(0, 2**32 - 1).map(lambda seed: seeded_instance(seed, *shape))
    )


def reserve_kwargs(case) -> dict:
    return {"reserved": case[3], "reserve_eligible": case[4]}


def stable_under_reserves(applicants, opportunities, capacities, reserved, eligible):
    """Every matching stable under the reserve rule, by brute force over all feasible assignments."""
    options = [[None, *(o for o in ranked if a in opportunities[o])] for a, ranked in applicants.items()]
    for choice in itertools.product(*options):
        taken = [o for o in choice if o is not None]
        if any(taken.count(o) > capacities[o] for o in set(taken)):
            continue
        assignments = dict(zip(applicants, choice, strict=True))
        kwargs = {"reserved": reserved, "reserve_eligible": eligible}
        if not is_stable(applicants, opportunities, capacities, assignments, **kwargs):
            yield assignments


def chosen_blocking_pairs(applicants, opportunities, capacities, assignments, reserved, eligible):
    """The blocking pairs by the choice rule: a prefers c, and c's rule takes a from what it holds and a."""
    blocking = []
    for applicant, ranked in applicants.items():
        for opportunity in ranked[: preference_position(ranked, assignments[applicant])]:
            listed = opportunities[opportunity]
            if applicant not in listed:
                continue
            holds = {a for a, o in assignments.items() if o == opportunity} | {applicant}
            candidates = [a for a in listed if a in holds]
            seats = reserved.get(opportunity, 0)
            if applicant in choose(candidates, eligible, capacities[opportunity], seats):
                blocking.append((applicant, opportunity))
    return blocking


@MANY
@given(reserve_instances(), st.data())
def test_stability_clauses_and_the_choice_rule_find_the_same_blocking_pairs(case, data):
    applicants, opportunities, capacities, reserved, eligible = case
    # Any feasible matching, stable or not: each applicant takes an acceptable option while it has room.
    room = dict(capacities)
    assignments: dict[str, str | None] = {}
    for applicant, ranked in applicants.items():
        options = [None, *(o for o in ranked if applicant in opportunities[o] and room[o] > 0)]
        assignments[applicant] = pick = data.draw(st.sampled_from(options))
        if pick is not None:
            room[pick] -= 1

    by_clauses = is_stable(applicants, opportunities, capacities, assignments, **reserve_kwargs(case))
    by_choice = chosen_blocking_pairs(applicants, opportunities, capacities, assignments, reserved, eligible)
    assert by_clauses == by_choice


@MANY
@given(reserve_instances())
def test_result_is_stable_under_reserves_feasible_and_mutually_acceptable(case):
    applicants, opportunities, capacities, reserved, eligible = case
    result = allocate(applicants, opportunities, capacities, **reserve_kwargs(case), backend="python")

    assert set(result.assignments) == set(applicants)
    assert result.blocking_pairs() == []
    assert is_stable(applicants, opportunities, capacities, result.assignments, **reserve_kwargs(case)) == []
    for applicant, opportunity in result.assignments.items():
        if opportunity is not None:
            assert opportunity in applicants[applicant] and applicant in opportunities[opportunity]
    for opportunity, placed in result.placements.items():
        assert len(placed) <= capacities[opportunity]
        # The rule would keep exactly who is there.
        assert choose(placed, eligible, capacities[opportunity], reserved.get(opportunity, 0)) == placed


@MANY
@given(reserve_instances(max_applicants=5))
def test_result_is_the_applicant_optimal_matching_stable_under_reserves(case):
    applicants, opportunities, capacities, reserved, eligible = case
    result = allocate(applicants, opportunities, capacities, **reserve_kwargs(case), backend="python")
    found = list(stable_under_reserves(applicants, opportunities, capacities, reserved, eligible))

    assert result.assignments in found
    for other in found:
        for applicant, ranked in applicants.items():
            ours = preference_position(ranked, result.assignments[applicant])
            assert ours <= preference_position(ranked, other[applicant])


@MANY
@given(reserve_instances())
def test_every_refusal_under_reserves_is_true(case):
    applicants, opportunities, capacities, _, eligible = case
    result = allocate(applicants, opportunities, capacities, **reserve_kwargs(case), backend="python")
    for applicant in applicants:
        for refusal in result.why_unmatched(applicant):
            listed, where = opportunities[refusal.opportunity], refusal.opportunity
            if refusal.reason is RefusalReason.ZERO_CAPACITY:
                assert capacities[where] == 0
            elif refusal.reason is RefusalReason.NOT_RANKED:
                assert applicant not in listed
            else:
                assert refusal.reason in (RefusalReason.FULL, RefusalReason.RESERVED)
                placed = (*refusal.preferred, *refusal.reserve_holders)
                assert sorted(placed) == sorted(result.placements[where])
                assert len(placed) == capacities[where]
                assert all(listed.index(p) < listed.index(applicant) for p in refusal.preferred)
                assert all(listed.index(p) > listed.index(applicant) for p in refusal.reserve_holders)
                assert (refusal.reason is RefusalReason.RESERVED) == bool(refusal.reserve_holders)
                # Only someone not eligible loses to a reserve, and only to holders of reserved places.
                assert not refusal.reserve_holders or applicant not in eligible
                assert set(refusal.reserve_holders) <= set(result.reserve_holders.get(where, ()))


@MANY
@given(reserve_instances())
def test_reserved_places_are_held_by_the_best_ranked_eligible_placed(case):
    applicants, opportunities, capacities, reserved, eligible = case
    result = allocate(applicants, opportunities, capacities, **reserve_kwargs(case), backend="python")

    assert set(result.reserve_holders) == {o for o, r in reserved.items() if r}
    for opportunity, holders in result.reserve_holders.items():
        placed_eligible = [a for a in result.placements[opportunity] if a in eligible]
        assert holders == placed_eligible[: reserved[opportunity]]
    for applicant, opportunity in result.assignments.items():
        on_reserve = result.on_reserved_place(applicant)
        assert on_reserve == (applicant in result.reserve_holders.get(opportunity, ()))
        assert not on_reserve or applicant in eligible


@FAST
@given(instances(), st.data())
def test_with_no_reserves_in_effect_the_result_is_the_plain_one(instance, data):
    applicants, opportunities, capacities = instance
    plain = allocate(*instance, backend="python")
    nobody = allocate(*instance, reserved=capacities, reserve_eligible=(), backend="python")
    nothing = allocate(*instance, reserved={o: 0 for o in capacities}, reserve_eligible=applicants)
    assert plain.assignments == nobody.assignments == nothing.assignments
    assert plain.proposals == nobody.proposals == nothing.proposals

    # The reserve kernels themselves, forced to run: nothing reserved, nobody or everyone eligible.
    a = len(applicants)
    eligible = data.draw(st.sampled_from([np.zeros(a, bool), np.ones(a, bool)]))
    arrays = from_mappings(applicants, opportunities, capacities).arrays
    full_reserve = Reserve(arrays[4].copy(), eligible)
    none_reserved = Reserve(np.zeros(len(arrays[4]), np.int64), np.ones(a, bool))
    expected = solve(*arrays, "python")
    for backend in ("python", "compiled"):
        for reserve in (full_reserve, none_reserved):
            got = solve(*arrays, backend, reserve)
            assert np.array_equal(got.assignment, expected.assignment)
            assert got.proposals == expected.proposals


@FAST_COUNTING
@given(reserve_instances(max_applicants=12, max_opportunities=6, max_capacity=3))
def test_compiled_and_python_backends_agree_under_reserves(kernel_calls, case):
    before = kernel_calls["deferred_acceptance_reserved"]
    python = allocate(*case[:3], **reserve_kwargs(case), backend="python")
    compiled = allocate(*case[:3], **reserve_kwargs(case), backend="compiled")
    in_effect = any(case[3].values()) and bool(case[4])
    assert kernel_calls["deferred_acceptance_reserved"] == before + in_effect
    assert (compiled.assignments, compiled.proposals) == (python.assignments, python.proposals)


def random_reserves(seed: int, capacities: np.ndarray, n_app: int, share: float = 0.3):
    rng = np.random.default_rng(seed + 1000)
    reserved = np.minimum(capacities, rng.integers(0, 3, len(capacities)))
    return reserved, rng.random(n_app) < share


@pytest.mark.parametrize("seed", range(5))
def test_compiled_and_python_backends_agree_under_reserves_on_larger_instances(seed, kernel_calls):
    arrays = random_csr_instance(seed, n_app=2000, n_opp=150, k=8)
    reserved, eligible = random_reserves(seed, arrays[4], 2000)
    kwargs = {"reserved": reserved, "reserve_eligible": eligible}
    python = allocate_arrays(*arrays, **kwargs, backend="python")
    compiled = allocate_arrays(*arrays, **kwargs, backend="compiled")
    assert kernel_calls == {"build_ranks": 1, "deferred_acceptance_reserved": 1}
    assert np.array_equal(compiled.assignment, python.assignment)
    assert compiled.proposals == python.proposals
    # The reserves changed something, or this test would prove nothing about them.
    assert not np.array_equal(compiled.assignment, allocate_arrays(*arrays, backend="compiled").assignment)


@pytest.mark.parametrize("seed", range(3))
def test_dict_and_array_entry_points_agree_under_reserves(seed, backend):
    app_indptr, app_prefs, opp_indptr, opp_prefs, capacities = random_csr_instance(seed, 400, 40, 6)
    reserved, eligible = random_reserves(seed, capacities, 400)
    applicants = {
        f"a{i}": [f"o{o}" for o in app_prefs[app_indptr[i] : app_indptr[i + 1]]] for i in range(400)
    }
    opportunities = {
        f"o{j}": [f"a{a}" for a in opp_prefs[opp_indptr[j] : opp_indptr[j + 1]]] for j in range(40)
    }
    kwargs = {
        "reserved": {f"o{j}": int(r) for j, r in enumerate(reserved)},
        "reserve_eligible": {f"a{i}" for i in np.flatnonzero(eligible)},
    }
    caps = {f"o{j}": int(c) for j, c in enumerate(capacities)}
    by_dict = allocate(applicants, opportunities, caps, **kwargs, backend=backend)
    by_array = allocate_arrays(
        app_indptr,
        app_prefs,
        opp_indptr,
        opp_prefs,
        capacities,
        reserved=reserved,
        reserve_eligible=eligible,
        backend=backend,
    )
    assert by_dict.assignments == {
        f"a{i}": (f"o{o}" if o >= 0 else None) for i, o in enumerate(by_array.assignment)
    }
    assert by_dict.blocking_pairs() == []
    assert is_stable(applicants, opportunities, caps, by_dict.assignments) != []  # not stable without them
