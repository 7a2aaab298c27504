"""Compiled (numba) twin of `_solve._solve_python`: rank building and deferred acceptance.

No bounds checks: `_csr.from_arrays` or `_csr.from_mappings`, then the explicit checks of
`build_ranks`, are what stand in front of these.
Every array is allocated by the caller (`_solve._solve_compiled`), which keeps the memory visible
to tracemalloc and the kernels free of allocation.
"""

from __future__ import annotations

import numba

# cache=True stores the machine code next to this file (or in numba's user cache when the
# package directory is read-only), so only the first process ever pays the compile time.
_jit = numba.njit(cache=True, nogil=True, boundscheck=False)


@_jit
def build_ranks(app_indptr, app_opp, opp_indptr, opp_app, app_rank, t_indptr, t_opp, t_rank, seen, rank_of):
    """Fill app_rank[e] with the rank the opportunity gives the applicant of entry e, or -1.

    Returns (error code, row, value); `_solve.BUILD_ERRORS` names the codes.
    """
    n_app = app_indptr.shape[0] - 1
    n_opp = opp_indptr.shape[0] - 1
    # Transpose the opportunities' lists by applicant (a counting sort), so that each applicant
    # can look up how every opportunity that listed it ranks it in O(1).
    for i in range(n_app + 1):
        t_indptr[i] = 0
    for o in range(n_opp):
        for p in range(opp_indptr[o], opp_indptr[o + 1]):
            a = opp_app[p]
            if a < 0 or a >= n_app:
                return 2, o, a
            t_indptr[a + 1] += 1
    for i in range(n_app):
        t_indptr[i + 1] += t_indptr[i]
    for o in range(n_opp):
        start = opp_indptr[o]
        for p in range(start, opp_indptr[o + 1]):
            a = opp_app[p]
            q = t_indptr[a]
            t_opp[q] = o
            t_rank[q] = p - start
            t_indptr[a] = q + 1
    # The fill shifted every start one bucket to the right; shift back.
    for i in range(n_app, 0, -1):
        t_indptr[i] = t_indptr[i - 1]
    t_indptr[0] = 0

    for o in range(n_opp):
        seen[o] = -1
    for a in range(n_app):
        # seen[o] == 2a marks "o lists a", 2a + 1 marks "a lists o" (after the first pass).
        mark = 2 * a
        for q in range(t_indptr[a], t_indptr[a + 1]):
            o = t_opp[q]
            if seen[o] == mark:
                return 4, o, a
            seen[o] = mark
            rank_of[o] = t_rank[q]
        for e in range(app_indptr[a], app_indptr[a + 1]):
            o = app_opp[e]
            if o < 0 or o >= n_opp:
                return 1, a, o
            s = seen[o]
            if s == mark + 1:
                return 3, a, o
            app_rank[e] = rank_of[o] if s == mark else -1
            seen[o] = mark + 1
    return 0, 0, 0


@_jit
def deferred_acceptance(
    app_indptr, app_opp, app_rank, opp_indptr, opp_app, capacity, assign, nxt, stack, held, count, worst
):
    """Applicant-proposing deferred acceptance; fills assign (-1 = unmatched), returns proposals."""
    n_app = app_indptr.shape[0] - 1
    n_opp = opp_indptr.shape[0] - 1
    for o in range(n_opp):
        count[o] = 0
        worst[o] = -1
    for p in range(held.shape[0]):
        held[p] = False
    for a in range(n_app):
        nxt[a] = app_indptr[a]
        assign[a] = -1
        stack[a] = n_app - 1 - a
    top = n_app
    proposals = 0
    while top > 0:
        top -= 1
        a = stack[top]
        e = nxt[a]
        end = app_indptr[a + 1]
        while e < end:
            o = app_opp[e]
            r = app_rank[e]
            e += 1
            if r < 0:
                continue
            proposals += 1
            cap = capacity[o]
            if cap == 0:
                continue
            base = opp_indptr[o]
            if count[o] < cap:
                held[base + r] = True
                count[o] += 1
                if r > worst[o]:
                    worst[o] = r
                assign[a] = o
                break
            w = worst[o]
            if r < w:
                held[base + w] = False
                evicted = opp_app[base + w]
                assign[evicted] = -1
                stack[top] = evicted
                top += 1
                held[base + r] = True
                assign[a] = o
                # The worst held rank only ever improves, so this scan is amortised over the list.
                w -= 1
                while not held[base + w]:
                    w -= 1
                worst[o] = w
                break
        nxt[a] = e
    return proposals


