"""Allocation on hand-made instances with known answers, and the edge cases of the contract."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.engine import RefusalReason, allocate, allocate_arrays, allocate_from_scores, is_stable


def test_gale_shapley_cyclic_example_gives_the_proposing_side_its_first_choices(backend):
    # Gale and Shapley (1962): three men and three women with cyclic preferences have three
    # stable matchings; deferred acceptance gives the proposers their first choices.
    men = {"alpha": ["A", "B", "C"], "beta": ["B", "C", "A"], "gamma": ["C", "A", "B"]}
    women = {
        "A": ["beta", "gamma", "alpha"],
        "B": ["gamma", "alpha", "beta"],
        "C": ["alpha", "beta", "gamma"],
    }
    ones = {w: 1 for w in women}

    men_propose = allocate(men, women, ones, backend=backend)
    assert men_propose.assignments == {"alpha": "A", "beta": "B", "gamma": "C"}
    assert men_propose.proposals == 3

    women_propose = allocate(women, men, {m: 1 for m in men}, backend=backend)
    assert women_propose.assignments == {"A": "beta", "B": "gamma", "C": "alpha"}


def test_hospital_residents_example_has_the_known_resident_optimal_matching(backend):
    # The five-resident, three-hospital instance of the `matching` package's tutorial.
    # By hand: A and S hold C; D displaces S at C; S moves to M; J is refused by C, held by G;
    # L is held by M. Resident-optimal answer: M {L, S}, C {D, A}, G {J}.
    residents = {
        "A": ["C"],
        "S": ["C", "M"],
        "D": ["C", "M", "G"],
        "J": ["C", "G", "M"],
        "L": ["M", "C", "G"],
    }
    hospitals = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
    result = allocate(residents, hospitals, {"M": 2, "C": 2, "G": 2}, backend=backend)

    assert result.assignments == {"A": "C", "S": "M", "D": "C", "J": "G", "L": "M"}
    assert result.placements == {"M": ["L", "S"], "C": ["D", "A"], "G": ["J"]}
    assert result.blocking_pairs() == []
    assert [r.reason for r in result.why_unmatched("J")] == [RefusalReason.FULL]
    assert result.why_unmatched("J")[0].preferred == ("D", "A")


def test_contract_example_places_the_applicant_where_both_sides_agree(backend):
    result = allocate(
        applicants={"a1": ["o2", "o1"], "a3": ["o1"]},
        opportunities={"o1": ["a1", "a3"], "o2": []},
        capacities={"o1": 2, "o2": 1},
        backend=backend,
    )
    # o2 lists nobody, so a1 falls through to o1, which has room for both.
    assert result.assignments == {"a1": "o1", "a3": "o1"}
    assert [r.reason for r in result.why_unmatched("a1")] == [RefusalReason.NOT_RANKED]


def test_zero_capacity_places_nobody_and_says_so(backend):
    result = allocate({"a1": ["o1"], "a2": ["o1"]}, {"o1": ["a1", "a2"]}, {"o1": 0}, backend=backend)
    assert result.assignments == {"a1": None, "a2": None}
    refusal = result.why_unmatched("a1")[0]
    assert refusal.reason is RefusalReason.ZERO_CAPACITY
    assert "no places" in refusal.message


def test_empty_inputs_and_empty_lists_are_allowed(backend):
    assert allocate({}, {}, {}, backend=backend).assignments == {}
    result = allocate({"a1": []}, {"o1": []}, {"o1": 3}, backend=backend)
    assert result.assignments == {"a1": None}
    assert result.why_unmatched("a1") == []
    assert result.placements == {"o1": []}


def test_applicant_who_ranks_only_unacceptable_programmes_is_unmatched(backend):
    result = allocate(
        {"a1": ["o1", "o2"], "a2": ["o1"]}, {"o1": ["a2"], "o2": ["a2"]}, {"o1": 1, "o2": 1}, backend=backend
    )
    assert result.assignments == {"a1": None, "a2": "o1"}
    assert [r.reason for r in result.why_unmatched("a1")] == [
        RefusalReason.NOT_RANKED,
        RefusalReason.NOT_RANKED,
    ]
    assert result.why_unmatched("a1")[0].message == "o1 did not rank you"


def test_more_applicants_than_places_fills_every_place_with_the_preferred(backend):
    applicants = {f"a{i}": ["o1", "o2"] for i in range(5)}
    opportunities = {"o1": ["a4", "a3", "a2", "a1", "a0"], "o2": ["a0", "a1", "a2", "a3", "a4"]}
    result = allocate(applicants, opportunities, {"o1": 2, "o2": 1}, backend=backend)
    assert result.assignments == {"a0": "o2", "a1": None, "a2": None, "a3": "o1", "a4": "o1"}
    assert result.why_unmatched("a1")[1].message == "o2 was full with 1 applicant it ranked higher"


def test_a_full_refusal_counts_the_applicants_placed_above(backend):
    result = allocate(
        {"a1": ["o1"], "a2": ["o1"], "a3": ["o1"]}, {"o1": ["a2", "a3", "a1"]}, {"o1": 2}, backend=backend
    )
    [refusal] = result.why_unmatched("a1")
    assert refusal.message == "o1 was full with 2 applicants it ranked higher"
    assert refusal.preferred == ("a2", "a3")


def test_more_places_than_applicants_places_everyone_at_their_first_choice(backend):
    result = allocate(
        {"a1": ["o1", "o2"], "a2": ["o1"]},
        {"o1": ["a2", "a1"], "o2": ["a1"]},
        {"o1": 5, "o2": 5},
        backend=backend,
    )
    assert result.assignments == {"a1": "o1", "a2": "o1"}
    assert result.placements["o1"] == ["a2", "a1"]


def test_seed_and_backend_are_recorded_in_the_result(backend):
    result = allocate({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": 1}, seed=42, backend=backend)
    assert (result.seed, result.backend) == (42, backend)


def test_ids_with_control_characters_are_ordinary_ids(backend):
    weird = {"a\x1f1": ["o\x1e1", "o2"], "a2": ["o2"]}
    result = allocate(
        weird, {"o\x1e1": ["a\x1f1"], "o2": ["a2", "a\x1f1"]}, {"o\x1e1": 1, "o2": 1}, backend=backend
    )
    assert result.assignments == {"a\x1f1": "o\x1e1", "a2": "o2"}


def test_unicode_and_empty_string_ids_are_ordinary_ids(backend):
    result = allocate(
        {"": ["Zürich"], "é": ["Zürich"]}, {"Zürich": ["é", ""]}, {"Zürich": 1}, backend=backend
    )
    assert result.assignments == {"": None, "é": "Zürich"}


def test_why_unmatched_rejects_unknown_applicant_and_covers_only_better_choices(backend):
    result = allocate(
        {"a1": ["o1", "o2", "o3"]},
        {"o1": [], "o2": ["a1"], "o3": ["a1"]},
        {"o1": 1, "o2": 1, "o3": 1},
        backend=backend,
    )
    assert result.assignments == {"a1": "o2"}
    assert [r.opportunity for r in result.why_unmatched("a1")] == ["o1"]
    with pytest.raises(ValueError, match="unknown applicant 'nobody'"):
        result.why_unmatched("nobody")


def test_is_stable_finds_blocking_pairs_and_refuses_infeasible_matchings():
    applicants = {"a1": ["o1"], "a2": ["o1"]}
    opportunities = {"o1": ["a1", "a2"]}
    assert is_stable(applicants, opportunities, {"o1": 1}, {"a1": None, "a2": "o1"}) == [("a1", "o1")]
    assert is_stable(applicants, opportunities, {"o1": 2}, {"a1": "o1", "a2": None}) == [("a2", "o1")]
    assert is_stable(applicants, opportunities, {"o1": 1}, {"a1": "o1", "a2": None}) == []
    with pytest.raises(ValueError, match="over capacity"):
        is_stable(applicants, opportunities, {"o1": 1}, {"a1": "o1", "a2": "o1"})
    with pytest.raises(ValueError, match=r"^'a1' and 'o1' are not mutually acceptable$"):
        is_stable({"a1": []}, opportunities, {"o1": 1}, {"a1": "o1"})
    with pytest.raises(ValueError, match=r"^unknown applicant 'a9' in the allocation$"):
        is_stable(applicants, opportunities, {"o1": 1}, {"a9": None})
    with pytest.raises(ValueError, match=r"^unknown opportunity 'o9' in the allocation$"):
        is_stable(applicants, opportunities, {"o1": 1}, {"a1": "o9"})


def test_is_stable_looks_past_choices_that_cannot_take_the_applicant():
    applicants = {"a1": ["o1", "o2", "o3"]}
    opportunities = {"o1": [], "o2": ["a1"], "o3": ["a1"]}
    capacities = {"o1": 1, "o2": 0, "o3": 1}
    assert is_stable(applicants, opportunities, capacities, {"a1": None}) == [("a1", "o3")]


def test_is_stable_ignores_an_applicants_choice_that_is_no_opportunity():
    applicants = {"a1": ["gone", "o1"], "a2": ["o1"]}
    assert is_stable(applicants, {"o1": ["a2", "a1"]}, {"o1": 1}, {"a1": None, "a2": "o1"}) == []


def test_allocate_arrays_matches_the_dict_contract(backend):
    # Applicants 0..2 rank [0, 1], [0], [1]; opportunities 0..1 rank [2, 0, 1], [0, 2].
    result = allocate_arrays(
        np.array([0, 2, 3, 4]),
        np.array([0, 1, 0, 1]),
        np.array([0, 3, 5]),
        np.array([2, 0, 1, 0, 2]),
        np.array([1, 1]),
        backend=backend,
    )
    # o0 also lists applicant 2, who did not rank it: not an acceptable pair.
    assert result.assignment.tolist() == [0, -1, 1]
    assert result.proposals == 3


def test_allocate_arrays_records_its_backend_and_positions_as_int32(backend):
    result = allocate_arrays(
        np.array([0, 1]), np.array([0]), np.array([0, 1]), np.array([0]), np.array([1]), backend=backend
    )
    assert (result.backend, result.assignment.dtype) == (backend, np.int32)


def test_allocation_from_scores_keeps_the_backend_proposals_and_timings_of_the_allocation(backend):
    scores = {("a1", "o1"): 0.9, ("a2", "o1"): 0.5, ("a2", "o2"): 0.4}
    result = allocate_from_scores(scores, {"o1": 1, "o2": 1}, seed=4, backend=backend)
    direct = allocate(result.applicants, result.opportunities, result.capacities, backend=backend)
    assert (
        (result.assignments, result.proposals)
        == (direct.assignments, direct.proposals)
        == (
            {"a1": "o1", "a2": "o2"},
            3,
        )
    )
    assert (result.backend, result.seed, set(result.timings)) == (backend, 4, {"build", "allocate"})
