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
from matcher.services import reference
from matcher.services.costs import COST_COLUMNS, CostFacts
from matcher.services.reference import InterestRef
from matcher.services.search import public_opportunities


@dataclass(frozen=True, slots=True)
class Named:
    name: str


@dataclass(frozen=True, slots=True)
class Place:
    iso2: str
    name: str


@dataclass(frozen=True, slots=True)
class PublishedOpportunity(CostFacts, OpportunityFacts):
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
    written_in: str
    country: Place
    organisation: Named
    interests: tuple[InterestRef, ...]

    @property
    def country_code(self) -> str:
        return self.country.iso2


_COLUMNS = (
    *COST_COLUMNS,
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
    Opportunity.written_in,
)


# Each card's interests in its own row, as "3,17,42": one subquery per card, not another
# statement; their words (in every language) come from the reference data the process keeps.
_INTERESTS = (
    select(func.aggregate_strings(cast(Interest.id, String), ","))
    .join(opportunity_interests, opportunity_interests.c.interest_id == Interest.id)
    .where(opportunity_interests.c.opportunity_id == Opportunity.id)
    .correlate(Opportunity)
    .scalar_subquery()
)
# Built once: composing a statement costs more CPU than SQLite takes to run it.
_PUBLISHED = (
    public_opportunities()
    .join(Country, Opportunity.country_code == Country.iso2)
    .with_only_columns(*_COLUMNS, Country.iso2, Country.name, Organisation.name, _INTERESTS)
    .where(Opportunity.organisation_id == bindparam("organisation_id"))
    .order_by(Opportunity.starts_on, Opportunity.id)
)


def published_of(session: Session, organisation_id: int) -> list[PublishedOpportunity]:
    """The organisation's public opportunities by start date (ties by id), in one statement."""
    own = len(_COLUMNS)
    rows = session.execute(_PUBLISHED, {"organisation_id": organisation_id}).all()
    by_id = reference.interest_by_id(session)
    if any(int(i) not in by_id for row in rows if row[own + 3] for i in row[own + 3].split(",")):
        reference.forget(session)  # an interest added since the process read them
        by_id = reference.interest_by_id(session)
    return [
        PublishedOpportunity(
            *row[:own],
            country=Place(row[own], row[own + 1]),
            organisation=Named(row[own + 2]),
            interests=_interests(by_id, row[own + 3]),
        )
        for row in rows
    ]


def _interests(by_id: dict[int, InterestRef], joined: str | None) -> tuple[InterestRef, ...]:
    """The aggregated interests in the taxonomy's order (position, then id: the model's)."""
    if not joined:
        return ()
    found = (by_id[int(interest_id)] for interest_id in joined.split(","))
    return tuple(sorted(found, key=lambda interest: (interest.position, interest.id)))
