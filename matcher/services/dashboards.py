"""The next thing each person should do, for the dashboards.

Every figure comes from an aggregate query (COUNT, a scalar subquery, a GROUP BY), so a dashboard
sends the same few SQL statements whether there are three applications or three thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from matcher.models import (
    Application,
    Match,
    MatchRound,
    MatchRun,
    MatchStatus,
    Membership,
    Opportunity,
    OpportunityStatus,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Profile,
    RoundStatus,
    User,
)
from matcher.models.impact import FeedbackSide, VisitFeedback
from matcher.services import applications as applications_service
from matcher.services import profiles
from matcher.services.organisations import awaiting_verification, claim_awaiting
from matcher.translate import gettext as _

# A deadline this close is worth a line on the organisation's dashboard.
DEADLINE_SOON = timedelta(days=14)


@dataclass(frozen=True)
class Task:
    """One line on a dashboard: about an opportunity, a match or a round, with a number or a day."""

    id: int
    title: str
    count: int = 0
    day: date | None = None


# --- applicants ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantTodo:
    verified: bool
    missing: tuple[str, ...]  # labels of the profile parts still to fill in
    has_cv: bool
    applications: int
    changeable: int  # applications whose place in the list can still change
    order_until: date | None  # the nearest deadline among those
    offers: list[Task]  # published matches waiting for the applicant's answer; day = reply by
    feedback_due: list[Task]  # completed placements the applicant has not rated yet

    def __bool__(self) -> bool:
        """Whether there is anything to do (the dashboard says so when there is not)."""
        return bool(
            self.offers
            or not self.verified
            or self.missing
            or not self.has_cv
            or not self.applications
            or self.changeable
            or self.feedback_due
        )


def applicant_todo(
    session: Session,
    applicant: User,
    today: date,
    applications: Sequence[Application],
    profile: Profile | None,
) -> ApplicantTodo:
    """From the list and profile the dashboard has loaded already, plus one query for matches."""
    open_ones = [a for a in applications if applications_service.status_of(a, today).key == "open"]
    deadlines = [a.opportunity.deadline for a in open_ones if a.opportunity.deadline is not None]
    rows = session.execute(
        select(Match.id, Match.status, Match.response_deadline, Opportunity.title)
        .join(Opportunity, Match.opportunity_id == Opportunity.id)
        .where(
            Match.applicant_id == applicant.id,
            (Match.status.in_([MatchStatus.PUBLISHED, MatchStatus.ACCEPTED]))
            | (
                (Match.status == MatchStatus.COMPLETED)
                & (Opportunity.ends_on < today)
                & ~exists().where(
                    VisitFeedback.visit_id == Match.opportunity_id,
                    VisitFeedback.visitor_id == applicant.id,
                    VisitFeedback.side == FeedbackSide.VISITOR.value,
                )
            ),
        )
        .order_by(Match.response_deadline, Match.id)
    ).all()
    state = profiles.completeness(profile)  # the same reading as the profile page's
    return ApplicantTodo(
        verified=applicant.is_verified,
        missing=state.missing,
        has_cv=state.has_cv,
        applications=len(applications),
        # Once a place is accepted, the order of the other applications no longer matters.
        changeable=0 if any(r.status == MatchStatus.ACCEPTED for r in rows) else len(open_ones),
        order_until=min(deadlines, default=None),
        offers=[
            Task(r.id, r.title, day=r.response_deadline) for r in rows if r.status == MatchStatus.PUBLISHED
        ],
        feedback_due=[Task(r.id, r.title) for r in rows if r.status == MatchStatus.COMPLETED],
    )


# --- organisation contacts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Unverified:
    """An organisation the member acts for that a coordinator has not verified yet."""

    slug: str
    name: str
    missing: tuple[str, ...]  # parts of its page still empty, in words


@dataclass(frozen=True)
class HostTodo:
    to_order: list[Task]  # opportunities with applicants the host has not put in order; count = how many
    drafts: list[Task]
    closing: list[Task]  # published, deadline within DEADLINE_SOON; day = deadline
    to_confirm: list[Task]  # started opportunities with accepted placements to confirm; count = how many
    open_rounds: int
    verified: bool = True  # the member's email address is confirmed
    unverified: tuple[Unverified, ...] = ()

    @property
    def unordered(self) -> int:
        return sum(task.count for task in self.to_order)

    def __bool__(self) -> bool:
        return bool(self.to_order or self.drafts or self.closing or self.to_confirm or self.unverified)


def organisation_page_gaps(organisation: Organisation) -> tuple[str, ...]:
    """What a coordinator needs on an organisation's page to verify it, and is not there yet."""
    gaps = (
        (_("a description of who you are and what you do in IR"), not organisation.description.strip()),
        (_("a website or social media handle"), not (organisation.website or organisation.social_handle)),
        (_("the country it is based in"), not organisation.country_code),
    )
    return tuple(words for words, missing in gaps if missing)


def _waiting_for_verification(memberships: Sequence[Membership]) -> tuple[Unverified, ...]:
    return tuple(
        Unverified(m.organisation.slug, m.organisation.name, organisation_page_gaps(m.organisation))
        for m in memberships
        if m.is_approved and not m.organisation.is_verified and not m.organisation.rejected_at
    )


