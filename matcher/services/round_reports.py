"""Read-only views of rounds for coordinators: review filters, unfilled places, comparisons, figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload

from matcher.models import Country, Opportunity, Organisation, User
from matcher.models.matching import Match, MatchEvent, MatchRound, MatchRun, MatchStatus, RoundStatus

SCORE_BANDS = {"high": (0.75, 1.01), "medium": (0.5, 0.75), "low": (0.0, 0.5)}


def review_query(run: MatchRun, region: str, organisation: int | None, status: str, band: str) -> Select:
    """The run's matches narrowed by region (or sub-region), organisation, status and score band."""
    stmt = (
        select(Match)
        .where(Match.run_id == run.id)
        .join(Opportunity, Match.opportunity_id == Opportunity.id)
        .join(Country, Opportunity.country_code == Country.iso2)
    )
    if region:
        stmt = stmt.where((Country.region == region) | (Country.subregion == region))
    if organisation:
        stmt = stmt.where(Opportunity.organisation_id == organisation)
    if status in {s.value for s in MatchStatus}:
        stmt = stmt.where(Match.status == status)
    if band in SCORE_BANDS:
        low, high = SCORE_BANDS[band]
        stmt = stmt.where(Match.score >= low, Match.score < high)
    return stmt


def unfilled(session: Session, run: MatchRun) -> list[tuple[Opportunity, int]]:
    """Opportunities of the run with places that neither a held place nor a proposal covers."""
    proposed = dict(
        session.execute(
            select(Match.opportunity_id, func.count())
            .where(Match.run_id == run.id, Match.status == MatchStatus.PROPOSED)
            .group_by(Match.opportunity_id)
        ).all()
    )
    ids = [int(o) for o in (run.waitlists or {})]
    found = session.scalars(select(Opportunity).where(Opportunity.id.in_(ids)).order_by(Opportunity.title))
    rows = [(o, o.capacity - o.places_filled - proposed.get(o.id, 0)) for o in found]
    return [(o, free) for o, free in rows if free > 0]


def matches_for_export(session: Session, condition: ColumnElement[bool]) -> list[Match]:
    return list(
        session.scalars(
            select(Match)
            .where(condition)
            .options(
                selectinload(Match.applicant),
                selectinload(Match.opportunity).selectinload(Opportunity.organisation),
            )
            .order_by(Match.id)
        )
    )


@dataclass(frozen=True)
class RunComparison:
    left: dict[int, int]  # applicant id -> opportunity id
    right: dict[int, int]
    changed: list[int]  # applicants placed differently
    users: dict[int, User]
    opportunities: dict[int, Opportunity]

    def per_subregion(self, pairs: dict[int, int]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for opportunity_id in pairs.values():
            region = self.opportunities[opportunity_id].country.subregion
            counts[region] = counts.get(region, 0) + 1
        return counts


def compare_runs(session: Session, a: MatchRun, b: MatchRun) -> RunComparison:
    def pairs(run: MatchRun) -> dict[int, int]:
        stmt = select(Match.applicant_id, Match.opportunity_id).where(Match.run_id == run.id)
        return {applicant: opportunity for applicant, opportunity in session.execute(stmt) if applicant}

    left, right = pairs(a), pairs(b)
    changed = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(changed)))}
    ids = set(left.values()) | set(right.values())
    opportunities = {
        o.id: o
        for o in session.scalars(
            select(Opportunity).where(Opportunity.id.in_(ids)).options(selectinload(Opportunity.country))
        )
    }
    return RunComparison(left, right, changed, users, opportunities)


def round_events(session: Session, match_round: MatchRound, limit: int = 2000) -> list[MatchEvent]:
    return list(
        session.scalars(
            select(MatchEvent)
            .join(Match, MatchEvent.match_id == Match.id)
            .join(MatchRun, Match.run_id == MatchRun.id)
            .where(MatchRun.round_id == match_round.id)
            .order_by(MatchEvent.id)
            .limit(limit)
            .options(selectinload(MatchEvent.actor), selectinload(MatchEvent.match))
        )
    )


def dashboard_figures(session: Session) -> dict[str, Any]:
    """Counts by status, places filled against capacity by region, rounds in progress."""
    by_region = session.execute(
        select(Country.region, func.sum(Opportunity.capacity), func.sum(Opportunity.places_filled))
        .join(Opportunity, Opportunity.country_code == Country.iso2)
        .where(Opportunity.status.in_(["published", "closed"]))
        .group_by(Country.region)
        .order_by(Country.region)
    ).all()
    return {
        "by_status": dict(session.execute(select(Match.status, func.count()).group_by(Match.status)).all()),
        "statuses": [s.value for s in MatchStatus],
        "by_region": [
            (region, int(capacity or 0), int(filled or 0)) for region, capacity, filled in by_region
        ],
        "open_rounds": session.scalars(
            select(MatchRound)
            .where(MatchRound.status == RoundStatus.OPEN)
            .order_by(MatchRound.created_at.desc())
        ).all(),
        "pending_orgs": session.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None))
        ),
    }
