"""Order entries by row, then by three keys within each row: the sort behind `csr_from_choices`.

numpy's `lexsort` over two million entries and four keys takes about a second: each key is a
full stable sort of all the entries. Rows are known integers here, so a counting sort groups them
in one pass, and only each row's few hundred entries need comparing: a merge sort per row,
compiled with numba (`_row_order_numba`). The `lexsort` branches here are the reference: the
fallback without numba, and what the tests hold the kernels to (both sorts are stable).
"""

from __future__ import annotations

import numpy as np


def entry_dtype(n_entries: int) -> type[np.signedinteger]:
    """The narrowest dtype that indexes n_entries entries: int32 for every realistic round."""
    return np.int32 if n_entries <= np.iinfo(np.int32).max else np.int64


def order_rows(
    row: np.ndarray, n_rows: int, first: np.ndarray, second: np.ndarray, third: np.ndarray, compiled: bool
) -> np.ndarray:
    """Entry indices by row, then ``first`` ascending, ``second`` descending, ``third`` ascending.

    Entries equal on all four keep their input order. ``row`` values must lie in [0, n_rows).
    """
    if not compiled:
        return np.lexsort((third, -second, first, row))
    # Imported here, not at the top: only the compiled back-end should pay numba's import.
    from matcher.engine._row_order_numba import order_rows as kernel

    return kernel(
        np.ascontiguousarray(row, np.int64),
        n_rows,
        np.ascontiguousarray(first, np.int64),
        np.ascontiguousarray(second, np.float64),
        np.ascontiguousarray(third, np.int64),
    )


def opportunity_lists(
    listed: np.ndarray,
    opportunity: np.ndarray,
    host_rank: np.ndarray,
    host_ranks_any: np.ndarray,
    score: np.ndarray,
    applicant: np.ndarray,
    draw: np.ndarray,
    n_opportunities: int,
    compiled: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The listed entries in opportunity-list order, and how many each opportunity lists.

    By opportunity, then the host's rank where the host ranked any (else 0), then score best
    first, then ``draw[applicant]`` (the lottery). Returns (entry indices, count per opportunity).
    """
    if not compiled:
        on_list = np.flatnonzero(listed)
        rows = opportunity[on_list]
        first = np.where(host_ranks_any[rows], host_rank[on_list], 0)
        order = on_list[np.lexsort((draw[applicant[on_list]], -score[on_list], first, rows))]
        return order, np.bincount(rows, minlength=n_opportunities)
    from matcher.engine._row_order_numba import order_opportunity_lists as kernel

    starts = np.zeros(n_opportunities + 1, np.int64)
    order = np.empty(int(np.count_nonzero(listed)), entry_dtype(len(listed)))
    kernel(
        listed,
        np.ascontiguousarray(opportunity),
        np.ascontiguousarray(host_rank),
        host_ranks_any,
        np.ascontiguousarray(score),  # float64 already: csr_from_choices converts it
        np.ascontiguousarray(applicant),
        draw,
        n_opportunities,
        order,
        starts,
    )
    return order, np.diff(starts)
