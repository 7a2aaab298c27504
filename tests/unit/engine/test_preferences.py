"""Ranked lists from scores: own rankings first, seeded lottery for ties, arrays equal to dicts."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.engine import (
    RefusalReason,
    allocate_arrays,
    allocate_from_scores,
    csr_from_scores,
    lottery,
    preferences_from_scores,
)


def test_scores_order_both_sides_best_first():
    scores = {("a1", "o1"): 0.9, ("a1", "o2"): 0.4, ("a2", "o1"): 0.3, ("a2", "o2"): 0.8}
    prefs = preferences_from_scores(scores, seed=1)
    assert prefs.applicants == {"a1": ["o1", "o2"], "a2": ["o2", "o1"]}
    assert prefs.opportunities == {"o1": ["a1", "a2"], "o2": ["a2", "a1"]}
    assert prefs.seed == 1


def test_ties_follow_the_seeded_lottery():
    scores = {(f"a{i}", "o1"): 0.5 for i in range(6)}
    draw = lottery([f"a{i}" for i in range(6)], 7)
    prefs = preferences_from_scores(scores, seed=7)
    assert prefs.opportunities["o1"] == sorted(draw, key=draw.get)
    assert lottery(reversed(list(draw)), 7) == draw


def test_own_rankings_replace_scores_and_ineligible_choices_are_explained():
    scores = {("a1", "o1"): 0.9, ("a1", "o2"): 0.2, ("a2", "o1"): 0.5}
    result = allocate_from_scores(
        scores,
        {"o1": 1, "o2": 1, "o3": 1},
        seed=3,
        applicant_ranks={"a1": ["o3", "o2", "o1"]},
        opportunity_ranks={"o1": ["a2", "a1"]},
    )
    assert result.applicants["a1"] == ["o3", "o2", "o1"]
    assert result.opportunities["o1"] == ["a2", "a1"]
    assert result.assignments == {"a1": "o2", "a2": "o1"}
    refusal = result.why_unmatched("a1")[0]
    assert (refusal.opportunity, refusal.reason) == ("o3", RefusalReason.NOT_ELIGIBLE)
    assert refusal.message == "o3: you are not eligible for it"
    assert result.seed == 3


def test_opportunities_without_eligible_applicants_get_empty_lists():
    result = allocate_from_scores({("a1", "o1"): 1.0}, {"o1": 1, "o2": 4}, seed=0)
    assert result.opportunities["o2"] == []
    assert result.assignments == {"a1": "o1"}


def test_nan_scores_are_refused():
    with pytest.raises(ValueError, match=r"^score of \('a1', 'o1'\) is not a number: nan$"):
        preferences_from_scores({("a1", "o1"): float("nan")}, seed=0)
    with pytest.raises(ValueError, match=r"^scores must not be NaN$"):
        csr_from_scores([0], [0], [float("nan")], 1, 1, seed=0)


def test_array_lists_give_empty_rows_to_the_last_ids_without_pairs():
    app_indptr, app_prefs, opp_indptr, opp_prefs = csr_from_scores([0], [0], [0.5], 3, 2, seed=0)
    assert (app_indptr.tolist(), opp_indptr.tolist()) == ([0, 1, 1, 1], [0, 1, 1])
    assert (app_prefs.tolist(), opp_prefs.tolist()) == ([0], [0])


@pytest.mark.parametrize("seed", [0, 11, 2024])
def test_array_lists_equal_dict_lists_for_the_same_seed(seed, backend):
    rng = np.random.default_rng(seed)
    n_app, n_opp = 60, 8
    pairs = {
        (a, o)
        for a, o in zip(
            rng.integers(0, n_app, 300).tolist(), rng.integers(0, n_opp, 300).tolist(), strict=True
        )
    }
    applicant, opportunity = (np.array(side) for side in zip(*sorted(pairs), strict=True))
    score = rng.choice([0.2, 0.5, 0.8], len(applicant))  # coarse, so that ties are common
    ids_a, ids_o = [f"a{i:03d}" for i in range(n_app)], [f"o{j:03d}" for j in range(n_opp)]

    by_dict = preferences_from_scores(
        {(ids_a[a], ids_o[o]): s for a, o, s in zip(applicant, opportunity, score, strict=True)},
        seed=seed,
        applicants=ids_a,
        opportunities=ids_o,
    )
    app_indptr, app_prefs, opp_indptr, opp_prefs = csr_from_scores(
        applicant, opportunity, score, n_app, n_opp, seed=seed
    )
    assert by_dict.applicants == {
        ids_a[i]: [ids_o[o] for o in app_prefs[app_indptr[i] : app_indptr[i + 1]]] for i in range(n_app)
    }
    assert by_dict.opportunities == {
        ids_o[j]: [ids_a[a] for a in opp_prefs[opp_indptr[j] : opp_indptr[j + 1]]] for j in range(n_opp)
    }
    capacities = rng.integers(0, 5, n_opp)
    dict_result = allocate_from_scores(
        {(ids_a[a], ids_o[o]): s for a, o, s in zip(applicant, opportunity, score, strict=True)},
        dict(zip(ids_o, capacities.tolist(), strict=True)),
        seed=seed,
        applicants=ids_a,
        backend=backend,
    )
    array_result = allocate_arrays(app_indptr, app_prefs, opp_indptr, opp_prefs, capacities, backend=backend)
    expected = {ids_a[i]: (ids_o[o] if o >= 0 else None) for i, o in enumerate(array_result.assignment)}
    assert dict_result.assignments == expected
