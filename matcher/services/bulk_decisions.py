"""Approve every proposed match a filter selects, in a few set-based statements.

A national run proposes tens of thousands of matches; ticking them a page at a time does not
scale. `approve_all` holds the places of a whole opportunity at once with one conditional UPDATE
per statement (not per match): an opportunity whose free places cannot take all of its selected
proposals keeps them proposed, to be decided one by one, and the count says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, insert, literal, select, update
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.models import Opportunity, User
from matcher.models.matching import Match, MatchEvent, MatchRun, MatchStatus, RoundStatus
from matcher.services.errors import Conflict
from matcher.services.rounds import require_coordinator

S = MatchStatus
CHUNK = 5000  # ids bound per statement, far below any database's limit on parameters


@dataclass(frozen=True)
class BulkApproval:
    approved: int
    left_proposed: int  # at opportunities without enough free places for all their proposals
    opportunities_short: int


def approve_all(session: Session, actor: User, run: MatchRun, selection: Select) -> BulkApproval:
    """Approve the proposed matches among ``selection`` (a select of Match rows of this run)."""
    require_coordinator(actor)
    if run.round.status != RoundStatus.OPEN:
        raise Conflict("This round is already published; approve waitlist offers one by one.")
    chosen = (
        selection.with_only_columns(Match.id, Match.opportunity_id)
        .where(Match.run_id == run.id, Match.status == S.PROPOSED, Match.applicant_id.is_not(None))
        .order_by(None)
    )
    # Lock the chosen rows (PostgreSQL; SQLite's writer lock serialises anyway), so no single
    # decision can move one of them between the counting below and the UPDATEs.
    pairs = session.execute(chosen.with_for_update(of=Match)).all()
    if not pairs:
        return BulkApproval(0, 0, 0)
    wanted = Counter(opportunity_id for _, opportunity_id in pairs)

    # Places, per opportunity, all or nothing; the WHERE clause and the CHECK constraint make the
    # database the judge of capacity, as `placements.take_place` does for one match.
    fitted: set[int] = set()
    by_count: dict[int, list[int]] = {}
    for opportunity_id, count in wanted.items():
        by_count.setdefault(count, []).append(opportunity_id)
    for count, opportunity_ids in by_count.items():
        for start in range(0, len(opportunity_ids), CHUNK):
            fitted.update(
                session.scalars(
                    update(Opportunity)
                    .where(
                        Opportunity.id.in_(opportunity_ids[start : start + CHUNK]),
                        Opportunity.places_filled + count <= Opportunity.capacity,
                    )
                    .values(places_filled=Opportunity.places_filled + count)
                    .returning(Opportunity.id)
                    .execution_options(synchronize_session=False)
                )
            )
    now = utcnow()
    ids = [match_id for match_id, opportunity_id in pairs if opportunity_id in fitted]
    for start in range(0, len(ids), CHUNK):
        chunk = Match.id.in_(ids[start : start + CHUNK])
        session.execute(
            insert(MatchEvent).from_select(
                ["match_id", "actor_id", "from_status", "to_status", "reason", "created_at"],
                select(
                    Match.id,
                    literal(actor.id),
                    literal(S.PROPOSED.value),
                    literal(S.APPROVED.value),
                    literal("approved with all the proposals the filter selected"),
                    literal(now),
                ).where(chunk),
            )
        )
        session.execute(
            update(Match)
            .where(chunk)
            .values(status=S.APPROVED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    session.expire_all()
    short = len(wanted) - len(fitted)
    audit.on_commit(
        session,
        "matches_approved_in_bulk",
        actor,
        run_id=run.id,
        approved=len(ids),
        opportunities_short=short,
    )
    return BulkApproval(len(ids), len(pairs) - len(ids), short)
