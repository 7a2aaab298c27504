"""Properties of the allocation on random instances (Hypothesis), and the two back-ends agreeing."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.engine import RefusalReason, allocate, allocate_arrays, allocate_from_scores, is_stable

# No example database: the suite writes no files, and every run draws fresh examples.
FAST = settings(max_examples=60, deadline=None, database=None)
# kernel_calls only counts, so sharing it between examples is safe: each example reads a difference.
FAST_COUNTING = settings(FAST, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def instances(draw, max_applicants: int = 6, max_opportunities: int = 4, max_capacity: int = 3):
    """Random instances where either side may list ids the other side does not list back."""
    applicants = [f"a{i}" for i in range(draw(st.integers(0, max_applicants)))]
    opportunities = [f"o{j}" for j in range(draw(st.integers(0, max_opportunities)))]

    def ranked(pool: list[str]) -> st.SearchStrategy[list[str]]:
        return st.permutations(pool).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: list(p[:n])))

    return (
        {a: draw(ranked(opportunities)) for a in applicants},
        {o: draw(ranked(applicants)) for o in opportunities},
        {o: draw(st.integers(0, max_capacity)) for o in opportunities},
    )


def stable_matchings(applicants, opportunities, capacities):
    """Every stable matching, by brute force over all assignments to acceptable opportunities."""
    options = [[None, *(o for o in ranked if a in opportunities[o])] for a, ranked in applicants.items()]
    for choice in itertools.product(*options):
        assignments = dict(zip(applicants, choice, strict=True))
        taken = [o for o in choice if o is not None]
        if any(taken.count(o) > capacities[o] for o in set(taken)):
            continue
        if not is_stable(applicants, opportunities, capacities, assignments):
            yield assignments


def preference_position(ranked: list[str], opportunity: str | None) -> int:
    return len(ranked) if opportunity is None else ranked.index(opportunity)


@FAST
@given(instances())
def test_result_is_stable_feasible_and_mutually_acceptable(instance):
    applicants, opportunities, capacities = instance
    result = allocate(applicants, opportunities, capacities, backend="python")

    assert set(result.assignments) == set(applicants)
    assert is_stable(applicants, opportunities, capacities, result.assignments) == []
    for applicant, opportunity in result.assignments.items():
        if opportunity is not None:
            assert opportunity in applicants[applicant] and applicant in opportunities[opportunity]
    for opportunity, placed in result.placements.items():
        assert len(placed) <= capacities[opportunity]


@FAST
@given(instances(max_applicants=5, max_opportunities=3, max_capacity=2))
def test_result_is_the_applicant_optimal_stable_matching(instance):
    applicants, opportunities, capacities = instance
    result = allocate(applicants, opportunities, capacities, backend="python")
    found = list(stable_matchings(applicants, opportunities, capacities))

    assert result.assignments in found
    for other in found:
        for applicant, ranked in applicants.items():
            ours = preference_position(ranked, result.assignments[applicant])
            assert ours <= preference_position(ranked, other[applicant])


@FAST
@given(instances())
def test_every_refusal_reason_is_true(instance):
    applicants, opportunities, capacities = instance
    result = allocate(applicants, opportunities, capacities, backend="python")
    for applicant in applicants:
        for refusal in result.why_unmatched(applicant):
            listed = opportunities[refusal.opportunity]
            if refusal.reason is RefusalReason.ZERO_CAPACITY:
                assert capacities[refusal.opportunity] == 0
            elif refusal.reason is RefusalReason.NOT_RANKED:
                assert applicant not in listed
            else:
                assert refusal.reason is RefusalReason.FULL
                assert len(refusal.preferred) == capacities[refusal.opportunity]
                assert all(listed.index(p) < listed.index(applicant) for p in refusal.preferred)


@FAST_COUNTING
@given(instances(max_applicants=12, max_opportunities=6))
def test_compiled_and_python_backends_agree_on_small_instances(kernel_calls, instance):
    before = kernel_calls["deferred_acceptance"]
    python = allocate(*instance, backend="python")
    assert kernel_calls["deferred_acceptance"] == before  # the Python back-end stays in Python
    compiled = allocate(*instance, backend="compiled")
    assert kernel_calls["deferred_acceptance"] == before + 1
    assert (compiled.assignments, compiled.proposals) == (python.assignments, python.proposals)


def random_csr_instance(seed: int, n_app: int, n_opp: int, k: int):
    """A larger skewed instance in arrays: popular opportunities, partial reciprocity, tight places."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, n_opp + 1)
    rows = [
        list(dict.fromkeys(rng.choice(n_opp, size=k, p=weights / weights.sum()).tolist()))
        for _ in range(n_app)
    ]
    listed_by: list[list[int]] = [[] for _ in range(n_opp)]
    for a, row in enumerate(rows):
        for o in row:
            if rng.random() < 0.9:  # some applicants are not eligible for what they ranked
                listed_by[o].append(a)
    for row in listed_by:
        rng.shuffle(row)
    app_indptr = np.cumsum([0, *map(len, rows)])
    opp_indptr = np.cumsum([0, *map(len, listed_by)])
    app_prefs = np.array([o for row in rows for o in row], dtype=np.int64)
    opp_prefs = np.array([a for row in listed_by for a in row], dtype=np.int64)
    capacities = rng.integers(0, 4, n_opp)
    return app_indptr, app_prefs, opp_indptr, opp_prefs, capacities


