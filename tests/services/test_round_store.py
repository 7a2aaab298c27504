"""A ranked run stores its proposals with one INSERT whatever mix of host orders they carry, and
runs with Python's cycle collector paused, leaving it as it found it (bench/README.md, the round
at national scale: both had made `store`, `explain` and `summarise` slower)."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Match
from matcher.services.matching import allocation, rounds
from tests.support.querycount import counting_queries
from tests.support.rounds import east_africa, host_orders


def _round(users):
    coordinator = users.create(role="coordinator", name="Cora")
    match_round = rounds.create_round(
        db.session,
        coordinator,
        name="East Africa 2027",
        mode="ranked",
        scope=rounds.Scope(),
        response_deadline=None,
    )
    db.session.commit()
    return coordinator, match_round


def test_proposals_with_and_without_a_host_number_are_stored_by_one_insert(users):
    world = east_africa(users)
    # Muhimbili ranks its applicants; Kenyatta does not, so its proposals have no host's number.
    host_orders(db.session, {world["muhimbili"]: [world["david"], world["amina"]]})
    coordinator, match_round = _round(users)

    with counting_queries() as log:
        run = rounds.run_round(db.session, coordinator, match_round, seed=7)
        db.session.flush()

    inserts = [s for s in log.statements if s.lstrip().upper().startswith("INSERT INTO MATCHES")]
    assert len(inserts) == 1, log.report()
    stored = dict(
        db.session.execute(select(Match.applicant_id, Match.host_rank).where(Match.run_id == run.id)).all()
    )
    assert run.counts["proposed"] == len(stored) == 3
    assert stored[world["david"].id] == 1  # Muhimbili's own #1
    at_kenyatta = [a for a in stored if a != world["david"].id]
    assert len(at_kenyatta) == 2 and all(stored[a] is None for a in at_kenyatta)


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_run_pauses_the_cycle_collector_and_leaves_it_as_it_was(users, enabled_before):
    east_africa(users)
    coordinator, match_round = _round(users)
    seen: list[bool] = []
    (gc.enable if enabled_before else gc.disable)()
    try:
        run = rounds.run_round(
            db.session,
            coordinator,
            match_round,
            seed=7,
            progress=lambda done, total, note: seen.append(gc.isenabled()),
        )
        after = gc.isenabled()
    finally:
        gc.enable()
    assert run.counts["proposed"] == 3
    assert len(seen) == len(rounds.PHASE_NOTES) and not any(seen)
    assert after is enabled_before


def test_the_collector_comes_back_when_the_run_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="stopped"), allocation._cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("stopped")
    assert gc.isenabled()
