"""Reminders of checklist items before their due date: essential mail, once per item and step.

Each mandatory item still to do on a trip that has not ended is reminded at most once in each
step: when it comes within `REMINDER_DAYS` days of its due date (14, then 3), and once it is
overdue. The steps are windows, not exact days, so a day the job did not run is caught up the
next day, and an item made late (already within 3 days of its date) gets the nearer step only.
The traveller is reminded of their own items, the host organisation's members of the host's;
a traveller's item submitted and not yet checked is the host's to verify: its members are
reminded of it from 3 days before its date (not the traveller, who has done their part).
A deadline is essential mail (Category.OFFERS): notification settings do not stop it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask_babel.speaklater import LazyString
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager

from matcher.formatting import long_day
from matcher.mail.digests import claim_once
from matcher.mail.outbox import queue_email
from matcher.models import MatchStatus, Membership, Opportunity, User
from matcher.models.departure import ItemOwner, ItemStatus, Trip, TripItem
from matcher.models.matching import Match
from matcher.models.notification import Category
from matcher.models.teams import MemberStatus, TeamMember
from matcher.services.departure.links import trip_url
from matcher.translate import lazy_gettext as _l

REMINDER_DAYS = (14, 3)
OVERDUE = "overdue"
# A submitted item waits for the host's check: its members are reminded near and past its date.
VERIFY_STEPS = frozenset({"3", OVERDUE})


def reminder_step(due_on: date, today: date) -> str | None:
    """The step an item due on `due_on` is in today: "14", "3", "overdue", or None (too early)."""
    days_left = (due_on - today).days
    if days_left < 0:
        return OVERDUE
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return str(days)
    return None


def _items_to_remind(session: Session, today: date) -> list[TripItem]:
    """Mandatory items to do (or submitted, to verify), due within the first step or overdue, of
    trips not ended."""
    return list(
        session.scalars(
            select(TripItem)
            .join(TripItem.trip)
            .join(Trip.opportunity)
            .outerjoin(Match, Trip.match_id == Match.id)
            .outerjoin(TeamMember, Trip.team_member_id == TeamMember.id)
            .where(
                TripItem.status.in_((ItemStatus.TO_DO, ItemStatus.SUBMITTED)),
                TripItem.mandatory.is_(True),
                TripItem.due_on <= today + timedelta(days=max(REMINDER_DAYS)),
                Opportunity.ends_on >= today,
                or_(Match.status == MatchStatus.ACCEPTED, TeamMember.status == MemberStatus.ACCEPTED),
            )
            .options(
                contains_eager(TripItem.trip).contains_eager(Trip.opportunity),
                contains_eager(TripItem.trip).joinedload(Trip.user),
            )
            .order_by(TripItem.due_on, TripItem.id)
        ).unique()
    )


def _host_members(session: Session, organisation_ids: set[int]) -> dict[int, list[User]]:
    members: dict[int, list[User]] = defaultdict(list)
    if not organisation_ids:
        return members
    rows = session.execute(
        select(Membership.organisation_id, User)
        .join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(organisation_ids), Membership.approved_at.is_not(None))
        .order_by(User.id)
    )
    for organisation_id, user in rows:
        members[organisation_id].append(user)
    return members


def _to_verify(item: TripItem) -> bool:
    """A traveller's item they submitted: the host's members are to check it."""
    return item.status == ItemStatus.SUBMITTED and item.owner == ItemOwner.TRAVELLER


def _step_for(item: TripItem, today: date) -> str | None:
    """The item's reminder step today; None when there is nothing to say (yet)."""
    step = reminder_step(item.due_on, today)
    if item.status == ItemStatus.SUBMITTED and (not _to_verify(item) or step not in VERIFY_STEPS):
        return None  # a host's own task submitted is done on their side; a check waits till 3 days
    return step


def _for_host(item: TripItem) -> bool:
    return item.owner == ItemOwner.HOST or _to_verify(item)


def _subject(item: TripItem, step: str):
    title = item.trip.opportunity.title
    if _to_verify(item):
        return _l(
            "To verify by %(day)s: %(item)s of %(traveller)s",
            day=LazyString(long_day, item.due_on),
            item=item.title,
            traveller=item.trip.user.name,
        )
    if step == OVERDUE:
        return _l(
            "Overdue since %(day)s: %(item)s for %(title)s",
            day=LazyString(long_day, item.due_on),
            item=item.title,
            title=title,
        )
    return _l(
        "Due on %(day)s: %(item)s for %(title)s",
        day=LazyString(long_day, item.due_on),
        item=item.title,
        title=title,
    )


def send_departure_reminders(session: Session, today: date) -> int:
    """Remind travellers and hosts of the checklist items due soon or overdue; returns how many
    emails were queued. Safe to run as often as wanted: each item and step goes once."""
    items = _items_to_remind(session, today)
    hosts = _host_members(
        session, {item.trip.opportunity.organisation_id for item in items if _for_host(item)}
    )
    sent = 0
    for item in items:
        step, to_verify = _step_for(item, today), _to_verify(item)
        if step is None:
            continue
        # The date is in the key: an item whose date moved (its country's rule changed) is reminded again.
        key = f"departure:{item.id}:{item.due_on.isoformat()}:{step}" + (":verify" if to_verify else "")
        if not claim_once(session, key):
            continue
        trip = item.trip
        for_host = _for_host(item)
        recipients = hosts[trip.opportunity.organisation_id] if for_host else [trip.user]
        for person in recipients:
            queued = queue_email(
                session,
                to=person,
                template="departure_reminder",
                category=Category.OFFERS,
                subject=_subject(item, step),
                context={
                    "item": item,
                    "trip": trip,
                    "opportunity": trip.opportunity,
                    "traveller": trip.user,
                    "for_host": for_host,
                    "to_verify": to_verify,
                    "overdue": step == OVERDUE,
                    "days": (item.due_on - today).days,
                    "link": trip_url(trip.id, external=True),
                },
            )
            sent += queued is not None
    session.flush()
    return sent
