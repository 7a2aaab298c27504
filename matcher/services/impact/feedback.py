"""Double-blind feedback between a visit's visitors and its host.

Once a visit has ended (the day after `ends_on`), each visitor may write once on the placement
(side visitor) and a host member once on each visitor (side host). Neither can be changed once
written. Each side's feedback shows to the other only once the pair is *released*: both sides have
written, or `FEEDBACK_WINDOW_DAYS` days have passed since the visit ended (from `release_on`).
Before that, each side may know that the other has written (not what): "the host has written
theirs; you will see it once you write yours".

Staff (coordinators, admins) read both sides at any time and write neither: a host member writes
the host side. Emails (services.impact.feedback_mail) ask both sides when the visit ends and tell
each reader once the other side's feedback can be read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.formatting import long_day
from matcher.models import Opportunity, User
from matcher.models.impact import FeedbackSide, VisitFeedback
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.impact import visits
from matcher.translate import gettext as _

MAX_COMMENTS = 5000
RATINGS = range(1, 6)


@dataclass(frozen=True)
class Pair:
    """One visitor's two sides of feedback on one visit, and whether each may read the other's."""

    visitor: User
    mine: VisitFeedback | None  # the visitor's, on the placement
    theirs: VisitFeedback | None  # the host's, on the visitor
    released: bool

    def side(self, side: FeedbackSide) -> VisitFeedback | None:
        return self.mine if side == FeedbackSide.VISITOR else self.theirs


def opens_on(visit: Opportunity) -> date:
    """The first day feedback can be written: the day after the visit ends."""
    return visits.feedback_opens_on(visit)


def release_on(visit: Opportunity) -> date:
    """The day each side's feedback shows to the other even if only one has written."""
    return visits.feedback_shows_on(visit)


def is_open(visit: Opportunity, today: date) -> bool:
    return visits.has_ended(visit, today)


def released(visit: Opportunity, visitor_id: int, rows: Iterable[VisitFeedback], today: date) -> bool:
    """Whether each side of (visit, visitor) may read the other's: both wrote, or the window closed."""
    if today >= release_on(visit):
        return True
    sides = {r.side for r in rows if r.visit_id == visit.id and r.visitor_id == visitor_id}
    return sides >= {FeedbackSide.VISITOR.value, FeedbackSide.HOST.value}


def rows_by_visitor(
    session: Session, visit_id: int, visitor_ids: Iterable[int] | None = None
) -> dict[int, dict[str, VisitFeedback]]:
    """The visit's feedback rows (of the visitors named, or all), by visitor and side: one statement."""
    stmt = select(VisitFeedback).where(VisitFeedback.visit_id == visit_id)
    if visitor_ids is not None:
        stmt = stmt.where(VisitFeedback.visitor_id.in_(list(visitor_ids)))
    found: dict[int, dict[str, VisitFeedback]] = defaultdict(dict)
    for row in session.scalars(stmt.order_by(VisitFeedback.id)):
        found[row.visitor_id][row.side] = row
    return found


def written_by_visitor(
    session: Session, visitor_id: int, visit_ids: Iterable[int]
) -> dict[int, VisitFeedback]:
    """The visitor's own side on each of these visits that they have written, by visit: one statement."""
    ids = list(visit_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(VisitFeedback).where(
            VisitFeedback.visitor_id == visitor_id,
            VisitFeedback.side == FeedbackSide.VISITOR.value,
            VisitFeedback.visit_id.in_(ids),
        )
    )
    return {row.visit_id: row for row in rows}


def readable_by_host(session: Session, visit: Opportunity, today: date) -> dict[int, VisitFeedback]:
    """The visitors' sides the host may read now (released pairs only), by visitor: one statement."""
    rows = rows_by_visitor(session, visit.id)
    return {
        visitor_id: sides[FeedbackSide.VISITOR.value]
        for visitor_id, sides in rows.items()
        if FeedbackSide.VISITOR.value in sides and released(visit, visitor_id, sides.values(), today)
    }


def pairs(session: Session, visit: Opportunity, today: date) -> list[Pair]:
    """Every visitor's pair on the visit, in the visitors' order (three statements in all)."""
    people = visits.visitors_of(session, visit.id)
    rows = rows_by_visitor(session, visit.id)
    return [_pair(visit, person, rows.get(person.id, {}), today) for person in people]


def pair_for(session: Session, visit: Opportunity, visitor: User, today: date) -> Pair:
    rows = rows_by_visitor(session, visit.id, [visitor.id])
    return _pair(visit, visitor, rows.get(visitor.id, {}), today)


def _pair(visit: Opportunity, visitor: User, sides: dict[str, VisitFeedback], today: date) -> Pair:
    return Pair(
        visitor=visitor,
        mine=sides.get(FeedbackSide.VISITOR.value),
        theirs=sides.get(FeedbackSide.HOST.value),
        released=released(visit, visitor.id, sides.values(), today),
    )


def visitor_of(session: Session, visit: Opportunity, user_id: int) -> User:
    """The visit's visitor with this id; NotFound for anyone else."""
    user = session.get(User, user_id) if user_id in visits.visitor_ids(session, visit.id) else None
    if user is None:
        raise NotFound(_("This person did not take part in this visit."))
    return user


def may_write_host_side(standing: visits.Standing) -> bool:
    """A host member writes the host side; staff read both sides and write neither."""
    return standing.host and not standing.staff


def check_answer(rating: int | None, comments: str) -> str:
    """The comments as kept (trimmed), or DomainError at the field that is wrong."""
    if rating is None or rating not in RATINGS:
        raise DomainError(_("Choose a rating from 1 to 5."), field="rating")
    comments = (comments or "").strip()
    if len(comments) > MAX_COMMENTS:
        raise DomainError(_("Keep your comments to 5,000 characters or fewer."), field="comments")
    return comments


def write(
    session: Session,
    author: User,
    visit_id: int,
    visitor_id: int,
    side: FeedbackSide,
    *,
    rating: int | None,
    would_return: bool | None,
    comments: str,
    today: date,
) -> VisitFeedback:
    """Write one side's feedback on one visitor's visit, once. The visitor writes their own side; a
    host member writes the host side. Tells the other side when this releases the pair."""
    visit, standing = visits.visit_for(session, author, visit_id)
    if side == FeedbackSide.VISITOR:
        if not standing.visitor or author.id != visitor_id:
            raise PermissionDenied(_("Only the visitor writes their own feedback on the placement."))
        visitor = author
    else:
        if not may_write_host_side(standing):
            raise PermissionDenied(_("Only a member of the host organisation writes the host's feedback."))
        visitor = visitor_of(session, visit, visitor_id)
    if not is_open(visit, today):
        day = long_day(opens_on(visit))
        raise Conflict(_("Feedback opens on %(day)s, once the visit has ended.", day=day))
    comments = check_answer(rating, comments)
    row = VisitFeedback(
        visit_id=visit.id,
        visitor_id=visitor.id,
        side=side.value,
        author_id=author.id,
        rating=rating,
        would_return=would_return,
        comments=comments,
    )
    try:
        with session.begin_nested():  # one per (visit, visitor, side): the database decides
            session.add(row)
            session.flush()
    except IntegrityError:
        if side == FeedbackSide.VISITOR:
            raise Conflict(_("You have already sent your feedback; it cannot be changed.")) from None
        raise Conflict(
            _("Your organisation has already sent its feedback on this visitor; it cannot be changed.")
        ) from None
    from matcher.services.impact import feedback_mail  # it reads this module's rules

    feedback_mail.tell_readers(session, visit, visitor, today)
    return row
