"""What an organisation's public page lists: its published opportunities, read as rows.

The page shows a card per opportunity (templates/opportunities/_card.html) and changes none, so
whole ORM objects (identity map, instrumentation, a loader per relation) buy nothing there. The
rows keep the model's attribute names (`country.name`, `organisation.name`, `interests[i].label`,
`type_enum`, `places_left`), so the card reads a row as it reads an Opportunity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
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


def published_of(session: Session, organisation_id: int) -> list[PublishedOpportunity]:
    """The organisation's public opportunities by start date (ties by id): two statements, one when none."""
    stmt = (
        public_opportunities()
        .join(Country, Opportunity.country_code == Country.iso2)
        .with_only_columns(*_COLUMNS, Country.name, Organisation.name)
        .where(Opportunity.organisation_id == organisation_id)
        .order_by(Opportunity.starts_on, Opportunity.id)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return []
    interests = _interest_labels(session, organisation_id)
    own = len(_COLUMNS)
    return [
        PublishedOpportunity(
            *row[:own],
            country=Named(row[own]),
            organisation=Named(row[own + 1]),
            interests=interests.get(row[0], ()),
        )
        for row in rows
    ]


def _interest_labels(session: Session, organisation_id: int) -> dict[int, tuple[Labelled, ...]]:
    """The interests of the organisation's published opportunities, in the taxonomy's order."""
    stmt = (
        select(opportunity_interests.c.opportunity_id, Interest.label)
        .join(Interest, Interest.id == opportunity_interests.c.interest_id)
        .join(Opportunity, Opportunity.id == opportunity_interests.c.opportunity_id)
        .where(
            Opportunity.organisation_id == organisation_id,
            Opportunity.status == OpportunityStatus.PUBLISHED,
        )
        .order_by(Interest.position, Interest.id)
    )
    found: dict[int, list[Labelled]] = {}
    for opportunity_id, label in session.execute(stmt):
        found.setdefault(opportunity_id, []).append(Labelled(label))
    return {opportunity_id: tuple(labels) for opportunity_id, labels in found.items()}
