"""A ranked round at national scale: applications in as rows, the engine on arrays, proposals out in bulk.

The phases, timed into ``run.phase_timings`` (seconds), for 100,000 applicants and 10,000
opportunities: load the applications and profiles as tuples; score every application without
words (`score(..., explain=False)`); build both sides' lists and allocate on integer arrays
(`csr_from_choices`, `allocate_arrays`); explain only the pairs proposed; store the proposals and
their events with two multi-row INSERTs.
"""

from __future__ import annotations

import gc
import hashlib
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Integer, Select, func, insert, literal, select
from sqlalchemy.orm import Session

from matcher.engine import Refusal, RefusalReason, allocate_arrays, csr_from_choices
from matcher.engine.scoring import Ineligibility, first_failure, score
from matcher.engine.scoring import eligible as is_eligible
from matcher.models import Application, Opportunity
from matcher.models.matching import Match, MatchEvent, MatchRun, MatchStatus
from matcher.services.matching import fairness, inputs
from matcher.services.matching.settings import RoundSettings, capped_places


class _Clock:
    def __init__(self, on_lap: Callable[[str], None] | None = None) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()
        self._on_lap = on_lap

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = round(now - self._last, 3)
        self._last = now
        if self._on_lap is not None:
            self._on_lap(phase)


