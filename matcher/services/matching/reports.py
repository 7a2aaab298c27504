"""Read-only views of rounds for coordinators: review filters, unfilled places, comparisons, figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, cast, func, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.models import Country, Opportunity, Organisation, User
from matcher.models.matching import (
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    MatchStatus,
    RoundStatus,
    Suggestion,
)
from matcher.services import reference
from matcher.services.search import SearchPage

# Bands of the score as the page shows it, to two decimals: 0.4987 shows as 0.50, so it is medium.
SCORE_BANDS = {"high": (0.745, 1.01), "medium": (0.495, 0.745), "low": (0.0, 0.495)}
# The review page's order: waitlist offers first, best score first, and the id last so that
# pages never repeat or skip a match whose score ties with another's. All descending, so that
# one backward scan of ix_matches_run_review gives a page without sorting the run.
REVIEW_ORDER = (Match.from_waitlist.desc(), Match.score.desc(), Match.id.desc())


def review_query(run: MatchRun, region: str, organisation: int | None, status: str, band: str) -> Select:
    """The run's matches narrowed by region (or sub-region), organisation, status and score band."""
    stmt = select(Match).where(Match.run_id == run.id)
    if region or organisation:
        stmt = stmt.join(Opportunity, Match.opportunity_id == Opportunity.id)
    if region:
        stmt = stmt.join(Country, Opportunity.country_code == Country.iso2).where(
            (Country.region == region) | (Country.subregion == region)
        )
    if organisation:
        stmt = stmt.where(Opportunity.organisation_id == organisation)
    if status in {s.value for s in MatchStatus}:
        stmt = stmt.where(Match.status == status)
    if band in SCORE_BANDS:
        low, high = SCORE_BANDS[band]
        stmt = stmt.where(Match.score >= low, Match.score < high)
    return stmt


def review_page(session: Session, stmt: Select, page: int, per_page: int) -> list[Match]:
    """One page of ``stmt`` (a review_query) in REVIEW_ORDER, with what the page shows of each.

    Two statements: the page's ids from the matches alone (an index scan that stops after the
    page), then those matches with their applicant, opportunity, organisation and country. In
    one statement the planner may join every match of the run before sorting (it did, 0.5 s on a
    national run, while the statistics did not yet know the run's rows).
    """
    ids = list(
        session.scalars(
            stmt.with_only_columns(Match.id)
            .order_by(*REVIEW_ORDER)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    if not ids:
        return []
    rows = session.scalars(
        select(Match)
        .where(Match.id.in_(ids))
        .options(
            joinedload(Match.applicant),
            joinedload(Match.opportunity).options(
                joinedload(Opportunity.organisation), joinedload(Opportunity.country)
            ),
        )
    ).unique()
    by_id = {m.id: m for m in rows}
    return [by_id[i] for i in ids]


def unfilled(session: Session, run: MatchRun, limit: int = 100) -> tuple[list[tuple[Any, int]], int]:
    """Opportunities of the run with places that neither a held place nor a proposal covers.

    The first ``limit`` by title (rows with ``id`` and ``title``), and how many there are in all.
    Three statements whatever the size: the run's proposals counted per opportunity, and the id,
    title and places of the opportunities in the run, compared here. (Done in one statement, the
    planner, misled by statistics not yet updated after a run stored its proposals, chose nested
    loops over every proposal for every opportunity: minutes on a national run.)
    """
    proposed = dict(
        session.execute(
            select(Match.opportunity_id, func.count())
            .where(Match.run_id == run.id, Match.status == MatchStatus.PROPOSED)
            .group_by(Match.opportunity_id)
        ).all()
    )
    keys = _entries(MatchRun.waitlists)
    in_run = (
        select(cast(keys.c.key, Integer))
        .select_from(MatchRun)
        .join(keys, true())
        .where(MatchRun.id == run.id)
    )
    rows = session.execute(
        select(
            Opportunity.id,
            Opportunity.title,
            (Opportunity.capacity - Opportunity.places_filled).label("left"),
        ).where(Opportunity.id.in_(in_run))
    ).all()
    free = [(row, row.left - proposed.get(row.id, 0)) for row in rows]
    free = sorted(((row, n) for row, n in free if n > 0), key=lambda pair: (pair[0].title, pair[0].id))
    return free[:limit], len(free)


def _entries(document: Any) -> Any:
    """The (key, value) pairs of a JSON object column, as a table (json_each on both databases)."""
    return func.json_each(document).table_valued("key", "value")


def _json(value: Any) -> Any:
    # SQLite hands a nested value over as JSON text; psycopg has already decoded it.
    return json.loads(value) if isinstance(value, str) else value


def unmatched_slice(session: Session, run: MatchRun, offset: int, limit: int) -> list[tuple[str, list[Any]]]:
    """Unmatched applicants ``offset`` to ``offset + limit`` of a run, in stored order, with their reasons.

    The database walks the JSON document, so a page does not load the tens of thousands of others.
    """
    entries = _entries(MatchRun.unmatched)
    rows = session.execute(
        select(entries.c.key, entries.c.value)
        .select_from(MatchRun)
        .join(entries, true())
        .where(MatchRun.id == run.id)
        .offset(offset)
        .limit(limit)
    )
    return [(key, _json(value)) for key, value in rows]


def waitlist_lengths(session: Session, run: MatchRun, opportunity_ids: list[int]) -> dict[int, int]:
    """How many applicants wait for each of these opportunities in the run's waitlists."""
    if not opportunity_ids:
        return {}
    entries = _entries(MatchRun.waitlists)
    rows = session.execute(
        select(entries.c.key, func.json_array_length(entries.c.value))
        .select_from(MatchRun)
        .join(entries, true())
        .where(MatchRun.id == run.id, entries.c.key.in_([str(o) for o in opportunity_ids]))
    )
    return {int(key): length for key, length in rows}


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
            .options(selectinload(MatchRound.runs))
            .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
        ).all(),
        "pending_orgs": session.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None))
        ),
    }


