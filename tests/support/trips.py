"""Trips for tests of the before-departure pages (issue 21), made directly in the database.

`make_trip` gives an accepted placement (a Match) with a Trip and the checklist items asked for,
without the checklist service, so documents, the board and advisories can be tested on their own.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from matcher.models import MatchStatus, Opportunity, User
from matcher.models.departure import ItemOwner, ItemSource, ItemStatus, RuleKind, Trip, TripItem
from tests.support.factories import UserFactory


def item(code: str, due_on: date, **fields: Any) -> dict[str, Any]:
    """One checklist item's fields (a mandatory traveller item needing proof unless told)."""
    return {
        "code": code,
        "due_on": due_on,
        "source": fields.pop("source", ItemSource.COUNTRY),
        "owner": fields.pop("owner", ItemOwner.TRAVELLER),
        "kind": fields.pop("kind", RuleKind.OTHER),
        "title": fields.pop("title", code.replace("-", " ").capitalize()),
        "mandatory": fields.pop("mandatory", True),
        "needs_proof": fields.pop("needs_proof", True),
        "status": fields.pop("status", ItemStatus.TO_DO),
        **fields,
    }


def make_trip(
    users: UserFactory,
    *,
    traveller: User | None = None,
    opportunity: Opportunity | None = None,
    items: list[dict[str, Any]] | None = None,
    starts_in_days: int = 60,
    **trip_fields: Any,
) -> Trip:
    """An accepted placement of `traveller` at `opportunity` (new ones by default: an elective in
    Kenya starting in `starts_in_days` for four weeks) and its trip with `items` (by default a
    licence due 30 days before the start and a host letter due 14 days before)."""
    traveller = traveller or users.create("student")
    if opportunity is None:
        starts = date.today() + timedelta(days=starts_in_days)
        opportunity = users.opportunity(
            country_code="KE", starts_on=starts, ends_on=starts + timedelta(days=27)
        )
    match = users.match(traveller, opportunity, MatchStatus.ACCEPTED)
    trip = Trip(user_id=traveller.id, opportunity_id=opportunity.id, match_id=match.id, **trip_fields)
    if items is None:
        starts = opportunity.starts_on
        items = [
            item("country:licence", starts - timedelta(days=30), kind=RuleKind.LICENCE),
            item(
                "host:letter",
                starts - timedelta(days=14),
                source=ItemSource.HOST,
                owner=ItemOwner.HOST,
                needs_proof=False,
            ),
        ]
    for position, fields in enumerate(items):
        trip.items.append(TripItem(position=position, **fields))
    users.session.add(trip)
    users.session.commit()
    return trip
