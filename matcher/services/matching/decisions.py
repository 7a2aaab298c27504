"""A coordinator's decisions on a run's matches: approve, reject, publish; approve all a filter selects.

A national run proposes tens of thousands of matches; ticking them a page at a time does not
scale. `approve_all` holds the places of a whole opportunity at once with one conditional UPDATE
per statement (not per match): an opportunity whose free places cannot take all of its selected
proposals keeps them proposed, to be decided one by one, and the count says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, insert, literal, select, update
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.mail.matches import notify_published
from matcher.mail.outbox import queue_job
from matcher.models import Opportunity, User
from matcher.models.matching import Match, MatchEvent, MatchRound, MatchRun, MatchStatus, RoundStatus
from matcher.models.webhook import WebhookEvent
from matcher.services.errors import Conflict, DomainError, NotFound
from matcher.services.matching.placements import change_status, lock_match
from matcher.services.matching.rounds import require_coordinator
from matcher.services.webhooks import events as webhook_events
from matcher.translate import gettext as _

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
        raise Conflict(_("This round is already published; approve waitlist offers one by one."))
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


def approve(session: Session, actor: User, match_id: int, reason: str | None = None) -> Match:
    require_coordinator(actor)
    match = lock_match(session, match_id)
    if match.run.round.status != RoundStatus.OPEN and not match.from_waitlist:
        raise Conflict(_("This round is already published."))
    if match.applicant_id is None:
        raise Conflict(_("The applicant has deleted their account."))
    change_status(session, match, actor, S.APPROVED, reason)
    return match


def reject(session: Session, actor: User, match_id: int, reason: str | None = None) -> Match:
    require_coordinator(actor)
    match = lock_match(session, match_id)
    change_status(session, match, actor, S.REJECTED, reason)
    return match


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def decide_many(
    session: Session,
    actor: User,
    run: MatchRun,
    match_ids: Iterable[int],
    action: str,
    reason: str | None,
    today: date,
) -> BulkResult:
    """Approve or reject several of the run's matches; each in its own savepoint, so one refusal
    spoils nothing else. In a published round an approved waitlist offer goes straight out."""
    require_coordinator(actor)
    decide = {"approve": approve, "reject": reject}.get(action)
    if decide is None:
        raise DomainError(_("Choose approve or reject."))
    match_ids = list(match_ids)
    in_run = set(session.scalars(select(Match.id).where(Match.run_id == run.id, Match.id.in_(match_ids))))
    if in_run != set(match_ids):
        raise NotFound(_("Some of these matches are not in this run."))
    result = BulkResult()
    for match_id in match_ids:
        try:
            with session.begin_nested():
                decide(session, actor, match_id, reason)
        except DomainError as error:
            result.refused.append((match_id, error.message))
        else:
            result.done.append(match_id)
    if action == "approve" and run.round.status == RoundStatus.PUBLISHED:
        for match_id in result.done:
            match = session.get(Match, match_id)
            if match.from_waitlist:
                offer_published(session, actor, match, today)
    return result


def publish(session: Session, actor: User, run: MatchRun, response_deadline: date | None, today: date) -> int:
    """Make the run's approved matches visible and queue the emails; returns how many."""
    require_coordinator(actor)
    match_round: MatchRound = run.round
    if match_round.status != RoundStatus.OPEN:
        raise Conflict(_("This round is already published."))
    deadline = response_deadline or match_round.response_deadline
    if deadline is None or deadline < today:
        raise DomainError(_("Set a reply deadline that is today or later."), field="response_deadline")
    approved = session.scalar(
        select(func.count()).select_from(Match).where(Match.run_id == run.id, Match.status == S.APPROVED)
    )
    if not approved:
        raise Conflict(_("This run has no approved match to publish. Approve some first."))
    # Places held by approvals in the other runs of this round are given back.
    stale = session.scalars(
        select(Match)
        .join(MatchRun, Match.run_id == MatchRun.id)
        .where(MatchRun.round_id == match_round.id, MatchRun.id != run.id, Match.status == S.APPROVED)
    )
    for match in stale:
        change_status(session, match, actor, S.PROPOSED, f"run {run.number} was published instead")
    # Set-based, so that publishing 10,000 matches is a few statements, not 10,000 round trips:
    # approved -> published keeps every place held, so places_filled does not change.
    now = utcnow()
    session.execute(
        insert(MatchEvent).from_select(
            ["match_id", "actor_id", "from_status", "to_status", "created_at"],
            select(
                Match.id,
                literal(actor.id),
                literal(S.APPROVED.value),
                literal(S.PUBLISHED.value),
                literal(now),
            ).where(Match.run_id == run.id, Match.status == S.APPROVED),
        )
    )
    session.execute(
        update(Match)
        .where(Match.run_id == run.id, Match.status == S.APPROVED)
        .values(status=S.PUBLISHED, response_deadline=deadline, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    # The emails are written by the mail worker from this job, in the same commit as the change.
    queue_job(session, "run_published", {"run_id": run.id})
    match_round.status, run.published_at = RoundStatus.PUBLISHED, now
    match_round.response_deadline, match_round.published_at = deadline, now
    audit.on_commit(
        session, "matches_published", actor, run_id=run.id, round_id=match_round.id, count=approved
    )
    session.flush()
    session.expire_all()
    return approved


def offer_published(session: Session, actor: User, match: Match, today: date) -> None:
    """Send an approved waitlist offer straight to the applicant, in a round already published."""
    deadline = match.run.round.response_deadline
    match.response_deadline = deadline if deadline and deadline >= today else today + timedelta(days=7)
    change_status(session, match, actor, S.PUBLISHED, "offered from the waitlist")
    notify_published(session, match, from_waitlist=True)
    webhook_events.about_matches(session, [match], WebhookEvent.MATCH_PUBLISHED)
