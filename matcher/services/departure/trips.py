"""Trips: who may see one, who reviews its checklist, whether it is cleared to travel, and making
the trip (with its checklist) when a placement or a team place is accepted.

Other parts of issue 21 (documents, the board, advisories) build on `trip_visible_to`,
`can_review` and `refresh_clearance`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from matcher.db import utcnow
from matcher.models import MemberStatus, Opportunity, Team, TeamMember, User
from matcher.models.departure import DONE, Trip, TripItem
from matcher.models.matching import Match, MatchStatus
from matcher.services.departure import checklists
from matcher.services.errors import NotFound
from matcher.services.permissions import can_act_for, is_staff
from matcher.translate import gettext as _

# A trip is live while its placement or team place is: accepted, or (a placement) completed.
LIVE_MATCH = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
LIVE_MEMBER = (MemberStatus.ACCEPTED,)


def can_review(session: Session, user: User, trip: Trip) -> bool:
    """Coordinators, and confirmed members of the organisation offering the trip's opportunity."""
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    return user.is_verified and can_act_for(session, user, trip.opportunity.organisation)


def trip_visible_to(session: Session, user: User, trip_id: int) -> Trip:
    """The trip, for its traveller and its reviewers; NotFound for anyone else (they need not know
    it exists)."""
    trip = session.get(Trip, trip_id)
    if trip is None or not user.is_authenticated:
        raise NotFound(_("There is no such trip."))
    if trip.user_id != user.id and not can_review(session, user, trip):
        raise NotFound(_("There is no such trip."))
    return trip


def with_checklist(session: Session, trip: Trip) -> Trip:
    """The trip with its items and their documents loaded in two statements (the trip page)."""
    return session.scalars(
        select(Trip)
        .where(Trip.id == trip.id)
        .options(selectinload(Trip.items).selectinload(TripItem.documents))
        .execution_options(populate_existing=True)
    ).one()


def is_cleared(trip: Trip) -> bool:
    """Every mandatory item verified or not needed (holds for advisories are the board's concern)."""
    return all(item.status in DONE for item in trip.items if item.mandatory)


def refresh_clearance(session: Session, trip: Trip) -> None:
    """Keep `cleared_at` in step with the items: set when the last mandatory item is done, cleared
    again when one is reopened."""
    session.flush()
    session.expire(trip, ["items"])
    if is_cleared(trip):
        if trip.cleared_at is None:
            trip.cleared_at = utcnow()
    else:
        trip.cleared_at = None


def _new_trip(session: Session, user_id: int, opportunity: Opportunity, **subject: int) -> Trip:
    """The trip with its checklist; when another transaction made it meanwhile (the daily job and
    an acceptance at once), theirs (the unique match or team place decides)."""
    trip = Trip(user_id=user_id, opportunity_id=opportunity.id, **subject)
    try:
        with session.begin_nested():
            session.add(trip)
            session.flush()
    except IntegrityError:
        ((column, value),) = subject.items()
        return session.scalars(select(Trip).where(getattr(Trip, column) == value)).one()
    checklists.sync_items(session, trip)
    refresh_clearance(session, trip)
    # Made while its country is at advisory level 3 or 4: on hold from the start.
    from matcher.services.departure.advisories import hold_if_advised  # advisories reads trips

    hold_if_advised(session, trip, date.today())
    return trip


def trip_for_match(session: Session, match: Match) -> Trip:
    """The accepted placement's trip, made with its checklist the first time (idempotent)."""
    trip = session.scalar(select(Trip).where(Trip.match_id == match.id))
    if trip is not None:
        return trip
    return _new_trip(session, match.applicant_id, match.opportunity, match_id=match.id)


def trip_for_member(session: Session, member: TeamMember) -> Trip:
    """The accepted team place's trip, made with its checklist the first time (idempotent)."""
    trip = session.scalar(select(Trip).where(Trip.team_member_id == member.id))
    if trip is not None:
        return trip
    return _new_trip(session, member.user_id, member.team.visit, team_member_id=member.id)