def allocate_ranked(
    session: Session,
    run: MatchRun,
    opportunities: Sequence[Opportunity],
    scope_ids: Select[Any],
    busy: set[int],
    on_phase: Callable[[str], None] | None = None,
    settings: RoundSettings | None = None,
) -> dict[str, float]:
    """Propose the applicant-optimal stable matching of the round; returns the phase timings.

    ``scope_ids`` selects the ids of ``opportunities`` (a subquery, so no list of ids is bound);
    ``busy`` applicants already hold a place elsewhere and are left out; ``on_phase`` hears the
    name of each phase as it ends (a background job's progress); ``settings`` are the round's
    reserve, weights and visitor cap (`matcher.services.matching.settings`).
    """
    with _cyclic_gc_paused():
        return _allocate_ranked(
            session, run, opportunities, scope_ids, busy, on_phase, settings or RoundSettings()
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off for the run, back as it was after.

    The run holds millions of long-lived objects (the applications as tuples, 100,000 profiles)
    and then makes more that live to the end: each proposal's breakdown and each unmatched
    applicant's reasons, dicts within dicts since reasons carry their code and parameters. Every
    few hundred thousand such objects Python runs a full collection, which walks the whole heap:
    at national scale that was about a third of `explain` and `summarise` and some of `store`.
    Reference counting still frees almost everything; the few cycles are collected once it is back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _allocate_ranked(
    session: Session,
    run: MatchRun,
    opportunities: Sequence[Opportunity],
    scope_ids: Select[Any],
    busy: set[int],
    on_phase: Callable[[str], None] | None,
    settings: RoundSettings,
) -> dict[str, float]:
    clock = _Clock(on_phase)
    weights = settings.engine_weights
    opp_pos = {o.id: j for j, o in enumerate(opportunities)}
    in_scope = Application.opportunity_id.in_(scope_ids.scalar_subquery())
    rows = session.execute(
        select(Application.applicant_id, Application.opportunity_id, Application.rank, Application.host_rank)
        .where(in_scope)
        .order_by(Application.applicant_id, Application.rank)
    ).all()
    specs = inputs.applicant_specs(session, select(Application.applicant_id).where(in_scope))
    complete = len(specs)  # applicants in scope whose profile the engine can use
    placed_elsewhere = 0
    for applicant_id in busy:
        placed_elsewhere += specs.pop(applicant_id, None) is not None
    rows = [r for r in rows if r[0] in specs and r[1] in opp_pos]
    # A place the applicant declined or let expire is never proposed to them again.
    refused = inputs.refused_pairs(session, select(Application.applicant_id).where(in_scope))
    left_out = sorted((a, o) for a, o, _, _ in rows if (a, o) in refused)
    if left_out:
        rows = [r for r in rows if (r[0], r[1]) not in refused]
    run.parameters = {**(run.parameters or {}), "left_out": [list(pair) for pair in left_out]}
    clock.lap("load")

    taxonomy = inputs.taxonomy(session)
    opp_specs = [inputs.opportunity_spec(o) for o in opportunities]
    n = len(rows)
    eligible = np.zeros(n, bool)
    totals = np.zeros(n, np.float64)
    # Where the host gave its own order, that order replaces the scores: only eligibility counts.
    host_ordered = {opportunity_id for _, opportunity_id, _, host_rank in rows if host_rank is not None}
    for k, (applicant_id, opportunity_id, _, _) in enumerate(rows):
        applicant, opportunity = specs[applicant_id], opp_specs[opp_pos[opportunity_id]]
        if opportunity_id in host_ordered:
            eligible[k] = is_eligible(applicant, opportunity, taxonomy)
            continue
        result = score(applicant, opportunity, taxonomy, weights, include_rank=False, explain=False)
        if result.eligible:
            eligible[k] = True
            totals[k] = round(result.total, 6)
    clock.lap("score")

    applicant_ids = sorted({r[0] for r in rows})
    app_pos = {a: i for i, a in enumerate(applicant_ids)}
    applicant = np.fromiter((app_pos[r[0]] for r in rows), np.int32, n)
    opportunity = np.fromiter((opp_pos[r[1]] for r in rows), np.int32, n)
    choice_rank = np.fromiter((r[2] for r in rows), np.int32, n)
    host_rank = np.fromiter((-1 if r[3] is None else r[3] for r in rows), np.int32, n)
    lists = csr_from_choices(
        applicant,
        opportunity,
        choice_rank,
        eligible,
        totals,
        host_rank,
        len(applicant_ids),
        len(opportunities),
        seed=run.seed,
    )
    free = [max(o.places_left, 0) for o in opportunities]
    capacity = np.array(capped_places(opportunities, free, settings.visitor_cap), np.int64)
    home_of = fairness.homes(session, select(Application.applicant_id).where(in_scope))
    seats = np.array([settings.reserved(int(c)) for c in capacity], np.int64)
    reserve_eligible = np.fromiter(
        (a in home_of and home_of[a].income in settings.reserve_groups for a in applicant_ids),
        np.bool_,
        len(applicant_ids),
    )
    allocation = allocate_arrays(
        lists.applicant_indptr,
        lists.applicant_prefs,
        lists.opportunity_indptr,
        lists.opportunity_prefs,
        capacity,
        reserved=seats,
        reserve_eligible=reserve_eligible,
    )
    assignment = allocation.assignment
    clock.lap("allocate")

    # Position of each proposed pair in the applicant's list, and who holds each place, on arrays.
    app_row = np.repeat(np.arange(len(applicant_ids)), np.diff(lists.applicant_indptr))
    app_hit = np.flatnonzero(lists.applicant_prefs == assignment[app_row])
    applicant_place = app_hit - lists.applicant_indptr[app_row[app_hit]] + 1
    opp_row = np.repeat(np.arange(len(opportunities)), np.diff(lists.opportunity_indptr))
    opp_hit = np.flatnonzero(assignment[lists.opportunity_prefs] == opp_row)

    # "host's #n" is the host's own number for the applicant, only where the host gave an order.
    host_number = [rows[e][3] for e in lists.applicant_entry[app_hit].tolist()]
    proposals = []
    for i, place, number in zip(
        app_row[app_hit].tolist(), applicant_place.tolist(), host_number, strict=True
    ):
        j = int(assignment[i])
        detail = score(specs[applicant_ids[i]], opp_specs[j], taxonomy, weights, include_rank=False)
        proposals.append(
            {
                "run_id": run.id,
                "status": MatchStatus.PROPOSED.value,
                "applicant_id": applicant_ids[i],
                "opportunity_id": opportunities[j].id,
                "score": round(detail.total, 4),
                "breakdown": inputs.breakdown(detail),
                "applicant_rank": place,
                "host_rank": number,
            }
        )
    clock.lap("explain")

    if proposals:
        # render_nulls: the ORM leaves a None out of a row's keys and batches only rows with the same
        # keys, so host_rank None on some rows and a number on others would split the multi-row
        # INSERT into thousands of two-row statements; with NULLs written, every row has one shape.
        session.execute(insert(Match).execution_options(render_nulls=True), proposals)
        session.execute(
            insert(MatchEvent).from_select(
                ["match_id", "actor_id", "to_status", "reason", "created_at"],
                select(
                    Match.id,
                    literal(run.ran_by_id, Integer),
                    literal(MatchStatus.PROPOSED.value),
                    literal(f"run {run.number}"),
                    Match.created_at,
                ).where(Match.run_id == run.id),
            )
        )
    clock.lap("store")

    placed_at: dict[int, list[str]] = {}
    placed_ranks: dict[int, list[int]] = {}  # where those it placed stand in its list, ascending
    holders: list[int] = []  # applicants placed on reserved places: the best-ranked eligible first
    held: dict[int, int] = {}
    for slot in opp_hit.tolist():
        j, position = int(opp_row[slot]), int(lists.opportunity_prefs[slot])
        placed_at.setdefault(j, []).append(str(applicant_ids[position]))
        placed_ranks.setdefault(j, []).append(slot)
        if reserve_eligible[position] and held.get(j, 0) < seats[j]:
            held[j] = held.get(j, 0) + 1
            holders.append(applicant_ids[position])
    slot_of = np.empty(n, np.int64)
    slot_of[lists.opportunity_entry] = np.arange(len(lists.opportunity_entry))
    listed = np.zeros(n, bool)
    listed[lists.opportunity_entry] = True
    # Where the pair is eligible (or the opportunity has no places) the reason depends only on the
    # opportunity and whether it listed the applicant: worded once, copied for each applicant.
    worded: dict[tuple[int, bool], list[Any]] = {}

    def why_not(i: int, j: int, e: int) -> list[Any]:
        if eligible[e] and listed[e] and held.get(j):
            # Those it placed below this applicant hold reserved places this one may not take.
            below = len(placed_ranks[j]) - bisect_right(placed_ranks[j], int(slot_of[e]))
            if below:
                return _lost_to_reserve(opportunities[j], placed_at[j], below)
        if eligible[e] or capacity[j] == 0:
            said = worded.get((j, bool(listed[e])))
            if said is None:
                said = worded[j, bool(listed[e])] = _refusal(
                    opportunities[j], int(capacity[j]), None, bool(listed[e]), placed_at.get(j, [])
                )
            return [said[0], said[1], dict(said[2])]
        failure = first_failure(specs[applicant_ids[i]], opp_specs[j], taxonomy)
        return _refusal(opportunities[j], int(capacity[j]), failure, bool(listed[e]), placed_at.get(j, []))

    run.unmatched = {
        str(applicant_ids[i]): [
            why_not(i, j, e)
            for j, e in zip(
                lists.applicant_prefs[lists.applicant_indptr[i] : lists.applicant_indptr[i + 1]].tolist(),
                lists.applicant_entry[lists.applicant_indptr[i] : lists.applicant_indptr[i + 1]].tolist(),
                strict=True,
            )
        ]
        for i in np.flatnonzero(assignment < 0).tolist()
    }
    placed = np.bincount(assignment[assignment >= 0], minlength=len(opportunities))
    waiting = assignment[lists.opportunity_prefs] < 0
    run.waitlists = {
        str(o.id): [
            applicant_ids[a]
            for a in lists.opportunity_prefs[lists.opportunity_indptr[j] : lists.opportunity_indptr[j + 1]][
                waiting[lists.opportunity_indptr[j] : lists.opportunity_indptr[j + 1]]
            ].tolist()
        ]
        for j, o in enumerate(opportunities)
    }
    places = int(capacity.sum())
    applied = session.scalar(select(func.count(Application.applicant_id.distinct())).where(in_scope)) or 0
    run.counts = {
        "applicants": len(applicant_ids),
        "opportunities": len(opportunities),
        "places": places,
        "proposed": len(proposals),
        "unmatched": len(run.unmatched),
        "unfilled_places": places - int(placed.sum()),
        "excluded_incomplete_or_placed": applied - len(applicant_ids),
        "pairs_left_out_declined_or_expired": len(left_out),
        "excluded_placed": placed_elsewhere,
        "excluded_incomplete": applied - complete,
    }
    run.parameters = {
        **run.parameters,
        "settings": settings.as_json(),
        "reserve": {"reserved": int(seats.sum()), "used": len(holders)},
        "reserve_holders": holders,
        "fairness": fairness.group_counts(home_of, applicant_ids, (assignment >= 0).tolist()),
    }
    reserve = (seats, reserve_eligible) if seats.any() else ()  # no reserve: as before
    run.inputs_hash = _inputs_hash(applicant_ids, opportunities, rows, totals, eligible, capacity, *reserve)
    clock.lap("summarise")
    return clock.timings


def _refusal(
    opportunity: Opportunity, capacity: int, failure: Ineligibility | None, listed: bool, placed: list[str]
) -> list[Any]:
    """[opportunity id, why it did not take the applicant, what staff pages word by name].

    The words are the applicant's (second person), as `Allocation.why_unmatched` gives them; the
    third element (the failure's code and parameters, or the refusal's reason) lets staff pages say
    the same about the applicant by name (`matcher.web.reasons.refusal_for`).
    ``failure`` is the hard constraint the pair fails (None when eligible): its words say which.
    """
    key, title = str(opportunity.id), opportunity.title
    if capacity == 0:
        refusal = Refusal(key, RefusalReason.ZERO_CAPACITY)
    elif failure is not None:
        words = {"code": failure.code, "params": dict(failure.params), "title": title}
        return [opportunity.id, f"{title}: not eligible: {failure.reason}", words]
    elif not listed:
        refusal = Refusal(key, RefusalReason.NOT_RANKED)
    else:
        refusal = Refusal(key, RefusalReason.FULL, tuple(placed))
    words = {"refusal": refusal.reason.value, "preferred": len(refusal.preferred), "title": title}
    return [opportunity.id, refusal.message.replace(key, title, 1), words]


def _lost_to_reserve(opportunity: Opportunity, placed: list[str], below: int) -> list[Any]:
    """The refusal of an opportunity that placed ``below`` applicants it ranked lower on reserved places."""
    key, title = str(opportunity.id), opportunity.title
    split = len(placed) - below
    refusal = Refusal(key, RefusalReason.RESERVED, tuple(placed[:split]), tuple(placed[split:]))
    words = {"refusal": refusal.reason.value, "preferred": split, "reserved": below, "title": title}
    return [opportunity.id, refusal.message.replace(key, title, 1), words]


def _inputs_hash(
    applicant_ids: list[int],
    opportunities: Sequence[Opportunity],
    rows: Sequence[Any],
    totals: np.ndarray,
    eligible: np.ndarray,
    capacity: np.ndarray,
    *reserve: np.ndarray,
) -> str:
    """A digest of everything the allocation read: the same inputs give the same digest on any database."""
    digest = hashlib.sha256()
    for array in (
        np.array(applicant_ids, np.int64),
        np.array([o.id for o in opportunities], np.int64),
        capacity,
        np.array([(a, o, r, -1 if h is None else h) for a, o, r, h in rows], np.int64).reshape(-1),
        np.round(totals * 1e6).astype(np.int64),
        eligible.astype(np.int8),
        *(a.astype(np.int64) for a in reserve),  # the reserved places and who may take them
    ):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
