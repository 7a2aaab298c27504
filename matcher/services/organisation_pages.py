"""What an organisation's public page lists: its published opportunities, read as rows.

The page shows a card per opportunity (templates/opportunities/_card.html) and changes none, so
whole ORM objects (identity map, instrumentation, a loader per relation) buy nothing there. The
rows keep the model's attribute names (`country.name`, `organisation.name`, `interests[i].label`,
`type_enum`, `places_left`), so the card reads a row as it reads an Opportunity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from matcher.models import Country, Interest, Opportunity, Organisation
from matcher.models.opportunity import OpportunityFacts, opportunity_interests
from matcher.services.search import public_opportunities


@dataclass(frozen=True, slots=True)
class Named:
    name: str


@dataclass(frozen=True, slots=True)
class Labelled:
    label: str


@dataclass(frozen=True, slots=True)
class PublishedOpportunity(OpportunityFacts):
    id: int
    title: str
    type: str
    host_institution: str
    city: str
    starts_on: date
    ends_on: date
    flexible: bool
    min_weeks: int | None
    deadline: date | None
    capacity: int
    places_filled: int
    country: Named
    organisation: Named
    interests: tuple[Labelled, ...]


_COLUMNS = (
    Opportunity.id,
    Opportunity.title,
    Opportunity.type,
    Opportunity.host_institution,
    Opportunity.city,
    Opportunity.starts_on,
    Opportunity.ends_on,
    Opportunity.flexible,
    Opportunity.min_weeks,
    Opportunity.deadline,
    Opportunity.capacity,
    Opportunity.places_filled,
)


# Each card's interests in its own row, as "position:id<US>label" items joined by <RS> (the ASCII
# unit and record separators, which no label holds): one subquery per card, not another statement.
_UNIT, _RECORD = "\x1f", "\x1e"
_INTERESTS = (
    select(
        func.aggregate_strings(
            cast(Interest.position, String) + ":" + cast(Interest.id, String) + _UNIT + Interest.label,
            _RECORD,
        )
    )
    .join(opportunity_interests, opportunity_interests.c.interest_id == Interest.id)
    .where(opportunity_interests.c.opportunity_id == Opportunity.id)
    .correlate(Opportunity)
    .scalar_subquery()
)
# Built once: composing a statement costs more CPU than SQLite takes to run it.
_PUBLISHED = (
    public_opportunities()
    .join(Country, Opportunity.country_code == Country.iso2)
    .with_only_columns(*_COLUMNS, Country.name, Organisation.name, _INTERESTS)
    .where(Opportunity.organisation_id == bindparam("organisation_id"))
    .order_by(Opportunity.starts_on, Opportunity.id)
)


def published_of(session: Session, organisation_id: int) -> list[PublishedOpportunity]:
    """The organisation's public opportunities by start date (ties by id), in one statement."""
    own = len(_COLUMNS)
    return [
        PublishedOpportunity(
            *row[:own],
            country=Named(row[own]),
            organisation=Named(row[own + 1]),
            interests=_interests(row[own + 2]),
        )
        for row in session.execute(_PUBLISHED, {"organisation_id": organisation_id})
    ]


def _interests(joined: str | None) -> tuple[Labelled, ...]:
    """The aggregated interests in the taxonomy's order (position, then id: the model's)."""
    if not joined:
        return ()
    items = []
    for item in joined.split(_RECORD):
        head, label = item.split(_UNIT, 1)
        position, interest_id = head.split(":")
        items.append((int(position), int(interest_id), label))
    return tuple(Labelled(label) for _, _, label in sorted(items))
