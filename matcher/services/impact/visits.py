"""A visit's people and who may see what after it starts.

A *visit* is an `Opportunity` that has started. Its *visitors* are the people with an accepted or
completed placement on it, or an accepted place in its team. Its *hosts* are the confirmed
members of the organisation offering it (coordinators and admins act for any organisation, as
everywhere). Pages about one visit call `visit_for` first: anyone else gets NotFound, as they
need not know the visit exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import MemberStatus, Opportunity, Team, TeamMember, User
from matcher.models.impact import FEEDBACK_WINDOW_DAYS
from matcher.models.matching import Match, MatchStatus
from matcher.services.errors import NotFound
from matcher.services.permissions import can_act_for, is_staff
from matcher.translate import gettext as _

# A placement or a team place in these makes its holder a visitor.
VISITOR_MATCH = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
VISITOR_MEMBER = (MemberStatus.ACCEPTED,)


@dataclass(frozen=True)
class Standing:
    """What one signed-in person is to one visit."""

    visitor: bool  # an accepted or completed placement, or an accepted team place
    host: bool  # a confirmed member of the offering organisation, or staff
    staff: bool  # a coordinator or an admin

    @property
    def any(self) -> bool:
        return self.visitor or self.host


def visitor_ids(session: Session, visit_id: int) -> list[int]:
    """The visitors' user ids, placements first, each once, in a stable order."""
    placed = session.scalars(
        select(Match.applicant_id)
        .where(
            Match.opportunity_id == visit_id,
            Match.status.in_(VISITOR_MATCH),
            Match.applicant_id.is_not(None),
        )
        .order_by(Match.id)
    ).all()
    members = session.scalars(
        select(TeamMember.user_id)
        .join(Team, Team.id == TeamMember.team_id)
        .where(Team.visit_id == visit_id, TeamMember.status.in_(VISITOR_MEMBER))
        .order_by(TeamMember.id)
    ).all()
    return list(dict.fromkeys([*placed, *members]))


def visitors_of(session: Session, visit_id: int) -> list[User]:
    """The visitors, in `visitor_ids` order (one statement for the users)."""
    ids = visitor_ids(session, visit_id)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [users[i] for i in ids if i in users]


def is_visitor(session: Session, user: User, visit_id: int) -> bool:
    if not user.is_authenticated:
        return False
    placed = session.scalar(
        select(Match.id).where(
            Match.opportunity_id == visit_id,
            Match.applicant_id == user.id,
            Match.status.in_(VISITOR_MATCH),
        )
    )
    if placed is not None:
        return True
    member = session.scalar(
        select(TeamMember.id)
        .join(Team, Team.id == TeamMember.team_id)
        .where(
            Team.visit_id == visit_id, TeamMember.user_id == user.id, TeamMember.status.in_(VISITOR_MEMBER)
        )
    )
    return member is not None


def is_host(session: Session, user: User, visit: Opportunity) -> bool:
    """Staff, and confirmed (verified) members of the offering organisation."""
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    return bool(user.is_verified) and can_act_for(session, user, visit.organisation)


def standing(session: Session, user: User, visit: Opportunity) -> Standing:
    return Standing(
        visitor=is_visitor(session, user, visit.id),
        host=is_host(session, user, visit),
        staff=is_staff(user),
    )


def has_started(visit: Opportunity, today: date) -> bool:
    return visit.starts_on <= today


def has_ended(visit: Opportunity, today: date) -> bool:
    return visit.ends_on < today


def feedback_opens_on(visit: Opportunity) -> date:
    """The first day feedback can be written (by visitors, hosts and local learners): the day after
    the visit ends."""
    return visit.ends_on + timedelta(days=1)


def feedback_shows_on(visit: Opportunity) -> date:
    """The day feedback shows whatever else happened: the 30th day after the visit's end
    (FEEDBACK_WINDOW_DAYS). Visitor and host feedback, and local learners' answers, all use it."""
    return visit.ends_on + timedelta(days=FEEDBACK_WINDOW_DAYS)


def visit_for(session: Session, user: User, visit_id: int) -> tuple[Opportunity, Standing]:
    """The visit and the caller's standing, for its visitors and hosts; NotFound for anyone else,
    and for an opportunity that is not a visit with people on it (a draft, say)."""
    visit = session.get(Opportunity, visit_id)
    if visit is None or not user.is_authenticated:
        raise NotFound(_("There is no such visit."))
    found = standing(session, user, visit)
    if not found.any:
        raise NotFound(_("There is no such visit."))
    return visit, found