@pytest.mark.parametrize("seed", range(5))
def test_compiled_and_python_backends_agree_on_larger_random_instances(seed, kernel_calls):
    arrays = random_csr_instance(seed, n_app=2000, n_opp=150, k=8)
    python = allocate_arrays(*arrays, backend="python")
    compiled = allocate_arrays(*arrays, backend="compiled")
    assert kernel_calls == {"build_ranks": 1, "deferred_acceptance": 1}
    assert np.array_equal(compiled.assignment, python.assignment)
    assert compiled.proposals == python.proposals


@pytest.mark.parametrize("seed", range(3))
def test_dict_and_array_entry_points_agree(seed, backend):
    app_indptr, app_prefs, opp_indptr, opp_prefs, capacities = random_csr_instance(seed, 400, 40, 6)
    applicants = {
        f"a{i}": [f"o{o}" for o in app_prefs[app_indptr[i] : app_indptr[i + 1]]] for i in range(400)
    }
    opportunities = {
        f"o{j}": [f"a{a}" for a in opp_prefs[opp_indptr[j] : opp_indptr[j + 1]]] for j in range(40)
    }
    by_dict = allocate(
        applicants, opportunities, {f"o{j}": int(c) for j, c in enumerate(capacities)}, backend=backend
    )
    by_array = allocate_arrays(app_indptr, app_prefs, opp_indptr, opp_prefs, capacities, backend=backend)
    assert by_dict.assignments == {
        f"a{i}": (f"o{o}" if o >= 0 else None) for i, o in enumerate(by_array.assignment)
    }
    assert is_stable(applicants, opportunities, by_dict.capacities, by_dict.assignments) == []


@st.composite
def tied_scores(draw):
    """Scores on a coarse grid so that ties are common, with random capacities."""
    applicants = [f"a{i}" for i in range(draw(st.integers(1, 8)))]
    opportunities = [f"o{j}" for j in range(draw(st.integers(1, 4)))]
    pairs = draw(st.sets(st.tuples(st.sampled_from(applicants), st.sampled_from(opportunities)), max_size=20))
    scores = {pair: draw(st.sampled_from([0.25, 0.5, 0.75])) for pair in sorted(pairs)}
    capacities = {o: draw(st.integers(0, 2)) for o in opportunities}
    return scores, capacities


@FAST
@given(tied_scores(), st.integers(0, 2**32 - 1))
def test_same_seed_gives_the_same_result_whatever_the_input_order(case, seed):
    scores, capacities = case
    first = allocate_from_scores(scores, capacities, seed=seed, backend="python")
    shuffled = list(scores.items())
    random.Random(seed).shuffle(shuffled)
    again = allocate_from_scores(
        dict(shuffled), dict(reversed(capacities.items())), seed=seed, backend="python"
    )

    assert again.assignments == first.assignments
    assert again.seed == first.seed == seed
    assert is_stable(first.applicants, first.opportunities, capacities, first.assignments) == []


def test_different_seeds_break_a_tie_differently():
    scores = {(f"a{i}", "o1"): 0.5 for i in range(10)}
    winners = {
        next(a for a, o in allocate_from_scores(scores, {"o1": 1}, seed=s).assignments.items() if o)
        for s in range(20)
    }
    assert len(winners) > 1
