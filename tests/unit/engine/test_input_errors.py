"""Bad input stops before the kernels (which run without bounds checks), with the whole message exact."""

from __future__ import annotations

import re
from collections import UserList

import numpy as np
import pytest

from matcher.engine import allocate, allocate_arrays


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


@pytest.mark.parametrize(
    ("applicants", "opportunities", "capacities", "message"),
    [
        ([("a1", ["o1"])], {}, {}, "applicants must be a mapping of id to values, not list"),
        ({}, None, {}, "opportunities must be a mapping of id to values, not NoneType"),
        ({}, {}, [], "capacities must be a mapping of id to values, not list"),
        ({1: ["o1"]}, {"o1": [1]}, {"o1": 1}, "applicant ids must be strings; got 1 (int)"),
        ({}, {("o", 1): []}, {("o", 1): 1}, "opportunity ids must be strings; got ('o', 1) (tuple)"),
        ({}, {"o1": []}, {"o1": 1, 2: 1}, "opportunity (in capacities) ids must be strings; got 2 (int)"),
        (
            {"a1": [7]},
            {"o1": ["a1"]},
            {"o1": 1},
            "applicant 'a1' lists 7 (int); opportunity ids must be strings",
        ),
        (
            {"a1": ["o1"]},
            {"o1": [None]},
            {"o1": 1},
            "opportunity 'o1' lists None (NoneType); applicant ids must be strings",
        ),
        (
            {"a1": "o1"},
            {},
            {},
            "the preferences of applicant 'a1' must be a list of opportunity ids, not str",
        ),
        (
            {},
            {"o1": b"a1"},
            {"o1": 1},
            "the preferences of opportunity 'o1' must be a list of applicant ids, not bytes",
        ),
        (
            {},
            {"o1": {"a1"}},
            {"o1": 1},
            "the preferences of opportunity 'o1' must be a list of applicant ids, not set",
        ),
        ({}, {"o1": []}, {"o1": 1.5}, "capacity of opportunity 'o1' must be an integer, not 1.5"),
        ({}, {"o1": []}, {"o1": True}, "capacity of opportunity 'o1' must be an integer, not True"),
    ],
)
def test_the_dict_contract_names_what_has_the_wrong_type(
    applicants, opportunities, capacities, message, backend
):
    with pytest.raises(TypeError, match=exactly(message)):
        allocate(applicants, opportunities, capacities, backend=backend)


