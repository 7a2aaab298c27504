"""After your visits: where each person stands on the visits they took part in or host.

`visits_page` lists, for a visitor, the visits they took part in that have started (their
logbook, completion, feedback and certificate), and for a host member, their organisations'
visits that have started (what waits for them). `visit_page` is one visit's after-page for its
visitors and hosts. Both read the impact tables directly, in a fixed number of statements
whatever the number of visits, visitors or entries: the figures are grouped by the database,
and the pairs (visit, person) are read once for all the visits shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from matcher.models import Membership, Opportunity, Team, TeamMember, User
from matcher.models.impact import FeedbackSide, LogEntry, VisitCompletion, VisitFeedback
from matcher.models.matching import Match
from matcher.services.impact import visits
from matcher.services.impact.visits import VISITOR_MATCH, VISITOR_MEMBER, Standing, visitors_of
from matcher.services.permissions import is_staff

COMPLETED = "completed"  # beside the feedback sides, in what a visitor has


@dataclass(frozen=True)
class Logbook:
    recorded: int = 0
    confirmed: int = 0

    @property
    def waiting(self) -> int:
        return self.recorded - self.confirmed


@dataclass(frozen=True)
class Feedback:
    """One visitor's pair of feedback on one visit, as the person looking may know it."""

    opens_on: date  # the day after the visit ends
    visitor_written: bool
    host_written: bool
    released: bool  # both sides written, or the window closed: each side may read the other's
    is_open: bool  # the visit has ended: feedback may be written
    released_on: date  # the window closes: each side shows to the other from this day anyway

    @property
    def visitor_readable(self) -> bool:  # the visitor's feedback, for the hosts
        return self.visitor_written and self.released

    @property
    def host_readable(self) -> bool:  # the host's feedback, for the visitor
        return self.host_written and self.released


def feedback_state(visit: Opportunity, written: set[str], today: date) -> Feedback:
    """`written`: the sides (FeedbackSide values) that have written on this visitor's visit."""
    window_closed = today >= visits.feedback_shows_on(visit)
    visitor, host = FeedbackSide.VISITOR in written, FeedbackSide.HOST in written
    return Feedback(
        opens_on=visits.feedback_opens_on(visit),
        visitor_written=visitor,
        host_written=host,
        released=(visitor and host) or window_closed,
        is_open=today > visit.ends_on,
        released_on=visits.feedback_shows_on(visit),
    )


@dataclass(frozen=True)
class VisitedRow:
    """A visit the person took part in, and where they stand."""

    visit: Opportunity
    logbook: Logbook
    completed: bool
    feedback: Feedback
    ended: bool


@dataclass(frozen=True)
class HostedRow:
    """A visit of the person's organisations, and what waits for them."""

    visit: Opportunity
    visitors: int
    to_confirm_entries: int
    to_complete: int  # visitors of an ended visit the host has not confirmed as completed
    to_write: int  # visitors of an ended visit the host has not written feedback on
    ended: bool

    @property
    def waiting(self) -> bool:
        return bool(self.to_confirm_entries or self.to_complete or self.to_write)


@dataclass
class VisitsPage:
    visited: list[VisitedRow] = field(default_factory=list)
    hosted: list[HostedRow] = field(default_factory=list)
    sites: list = field(default_factory=list)  # the hosted visits' sites, for their local learners
    staff: bool = False


def _started_visits(session: Session, where, today: date) -> list[Opportunity]:
    return list(
        session.scalars(
            select(Opportunity)
            .where(where, Opportunity.starts_on <= today)
            .options(joinedload(Opportunity.organisation), joinedload(Opportunity.site))
            .order_by(Opportunity.starts_on.desc(), Opportunity.id.desc())
        ).unique()
    )


def _visited_ids(user: User):
    placed = select(Match.opportunity_id).where(
        Match.applicant_id == user.id, Match.status.in_(VISITOR_MATCH)
    )
    member = (
        select(Team.visit_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user.id, TeamMember.status.in_(VISITOR_MEMBER))
    )
    return or_(Opportunity.id.in_(placed), Opportunity.id.in_(member))


