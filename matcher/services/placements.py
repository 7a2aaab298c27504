"""Decisions on matches: approve, reject, publish, accept or decline, cancel, complete.

A match that holds a place counts in `opportunities.places_filled`, changed only by conditional
UPDATE statements, so the CHECK (places_filled <= capacity) and the WHERE clause together make
the database refuse an over-full opportunity, whatever runs concurrently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.models import Opportunity, User
from matcher.models.matching import (
    HOLDS_PLACE,
    TRANSITIONS,
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    MatchStatus,
    RoundStatus,
)
from matcher.models.notification import Frequency
from matcher.notifications.outbox import queue_email, queue_job
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import can_act_for, is_staff
from matcher.services.rounds import log_event, require_coordinator

S = MatchStatus


def take_place(session: Session, opportunity_id: int) -> None:
    """Hold one place, or raise Conflict when none is left (atomic in the database)."""
    result = session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.places_filled < Opportunity.capacity)
        .values(places_filled=Opportunity.places_filled + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("This opportunity has no place left.")


def free_place(session: Session, opportunity_id: int) -> None:
    session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.places_filled > 0)
        .values(places_filled=Opportunity.places_filled - 1)
        .execution_options(synchronize_session=False)
    )


def _move(
    session: Session, match: Match, actor: User | None, to_status: str, reason: str | None = None
) -> None:
    """Change status, keep places_filled in step, and write the audit event."""
    if to_status not in TRANSITIONS[match.status]:
        raise Conflict(f"A {match.status} match cannot become {to_status}.")
    held, holds = match.status in HOLDS_PLACE, to_status in HOLDS_PLACE
    if holds and not held:
        take_place(session, match.opportunity_id)
    elif held and not holds:
        free_place(session, match.opportunity_id)
    audit.on_commit(
        session,
        f"match_{to_status}",
        actor,
        match_id=match.id,
        run_id=match.run_id,
        opportunity_id=match.opportunity_id,
        applicant_id=match.applicant_id,
        from_status=match.status,
        reason=reason,
    )
    log_event(session, match, actor, to_status, reason)


def _lock(session: Session, match_id: int) -> Match:
    """The match row, locked on PostgreSQL so concurrent decisions on it queue up."""
    match = session.scalar(select(Match).where(Match.id == match_id).with_for_update())
    if match is None:
        raise NotFound("No such match.")
    session.refresh(match)
    return match


def approve(session: Session, actor: User, match_id: int, reason: str | None = None) -> Match:
    require_coordinator(actor)
    match = _lock(session, match_id)
    if match.run.round.status != RoundStatus.OPEN and not match.from_waitlist:
        raise Conflict("This round is already published.")
    if match.applicant_id is None:
        raise Conflict("The applicant has deleted their account.")
    _move(session, match, actor, S.APPROVED, reason)
    return match


def reject(session: Session, actor: User, match_id: int, reason: str | None = None) -> Match:
    require_coordinator(actor)
    match = _lock(session, match_id)
    _move(session, match, actor, S.REJECTED, reason)
    return match


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def decide_many(
    session: Session, actor: User, match_ids: Iterable[int], action: str, reason: str | None
) -> BulkResult:
    """Approve or reject several; each in its own savepoint, so one refusal spoils nothing else."""
    require_coordinator(actor)
    decide = {"approve": approve, "reject": reject}.get(action)
    if decide is None:
        raise DomainError("Choose approve or reject.")
    result = BulkResult()
    for match_id in match_ids:
        try:
            with session.begin_nested():
                decide(session, actor, match_id, reason)
        except DomainError as error:
            result.refused.append((match_id, error.message))
        else:
            result.done.append(match_id)
    return result


def publish(session: Session, actor: User, run: MatchRun, response_deadline: date | None, today: date) -> int:
    """Make the run's approved matches visible and queue the emails; returns how many."""
    require_coordinator(actor)
    match_round: MatchRound = run.round
    if match_round.status != RoundStatus.OPEN:
        raise Conflict("This round is already published.")
    deadline = response_deadline or match_round.response_deadline
    if deadline is None or deadline < today:
        raise DomainError("Set a reply deadline that is today or later.", field="response_deadline")
    approved = session.scalar(
        select(func.count()).select_from(Match).where(Match.run_id == run.id, Match.status == S.APPROVED)
    )
    if not approved:
        raise Conflict("This run has no approved match to publish. Approve some first.")
    # Places held by approvals in the other runs of this round are given back.
    stale = session.scalars(
        select(Match)
        .join(MatchRun, Match.run_id == MatchRun.id)
        .where(MatchRun.round_id == match_round.id, MatchRun.id != run.id, Match.status == S.APPROVED)
    )
    for match in stale:
        _move(session, match, actor, S.PROPOSED, f"run {run.number} was published instead")
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
    _move(session, match, actor, S.PUBLISHED, "offered from the waitlist")
    notify_published(session, match, from_waitlist=True)


def notify_published(
    session: Session,
    match: Match,
    from_waitlist: bool = False,
    frequencies: dict[int, Frequency] | None = None,
) -> None:
    opportunity = match.opportunity
    link = url_for("placements.mine", _external=True)
    queue_email(
        session,
        to=match.applicant,
        template="waitlist_offer" if from_waitlist else "match_published",
        category="matching",
        subject=(
            f"A place is offered to you: {opportunity.title}"
            if from_waitlist
            else f"You are matched: {opportunity.title}"
        ),
        context={"match": match, "opportunity": opportunity, "link": link},
        frequency=(frequencies or {}).get(match.applicant_id),
    )
    for member in opportunity.organisation.memberships:
        if member.is_approved:
            queue_email(
                session,
                to=member.user,
                template="match_published_host",
                category="matching",
                frequency=(frequencies or {}).get(member.user_id),
                subject=f"A match for {opportunity.title}",
                context={
                    "match": match,
                    "opportunity": opportunity,
                    "link": url_for(
                        "placements.for_opportunity", opportunity_id=opportunity.id, _external=True
                    ),
                },
            )


