"""Opportunity search: one set of filters shared by the page, the JSON API and the Atom feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from matcher.db import contains_pattern
from matcher.engine.scoring import score
from matcher.models import (
    Country,
    Interest,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    OpportunityType,
    Organisation,
    TrainingLevel,
)
from matcher.models.opportunity import opportunity_interests
from matcher.services import costs, eligibility
from matcher.services.eligibility import Eligibility, Standing
from matcher.services.matching import inputs
from matcher.services.search_filters import ANY_LEVEL, OpportunityFilters, expand_subregions

# Sorting by match score, or keeping only the places an applicant can be matched to, checks at
# most this many filtered results (in the order asked for) with the engine.
MAX_SCORED = 1000


def public_opportunities() -> Select:
    """Published opportunities of verified organisations: what anyone may see."""
    return (
        select(Opportunity)
        .join(Organisation, Opportunity.organisation_id == Organisation.id)
        .where(Opportunity.status == OpportunityStatus.PUBLISHED, Organisation.verified_at.is_not(None))
    )


def still_ahead(today: date) -> Any:
    """The condition of an opportunity one can still apply to and attend: its deadline, its end,
    and (unless its window is flexible) its start are today or later."""
    return and_(
        or_(Opportunity.deadline.is_(None), Opportunity.deadline >= today),
        Opportunity.ends_on >= today,
        or_(Opportunity.flexible.is_(True), Opportunity.starts_on >= today),
    )


@dataclass(frozen=True)
class OpportunitySummary:
    """What the home page says of an opportunity: read as one row, no ORM object."""

    id: int
    title: str
    type: str
    city: str
    country: str  # its name
    organisation: str  # its name
    starts_on: date
    ends_on: date
    deadline: date | None
    country_code: str

    @property
    def type_label(self) -> str:
        return OpportunityType(self.type).label


# Built once (composing it costs more CPU than running it): today and the limit are parameters.
_LATEST = (
    public_opportunities()
    .join(Country, Opportunity.country_code == Country.iso2)
    .with_only_columns(
        Opportunity.id,
        Opportunity.title,
        Opportunity.type,
        Opportunity.city,
        Country.name,
        Organisation.name,
        Opportunity.starts_on,
        Opportunity.ends_on,
        Opportunity.deadline,
        Opportunity.country_code,
    )
    .where(still_ahead(bindparam("today", type_=Date)))
    .order_by(Opportunity.published_at.desc(), Opportunity.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


def latest_opportunities(session: Session, today: date, limit: int) -> list[OpportunitySummary]:
    """The home page's newest public opportunities, never one whose dates or deadline have passed."""
    return [OpportunitySummary(*row) for row in session.execute(_LATEST, {"today": today, "limit": limit})]


class FilterShape(NamedTuple):
    """Which filters are set: the shape of a search's statement, whatever their values."""

    region: bool
    subregions: bool
    country: bool
    type: bool
    level: bool
    interests: bool
    organisations: bool
    starts_after: bool
    ends_before: bool
    language: bool
    open_only: bool
    q: bool
    fee_waiver: bool = False
    travel_grant: bool = False
    other_way: bool = False
    max_cost: bool = False


def shape_of(filters: OpportunityFilters) -> FilterShape:
    return FilterShape(
        bool(filters.region),
        bool(filters.subregions),
        bool(filters.country),
        bool(filters.type),
        bool(filters.level and filters.level != ANY_LEVEL),
        bool(filters.interests),
        bool(filters.organisations),
        bool(filters.starts_after),
        bool(filters.ends_before),
        bool(filters.language),
        filters.open_only,
        bool(filters.q),
        filters.fee_waiver,
        filters.travel_grant,
        filters.other_way,
        filters.max_cost is not None,
    )