def visitor_pairs(session: Session, visit_ids: list[int]) -> dict[int, list[int]]:
    """Each visit's visitors' user ids (placements first, each once): two statements for all."""
    pairs: dict[int, list[int]] = defaultdict(list)
    if not visit_ids:
        return pairs
    placed = session.execute(
        select(Match.opportunity_id, Match.applicant_id)
        .where(
            Match.opportunity_id.in_(visit_ids),
            Match.status.in_(VISITOR_MATCH),
            Match.applicant_id.is_not(None),
        )
        .order_by(Match.id)
    ).all()
    members = session.execute(
        select(Team.visit_id, TeamMember.user_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(Team.visit_id.in_(visit_ids), TeamMember.status.in_(VISITOR_MEMBER))
        .order_by(TeamMember.id)
    ).all()
    for visit_id, user_id in [*placed, *members]:
        if user_id not in pairs[visit_id]:
            pairs[visit_id].append(user_id)
    return pairs


def _logbooks(session: Session, visit_ids: list[int], author: User | None = None) -> dict[int, Logbook]:
    """Entries recorded and confirmed per visit (by `author` only, when given): one statement."""
    if not visit_ids:
        return {}
    stmt = (
        select(LogEntry.visit_id, func.count(LogEntry.id), func.count(LogEntry.confirmed_at))
        .where(LogEntry.visit_id.in_(visit_ids))
        .group_by(LogEntry.visit_id)
    )
    if author is not None:
        stmt = stmt.where(LogEntry.author_id == author.id)
    return {visit_id: Logbook(recorded, confirmed) for visit_id, recorded, confirmed in session.execute(stmt)}


def _completed(session: Session, visit_ids: list[int], user: User | None = None) -> set[tuple[int, int]]:
    if not visit_ids:
        return set()
    stmt = select(VisitCompletion.visit_id, VisitCompletion.user_id).where(
        VisitCompletion.visit_id.in_(visit_ids)
    )
    if user is not None:
        stmt = stmt.where(VisitCompletion.user_id == user.id)
    return {(v, u) for v, u in session.execute(stmt)}


def _written(
    session: Session, visit_ids: list[int], user: User | None = None
) -> dict[tuple[int, int], set[str]]:
    """The sides written per (visit, visitor): one statement."""
    written: dict[tuple[int, int], set[str]] = defaultdict(set)
    if not visit_ids:
        return written
    stmt = select(VisitFeedback.visit_id, VisitFeedback.visitor_id, VisitFeedback.side).where(
        VisitFeedback.visit_id.in_(visit_ids)
    )
    if user is not None:
        stmt = stmt.where(VisitFeedback.visitor_id == user.id)
    for visit_id, visitor_id, side in session.execute(stmt):
        written[(visit_id, visitor_id)].add(side)
    return written


def visits_page(session: Session, user: User, today: date) -> VisitsPage:
    """The person's visits: as a visitor (four statements) and as a host member (six more, only
    for someone with an approved membership); staff get a note instead of every visit."""
    page = VisitsPage(staff=is_staff(user))
    visited = _started_visits(session, _visited_ids(user), today)
    ids = [v.id for v in visited]
    if ids:
        logbooks = _logbooks(session, ids, author=user)
        completed = _completed(session, ids, user)
        written = _written(session, ids, user)
        page.visited = [
            VisitedRow(
                visit=v,
                logbook=logbooks.get(v.id, Logbook()),
                completed=(v.id, user.id) in completed,
                feedback=feedback_state(v, written.get((v.id, user.id), set()), today),
                ended=v.ends_on < today,
            )
            for v in visited
        ]
    if page.staff or not user.is_verified:
        return page
    organisations = select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.approved_at.is_not(None)
    )
    hosted = _started_visits(session, Opportunity.organisation_id.in_(organisations), today)
    hosted_ids = [v.id for v in hosted]
    if not hosted_ids:
        return page
    pairs = visitor_pairs(session, hosted_ids)
    hosted = [v for v in hosted if pairs.get(v.id)]  # a visit with nobody on it is no visit yet
    hosted_ids = [v.id for v in hosted]
    logbooks = _logbooks(session, hosted_ids)
    completed = _completed(session, hosted_ids)
    written = _written(session, hosted_ids)
    for v in hosted:
        people, ended = pairs[v.id], v.ends_on < today
        page.hosted.append(
            HostedRow(
                visit=v,
                visitors=len(people),
                to_confirm_entries=logbooks.get(v.id, Logbook()).waiting,
                to_complete=sum((v.id, p) not in completed for p in people) if ended else 0,
                to_write=sum(FeedbackSide.HOST not in written.get((v.id, p), set()) for p in people)
                if ended
                else 0,
                ended=ended,
            )
        )
    page.sites = sorted({v.site.id: v.site for v in hosted if v.site}.values(), key=lambda s: s.name)
    return page


@dataclass(frozen=True)
class VisitorState:
    user: User
    completed: bool
    feedback: Feedback
    logbook: Logbook


@dataclass
class VisitPage:
    visit: Opportunity
    standing: Standing
    visitors: list[VisitorState]
    logbook: Logbook  # the whole visit's
    mine: VisitorState | None  # the signed-in visitor's own state
    started: bool
    ended: bool


def visit_page(
    session: Session, user: User, visit: Opportunity, standing: Standing, today: date
) -> VisitPage:
    """One visit's after-page: its visitors with their states, the logbook's totals."""
    people = visitors_of(session, visit.id)
    per_author = {
        author_id: Logbook(recorded, confirmed)
        for author_id, recorded, confirmed in session.execute(
            select(LogEntry.author_id, func.count(LogEntry.id), func.count(LogEntry.confirmed_at))
            .where(LogEntry.visit_id == visit.id)
            .group_by(LogEntry.author_id)
        )
    }
    # What each visitor has, in one statement: a completion, and the sides of feedback written.
    has: dict[int, set[str]] = defaultdict(set)
    completions = select(VisitCompletion.user_id, literal(COMPLETED)).where(
        VisitCompletion.visit_id == visit.id
    )
    sides = select(VisitFeedback.visitor_id, VisitFeedback.side).where(VisitFeedback.visit_id == visit.id)
    for user_id, what in session.execute(union_all(completions, sides)):
        has[user_id].add(what)
    states = [
        VisitorState(
            user=person,
            completed=COMPLETED in has[person.id],
            feedback=feedback_state(visit, has[person.id], today),
            logbook=per_author.get(person.id, Logbook()),
        )
        for person in people
    ]
    total = Logbook(
        sum(b.recorded for b in per_author.values()), sum(b.confirmed for b in per_author.values())
    )
    mine = next((s for s in states if s.user.id == user.id), None) if standing.visitor else None
    return VisitPage(
        visit=visit,
        standing=standing,
        visitors=states,
        logbook=total,
        mine=mine,
        started=visit.starts_on <= today,
        ended=visit.ends_on < today,
    )
