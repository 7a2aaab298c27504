"""Emails about travel advisories (essential: they carry an outcome, so cannot be switched off):
a trip put on hold, told to its traveller, the host's members and the coordinators; a trip
re-approved, told to its traveller."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from matcher.formatting import country_label
from matcher.mail.outbox import queue_email
from matcher.mail.people import coordinators
from matcher.models import Country, Opportunity, Organisation
from matcher.models.departure import TravelAdvisory, Trip
from matcher.models.notification import Category
from matcher.services.departure.links import trip_url
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

ESSENTIAL = Category.OFFERS


def _staff_subject(level: int, country: Country) -> str:
    """The hosts' and coordinators' subject, the country named in the reader's language."""
    return _(
        "Travel advisory: %(country)s at level %(level)d of 4", country=country_label(country), level=level
    )


def _traveller_link(trip: Trip) -> str:
    """The trip's page, where the traveller sees the hold and their checklist."""
    return trip_url(trip.id, external=True)


def tell_hold(
    session: Session,
    advisory: TravelAdvisory,
    level: int,
    trips: Sequence[Trip],
    opportunities: Sequence[Opportunity],
) -> None:
    """One email per traveller, one per host member (their organisation's trips and opportunities)
    and one per coordinator (everything), for one country's rise; nothing when nothing is there."""
    if not trips and not opportunities:
        return
    context = {"advisory": advisory, "level": level}
    for trip in trips:
        queue_email(
            session,
            to=trip.user,
            template="advisory_hold",
            subject=_l("Travel advisory: your trip to %(title)s is on hold", title=trip.opportunity.title),
            category=ESSENTIAL,
            context={**context, "trip": trip, "link": _traveller_link(trip)},
        )
    hosts: dict[int, tuple[Organisation, list[Trip], list[Opportunity]]] = {}
    for trip in trips:
        organisation = trip.opportunity.organisation
        hosts.setdefault(organisation.id, (organisation, [], []))[1].append(trip)
    for opportunity in opportunities:
        organisation = opportunity.organisation
        hosts.setdefault(organisation.id, (organisation, [], []))[2].append(opportunity)
    subject = LazyString(_staff_subject, level, advisory.country)
    for organisation, held, flagged in hosts.values():
        for membership in organisation.memberships:
            if membership.is_approved:
                queue_email(
                    session,
                    to=membership.user,
                    template="advisory_hold_staff",
                    subject=subject,
                    category=ESSENTIAL,
                    context={**context, "trips": held, "opportunities": flagged, "link": None},
                )
    link = url_for("trips.advisories", _external=True)
    for person in coordinators(session):
        queue_email(
            session,
            to=person,
            template="advisory_hold_staff",
            subject=subject,
            category=ESSENTIAL,
            context={**context, "trips": list(trips), "opportunities": list(opportunities), "link": link},
        )


def tell_release(session: Session, trip: Trip) -> None:
    queue_email(
        session,
        to=trip.user,
        template="advisory_released",
        subject=_l("Your trip to %(title)s may go ahead", title=trip.opportunity.title),
        category=ESSENTIAL,
        context={"trip": trip, "link": _traveller_link(trip)},
    )
