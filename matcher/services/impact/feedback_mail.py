"""The emails of double-blind feedback: each sent once, never with the other side's words.

- When a visit ends, each visitor who has not written yet and each member of the host organisation
  is asked for their feedback: one email per person and visit (SentOnce `feedback-ask:<visit>:<user>`),
  in the first `ASK_DAYS` days after the end (a day the job did not run is caught up).
- When one side's feedback becomes readable by the other (both wrote, or the window closed), its
  readers are told once (`feedback-readable:<visit>:<visitor>:<side>`): the visitor reads the host's,
  the host members read the visitor's. Sent at the moment the second side writes, and by the daily
  job for pairs released by the window (caught up for `CATCH_UP_DAYS` days).
Feedback mail is not essential (Category.MATCHING): notification settings apply.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.mail.digests import claim_once
from matcher.mail.outbox import queue_email
from matcher.models import Membership, Opportunity, User
from matcher.models.impact import FEEDBACK_WINDOW_DAYS, FeedbackSide, VisitFeedback
from matcher.models.notification import Category
from matcher.services.impact import feedback, visits
from matcher.translate import lazy_gettext as _l

ASK_DAYS = 7  # after the end, a visit's request for feedback is still sent for this many days
CATCH_UP_DAYS = 7  # after the window closed, its release is still told for this many days


def _link(endpoint: str, **values) -> str:
    """An absolute link for an email: built from BASE_URL, whatever the request (web.links)."""
    return url_for(endpoint, _external=True, **values)


def host_members(session: Session, visit: Opportunity) -> list[User]:
    """The host organisation's confirmed members with a verified address (staff are not asked)."""
    people = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == visit.organisation_id, Membership.approved_at.is_not(None))
        .order_by(User.id)
    )
    return [person for person in people if person.is_verified]


def _ask(session: Session, visit: Opportunity, today: date) -> int:
    visitors = visits.visitors_of(session, visit.id)
    if not visitors:
        return 0
    written = feedback.rows_by_visitor(session, visit.id)
    sent = 0
    for person in visitors:
        if FeedbackSide.VISITOR.value in written.get(person.id, {}):
            continue  # already written (from the placements page, say)
        if claim_once(session, f"feedback-ask:{visit.id}:{person.id}"):
            sent += _send(
                session,
                person,
                "feedback_request",
                _l("Your visit to %(title)s has ended: how was it?", title=visit.title),
                visit=visit,
                for_host=False,
                count=1,
                release_on=feedback.release_on(visit),
                link=_link("impact.feedback", visit_id=visit.id),
            )
    if all(FeedbackSide.HOST.value in written.get(person.id, {}) for person in visitors):
        return sent  # the host has written on every visitor already
    for member in host_members(session, visit):
        if claim_once(session, f"feedback-ask:{visit.id}:{member.id}"):
            sent += _send(
                session,
                member,
                "feedback_request",
                _l("%(title)s has ended: your feedback on its visitors", title=visit.title),
                visit=visit,
                for_host=True,
                count=len(visitors),
                release_on=feedback.release_on(visit),
                link=_link("impact.feedback", visit_id=visit.id),
            )
    return sent


def tell_readers(session: Session, visit: Opportunity, visitor: User, today: date) -> int:
    """Once the pair is released, tell the readers of each side written (once each); returns how many
    emails were queued. The email says the feedback can be read, never what it says."""
    rows = feedback.rows_by_visitor(session, visit.id, [visitor.id]).get(visitor.id, {})
    if not feedback.released(visit, visitor.id, rows.values(), today):
        return 0
    sent = 0
    for side in rows:
        if not claim_once(session, f"feedback-readable:{visit.id}:{visitor.id}:{side}"):
            continue
        if side == FeedbackSide.HOST.value:
            sent += _send(
                session,
                visitor,
                "feedback_released",
                _l("The host's feedback on your visit to %(title)s is ready to read", title=visit.title),
                visit=visit,
                for_host=False,
                visitor=visitor,
                link=_link("impact.feedback", visit_id=visit.id),
            )
            continue
        for member in host_members(session, visit):
            sent += _send(
                session,
                member,
                "feedback_released",
                _l("%(name)s's feedback on %(title)s is ready to read", name=visitor.name, title=visit.title),
                visit=visit,
                for_host=True,
                visitor=visitor,
                link=_link("impact.host_feedback", visit_id=visit.id, user_id=visitor.id),
            )
    return sent


def _send(session: Session, person: User, template: str, subject, **context) -> int:
    queued = queue_email(
        session, to=person, template=template, category=Category.MATCHING, subject=subject, context=context
    )
    return int(queued is not None)


def send_feedback_mail(session: Session, today: date) -> int:
    """The daily job: ask for feedback on visits that ended lately, and tell the readers of pairs the
    window released lately. Safe to run as often as wanted; returns how many emails were queued."""
    sent = 0
    ended = session.scalars(
        select(Opportunity)
        .where(Opportunity.ends_on < today, Opportunity.ends_on >= today - timedelta(days=ASK_DAYS))
        .order_by(Opportunity.ends_on, Opportunity.id)
    )
    for visit in ended:
        sent += _ask(session, visit, today)
    oldest = today - timedelta(days=FEEDBACK_WINDOW_DAYS + CATCH_UP_DAYS)
    pairs = session.execute(
        select(VisitFeedback.visit_id, VisitFeedback.visitor_id)
        .join(Opportunity, VisitFeedback.visit_id == Opportunity.id)
        .where(Opportunity.ends_on < today, Opportunity.ends_on >= oldest)
        .distinct()
        .order_by(VisitFeedback.visit_id, VisitFeedback.visitor_id)
    ).all()
    for visit_id, visitor_id in pairs:
        visit, visitor = session.get(Opportunity, visit_id), session.get(User, visitor_id)
        sent += tell_readers(session, visit, visitor, today)
    session.flush()
    return sent