# Columns of the per-opportunity table of `deferred_acceptance_reserved`: where its list starts,
# its capacity and reserved number, how many it holds on reserved and on open places, and the
# worst rank on each (-1 when none). One row is one 64-byte cache line: a proposal reads one row
# where the plain kernel reads four arrays.
BASE, CAP, SEATS, N_RESERVED, N_OPEN, WORST_RESERVED, WORST_OPEN = range(7)
TABLE_COLUMNS = 8
# state[e] of entry e in an opportunity's list: the applicant it ranks there is not held, or held
# on an open place, or on a reserved one.
FREE, OPEN, RESERVED = 0, 1, 2


@_jit
def deferred_acceptance_reserved(
    app_indptr,
    app_opp,
    app_rank,
    opp_indptr,
    opp_app,
    capacity,
    seats,
    eligible,
    assign,
    nxt,
    stack,
    state,
    table,
):
    """Deferred acceptance under soft reserves, the twin of `_solve._defer_reserved`.

    ``table`` is (opportunities, TABLE_COLUMNS) scratch. Fills assign (-1 = unmatched), returns
    proposals.
    """
    n_app = app_indptr.shape[0] - 1
    n_opp = opp_indptr.shape[0] - 1
    for o in range(n_opp):
        table[o, BASE] = opp_indptr[o]
        table[o, CAP] = capacity[o]
        table[o, SEATS] = seats[o]
        table[o, N_RESERVED] = 0
        table[o, N_OPEN] = 0
        table[o, WORST_RESERVED] = -1
        table[o, WORST_OPEN] = -1
    for p in range(state.shape[0]):
        state[p] = FREE
    for a in range(n_app):
        nxt[a] = app_indptr[a]
        assign[a] = -1
        stack[a] = n_app - 1 - a
    top = n_app
    proposals = 0
    while top > 0:
        top -= 1
        a = stack[top]
        may_reserve = eligible[a]
        e = nxt[a]
        end = app_indptr[a + 1]
        while e < end:
            o = app_opp[e]
            r = app_rank[e]
            e += 1
            if r < 0:
                continue
            proposals += 1
            cap = table[o, CAP]
            if cap == 0:
                continue
            base = table[o, BASE]
            contender = r  # the rank that competes for an open place: the proposer's, or a displaced one
            if may_reserve and table[o, SEATS] > 0:
                if table[o, N_RESERVED] < table[o, SEATS]:
                    state[base + r] = RESERVED
                    table[o, N_RESERVED] += 1
                    if r > table[o, WORST_RESERVED]:
                        table[o, WORST_RESERVED] = r
                    contender = -1
                elif r < table[o, WORST_RESERVED]:
                    w = table[o, WORST_RESERVED]
                    state[base + r] = RESERVED
                    state[base + w] = FREE
                    v = w - 1  # the proposer's own entry stops the scan
                    while state[base + v] != RESERVED:
                        v -= 1
                    table[o, WORST_RESERVED] = v
                    contender = w
            held = table[o, N_RESERVED] + table[o, N_OPEN]
            if contender < 0:
                if held > cap:  # an eligible newcomer takes the place of the worst open holder
                    top = _evict_open(o, base, table, state, opp_app, assign, stack, top)
            elif held < cap:
                state[base + contender] = OPEN
                table[o, N_OPEN] += 1
                if contender > table[o, WORST_OPEN]:
                    table[o, WORST_OPEN] = contender
            elif contender < table[o, WORST_OPEN]:
                state[base + contender] = OPEN  # marked first: it stops the scan for the next worst
                table[o, N_OPEN] += 1
                top = _evict_open(o, base, table, state, opp_app, assign, stack, top)
            elif contender == r:
                continue  # the proposer is the worst: refused, on to their next choice
            else:  # the reserved holder the proposer displaced is the worst: it goes
                evicted = opp_app[base + contender]
                assign[evicted] = -1
                stack[top] = evicted
                top += 1
            assign[a] = o
            break
        nxt[a] = e
    return proposals


@_jit
def _evict_open(o, base, table, state, opp_app, assign, stack, top):
    """The worst holder of an open place at o loses it and proposes again; returns the new stack top."""
    w = table[o, WORST_OPEN]
    state[base + w] = FREE
    table[o, N_OPEN] -= 1
    evicted = opp_app[base + w]
    assign[evicted] = -1
    stack[top] = evicted
    v = w - 1
    while v >= 0 and state[base + v] != OPEN:
        v -= 1
    table[o, WORST_OPEN] = v
    return top + 1
