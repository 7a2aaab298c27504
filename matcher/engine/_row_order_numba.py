"""Compiled twins of `_row_order`'s two sorts: a counting sort by row, then a merge sort inside each row.

No bounds checks: `csr_from_choices` checks the row positions before these run.
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True, boundscheck=False)
_RUN = 16  # rows shorter than this, and the first runs of longer ones, are insertion-sorted


@_jit
def _before(a, b, first, second, third):
    """Whether entry a sorts before entry b (strictly): first up, second down, third up."""
    if first[a] != first[b]:
        return first[a] < first[b]
    if second[a] != second[b]:
        return second[a] > second[b]
    return third[a] < third[b]


@_jit
def _insertion(order, lo, hi, first, second, third):
    for i in range(lo + 1, hi):
        entry = order[i]
        j = i - 1
        while j >= lo and _before(entry, order[j], first, second, third):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = entry


@_jit
def _merge_sort(order, scratch, lo, hi, first, second, third):
    """Stable bottom-up merge sort of order[lo:hi]; scratch is work space of the same size."""
    for start in range(lo, hi, _RUN):
        _insertion(order, start, min(start + _RUN, hi), first, second, third)
    width = _RUN
    in_scratch = False  # where the sorted runs are now
    while width < hi - lo:
        if in_scratch:
            _merge_pass(scratch, order, lo, hi, width, first, second, third)
        else:
            _merge_pass(order, scratch, lo, hi, width, first, second, third)
        in_scratch = not in_scratch
        width *= 2
    if in_scratch:
        for k in range(lo, hi):
            order[k] = scratch[k]


@_jit
def _merge_pass(source, target, lo, hi, width, first, second, third):
    """Merge each pair of neighbouring runs of ``width`` from source into target."""
    for left in range(lo, hi, 2 * width):
        mid, right = min(left + width, hi), min(left + 2 * width, hi)
        i, j, k = left, mid, left
        while i < mid and j < right:
            # Take from the right run only when strictly before: equal entries keep their order.
            if _before(source[j], source[i], first, second, third):
                target[k] = source[j]
                j += 1
            else:
                target[k] = source[i]
                i += 1
            k += 1
        while i < mid:
            target[k] = source[i]
            i += 1
            k += 1
        while j < right:
            target[k] = source[j]
            j += 1
            k += 1


@_jit
def order_rows(row, n_rows, first, second, third):
    """The entries by row (a stable counting sort), then each row's entries sorted by their keys.

    The keys are first gathered into row order, so that each row's comparisons read a short
    contiguous stretch of memory instead of entries scattered over the whole input.
    """
    n = row.shape[0]
    starts = np.zeros(n_rows + 1, np.int64)
    for e in range(n):
        starts[row[e] + 1] += 1
    for r in range(n_rows):
        starts[r + 1] += starts[r]
    free = starts[:-1].copy()  # each row's next free slot
    grouped = np.empty(n, np.int64)
    for e in range(n):
        r = row[e]
        grouped[free[r]] = e
        free[r] += 1
    order = np.empty(n, np.int64)
    _sort_within_rows(starts, n_rows, grouped, first[grouped], second[grouped], third[grouped], order)
    return order


@_jit
def _sort_within_rows(starts, n_rows, grouped, first, second, third, order):
    """Sort each row's stretch of ``grouped`` by its keys (given in the same, grouped order) into order."""
    m = grouped.shape[0]
    position = np.empty(m, np.int32)  # positions within a row set; rounds stay far below 2**31
    for k in range(m):
        position[k] = k
    work = np.empty_like(position)
    for r in range(n_rows):
        if starts[r + 1] - starts[r] > 1:
            _merge_sort(position, work, starts[r], starts[r + 1], first, second, third)
    for k in range(m):
        order[k] = grouped[position[k]]


@_jit
def order_opportunity_lists(
    listed, opportunity, host_rank, host_ranks_any, score, applicant, draw, n_rows, order, starts
):
    """`_row_order.opportunity_lists` compiled: the listed entries by opportunity, then host rank (where
    the host ranked), best score, lottery draw; order receives entry indices, starts the row starts.

    The keys are built here, per listed entry and in row order, so that no full-length key array
    is made in numpy: at 2M entries that saves about 100 MB.
    """
    n = listed.shape[0]
    for e in range(n):
        if listed[e]:
            starts[opportunity[e] + 1] += 1
    for r in range(n_rows):
        starts[r + 1] += starts[r]
    m = starts[n_rows]
    free = starts[:-1].copy()
    grouped = np.empty(m, np.int32)
    for e in range(n):
        if listed[e]:
            r = opportunity[e]
            grouped[free[r]] = e
            free[r] += 1
    first = np.empty(m, np.int32)
    second = np.empty(m, np.float64)
    third = np.empty(m, np.int32)
    for k in range(m):
        e = grouped[k]
        first[k] = host_rank[e] if host_ranks_any[opportunity[e]] else 0
        second[k] = score[e]
        third[k] = draw[applicant[e]]
    _sort_within_rows(starts, n_rows, grouped, first, second, third, order)