@pytest.mark.parametrize(
    ("applicants", "opportunities", "capacities", "message"),
    [
        ({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": 1, "o9": 2}, "capacity given for unknown opportunity 'o9'"),
        ({"a1": ["o1", "o7"]}, {"o1": ["a1"]}, {"o1": 1}, "applicant 'a1' lists unknown opportunity 'o7'"),
        ({"a1": ["o1"]}, {"o1": ["a1", "zz"]}, {"o1": 1}, "opportunity 'o1' lists unknown applicant 'zz'"),
        ({"a1": ["o1"]}, {"o1": ["a1"], "o2": []}, {"o1": 1}, "no capacity given for opportunity 'o2'"),
        ({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": -1}, "capacity of opportunity 'o1' is negative (-1)"),
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
def test_the_dict_contract_names_unknown_ids_and_bad_values(
    applicants, opportunities, capacities, message, backend
):
    with pytest.raises(ValueError, match=exactly(message)):
        allocate(applicants, opportunities, capacities, backend=backend)


def test_any_sequence_of_ids_is_a_ranked_list(backend):
    result = allocate({"a1": UserList(["o1"])}, {"o1": ("a1",)}, {"o1": np.int64(1)}, backend=backend)
    assert result.assignments == {"a1": "o1"}


ARRAY_ARGUMENTS = (
    "applicant_indptr",
    "applicant_prefs",
    "opportunity_indptr",
    "opportunity_prefs",
    "capacities",
)
# One applicant and one opportunity that rank each other, with one place.
ONE_PAIR = {
    name: [0, 1] if name.endswith("indptr") else [0] if name.endswith("prefs") else [1]
    for name in ARRAY_ARGUMENTS
}


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"applicant_prefs": [5]}, ValueError, "applicant 0 ranks opportunity 5, which does not exist"),
        ({"applicant_prefs": [1]}, ValueError, "applicant 0 ranks opportunity 1, which does not exist"),
        ({"applicant_prefs": [-1]}, ValueError, "applicant 0 ranks opportunity -1, which does not exist"),
        ({"opportunity_prefs": [1]}, ValueError, "opportunity 0 ranks applicant 1, which does not exist"),
        (
            {"opportunity_prefs": [-(2**31)]},
            ValueError,
            "opportunity 0 ranks applicant -2147483648, which does not exist",
        ),
        (
            {"applicant_prefs": [2**31 - 1]},
            ValueError,
            "applicant 0 ranks opportunity 2147483647, which does not exist",
        ),
        (
            {"applicant_indptr": [0, 2], "applicant_prefs": [0, 0]},
            ValueError,
            "applicant 0 ranks opportunity 0 more than once",
        ),
        (
            {"opportunity_indptr": [0, 2], "opportunity_prefs": [0, 0]},
            ValueError,
            "opportunity 0 ranks applicant 0 more than once",
        ),
        (
            {"capacities": [1, -2], "opportunity_indptr": [0, 1, 1]},
            ValueError,
            "capacity of opportunity 1 is negative",
        ),
        ({"capacities": [1, 1]}, ValueError, "capacities must have one entry per opportunity (1)"),
        ({"capacities": np.array([1.5])}, TypeError, "capacities must hold integers, not float64"),
        ({"capacities": np.array([True])}, TypeError, "capacities must hold integers, not bool"),
        ({"applicant_indptr": [1, 2]}, ValueError, "applicant row pointers must start at 0, not 1"),
        (
            {"applicant_indptr": [], "applicant_prefs": []},
            ValueError,
            "applicant row pointers must start at 0 (give [0] when there are none)",
        ),
        (
            {"opportunity_indptr": [], "opportunity_prefs": [], "capacities": []},
            ValueError,
            "opportunity row pointers must start at 0 (give [0] when there are none)",
        ),
        (
            {"applicant_indptr": [0, 1, 3]},
            ValueError,
            "applicant row pointers must end at len(prefs) (1), not 3",
        ),
        (
            {"applicant_indptr": [0, 2, 1, 1]},
            ValueError,
            "applicant row pointers must be non-decreasing; applicant 1 ends before it starts",
        ),
        (
            {"opportunity_indptr": [0, 1, 0, 1], "capacities": [1, 1, 1]},
            ValueError,
            "opportunity row pointers must be non-decreasing; opportunity 1 ends before it starts",
        ),
        (
            {"applicant_indptr": np.array([0, 2**64 - 1, 1], np.uint64)},
            ValueError,
            "applicant row pointers must be non-decreasing; applicant 1 ends before it starts",
        ),
        ({"applicant_indptr": np.array([[0, 1]])}, ValueError, "applicant row pointers must be 1-D, not 2-D"),
        (
            {"opportunity_indptr": np.zeros((2, 1), int)},
            ValueError,
            "opportunity row pointers must be 1-D, not 2-D",
        ),
        ({"applicant_prefs": np.array([[0]])}, ValueError, "applicant preferences must be 1-D, not 2-D"),
        (
            {"applicant_indptr": np.array([0.0, 1.0])},
            TypeError,
            "applicant row pointers must hold integers, not float64",
        ),
        (
            {"opportunity_prefs": np.array([0.0])},
            TypeError,
            "opportunity preferences must hold integers, not float64",
        ),
        (
            {"applicant_prefs": np.array([2**31])},
            ValueError,
            "applicant preferences hold position 2147483648, beyond the engine's 32-bit positions",
        ),
        (
            {"applicant_prefs": np.array([2**31], np.uint32)},
            ValueError,
            "applicant preferences hold position 2147483648, beyond the engine's 32-bit positions",
        ),
        (
            {"applicant_prefs": np.array([2**63], np.uint64)},
            ValueError,
            "applicant preferences hold position 9223372036854775808, beyond the engine's 32-bit positions",
        ),
        (
            {"opportunity_prefs": np.array([-(2**31) - 1])},
            ValueError,
            "opportunity preferences hold position -2147483649, beyond the engine's 32-bit positions",
        ),
        (
            {"opportunity_indptr": [0, 3], "opportunity_prefs": np.array([0, 2**40, -(2**40)])},
            ValueError,
            "opportunity preferences hold position 1099511627776, beyond the engine's 32-bit positions",
        ),
    ],
)
def test_the_array_path_refuses_what_the_unchecked_kernels_cannot_take(changes, error, message, backend):
    arrays = {**ONE_PAIR, **changes}
    with pytest.raises(error, match=exactly(message)):
        allocate_arrays(*(np.asarray(arrays[name]) for name in ARRAY_ARGUMENTS), backend=backend)


def test_the_array_path_takes_zero_applicants_and_zero_opportunities(backend):
    none, empty = np.array([0]), np.array([], int)
    result = allocate_arrays(none, empty, none, empty, empty, backend=backend)
    assert (result.assignment.tolist(), result.proposals) == ([], 0)
    two_applicants = allocate_arrays(np.array([0, 0, 0]), [], none, [], [], backend=backend)
    assert two_applicants.assignment.tolist() == [-1, -1]


def test_the_array_path_takes_narrow_and_unsigned_integers(backend):
    result = allocate_arrays(
        np.array([0, 1], np.uint8),
        np.array([0], np.uint32),
        np.array([0, 1], np.uint16),
        np.array([0], np.uint64),
        np.array([1], np.uint8),
        backend=backend,
    )
    assert result.assignment.tolist() == [0]