def filter_values(shape: FilterShape, filters: OpportunityFilters, today: date) -> dict[str, Any]:
    """The value of each parameter of the statement of `shape` (see `filtered`)."""
    values: dict[str, Any] = {}
    if shape.region:
        values["region"] = filters.region
    if shape.subregions:
        values["subregions"] = sorted(expand_subregions(filters.subregions))
    if shape.country:
        values["country"] = filters.country
    if shape.type:
        values["type"] = filters.type
    if shape.level:
        values["level"] = filters.level
    if shape.interests:
        values["interests"] = list(filters.interests)
    if shape.organisations:
        values["organisations"] = list(filters.organisations)
    if shape.starts_after:
        values["starts_after"] = filters.starts_after
    if shape.ends_before:
        values["ends_before"] = filters.ends_before
    if shape.language:
        values["language"] = filters.language
    if shape.open_only:
        values["today"] = today
    if shape.q:
        values["like"] = contains_pattern(filters.q.lower())
    if shape.max_cost:
        values["max_cost"] = filters.max_cost
    return values


_EXPANDING = {"subregions", "interests", "organisations"}
_DATES = {"starts_after", "ends_before", "today"}


def _parameter(name: str) -> Any:
    if name in _DATES:
        return bindparam(name, type_=Date)
    return bindparam(name, expanding=name in _EXPANDING)


def filtered(stmt: Select, shape: FilterShape, value: Callable[[str], Any] = _parameter) -> Select:
    """`stmt` with the conditions of the filters `shape` sets; each value is `value(name)`: by
    default a bound parameter of that name, so that a statement built once per shape serves every
    search of that shape, executed with `filter_values(...)`."""
    if shape.region or shape.subregions or shape.other_way:
        stmt = stmt.join(Country, Opportunity.country_code == Country.iso2)
        if shape.other_way:
            stmt = stmt.where(Country.income_group == costs.HIGH_INCOME)
        if shape.region:
            stmt = stmt.where(Country.region == value("region"))
        if shape.subregions:
            stmt = stmt.where(Country.subregion.in_(value("subregions")))
    if shape.country:
        stmt = stmt.where(Opportunity.country_code == value("country"))
    if shape.type:
        stmt = stmt.where(Opportunity.type == value("type"))
    if shape.level:
        rank = select(TrainingLevel.rank).where(TrainingLevel.code == value("level")).scalar_subquery()
        stmt = stmt.where(Opportunity.level_min <= rank, Opportunity.level_max >= rank)
    if shape.interests:
        stmt = stmt.where(
            exists()
            .where(opportunity_interests.c.opportunity_id == Opportunity.id)
            .where(opportunity_interests.c.interest_id == Interest.id)
            .where(Interest.slug.in_(value("interests")))
        )
    if shape.organisations:  # public_opportunities() joins the organisation
        stmt = stmt.where(Organisation.slug.in_(value("organisations")))
    # A date range matches the opportunities whose dates overlap it.
    if shape.starts_after:
        stmt = stmt.where(Opportunity.ends_on >= value("starts_after"))
    if shape.ends_before:
        stmt = stmt.where(Opportunity.starts_on <= value("ends_before"))
    if shape.language:
        stmt = stmt.where(
            exists().where(
                OpportunityLanguage.opportunity_id == Opportunity.id,
                OpportunityLanguage.language == value("language"),
            )
        )
    if shape.open_only:
        today = value("today")
        stmt = stmt.where(
            Opportunity.places_filled < Opportunity.capacity,
            or_(Opportunity.deadline.is_(None), Opportunity.deadline >= today),
        )
    if shape.fee_waiver:
        stmt = stmt.where(Opportunity.fee_waiver.is_(True))
    if shape.travel_grant:
        stmt = stmt.where(Opportunity.travel_grant.is_(True))
    if shape.max_cost:
        stmt = stmt.where(costs.estimated_cost() <= value("max_cost"))
    if shape.q:
        like = value("like")
        stmt = stmt.where(
            or_(
                func.lower(Opportunity.title).like(like, escape="\\"),
                func.lower(Opportunity.description).like(like, escape="\\"),
            )
        )
    return stmt


