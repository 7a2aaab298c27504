"""Fixtures for the engine's unit tests: no app, no database."""

from __future__ import annotations

import importlib
from collections import Counter, defaultdict
from collections.abc import Callable

import pytest
from numba.core.dispatcher import Dispatcher

from matcher.engine._backend import NUMBA_MODULES

# numba is pinned in requirements.txt, so the compiled back-end is never skipped: a machine
# where it does not import fails these tests instead of quietly testing Python twice.
BACKENDS = ["python", "compiled"]

# The entry points that `_solve` and `_row_order` call in the numba modules.
KERNELS = {
    "matcher.engine._solve_numba": ("build_ranks", "deferred_acceptance", "deferred_acceptance_reserved"),
    "matcher.engine._row_order_numba": ("order_rows", "order_opportunity_lists"),
}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each allocation test runs on both back-ends, which must agree."""
    return request.param


class KernelCalls(Counter[str]):
    """Calls per compiled kernel; ``dtypes[name]`` holds the argument types of each call."""

    def __init__(self) -> None:
        super().__init__()
        self.dtypes: defaultdict[str, set[tuple[str, ...]]] = defaultdict(set)


@pytest.fixture
def kernel_calls(monkeypatch: pytest.MonkeyPatch) -> KernelCalls:
    """Counts the calls into each compiled kernel, which is checked to be a numba dispatcher."""
    assert set(KERNELS) == set(NUMBA_MODULES)
    calls = KernelCalls()
    for module_name, names in KERNELS.items():
        module = importlib.import_module(module_name)
        for name in names:
            kernel = getattr(module, name)
            assert isinstance(kernel, Dispatcher), f"{module_name}.{name} is not compiled by numba"
            monkeypatch.setattr(module, name, _counted(kernel, name, calls))
    return calls


def _counted(kernel: Dispatcher, name: str, calls: KernelCalls) -> Callable[..., object]:
    def call(*args: object) -> object:
        calls[name] += 1
        calls.dtypes[name].add(tuple(str(getattr(a, "dtype", type(a).__name__)) for a in args))
        return kernel(*args)

    return call
