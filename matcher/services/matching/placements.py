"""Places: held and freed by status changes; the applicant's reply, the waitlist, cancel, complete.

A match that holds a place counts in `opportunities.places_filled`, changed only by conditional
UPDATE statements, so the CHECK (places_filled <= capacity) and the WHERE clause together make
the database refuse an over-full opportunity, whatever runs concurrently.
"""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.formatting import long_day
from matcher.mail import receipts
from matcher.mail.outbox import queue_email
from matcher.models import Application, Opportunity, User
from matcher.models.impact import FeedbackSide
from matcher.models.matching import (
    BUSY,
    HOLDS_PLACE,
    TRANSITIONS,
    Match,
    MatchEvent,
    MatchStatus,
)
from matcher.models.webhook import WebhookEvent
from matcher.services.departure.trips import trip_for_match
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.impact import completions
from matcher.services.impact import feedback as visit_feedback
from matcher.services.matching.rounds import log_event
from matcher.services.permissions import can_act_for, is_staff
from matcher.services.webhooks import events as webhook_events
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

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
        raise Conflict(_("This opportunity has no place left."))


def free_place(session: Session, opportunity_id: int) -> None:
    session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.places_filled > 0)
        .values(places_filled=Opportunity.places_filled - 1)
        .execution_options(synchronize_session=False)
    )


def change_status(
    session: Session, match: Match, actor: User | None, to_status: str, reason: str | None = None
) -> None:
    """Change status, keep places_filled in step, and write the audit event."""
    if to_status not in TRANSITIONS[match.status]:
        raise Conflict(
            _(
                "This match is %(status)s, so it cannot become %(new)s.",
                status=S.label_for(match.status),
                new=S.label_for(to_status),
            )
        )
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


def lock_match(session: Session, match_id: int) -> Match:
    """The match row, locked on PostgreSQL so concurrent decisions on it queue up."""
    match = session.scalar(select(Match).where(Match.id == match_id).with_for_update())
    if match is None:
        raise NotFound(_("No such match."))
    session.refresh(match)
    return match


def own_match(session: Session, applicant: User, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if (
        match is None
        or match.applicant_id != applicant.id
        or match.status in (S.PROPOSED, S.APPROVED, S.REJECTED)
    ):
        raise NotFound(_("No such placement."))
    return match


def respond(session: Session, applicant: User, match_id: int, accept: bool, today: date) -> Match:
    """The applicant accepts or declines a published match before its deadline."""
    match = own_match(session, applicant, match_id)
    match = lock_match(session, match.id)
    if match.status != S.PUBLISHED:
        raise Conflict(_("This placement is already %(status)s.", status=S.label_for(match.status)))
    if match.response_deadline and today > match.response_deadline:
        raise Conflict(
            _("The deadline to reply was %(day)s; it has passed.", day=long_day(match.response_deadline))
        )
    match.responded_at = utcnow()
    change_status(session, match, applicant, S.ACCEPTED if accept else S.DECLINED)
    _tell_host_and_coordinators(session, match)
    answered = WebhookEvent.MATCH_ACCEPTED if accept else WebhookEvent.MATCH_DECLINED
    webhook_events.about_matches(session, [match], answered)
    closed: list[Opportunity] = []
    if accept:
        closed = _close_other_applications(session, applicant, match)
        trip_for_match(session, match)
    else:
        offer_next(session, match)
    receipts.answered(session, match, closed)
    return match


def _close_other_applications(session: Session, applicant: User, accepted: Match) -> list[Opportunity]:
    """Accepting a place closes the applicant's other applications: proposals for them in rounds not
    yet published are rejected (an approved one gives its place back). Returns the opportunities."""
    title = accepted.opportunity.title
    pending = session.scalars(
        select(Match)
        .where(
            Match.applicant_id == applicant.id,
            Match.id != accepted.id,
            Match.status.in_([S.PROPOSED, S.APPROVED]),
        )
        .order_by(Match.id)
        .with_for_update()
    ).all()
    for match in pending:
        change_status(session, match, applicant, S.REJECTED, f"the applicant accepted a place at {title}")
    return list(
        session.scalars(
            select(Opportunity)
            .join(Application, Application.opportunity_id == Opportunity.id)
            .where(Application.applicant_id == applicant.id, Opportunity.id != accepted.opportunity_id)
            .order_by(Application.rank)
        )
    )


def _tell_host_and_coordinators(session: Session, match: Match) -> None:
    opportunity = match.opportunity
    people = [m.user for m in opportunity.organisation.memberships if m.is_approved]
    round_owner = match.run.round.created_by
    if round_owner is not None:
        people.append(round_owner)
    who = match.applicant.name if match.applicant else _l("An applicant")
    answer = (
        _l("%(applicant)s accepted %(title)s", applicant=who, title=opportunity.title)
        if match.status == S.ACCEPTED
        else _l("%(applicant)s declined %(title)s", applicant=who, title=opportunity.title)
    )
    for person in {p.id: p for p in people}.values():
        queue_email(
            session,
            to=person,
            template="match_answered",
            category="matching",
            subject=answer,
            context={
                "match": match,
                "opportunity": opportunity,
                "link": url_for("placements.for_opportunity", opportunity_id=opportunity.id, _external=True),
            },
        )


def offer_next(session: Session, freed: Match) -> Match | None:
    """Propose the freed place to the best-placed applicant on the run's waitlist who is still free.

    Not free: whoever holds a place from any round (nobody is matched twice, as in `run_round`)
    or already has a match in this run (declined, expired, rejected or an earlier offer). A match
    in another run of this round does not count: a place is freed only once the round is
    published, and publishing sent the other runs' approvals back to proposals that never go
    out. The proposal waits for a coordinator's approval like any other.
    """
    run = freed.run
    waitlist = (run.waitlists or {}).get(str(freed.opportunity_id), [])
    if not waitlist:
        return None
    # Two statements for the whole waitlist, not two per candidate.
    taken = or_(Match.status.in_(list(BUSY)), Match.run_id == run.id)
    busy = set(session.scalars(select(Match.applicant_id).where(Match.applicant_id.in_(waitlist), taken)))
    existing = set(session.scalars(select(User.id).where(User.id.in_(waitlist))))
    for applicant_id in waitlist:
        if applicant_id in busy or applicant_id not in existing:
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
            MatchEvent(
                match=offer,
                to_status=offer.status,
                reason=f"place freed by match {freed.id} ({freed.status}); next on the waitlist",
            )
        )
        session.flush()
        return offer
    return None


