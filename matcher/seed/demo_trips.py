"""Demo trips: three demo applicants accepted a place (a closed demo round), and their checklists
stand in different states — one cleared to travel, one with items sent for checking, one with an
item sent back — so the trip pages and the readiness board have something to show. Seeding again
changes nothing (the round is found by its name)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import Application, MatchRound, Opportunity, User
from matcher.models.departure import ItemOwner, ItemStatus, Trip
from matcher.models.matching import Match, MatchRun, MatchStatus
from matcher.seed.demo_applicants import EMAIL
from matcher.services.departure.trips import ensure_trips, refresh_clearance
from matcher.services.errors import Conflict
from matcher.services.matching.placements import take_place

ROUND_NAME = "Demo: places accepted before this year's rounds"
# The demo applicants who accepted their first choice, and how far their checklist has come.
TRAVELLERS = ((3, "cleared"), (6, "submitted"), (9, "sent_back"))


def seed_trips(session: Session, coordinator: User, today: date) -> int:
    """Accept the demo travellers' first choices (where places are left) and make their trips;
    returns how many places were accepted (0 when the demo round exists already)."""
    if session.scalar(select(MatchRound.id).where(MatchRound.name == ROUND_NAME)) is not None:
        ensure_trips(session, today)
        return 0
    demo_round = MatchRound(
        name=ROUND_NAME, mode="ranked", scope={}, status="closed", created_by_id=coordinator.id
    )
    run = MatchRun(
        round=demo_round,
        number=1,
        algorithm_version="demo",
        seed=1,
        inputs_hash="0" * 64,
        ran_by_id=coordinator.id,
        published_at=utcnow(),
        counts={},
        unmatched={},
        waitlists={},
    )
    session.add_all([demo_round, run])
    accepted: list[tuple[Match, str]] = []
    for n, state in TRAVELLERS:
        traveller = session.scalar(select(User).where(User.email == EMAIL.format(n=n)))
        choice = traveller and session.scalar(
            select(Opportunity)
            .join(Application, Application.opportunity_id == Opportunity.id)
            .where(Application.applicant_id == traveller.id, Opportunity.starts_on > today)
            .order_by(Application.rank)
        )
        if choice is None:
            continue
        try:
            with session.begin_nested():
                take_place(session, choice.id)
        except Conflict:
            continue
        match = Match(
            run=run,
            status=MatchStatus.ACCEPTED,
            applicant_id=traveller.id,
            opportunity_id=choice.id,
            score=1.0,
            breakdown=[],
            responded_at=utcnow(),
        )
        session.add(match)
        accepted.append((match, state))
    session.flush()
    ensure_trips(session, today)
    for match, state in accepted:
        trip = session.scalar(select(Trip).where(Trip.match_id == match.id))
        _advance(trip, state, coordinator)
        refresh_clearance(session, trip)
    return len(accepted)


def _advance(trip: Trip, state: str, coordinator: User) -> None:
    first = next((item for item in trip.items if item.owner == ItemOwner.TRAVELLER), None)
    for item in trip.items:
        if state == "cleared" or (state == "submitted" and item.owner == ItemOwner.HOST):
            item.status, item.reviewed_at, item.reviewed_by_id = ItemStatus.VERIFIED, utcnow(), coordinator.id
        elif state == "submitted":
            # Demo data has no files: these stand for items whose proof the traveller sent.
            item.status, item.submitted_at = ItemStatus.SUBMITTED, utcnow()
        elif state == "sent_back" and item is first:
            item.note = "The scan is unreadable: please upload a clearer copy."
            item.reviewed_at, item.reviewed_by_id = utcnow(), coordinator.id
