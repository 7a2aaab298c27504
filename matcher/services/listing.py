"""Public listings of opportunities read as rows: the anonymous search page, the JSON API, the feed.

A listing shows a few columns of each opportunity and never changes one, so whole ORM objects
(identity map, attribute instrumentation, three relationship loaders) buy nothing there. A page is
read in two statements: the total, then the rows with their organisation and their interests' ids
(aggregated in a subquery; for the API their languages too). Countries and interests come from the
reference data the process keeps (services.reference). The rows have the model's attribute names,
so templates and serialisers read either.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, Select, String, bindparam, cast, func, null, select
from sqlalchemy.orm import Session

from matcher.models import Opportunity, OpportunityLanguage, Organisation
from matcher.models.opportunity import OpportunityFacts, opportunity_interests
from matcher.services import reference
from matcher.services.costs import COST_COLUMNS, CostFacts
from matcher.services.reference import CountryRef, InterestRef
from matcher.services.search import (
    FilterShape,
    SearchPage,
    count_statement,
    filter_values,
    filtered,
    ordered,
    public_opportunities,
    shape_of,
)
from matcher.services.search_filters import OpportunityFilters


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    slug: str


@dataclass(frozen=True, slots=True, order=True)
class LanguageRow:
    language: str
    level: str


@dataclass(frozen=True, slots=True)
class ListedOpportunity(CostFacts, OpportunityFacts):
    id: int
    title: str
    type: str
    host_institution: str
    city: str
    country_code: str
    level_min: int
    level_max: int
    starts_on: date
    ends_on: date
    flexible: bool
    min_weeks: int | None
    capacity: int
    places_filled: int
    deadline: date | None
    published_at: datetime | None
    updated_at: datetime
    created_at: datetime
    written_in: str
    organisation: OrganisationRow
    country: CountryRef
    interests: tuple[InterestRef, ...] = ()
    languages: tuple[LanguageRow, ...] = ()


_COLUMNS = (
    *COST_COLUMNS,
    Opportunity.id,
    Opportunity.title,
    Opportunity.type,
    Opportunity.host_institution,
    Opportunity.city,
    Opportunity.country_code,
    Opportunity.level_min,
    Opportunity.level_max,
    Opportunity.starts_on,
    Opportunity.ends_on,
    Opportunity.flexible,
    Opportunity.min_weeks,
    Opportunity.capacity,
    Opportunity.places_filled,
    Opportunity.deadline,
    Opportunity.published_at,
    Opportunity.updated_at,
    Opportunity.created_at,
    Opportunity.written_in,
    Organisation.id,
    Organisation.name,
    Organisation.slug,
)
_OWN = len(_COLUMNS) - 3
_ID, _COUNTRY = len(COST_COLUMNS), len(COST_COLUMNS) + 5  # where a row has its id and country code
# Each row's interests as "3,17,42": one subquery per listed row rather than another statement.
_INTEREST_IDS = (
    select(func.aggregate_strings(cast(opportunity_interests.c.interest_id, String), ","))
    .where(opportunity_interests.c.opportunity_id == Opportunity.id)
    .correlate(Opportunity)
    .scalar_subquery()
)
# The API's languages as "en:professional,fr:basic" (codes and levels hold no comma or colon).
_LANGUAGES = (
    select(func.aggregate_strings(OpportunityLanguage.language + ":" + OpportunityLanguage.level, ","))
    .where(OpportunityLanguage.opportunity_id == Opportunity.id)
    .correlate(Opportunity)
    .scalar_subquery()
)


@functools.lru_cache(maxsize=256)
def _statements(shape: FilterShape, sort: str, with_languages: bool) -> tuple[Select, Select]:
    """The count and the page of a search of this shape, built once (composing a statement costs
    more CPU than running it): the filters' values, the limit and the offset are parameters."""
    base = filtered(public_opportunities(), shape)
    page = (
        ordered(base, sort)
        .with_only_columns(*_COLUMNS, _INTEREST_IDS, _LANGUAGES if with_languages else null())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    return count_statement(base), page


def search_rows(
    session: Session,
    filters: OpportunityFilters,
    today: date,
    *,
    with_languages: bool = False,
    with_total: bool = True,
) -> SearchPage:
    """`services.search.search` as rows: the same opportunities, order and total (without
    `with_total`, for a list that shows none, the total is the page's length: nothing is counted)."""
    shape = shape_of(filters)
    count, stmt = _statements(shape, filters.sort, with_languages)
    values = filter_values(shape, filters, today)
    # The total on its own: a window count on the page's statement would make PostgreSQL read and
    # sort every match rather than stop at the page (about 40 ms instead of 2 on the bulk data).
    total = (session.scalar(count, values) or 0) if with_total else None
    if total is None or total:
        values["limit"] = filters.per_page
        values["offset"] = (filters.page - 1) * filters.per_page
        rows = session.execute(stmt, values).all()
    else:
        rows = []
    interests = _interests_of(session, [(row[_ID], row[-2]) for row in rows])
    countries = reference.country_by_code(session)
    if any(row[_COUNTRY] not in countries for row in rows):  # a country added since the process read them
        reference.forget(session)
        countries = reference.country_by_code(session)
    items = [
        ListedOpportunity(
            *row[:_OWN],
            organisation=OrganisationRow(*row[_OWN:-2]),
            country=countries[row[_COUNTRY]],
            interests=interests.get(row[_ID], ()),
            languages=_languages(row[-1]),
        )
        for row in rows
    ]
    total = len(items) if total is None else total
    return SearchPage(items=items, total=total, page=filters.page, per_page=filters.per_page)


def _interests_of(
    session: Session, listed: list[tuple[int, str | None]]
) -> dict[int, tuple[InterestRef, ...]]:
    """Each opportunity's interests in the taxonomy's order (the model's), by opportunity id."""
    pairs = [(oid, int(iid)) for oid, ids in listed if ids for iid in ids.split(",")]
    by_id = reference.interest_by_id(session)
    if any(interest_id not in by_id for _, interest_id in pairs):  # one added since the process read them
        reference.forget(session)
        by_id = reference.interest_by_id(session)
    found: dict[int, list[InterestRef]] = {}
    for opportunity_id, interest_id in pairs:
        found.setdefault(opportunity_id, []).append(by_id[interest_id])
    return {k: tuple(sorted(v, key=lambda i: (i.position, i.id))) for k, v in found.items()}


def _languages(pairs: str | None) -> tuple[LanguageRow, ...]:
    """ "fr:basic,en:professional" as rows, by language code (the model's order)."""
    if not pairs:
        return ()
    return tuple(sorted(LanguageRow(*pair.split(":", 1)) for pair in pairs.split(",")))
