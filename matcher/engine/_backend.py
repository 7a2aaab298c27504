"""The choice between the engine's two back-ends: compiled (numba) kernels or their Python twins.

Each compiled kernel lives in a `*_numba.py` module next to the module that holds its pure-Python
twin and calls it (`_solve.py` / `_solve_numba.py`, `_row_order.py` / `_row_order_numba.py`).
The twins are the fallback without numba and the reference the tests hold the kernels to.
"""

from __future__ import annotations

import importlib
import os
from typing import Literal

Backend = Literal["auto", "compiled", "python"]
Resolved = Literal["compiled", "python"]
BACKEND_ENV = "MATCHER_ENGINE_BACKEND"
NUMBA_MODULES = ("matcher.engine._solve_numba", "matcher.engine._row_order_numba")


def compiled_available() -> bool:
    """Whether numba and the compiled kernels can be imported."""
    try:
        # numba first: a kernel module already loaded would import even with numba gone.
        importlib.import_module("numba")
        for name in NUMBA_MODULES:
            importlib.import_module(name)
    except ImportError:
        return False
    return True


def resolve_backend(backend: Backend | None) -> Resolved:
    """Pick a back-end: the argument, else $MATCHER_ENGINE_BACKEND, else compiled when installed."""
    choice = backend or os.environ.get(BACKEND_ENV) or "auto"
    if choice not in ("auto", "compiled", "python"):
        raise ValueError(f"unknown engine backend {choice!r}; use 'auto', 'compiled' or 'python'")
    if choice == "auto":
        return "compiled" if compiled_available() else "python"
    if choice == "compiled" and not compiled_available():
        raise RuntimeError("the compiled engine backend needs numba, which is not installed")  # i18n: ignore
    return choice