def expire_overdue(session: Session, today: date) -> int:
    """Published matches past their reply deadline expire; their places go to the waitlist."""
    overdue = list(
        session.scalars(select(Match).where(Match.status == S.PUBLISHED, Match.response_deadline < today))
    )
    for match in overdue:
        change_status(session, match, None, S.EXPIRED, "no reply by the deadline")
        offer_next(session, match)
    return len(overdue)


def cancel(session: Session, actor: User, match_id: int, reason: str) -> Match:
    """The host (or a coordinator) cancels a placement, with a reason the applicant is sent."""
    match = lock_match(session, match_id)
    if not (is_staff(actor) or can_act_for(session, actor, match.opportunity.organisation)):
        raise PermissionDenied(_("You do not act for this organisation."))
    if not reason.strip():
        raise DomainError(_("Give the reason; the applicant will read it."), field="reason")
    change_status(session, match, actor, S.CANCELLED, reason)
    if match.applicant is not None:
        queue_email(
            session,
            to=match.applicant,
            template="placement_cancelled",
            category="matching",
            subject=_l("Your placement was cancelled: %(title)s", title=match.opportunity.title),
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
    """The host confirms the applicant came: the placement is completed, and the visit's
    completion (the ground of the applicant's certificate) is recorded in the same transaction."""
    match = lock_match(session, match_id)
    if not (is_staff(actor) or can_act_for(session, actor, match.opportunity.organisation)):
        raise PermissionDenied(_("You do not act for this organisation."))
    if today < match.opportunity.starts_on:
        raise Conflict(_("Attendance can be confirmed once the placement has started."))
    match.attendance_confirmed_at = utcnow()
    change_status(session, match, actor, S.COMPLETED, "attendance confirmed")
    if match.applicant_id is not None:
        completions.record(session, actor, match.opportunity_id, match.applicant_id)
    return match


def give_feedback(
    session: Session, applicant: User, match_id: int, rating: int, feedback: str, today: date | None = None
) -> Match:
    """The applicant's feedback on a completed placement: the visitor's side of the visit's
    double-blind feedback (services.impact.feedback: once only, after the visit, shown to the host
    once released)."""
    match = own_match(session, applicant, match_id)
    if match.status != S.COMPLETED:
        raise Conflict(_("Feedback opens once the host has confirmed the placement."))
    visit_feedback.write(
        session,
        applicant,
        match.opportunity_id,
        applicant.id,
        FeedbackSide.VISITOR,
        rating=rating,
        would_return=None,
        comments=feedback,
        today=today or date.today(),
    )
    return match