@dataclass
class RunReview:
    """What the review page of a matching run shows: one page of proposals and what is left over."""

    page: SearchPage
    unmatched: list[tuple[str, list[Any]]]
    unmatched_total: int
    unmatched_users: dict[int, User]
    unfilled: list[tuple[Any, int]]
    unfilled_total: int
    waitlist_lengths: dict[int, int]
    organisations: list[Organisation]
    regions: list[Any]


def run_review(
    session: Session, run: MatchRun, filters: dict[str, Any], page: int, per_page: int, unmatched_shown: int
) -> RunReview:
    """The review page of a ranked run: `filters` as review_query takes them."""
    stmt = review_query(run, **filters)
    total = session.scalar(select(func.count()).select_from(stmt.with_only_columns(Match.id).subquery()))
    matches = review_page(session, stmt, page, per_page)
    shown = unmatched_slice(session, run, 0, unmatched_shown)
    unfilled_rows, unfilled_total = unfilled(session, run)
    return RunReview(
        page=SearchPage(items=list(matches), total=total or 0, page=page, per_page=per_page),
        unmatched=shown,
        unmatched_total=(run.counts or {}).get("unmatched", len(shown)),
        unmatched_users=users_by_id(session, [int(a) for a, _ in shown]),
        unfilled=unfilled_rows,
        unfilled_total=unfilled_total,
        waitlist_lengths=waitlist_lengths(session, run, [o.id for o, _ in unfilled_rows]),
        organisations=list(
            session.scalars(
                select(Organisation).where(Organisation.verified_at.is_not(None)).order_by(Organisation.name)
            )
        ),
        regions=list(reference.regions(session)),
    )


def users_by_id(session: Session, ids: list[int]) -> dict[int, User]:
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def run_suggestions(
    session: Session, run: MatchRun, limit: int = 500
) -> tuple[list[Suggestion], dict[int, str]]:
    """A recommendation run's suggestions, by applicant, and the applicants' names."""
    suggestions = list(
        session.scalars(
            select(Suggestion)
            .where(Suggestion.run_id == run.id)
            .options(selectinload(Suggestion.opportunity))
            .order_by(Suggestion.applicant_id, Suggestion.position)
            .limit(limit)
        )
    )
    wanted = {s.applicant_id for s in suggestions}
    names = {
        user_id: name
        for user_id, name in session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    }
    return suggestions, names


def rounds_with_runs(session: Session) -> list[MatchRound]:
    return list(
        session.scalars(
            select(MatchRound)
            .options(selectinload(MatchRound.runs))
            .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
        )
    )


def match_with_history(session: Session, match_id: int) -> Match | None:
    return session.get(
        Match,
        match_id,
        options=[
            joinedload(Match.run),
            joinedload(Match.applicant),
            joinedload(Match.opportunity),
            selectinload(Match.events).joinedload(MatchEvent.actor),
        ],
    )


def runs_leaving_out(session: Session, match: Match) -> list[MatchRun]:
    """Later runs that left this pair out because the applicant declined it or let it expire."""
    if match.applicant_id is None or match.status not in (MatchStatus.DECLINED, MatchStatus.EXPIRED):
        return []
    pair = [match.applicant_id, match.opportunity_id]
    later = session.scalars(
        select(MatchRun)
        .where(MatchRun.id > match.run_id)
        .options(joinedload(MatchRun.round))
        .order_by(MatchRun.id)
    )
    return [run for run in later if pair in (run.parameters or {}).get("left_out", [])]
