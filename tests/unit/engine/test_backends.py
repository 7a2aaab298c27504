"""The choice of back-end, what the compiled kernels receive, and how the run is timed."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from matcher.engine import allocate, allocate_arrays, csr_from_choices
from matcher.engine._row_order import order_rows

INSTANCE = ({"a1": ["o1"], "a2": ["o1"]}, {"o1": ["a2", "a1"]}, {"o1": 1})


def test_compiled_backend_runs_the_numba_kernels_and_python_does_not(kernel_calls):
    assert allocate(*INSTANCE, backend="python").assignments == {"a1": None, "a2": "o1"}
    assert kernel_calls == {}
    assert allocate(*INSTANCE, backend="compiled").assignments == {"a1": None, "a2": "o1"}
    assert kernel_calls == {"build_ranks": 1, "deferred_acceptance": 1}


def test_numba_from_the_requirements_makes_auto_choose_the_compiled_backend(monkeypatch):
    monkeypatch.delenv("MATCHER_ENGINE_BACKEND", raising=False)
    assert allocate({}, {}, {}).backend == "compiled"
    assert allocate({}, {}, {}, backend="auto").backend == "compiled"
    monkeypatch.setenv("MATCHER_ENGINE_BACKEND", "")  # set but empty: the default
    assert allocate({}, {}, {}).backend == "compiled"


def test_backend_is_chosen_by_argument_or_environment(monkeypatch):
    monkeypatch.setenv("MATCHER_ENGINE_BACKEND", "python")
    assert allocate({}, {}, {}).backend == "python"
    assert allocate({}, {}, {}, backend="compiled").backend == "compiled"
    monkeypatch.setenv("MATCHER_ENGINE_BACKEND", "turbo")
    with pytest.raises(
        ValueError, match=r"^unknown engine backend 'turbo'; use 'auto', 'compiled' or 'python'$"
    ):
        allocate({}, {}, {})


def test_without_numba_auto_falls_back_to_python_and_compiled_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # makes `import numba` fail
    monkeypatch.delitem(sys.modules, "matcher.engine._solve_numba", raising=False)
    monkeypatch.delenv("MATCHER_ENGINE_BACKEND", raising=False)
    assert allocate({"a1": ["o1"]}, {"o1": ["a1"]}, {"o1": 1}).backend == "python"
    with pytest.raises(
        RuntimeError, match=r"^the compiled engine backend needs numba, which is not installed$"
    ):
        allocate({}, {}, {}, backend="compiled")


def run_every_entry_point(dtype: type) -> None:
    """The dict path, the array path and the round lists (in order and not) on inputs of one dtype."""
    allocate(*INSTANCE, backend="compiled")
    as_arrays = [np.array(a, dtype) for a in ([0, 1, 2], [0, 0], [0, 2], [1, 0], [1])]
    allocate_arrays(*as_arrays, backend="compiled")
    if not np.issubdtype(dtype, np.signedinteger):
        return  # host ranks need -1
    for applicant in ([0, 0, 1], [1, 0, 0]):
        columns = [np.array(c, dtype) for c in (applicant, [0, 1, 1], [1, 2, 1])]
        host_rank = np.array([-1, 1, -1], dtype)
        scores = np.array([1, 2, 2], dtype)  # whole-number scores are still compared as float64
        csr_from_choices(*columns, [True] * 3, scores, host_rank, 2, 2, seed=1, backend="compiled")
    keys = np.array([2, 1, 1], dtype)
    order_rows(np.array([1, 0, 0], dtype), 2, keys, keys, keys, compiled=True)


def test_each_kernel_receives_the_engine_dtypes_whatever_the_callers_integers(kernel_calls):
    # A new dtype would compile (and cache) another version of a kernel; and these are the
    # dtypes the unchecked kernels were written for.
    for dtype in (np.int32, np.int64, np.uint8):
        run_every_entry_point(dtype)
    i32, i64, f64 = "int32", "int64", "float64"
    assert kernel_calls.dtypes["build_ranks"] == {(i64, i32, i64, i32, i32, i64, i32, i32, i64, i32)}
    assert kernel_calls.dtypes["deferred_acceptance"] == {
        (i64, i32, i32, i64, i32, i64, i32, i64, i32, "bool", i64, i64)
    }
    assert kernel_calls.dtypes["order_rows"] == {(i64, "int", i64, f64, i64)}
    # The round's own columns keep their integer width (int32 from the service, no copy).
    assert kernel_calls.dtypes["order_opportunity_lists"] == {
        ("bool", width, width, "bool", f64, width, i32, "int", i32, i64) for width in (i32, i64)
    }


class TickingClock:
    """A perf_counter that reads one second later at each call."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.mark.parametrize("path", ["dict", "arrays"])
def test_timings_split_checking_and_rank_building_from_allocating(path, backend, monkeypatch):
    monkeypatch.setattr(time, "perf_counter", TickingClock())
    if path == "dict":
        result = allocate(*INSTANCE, backend=backend)
    else:
        result = allocate_arrays(*(np.array(a) for a in ([0, 1], [0], [0, 1], [0], [1])), backend=backend)
    # Readings: start, input checked, kernels start, ranks built, allocated. One second apart, so
    # "build" spans two intervals (checking, then ranks) and "allocate" one.
    assert result.timings == {"build": 2.0, "allocate": 1.0}