def own_match(session: Session, applicant: User, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if (
        match is None
        or match.applicant_id != applicant.id
        or match.status in (S.PROPOSED, S.APPROVED, S.REJECTED)
    ):
        raise NotFound("No such placement.")
    return match


def respond(session: Session, applicant: User, match_id: int, accept: bool, today: date) -> Match:
    """The applicant accepts or declines a published match before its deadline."""
    match = own_match(session, applicant, match_id)
    match = _lock(session, match.id)
    if match.status != S.PUBLISHED:
        raise Conflict(f"This placement is already {match.status}.")
    if match.response_deadline and today > match.response_deadline:
        raise Conflict(f"The deadline to reply was {match.response_deadline:%d %B %Y}; it has passed.")
    match.responded_at = utcnow()
    _move(session, match, applicant, S.ACCEPTED if accept else S.DECLINED)
    _tell_host_and_coordinators(session, match)
    if not accept:
        offer_next(session, match)
    return match


def _tell_host_and_coordinators(session: Session, match: Match) -> None:
    opportunity = match.opportunity
    people = [m.user for m in opportunity.organisation.memberships if m.is_approved]
    round_owner = match.run.round.created_by
    if round_owner is not None:
        people.append(round_owner)
    who = match.applicant.name if match.applicant else "An applicant"
    for person in {p.id: p for p in people}.values():
        queue_email(
            session,
            to=person,
            template="match_answered",
            category="matching",
            subject=f"{who} {match.status} {opportunity.title}",
            context={
                "match": match,
                "opportunity": opportunity,
                "link": url_for("placements.for_opportunity", opportunity_id=opportunity.id, _external=True),
            },
        )


def offer_next(session: Session, freed: Match) -> Match | None:
    """Propose the freed place to the best-placed applicant on the run's waitlist who is still free.

    The proposal waits for a coordinator's approval like any other.
    """
    run = freed.run
    waitlist = (run.waitlists or {}).get(str(freed.opportunity_id), [])
    in_round = {
        row.applicant_id: row.status
        for row in session.scalars(
            select(Match).join(MatchRun, Match.run_id == MatchRun.id).where(MatchRun.round_id == run.round_id)
        )
    }
    for applicant_id in waitlist:
        status = in_round.get(applicant_id)
        if status is None or status in (S.REJECTED,):
            existing = session.scalar(
                select(Match).where(Match.run_id == run.id, Match.applicant_id == applicant_id)
            )
            if existing is not None or session.get(User, applicant_id) is None:
                continue
            offer = Match(
                run=run,
                status=S.PROPOSED,
                applicant_id=applicant_id,
                opportunity_id=freed.opportunity_id,
                from_waitlist=True,
                score=0.0,
                breakdown=[],
            )
            session.add(offer)
            session.add(
                _event(offer, None, f"place freed by match {freed.id} ({freed.status}); next on the waitlist")
            )
            session.flush()
            return offer
    return None


def _event(match: Match, actor: User | None, reason: str) -> MatchEvent:
    return MatchEvent(
        match=match, actor_id=actor.id if actor else None, to_status=match.status, reason=reason
    )


def expire_overdue(session: Session, today: date) -> int:
    """Published matches past their reply deadline expire; their places go to the waitlist."""
    overdue = list(
        session.scalars(select(Match).where(Match.status == S.PUBLISHED, Match.response_deadline < today))
    )
    for match in overdue:
        _move(session, match, None, S.EXPIRED, "no reply by the deadline")
        offer_next(session, match)
    return len(overdue)


def cancel(session: Session, actor: User, match_id: int, reason: str) -> Match:
    """The host (or a coordinator) cancels a placement, with a reason the applicant is sent."""
    match = _lock(session, match_id)
    if not (is_staff(actor) or can_act_for(session, actor, match.opportunity.organisation)):
        raise PermissionDenied("You do not act for this organisation.")
    if not reason.strip():
        raise DomainError("Give the reason; the applicant will read it.", field="reason")
    _move(session, match, actor, S.CANCELLED, reason)
    if match.applicant is not None:
        queue_email(
            session,
            to=match.applicant,
            template="placement_cancelled",
            category="matching",
            subject=f"Your placement was cancelled: {match.opportunity.title}",
            context={
                "match": match,
                "opportunity": match.opportunity,
                "reason": reason.strip(),
                "link": url_for("placements.mine", _external=True),
            },
        )
    offer_next(session, match)
    return match


def confirm_attendance(session: Session, actor: User, match_id: int, today: date) -> Match:
    """The host confirms the applicant came: the placement is completed."""
    match = _lock(session, match_id)
    if not (is_staff(actor) or can_act_for(session, actor, match.opportunity.organisation)):
        raise PermissionDenied("You do not act for this organisation.")
    if today < match.opportunity.starts_on:
        raise Conflict("Attendance can be confirmed once the placement has started.")
    match.attendance_confirmed_at = utcnow()
    _move(session, match, actor, S.COMPLETED, "attendance confirmed")
    return match


def give_feedback(session: Session, applicant: User, match_id: int, rating: int, feedback: str) -> Match:
    match = own_match(session, applicant, match_id)
    if match.status != S.COMPLETED:
        raise Conflict("Feedback opens once the host has confirmed the placement.")
    if not 1 <= rating <= 5:
        raise DomainError("Rate from 1 to 5.", field="rating")
    match.rating, match.feedback = rating, feedback.strip()[:5000]
    return match
