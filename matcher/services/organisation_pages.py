"""What an organisation's public page lists: its published opportunities, read as rows.

The page shows a card per opportunity (templates/opportunities/_card.html) and changes none, so
whole ORM objects (identity map, instrumentation, a loader per relation) buy nothing there. The
rows keep the model's attribute names (`country.name`, `organisation.name`, `interests[i].label`,
`type_enum`, `places_left`), so the card reads a row as it reads an Opportunity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from matcher.models import Country, Interest, Opportunity, OpportunityStatus, OpportunityType, Organisation
from matcher.models.opportunity import opportunity_interests
from matcher.services.search import public_opportunities


@dataclass(frozen=True, slots=True)
class Named:
    name: str


@dataclass(frozen=True, slots=True)
class Labelled:
    label: str


@dataclass(frozen=True, slots=True)
class PublishedOpportunity:
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

    @property
    def type_enum(self) -> OpportunityType:
        return OpportunityType(self.type)

    @property
    def places_left(self) -> int:
        return self.capacity - self.places_filled


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


# Built once: composing a statement costs more CPU than SQLite takes to run it.
_PUBLISHED = (
    public_opportunities()
    .join(Country, Opportunity.country_code == Country.iso2)
    .with_only_columns(*_COLUMNS, Country.name, Organisation.name)
    .where(Opportunity.organisation_id == bindparam("organisation_id"))
    .order_by(Opportunity.starts_on, Opportunity.id)
)
# The interests of the organisation's published opportunities, in the taxonomy's order.
_INTERESTS = (
    select(opportunity_interests.c.opportunity_id, Interest.label)
    .join(Interest, Interest.id == opportunity_interests.c.interest_id)
    .join(Opportunity, Opportunity.id == opportunity_interests.c.opportunity_id)
    .where(
        Opportunity.organisation_id == bindparam("organisation_id"),
        Opportunity.status == OpportunityStatus.PUBLISHED,
    )
    .order_by(Interest.position, Interest.id)
)


def published_of(session: Session, organisation_id: int) -> list[PublishedOpportunity]:
    """The organisation's public opportunities by start date (ties by id): two statements, one when none."""
    params = {"organisation_id": organisation_id}
    rows = session.execute(_PUBLISHED, params).all()
    if not rows:
        return []
    interests: dict[int, list[Labelled]] = {}
    for opportunity_id, label in session.execute(_INTERESTS, params):
        interests.setdefault(opportunity_id, []).append(Labelled(label))
    own = len(_COLUMNS)
    return [
        PublishedOpportunity(
            *row[:own],
            country=Named(row[own]),
            organisation=Named(row[own + 1]),
            interests=tuple(interests.get(row[0], ())),
        )
        for row in rows
    ]