def ensure_trips(session: Session, today: date) -> int:
    """Make the missing trips of accepted placements and team places whose visit has not ended,
    and bring the checklists of trips not yet started up to date with the rules. Returns how many
    trips it made. Run at seed and by the daily job; running it again changes nothing."""
    made = 0
    matches = session.scalars(
        select(Match)
        .join(Opportunity, Opportunity.id == Match.opportunity_id)
        .outerjoin(Trip, Trip.match_id == Match.id)
        .where(
            Match.status == MatchStatus.ACCEPTED,
            Match.applicant_id.is_not(None),
            Opportunity.ends_on >= today,
            Trip.id.is_(None),
        )
        .order_by(Match.id)
    ).all()
    for match in matches:
        trip_for_match(session, match)
        made += 1
    members = session.scalars(
        select(TeamMember)
        .join(Team, Team.id == TeamMember.team_id)
        .join(Opportunity, Opportunity.id == Team.visit_id)
        .outerjoin(Trip, Trip.team_member_id == TeamMember.id)
        .where(TeamMember.status.in_(LIVE_MEMBER), Opportunity.ends_on >= today, Trip.id.is_(None))
        .order_by(TeamMember.id)
    ).all()
    for member in members:
        trip_for_member(session, member)
        made += 1
    countries = session.scalars(
        select(Opportunity.country_code)
        .join(Trip, Trip.opportunity_id == Opportunity.id)
        .where(Opportunity.starts_on >= today)
        .distinct()
    ).all()
    for country_code in sorted(countries):
        rebuild_for_country(session, country_code, today)
    return made


def rebuild_for_country(session: Session, country_code: str, today: date) -> int:
    """After a country's rules changed (a pack loaded, a coordinator's edit): bring the checklists
    of the trips there that have not started in step. Returns how many trips changed."""
    changed = 0
    upcoming = session.scalars(
        select(Trip)
        .join(Opportunity, Opportunity.id == Trip.opportunity_id)
        .where(Opportunity.country_code == country_code, Opportunity.starts_on >= today)
        .order_by(Trip.id)
    ).all()
    for trip in upcoming:
        if checklists.sync_items(session, trip):
            refresh_clearance(session, trip)
            changed += 1
    return changed


def trips_of(session: Session, user: User) -> list[Trip]:
    """The traveller's trips whose placement or team place still stands, soonest first."""
    trips = session.scalars(
        select(Trip)
        .join(Opportunity, Opportunity.id == Trip.opportunity_id)
        .where(Trip.user_id == user.id)
        .options(
            selectinload(Trip.items),
            selectinload(Trip.match),
            selectinload(Trip.team_member),
            selectinload(Trip.opportunity).selectinload(Opportunity.organisation),
        )
        .order_by(Opportunity.starts_on, Trip.id)
    ).all()
    return [trip for trip in trips if is_live(trip)]


def is_live(trip: Trip) -> bool:
    if trip.match is not None:
        return trip.match.status in LIVE_MATCH
    return trip.team_member is not None and trip.team_member.status in LIVE_MEMBER


def trip_ids(
    session: Session, user: User | None = None, opportunity: Opportunity | None = None
) -> dict[int, int]:
    """The trip of each placement of the user (or at the opportunity), by match id: the placement
    pages link to them."""
    query = select(Trip.match_id, Trip.id).where(Trip.match_id.is_not(None))
    if user is not None:
        query = query.where(Trip.user_id == user.id)
    if opportunity is not None:
        query = query.where(Trip.opportunity_id == opportunity.id)
    return {match_id: trip_id for match_id, trip_id in session.execute(query)}


def export_of(session: Session, user: User) -> list[dict]:
    """The user's trips for their privacy export: contacts, insurance and checklist (documents are
    listed by the documents part)."""

    def day(value):
        return value.isoformat() if value is not None else None

    return [
        {
            "opportunity": trip.opportunity.title,
            "organisation": trip.opportunity.organisation.name,
            "starts_on": day(trip.opportunity.starts_on),
            "cleared_at": day(trip.cleared_at),
            "emergency_contact": {
                "name": trip.emergency_name,
                "relation": trip.emergency_relation,
                "phone": trip.emergency_phone,
            },
            "insurance": {
                "insurer": trip.insurer,
                "policy_number": trip.policy_number,
                "phone": trip.insurance_phone,
                "expires_on": day(trip.insurance_expires_on),
            },
            "checklist": [
                {
                    "title": item.title,
                    "status": item.status,
                    "due_on": day(item.due_on),
                    "note": item.note,
                    "submitted_at": day(item.submitted_at),
                    "reviewed_at": day(item.reviewed_at),
                }
                for item in trip.items
            ],
        }
        for trip in session.scalars(select(Trip).where(Trip.user_id == user.id).order_by(Trip.id))
    ]


def trip_id_of_member(session: Session, member_id: int) -> int | None:
    """The trip of a team place (the offer page links to it once accepted)."""
    return session.scalar(select(Trip.id).where(Trip.team_member_id == member_id))
