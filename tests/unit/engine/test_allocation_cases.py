"""Allocation on hand-made instances with known answers, and the edge cases of the contract."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from matcher.engine import RefusalReason, allocate, allocate_arrays, is_stable


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


@pytest.mark.parametrize(
    ("applicants", "opportunities", "capacities", "culprit"),
    [
        ({1: ["o1"]}, {"o1": [1]}, {"o1": 1}, "1 (int)"),
        ({"a1": ["o1"]}, {("o", 1): ["a1"]}, {("o", 1): 1}, "('o', 1)"),
        ({"a1": [7]}, {"o1": ["a1"]}, {"o1": 1}, "lists 7 (int)"),
        ({"a1": ["o1"]}, {"o1": [None]}, {"o1": 1}, "lists None"),
        ({"a1": "o1"}, {"o1": ["a1"]}, {"o1": 1}, "not str"),
        ({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": 1.5}, "integer"),
    ],
)
def test_non_string_ids_and_bad_types_raise_a_clear_type_error(
    applicants, opportunities, capacities, culprit, backend
):
    with pytest.raises(TypeError, match=re.escape(culprit)):
        allocate(applicants, opportunities, capacities, backend=backend)


@pytest.mark.parametrize(
    ("applicants", "opportunities", "capacities", "message"),
    [
        ({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": 1, "o9": 2}, "capacity given for unknown opportunity 'o9'"),
        ({"a1": ["o1", "o7"]}, {"o1": ["a1"]}, {"o1": 1}, "applicant 'a1' lists unknown opportunity 'o7'"),
        ({"a1": ["o1"]}, {"o1": ["a1", "zz"]}, {"o1": 1}, "opportunity 'o1' lists unknown applicant 'zz'"),
        ({"a1": ["o1"]}, {"o1": ["a1"], "o2": []}, {"o1": 1}, "no capacity given for opportunity 'o2'"),
        ({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": -1}, "capacity of opportunity 'o1' is negative"),
        (
            {"a1": ["o1", "o1"]},
            {"o1": ["a1"]},
            {"o1": 1},
            "applicant 'a1' lists opportunity 'o1' more than once",
        ),
        (
            {"a1": ["o1"]},
            {"o1": ["a1", "a1"]},
            {"o1": 1},
            "opportunity 'o1' lists applicant 'a1' more than once",
        ),
    ],
)
def test_unknown_ids_and_bad_values_raise_a_value_error_naming_them(
    applicants, opportunities, capacities, message, backend
):
    with pytest.raises(ValueError, match=re.escape(message)):
        allocate(applicants, opportunities, capacities, backend=backend)


def test_ids_containing_separator_characters_still_resolve(backend):
    # The compiled id look-up joins ids with control characters; such ids must take the exact path.
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
    with pytest.raises(ValueError, match="not mutually acceptable"):
        is_stable({"a1": []}, opportunities, {"o1": 1}, {"a1": "o1"})


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


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        (([0, 1], [5], [0, 1], [0], [1]), "applicant 0 ranks opportunity 5, which does not exist"),
        (([0, 1], [0], [0, 1], [3], [1]), "opportunity 0 ranks applicant 3, which does not exist"),
        (([0, 2], [0, 0], [0, 1], [0], [1]), "applicant 0 ranks opportunity 0 more than once"),
        (([0, 1], [0], [0, 2], [0, 0], [1]), "opportunity 0 ranks applicant 0 more than once"),
        (([0, 1], [0], [0, 1], [0], [-2]), "capacity of opportunity 0 is negative"),
        (([0, 1], [0], [0, 1], [0], [1, 1]), "one entry per opportunity"),
        (([1, 1], [0], [0, 1], [0], [1]), "start at 0"),
        (([0, 2], [0], [0, 1], [0], [1]), "end at len"),
        (([0, 2, 1, 2], [0, 0], [0, 1], [0], [1]), "non-decreasing; applicant 1 ends before it starts"),
        (([0, 1], [0], [0, 1, 0, 1], [0], [1, 1, 1]), "non-decreasing; opportunity 1 ends before"),
        (([], [], [0, 1], [0], [1]), r"applicant row pointers must start at 0 \(give \[0\]"),
        (([0, 1], [0], [], [], []), r"opportunity row pointers must start at 0 \(give \[0\]"),
    ],
)
def test_allocate_arrays_rejects_malformed_arrays(arrays, message, backend):
    with pytest.raises(ValueError, match=message):
        allocate_arrays(*(np.array(a) for a in arrays), backend=backend)


def test_allocate_arrays_accepts_zero_applicants_and_zero_opportunities(backend):
    none = np.array([0])
    result = allocate_arrays(
        none, np.array([], int), none, np.array([], int), np.array([], int), backend=backend
    )
    assert (result.assignment.tolist(), result.proposals) == ([], 0)
    only_applicants = allocate_arrays(
        np.array([0, 0, 0]), np.array([], int), none, np.array([], int), np.array([], int), backend=backend
    )
    assert only_applicants.assignment.tolist() == [-1, -1]


ONE_PAIR = {"applicant_indptr": [0, 1], "applicant_prefs": [0], "opportunity_indptr": [0, 1]}


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"applicant_indptr": np.array([[0, 1]])}, ValueError, "applicant row pointers must be 1-D, not 2-D"),
        ({"opportunity_indptr": np.zeros((2, 1), int)}, ValueError, "opportunity row pointers must be 1-D"),
        ({"applicant_prefs": np.array([[0]])}, ValueError, "applicant preferences must be 1-D, not 2-D"),
        (
            {"applicant_indptr": np.array([0.0, 1.0])},
            TypeError,
            "row pointers must hold integers, not float64",
        ),
        ({"applicant_prefs": np.array([0.0])}, TypeError, "applicant preferences must hold integers"),
        ({"capacities": np.array([1.5])}, TypeError, "capacities must hold integers, not float64"),
        ({"capacities": np.array([True])}, TypeError, "capacities must hold integers, not bool"),
        (
            {"applicant_prefs": np.array([2**31])},
            ValueError,
            "applicant preferences hold position 2147483648",
        ),
        ({"opportunity_prefs": np.array([2**40])}, ValueError, "opportunity preferences hold position 10995"),
        ({"applicant_prefs": np.array([2**31], np.uint32)}, ValueError, "hold position 2147483648, beyond"),
        ({"applicant_prefs": np.array([2**63], np.uint64)}, ValueError, "hold position 9223372036854775808"),
        ({"opportunity_prefs": np.array([-(2**31) - 1])}, ValueError, "hold position -2147483649, beyond"),
        ({"applicant_prefs": np.array([-1])}, ValueError, "applicant 0 ranks opportunity -1, which does not"),
        (
            {"opportunity_prefs": np.array([2**31 - 1])},
            ValueError,
            "ranks applicant 2147483647, which does not",
        ),
        ({"applicant_indptr": np.array([0, 2**64 - 1, 1], np.uint64)}, ValueError, "non-decreasing"),
    ],
)
def test_allocate_arrays_refuses_what_the_unchecked_kernels_cannot_take(changes, error, message, backend):
    arrays = {**ONE_PAIR, "opportunity_prefs": [0], "capacities": [1], **changes}
    if "applicant_indptr" in changes and len(changes["applicant_indptr"]) == 3:
        arrays["applicant_prefs"] = [0]  # the third pointer is the one that must end at len(prefs)
    with pytest.raises(error, match=re.escape(message)):
        allocate_arrays(*(np.asarray(arrays[name]) for name in ARRAY_ARGUMENTS), backend=backend)


ARRAY_ARGUMENTS = (
    "applicant_indptr",
    "applicant_prefs",
    "opportunity_indptr",
    "opportunity_prefs",
    "capacities",
)


def test_allocate_arrays_keeps_narrow_unsigned_positions(backend):
    result = allocate_arrays(
        np.array([0, 1], np.uint8),
        np.array([0], np.uint32),
        np.array([0, 1], np.uint16),
        np.array([0], np.uint64),
        np.array([1], np.uint8),
        backend=backend,
    )
    assert result.assignment.tolist() == [0]


def test_compiled_backend_runs_the_numba_kernels_and_python_does_not(kernel_calls):
    instance = ({"a1": ["o1"], "a2": ["o1"]}, {"o1": ["a2", "a1"]}, {"o1": 1})
    assert allocate(*instance, backend="python").assignments == {"a1": None, "a2": "o1"}
    assert kernel_calls == {}
    assert allocate(*instance, backend="compiled").assignments == {"a1": None, "a2": "o1"}
    assert kernel_calls == {"build_ranks": 1, "deferred_acceptance": 1}


def test_numba_from_the_requirements_makes_auto_choose_the_compiled_backend(monkeypatch):
    monkeypatch.delenv("MATCHER_ENGINE_BACKEND", raising=False)
    assert allocate({}, {}, {}).backend == "compiled"
    assert allocate({}, {}, {}, backend="auto").backend == "compiled"


def test_backend_is_chosen_by_argument_or_environment(monkeypatch):
    monkeypatch.setenv("MATCHER_ENGINE_BACKEND", "python")
    assert allocate({}, {}, {}).backend == "python"
    monkeypatch.setenv("MATCHER_ENGINE_BACKEND", "turbo")
    with pytest.raises(ValueError, match="unknown engine backend 'turbo'"):
        allocate({}, {}, {})


def test_without_numba_auto_falls_back_to_python_and_compiled_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # makes `import numba` fail
    monkeypatch.delitem(sys.modules, "matcher.engine._solve_numba", raising=False)
    monkeypatch.delenv("MATCHER_ENGINE_BACKEND", raising=False)
    assert allocate({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": 1}).backend == "python"
    with pytest.raises(RuntimeError, match="needs numba"):
        allocate({}, {}, {}, backend="compiled")
