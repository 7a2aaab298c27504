"""Order entries by row, then by three keys within each row: the sort behind `csr_from_choices`.

numpy's `lexsort` over two million entries and four keys takes about a second: each key is a
full stable sort of all the entries. Rows are known integers here, so a counting sort groups them
in one pass, and only each row's few hundred entries need comparing: a merge sort per row,
compiled with numba. Without numba, `lexsort` gives the same order (both sorts are stable).
"""

from __future__ import annotations

import numpy as np


def order_rows(
    row: np.ndarray, n_rows: int, first: np.ndarray, second: np.ndarray, third: np.ndarray, compiled: bool
) -> np.ndarray:
    """Entry indices by row, then ``first`` ascending, ``second`` descending, ``third`` ascending.

    Entries equal on all four keep their input order. ``row`` values must lie in [0, n_rows).
    """
    if not compiled:
        return np.lexsort((third, -second, first, row))
    from matcher.engine._order_fast import order_rows as kernel

    order = np.empty(len(row), np.int64)
    kernel(
        np.ascontiguousarray(row, np.int64),
        n_rows,
        np.ascontiguousarray(first, np.int64),
        np.ascontiguousarray(second, np.float64),
        np.ascontiguousarray(third, np.int64),
        order,
        np.empty(len(row), np.int64),
        np.zeros(n_rows + 1, np.int64),
    )
    return order
