"""Soft reserves by hand: the rule on small cases, the explanations, and the contract's input checks."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.engine import RefusalReason, Voice, allocate, allocate_arrays, allocate_from_scores, choose
from matcher.engine._csr import from_arrays
from matcher.engine._solve import Reserve, solve
from matcher.engine.reasons import OUTCOMES, render_outcome
from tests.unit.engine.test_allocation_properties import random_csr_instance

AMARA = Voice.named("Amara Okafor")
# One elective with two places, one of them reserved; the host ranks a1 > a2 > a3 > a4.
ONE = (
    {"a1": ["o1"], "a2": ["o1"], "a3": ["o1"], "a4": ["o1"]},
    {"o1": ["a1", "a2", "a3", "a4"]},
    {"o1": 2},
)


def test_the_reserved_place_goes_to_the_best_ranked_eligible_applicant_even_ranked_last(backend):
    result = allocate(*ONE, reserved={"o1": 1}, reserve_eligible={"a4"}, backend=backend)

    assert result.assignments == {"a1": "o1", "a2": None, "a3": None, "a4": "o1"}
    assert result.reserve_holders == {"o1": ["a4"]}
    assert [result.on_reserved_place(a) for a in ("a1", "a2", "a3", "a4")] == [False, False, False, True]
    assert result.blocking_pairs() == []


def test_an_eligible_applicant_ranked_high_enough_fills_the_reserve_and_frees_nothing(backend):
    result = allocate(*ONE, reserved={"o1": 1}, reserve_eligible={"a1", "a4"}, backend=backend)

    assert result.assignments == {"a1": "o1", "a2": "o1", "a3": None, "a4": None}
    assert result.reserve_holders == {"o1": ["a1"]}  # filled first, by the best-ranked eligible


def test_reserved_places_nobody_eligible_wants_go_to_anyone(backend):
    applicants, opportunities, capacities = ONE
    result = allocate(
        {**applicants, "a5": ["o2"]},  # the one eligible applicant wants only o2
        {**opportunities, "o2": ["a5"]},
        {**capacities, "o2": 1},
        reserved={"o1": 2},
        reserve_eligible={"a5"},
        backend=backend,
    )

    assert result.assignments == {"a1": "o1", "a2": "o1", "a3": None, "a4": None, "a5": "o2"}
    assert result.reserve_holders == {"o1": []}
    assert result.why_unmatched("a3")[0].reason is RefusalReason.FULL


def test_an_eligible_proposer_displaces_a_reserve_holder_who_then_takes_an_open_place(backend):
    # a3 holds o1's reserved place and a4 its open one, until a2 (eligible, ranked higher) comes
    # back from o2: a2 takes the reserved place, and a3 the open place from a4.
    applicants = {"a2": ["o2", "o1"], "a3": ["o1"], "a4": ["o1"], "c": ["o2"]}
    opportunities = {"o1": ["a2", "a3", "a4"], "o2": ["c", "a2"]}
    kwargs = {"reserved": {"o1": 1}, "reserve_eligible": {"a2", "a3"}}
    result = allocate(applicants, opportunities, {"o1": 2, "o2": 1}, **kwargs, backend=backend)

    assert result.assignments == {"a2": "o1", "a3": "o1", "a4": None, "c": "o2"}
    assert result.reserve_holders == {"o1": ["a2"]}
    assert result.on_reserved_place("a2") and not result.on_reserved_place("a3")
    assert result.proposals == 5  # a2 twice (o2, then o1), the others once each
    (full,) = result.why_unmatched("a4")
    assert (full.reason, full.preferred) == (RefusalReason.FULL, ("a2", "a3"))


def test_with_every_place_reserved_only_eligible_applicants_hold_them_while_they_ask(backend):
    result = allocate(*ONE, reserved={"o1": 2}, reserve_eligible={"a3", "a4"}, backend=backend)

    assert result.assignments == {"a1": None, "a2": None, "a3": "o1", "a4": "o1"}
    assert result.reserve_holders == {"o1": ["a3", "a4"]}
    refusal = result.why_unmatched("a1")[0]
    assert (refusal.reason, refusal.preferred, refusal.reserve_holders) == (
        RefusalReason.RESERVED,
        (),
        ("a3", "a4"),
    )


def test_a_refusal_to_a_reserve_names_who_was_ranked_above_and_who_holds_the_reserve():
    result = allocate(*ONE, reserved={"o1": 1}, reserve_eligible={"a4"})
    (lost,) = result.why_unmatched("a2")
    assert lost.reason is RefusalReason.RESERVED
    assert (lost.preferred, lost.reserve_holders) == (("a1",), ("a4",))
    assert lost.message == (
        "o1 ranked you above 1 applicant it placed on a reserved place, which you are not eligible for"
    )
    assert lost.text(AMARA) == (
        "o1 ranked Amara Okafor above 1 applicant it placed on a reserved place, which Amara Okafor "
        "is not eligible for"
    )
    # a4, ranked last, got the reserved place; a3 was ranked above a4 too, below a1.
    assert result.why_unmatched("a3")[0].reserve_holders == ("a4",)
    # An eligible applicant is never refused for a reserve: it is full of applicants ranked higher.
    both = allocate(*ONE, reserved={"o1": 2}, reserve_eligible={"a1", "a2", "a4"})
    assert both.why_unmatched("a4")[0].reason is RefusalReason.FULL
    assert both.why_unmatched("a3")[0].reserve_holders == ()


def test_how_placed_says_placed_on_a_reserved_place_to_the_applicant_and_to_staff():
    result = allocate(*ONE, reserved={"o1": 1}, reserve_eligible={"a4"})

    assert result.how_placed("a4") == "You were placed on a reserved place at o1"
    assert result.how_placed("a4", AMARA) == "Amara Okafor was placed on a reserved place at o1"
    assert result.how_placed("a1") == "You were placed at o1"
    assert result.how_placed("a2") is None
    with pytest.raises(ValueError, match=r"^unknown applicant 'zz'$"):
        result.how_placed("zz")
    with pytest.raises(ValueError, match=r"^unknown applicant 'zz'$"):
        result.on_reserved_place("zz")


def test_several_reserve_holders_are_counted_in_the_refusal_words():
    assert render_outcome("refused.reserved", {"opportunity": "o1", "reserved": 2}) == (
        "o1 ranked you above 2 applicants it placed on reserved places, which you are not eligible for"
    )
    assert set(OUTCOMES) == {"placed", "placed.reserved"} | {f"refused.{r.value}" for r in RefusalReason}


def test_choose_takes_the_reserve_first_then_the_best_of_the_rest_in_rank_order():
    ranked = ["a1", "a2", "a3", "a4", "a5"]
    assert choose(ranked, {"a4", "a5"}, capacity=3, seats=1) == ["a1", "a2", "a4"]
    assert choose(ranked, {"a4", "a5"}, capacity=3, seats=2) == ["a1", "a4", "a5"]
    assert choose(ranked, {"a2", "a5"}, capacity=3, seats=1) == ["a1", "a2", "a3"]
    assert choose(ranked, set(), capacity=3, seats=3) == ["a1", "a2", "a3"]
    assert choose(ranked[:2], {"a2"}, capacity=3, seats=2) == ["a1", "a2"]
    assert choose(ranked, {"a1"}, capacity=0, seats=0) == []


def test_without_reserves_the_allocation_reports_none():
    result = allocate(*ONE)
    assert (result.reserved, result.reserve_eligible, result.reserve_holders) == ({}, frozenset(), {})
    assert not result.on_reserved_place("a1")
    # Reserved numbers of 0 are dropped; eligibility is kept as given.
    zero = allocate(*ONE, reserved={"o1": 0}, reserve_eligible=["a2", "a2"])
    assert (zero.reserved, zero.reserve_eligible) == ({}, frozenset({"a2"}))


def test_reserves_are_keyword_only():
    with pytest.raises(TypeError):
        allocate(*ONE, {"o1": 1})  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reserved": {"o1": 3}}, r"^opportunity 'o1' reserves 3 places but has only 2$"),
        ({"reserved": {"o1": -1}}, r"^reserved places of opportunity 'o1' must not be negative \(-1\)$"),
        ({"reserved": {"o9": 1}}, r"^reserved places given for unknown opportunity 'o9'$"),
        ({"reserved": {"o1": 1.0}}, r"^reserved places of opportunity 'o1' must be an integer, not 1.0$"),
        ({"reserved": {"o1": True}}, r"^reserved places of opportunity 'o1' must be an integer, not True$"),
        (
            {"reserved": [("o1", 1)]},
            r"^reserved must be a mapping of opportunity id to a number of places, not list$",
        ),
        ({"reserve_eligible": "a1"}, r"^reserve_eligible must be a collection of applicant ids, not str$"),
        ({"reserve_eligible": 3}, r"^reserve_eligible must be a collection of applicant ids, not int$"),
        ({"reserve_eligible": {"a1", "zz"}}, r"^reserve_eligible lists unknown applicant 'zz'$"),
        ({"reserve_eligible": ["zz", 1, "yy"]}, r"^reserve_eligible lists unknown applicant 'yy'$"),
        ({"reserve_eligible": [1]}, r"^reserve_eligible holds 1 \(int\); applicant ids are strings$"),
        ({"reserve_eligible": [["a1"]]}, r"^reserve_eligible must hold applicant ids \(strings\)$"),
    ],
)
def test_bad_reserve_arguments_are_value_errors_naming_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message):
        allocate(*ONE, **kwargs)


ARRAYS = tuple(np.array(a) for a in ([0, 1, 2], [0, 0], [0, 2], [1, 0], [1]))


def test_array_path_takes_reserves_per_opportunity_and_eligibility_per_applicant(backend):
    plain = allocate_arrays(*ARRAYS, backend=backend)
    reserved = allocate_arrays(
        *ARRAYS, reserved=np.array([1]), reserve_eligible=np.array([True, False]), backend=backend
    )
    assert plain.assignment.tolist() == [-1, 0]
    assert reserved.assignment.tolist() == [0, -1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reserved": np.array([2])}, r"^opportunity 0 reserves 2 places but has only 1$"),
        ({"reserved": np.array([-1])}, r"^reserved places of opportunity 0 must not be negative \(-1\)$"),
        ({"reserved": np.array([1, 0])}, r"^reserved must have one entry per opportunity \(1\), not \(2,\)$"),
        ({"reserved": np.array([0.5])}, r"^reserved must hold integers, not float64$"),
        ({"reserve_eligible": np.array([1, 0])}, r"^reserve_eligible must be an array of bools, not int64$"),
        (
            {"reserve_eligible": np.array([True])},
            r"^reserve_eligible must have one entry per applicant \(2\), not \(1,\)$",
        ),
    ],
)
def test_bad_reserve_arrays_are_value_errors_naming_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message):
        allocate_arrays(*ARRAYS, **kwargs)


def test_the_reserve_kernel_receives_the_engine_dtypes_whatever_the_callers_integers(kernel_calls):
    allocate(*ONE, reserved={"o1": np.int8(1)}, reserve_eligible={"a4"}, backend="compiled")
    for dtype in (np.int32, np.int64, np.uint8):
        arrays = [a.astype(dtype) for a in ARRAYS]
        reserved = np.array([1], dtype)
        allocate_arrays(
            *arrays, reserved=reserved, reserve_eligible=np.array([True, False]), backend="compiled"
        )
    i32, i64 = "int32", "int64"
    assert kernel_calls["deferred_acceptance_reserved"] == 4
    assert kernel_calls.dtypes["deferred_acceptance_reserved"] == {
        (i64, i32, i32, i64, i32, i64, i64, "bool", i32, i64, i32, "int8", i64)
    }


def test_allocate_from_scores_passes_the_reserves_on(backend):
    scores = {("a1", "o1"): 0.9, ("a2", "o1"): 0.8, ("a3", "o1"): 0.4}
    plain = allocate_from_scores(scores, {"o1": 1}, seed=1, backend=backend)
    reserved = allocate_from_scores(
        scores, {"o1": 1}, seed=1, reserved={"o1": 1}, reserve_eligible={"a3"}, backend=backend
    )
    assert plain.assignments == {"a1": "o1", "a2": None, "a3": None}
    assert reserved.assignments == {"a1": None, "a2": None, "a3": "o1"}
    assert reserved.on_reserved_place("a3") and reserved.blocking_pairs() == []


@pytest.mark.parametrize("seed", range(3))
def test_the_reserve_kernels_with_nothing_reserved_give_the_plain_result_on_larger_instances(seed):
    arrays = random_csr_instance(seed, n_app=2000, n_opp=150, k=8)
    checked = from_arrays(*arrays)
    plain = solve(*checked, "compiled")
    eligible = np.random.default_rng(seed).random(2000) < 0.5
    for backend in ("python", "compiled"):
        for reserve in (
            Reserve(np.zeros(150, np.int64), eligible),  # nothing reserved
            Reserve(checked.capacity.copy(), np.zeros(2000, bool)),  # nobody eligible
            Reserve(checked.capacity.copy(), np.ones(2000, bool)),  # everyone eligible
        ):
            got = solve(*checked, backend, reserve)
            assert np.array_equal(got.assignment, plain.assignment)
            assert got.proposals == plain.proposals


def test_array_path_with_reserves_but_nobody_eligible_or_nothing_reserved_runs_the_plain_kernel(kernel_calls):
    plain = allocate_arrays(*ARRAYS, backend="compiled").assignment.tolist()
    assert allocate_arrays(*ARRAYS, reserved=np.array([1]), backend="compiled").assignment.tolist() == plain
    nobody = np.array([False, False])
    with_nobody = allocate_arrays(
        *ARRAYS, reserved=np.array([1]), reserve_eligible=nobody, backend="compiled"
    )
    assert with_nobody.assignment.tolist() == plain
    everyone = np.array([True, True])
    assert (
        allocate_arrays(*ARRAYS, reserve_eligible=everyone, backend="compiled").assignment.tolist() == plain
    )
    assert kernel_calls["deferred_acceptance"] == 4
    assert kernel_calls["deferred_acceptance_reserved"] == 0


def test_array_path_names_the_first_opportunity_reserving_more_than_it_has_whatever_comes_before():
    one_applicant = (
        np.array([0, 1]),
        np.array([0]),
        np.array([0, 1, 1, 1]),
        np.array([0]),
        np.array([1, 1, 1]),
    )
    with pytest.raises(ValueError, match=r"^opportunity 2 reserves 3 places but has only 1$"):
        allocate_arrays(*one_applicant, reserved=np.array([0, 1, 3]))


def test_array_path_without_opportunities_takes_an_empty_reserve():
    empty = (np.array([0, 0]), np.array([], np.int32), np.array([0]), np.array([], np.int32), np.array([]))
    result = allocate_arrays(*empty, reserved=np.array([]), reserve_eligible=np.array([True]))
    assert result.assignment.tolist() == [-1]