def host_todo(
    session: Session, member: User, today: date, memberships: Sequence[Membership] = ()
) -> HostTodo:
    """Two statements: the member's opportunities with their counts, and the number of open rounds.

    `memberships` (loaded with their organisations) adds what to do before a coordinator verifies each.
    """
    unranked = (
        select(func.count(Application.id))
        .where(Application.opportunity_id == Opportunity.id, Application.host_rank.is_(None))
        .correlate(Opportunity)
        .scalar_subquery()
    )
    accepted = (
        select(func.count(Match.id))
        .where(Match.opportunity_id == Opportunity.id, Match.status == MatchStatus.ACCEPTED)
        .correlate(Opportunity)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Opportunity.id,
            Opportunity.title,
            Opportunity.status,
            Opportunity.deadline,
            Opportunity.starts_on,
            Opportunity.places_filled < Opportunity.capacity,
            unranked,
            accepted,
        )
        .join(
            Membership,
            (Membership.organisation_id == Opportunity.organisation_id)
            & (Membership.user_id == member.id)
            & Membership.approved_at.is_not(None),
        )
        .where(Opportunity.status != OpportunityStatus.ARCHIVED)
        .order_by(Opportunity.starts_on, Opportunity.id)
    ).all()
    matchable = (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
    open_rounds = session.scalar(
        select(func.count(MatchRound.id)).where(MatchRound.status == RoundStatus.OPEN)
    )
    return HostTodo(
        to_order=[
            Task(id_, title, count=n)
            for id_, title, status, _, _, has_room, n, _ in rows
            if status in matchable and has_room and n
        ],
        drafts=[Task(id_, title) for id_, title, status, *_ in rows if status == OpportunityStatus.DRAFT],
        closing=[
            Task(id_, title, day=deadline)
            for id_, title, status, deadline, *_ in rows
            if status == OpportunityStatus.PUBLISHED
            and deadline
            and today <= deadline <= today + DEADLINE_SOON
        ],
        to_confirm=[
            Task(id_, title, count=n)
            for id_, title, _, _, starts_on, _, _, n in rows
            if n and starts_on <= today
        ],
        open_rounds=open_rounds or 0,
        verified=member.is_verified,
        unverified=_waiting_for_verification(memberships),
    )


# --- coordinators and administrators ------------------------------------------------------------


@dataclass(frozen=True)
class RoundTask:
    round_id: int
    name: str
    run_id: int | None  # the latest run, None before the first
    run_number: int | None
    proposed: int  # in the latest run, waiting for a decision
    approved: int  # in the latest run, approved and not yet published


@dataclass(frozen=True)
class WaitlistTask:
    """Waitlist offers in a published round's run: a place was freed; the next applicant awaits approval."""

    run_id: int
    run_number: int
    name: str  # the round's
    offers: int


@dataclass(frozen=True)
class StaffTodo:
    pending_organisations: int
    pending_claims: int
    dead_emails: int
    rounds: list[RoundTask]
    waitlist_offers: list[WaitlistTask] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.pending_organisations
            or self.pending_claims
            or self.dead_emails
            or self.rounds
            or self.waitlist_offers
        )


def staff_todo(session: Session) -> StaffTodo:
    """Two statements: three counts in one row, and the open rounds with their latest run's counts."""
    counts = session.execute(
        select(
            select(func.count(Organisation.id)).where(awaiting_verification()).scalar_subquery(),
            select(func.count(Membership.id)).where(claim_awaiting()).scalar_subquery(),
            select(func.count(OutboxMessage.id))
            .where(OutboxMessage.status == OutboxStatus.DEAD)
            .scalar_subquery(),
        )
    ).one()
    latest = (
        select(MatchRun.round_id, func.max(MatchRun.number).label("number"))
        .group_by(MatchRun.round_id)
        .subquery()
    )
    rows = session.execute(
        select(
            MatchRound.id,
            MatchRound.name,
            MatchRun.id,
            MatchRun.number,
            func.count(case((Match.status == MatchStatus.PROPOSED, 1))),
            func.count(case((Match.status == MatchStatus.APPROVED, 1))),
        )
        .outerjoin(latest, latest.c.round_id == MatchRound.id)
        .outerjoin(MatchRun, (MatchRun.round_id == MatchRound.id) & (MatchRun.number == latest.c.number))
        .outerjoin(Match, Match.run_id == MatchRun.id)
        .where(MatchRound.status == RoundStatus.OPEN)
        .group_by(MatchRound.id, MatchRound.name, MatchRun.id, MatchRun.number)
        .order_by(MatchRound.id.desc())
    ).all()
    offers = session.execute(
        select(MatchRun.id, MatchRun.number, MatchRound.name, func.count(Match.id))
        .join(MatchRun, Match.run_id == MatchRun.id)
        .join(MatchRound, MatchRun.round_id == MatchRound.id)
        .where(
            Match.from_waitlist.is_(True),
            Match.status == MatchStatus.PROPOSED,
            MatchRound.status == RoundStatus.PUBLISHED,
        )
        .group_by(MatchRun.id, MatchRun.number, MatchRound.name)
        .order_by(MatchRun.id)
    ).all()
    return StaffTodo(
        pending_organisations=counts[0],
        pending_claims=counts[1],
        dead_emails=counts[2],
        rounds=[RoundTask(*row) for row in rows],
        waitlist_offers=[WaitlistTask(*row) for row in offers],
    )