def apply_filters(stmt: Select, session: Session, filters: OpportunityFilters, today: date) -> Select:
    """`stmt` with the filters' conditions, their values written in (see `filtered`)."""
    shape = shape_of(filters)
    return filtered(stmt, shape, filter_values(shape, filters, today).__getitem__)


def ordered(stmt: Select, sort: str) -> Select:
    if sort == "deadline":
        # Opportunities without a deadline come last, on both databases.
        return stmt.order_by(
            Opportunity.deadline.is_(None), Opportunity.deadline, Opportunity.starts_on, Opportunity.id
        )
    if sort == "cost":
        return stmt.order_by(costs.estimated_cost(), Opportunity.starts_on, Opportunity.id)
    if sort == "newest":
        return stmt.order_by(Opportunity.published_at.desc(), Opportunity.id.desc())
    return stmt.order_by(Opportunity.starts_on, Opportunity.id)


@dataclass(frozen=True)
class SearchPage:
    items: list[Opportunity]
    total: int
    page: int
    per_page: int
    # For a logged-in applicant: what each listed opportunity asks that they fail, by id.
    eligibility: dict[int, Eligibility] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def with_listed_relations(stmt: Select) -> Select:
    """What a listing of opportunities shows with each: its organisation (already joined by
    public_opportunities), country, interests and languages; four statements in all."""
    return stmt.options(
        contains_eager(Opportunity.organisation),
        joinedload(Opportunity.country),
        selectinload(Opportunity.interests),
        selectinload(Opportunity.languages),
    )


def count_statement(stmt: Select) -> Select:
    """The number of rows `stmt` would give, counting their ids without loading them."""
    ids = stmt.with_only_columns(Opportunity.id).order_by(None).subquery()
    return select(func.count()).select_from(ids)


def count_of(session: Session, stmt: Select) -> int:
    """How many rows `stmt` would give."""
    return session.scalar(count_statement(stmt)) or 0


def search(session: Session, filters: OpportunityFilters, today: date) -> SearchPage:
    """One page of public opportunities matching the filters, in a stable order (ties by id)."""
    base = apply_filters(public_opportunities(), session, filters, today)
    total = count_of(session, base)
    stmt = (
        with_listed_relations(ordered(base, filters.sort))
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    items = list(session.scalars(stmt))
    return SearchPage(items=items, total=total, page=filters.page, per_page=filters.per_page)


def personal_search(
    session: Session, filters: OpportunityFilters, today: date, standing: Standing, *, only_matchable: bool
) -> SearchPage:
    """`search` for a logged-in applicant: each result with the rules they fail (and its match
    score when sorted by it), only the places they can be matched to when asked.

    Filtering by the engine's check and sorting by score read the filtered results (at most
    MAX_SCORED, in the order asked for) in the same four statements as a page.
    """
    by_score = filters.sort == "score"
    if only_matchable or by_score:
        base = apply_filters(public_opportunities(), session, filters, today)
        found = list(session.scalars(with_listed_relations(ordered(base, filters.sort)).limit(MAX_SCORED)))
        if only_matchable:
            found = [o for o in found if eligibility.can_be_matched(standing, o, today)]
        if by_score:
            totals = {
                o.id: score(
                    standing.applicant, inputs.opportunity_spec(o), standing.taxonomy, include_rank=False
                ).total
                for o in found
            }
            found.sort(key=lambda o: (-totals[o.id], o.starts_on, o.id))
        start = (filters.page - 1) * filters.per_page
        page = SearchPage(
            items=found[start : start + filters.per_page],
            total=len(found),
            page=filters.page,
            per_page=filters.per_page,
        )
    else:
        page = search(session, filters, today)
    checks = {o.id: eligibility.check(standing, o, today, with_score=by_score) for o in page.items}
    return replace(page, eligibility=checks)
