"""Opportunity search: one set of filters shared by the page, the JSON API and the Atom feed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pycountry
from sqlalchemy import Select, and_, exists, func, or_, select
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
from matcher.services import reference
from matcher.services.matching import inputs

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
SORTS = ("start", "deadline", "newest", "score")
MAX_SCORED = 1000  # sorting by match score scores at most this many filtered results
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class OpportunityFilters:
    region: str | None = None
    subregion: str | None = None
    country: str | None = None
    type: str | None = None
    level: str | None = None
    interests: tuple[str, ...] = ()
    starts_after: date | None = None
    ends_before: date | None = None
    language: str | None = None
    open_only: bool = False
    q: str | None = None
    sort: str = "start"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """The filters as URL parameters (for links to other pages or sorts)."""
        current = replace(self, **changes)
        args: dict[str, Any] = {
            "region": current.region,
            "subregion": current.subregion,
            "country": current.country,
            "type": current.type,
            "level": current.level,
            "interest": list(current.interests) or None,
            "starts_after": current.starts_after.isoformat() if current.starts_after else None,
            "ends_before": current.ends_before.isoformat() if current.ends_before else None,
            "language": current.language,
            "open": "1" if current.open_only else None,
            "q": current.q,
            "sort": current.sort if current.sort != "start" else None,
            "page": current.page if current.page != 1 else None,
            "per_page": current.per_page if current.per_page != DEFAULT_PER_PAGE else None,
        }
        return {k: v for k, v in args.items() if v not in (None, "", [])}


@dataclass
class FilterErrors:
    """Problems with the parameters, by parameter name, in words a user understands."""

    by_param: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_param)


def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    return language.name.replace(" (macrolanguage)", "") if language else code


def parse_filters(session: Session, args: Any) -> tuple[OpportunityFilters, FilterErrors]:
    """Read filters from request args (a MultiDict); unknown values are reported, not guessed."""
    errors = FilterErrors()
    values: dict[str, Any] = {}

    def text(name: str, max_len: int = 100) -> str | None:
        raw = (args.get(name) or "").strip()
        if len(raw) > max_len:
            errors.by_param[name] = f"must be at most {max_len} characters"
            return None
        return raw or None

    known_regions = reference.regions(session)
    region, subregion = text("region"), text("subregion")
    if region and region not in known_regions:
        errors.by_param["region"] = f"unknown region {region!r}"
    elif region:
        values["region"] = region
    if subregion and not any(subregion in subs for subs in known_regions.values()):
        errors.by_param["subregion"] = f"unknown sub-region {subregion!r}"
    elif subregion:
        values["subregion"] = subregion

    country = text("country")
    if country:
        if country.upper() not in reference.country_by_code(session):
            errors.by_param["country"] = f"unknown country code {country!r} (use ISO 3166-1 alpha-2, e.g. TZ)"
        else:
            values["country"] = country.upper()

    kind = text("type")
    if kind:
        if kind not in {t.value for t in OpportunityType}:
            errors.by_param["type"] = "must be one of " + ", ".join(t.value for t in OpportunityType)
        else:
            values["type"] = kind

    level = text("level")
    if level:
        if level not in {lv.code for lv in reference.levels(session)}:
            errors.by_param["level"] = f"unknown training level {level!r}"
        else:
            values["level"] = level

    slugs = tuple(dict.fromkeys(s.strip() for s in args.getlist("interest") if s.strip()))
    if slugs:
        known = {i.slug for i in reference.interests(session)}
        unknown = [s for s in slugs if s not in known]
        if unknown:
            errors.by_param["interest"] = "unknown interest " + ", ".join(repr(s[:60]) for s in unknown[:5])
        else:
            values["interests"] = slugs

    for name in ("starts_after", "ends_before"):
        raw = text(name, 10)
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                errors.by_param[name] = "must be a date like 2027-03-01"
    start, end = values.get("starts_after"), values.get("ends_before")
    if start and end and end < start:
        errors.by_param["ends_before"] = "must not be before starts_after"
        values.pop("ends_before")

    language = text("language", 3)
    if language:
        if pycountry.languages.get(alpha_2=language.lower()) is None:
            errors.by_param["language"] = f"unknown language code {language!r} (use ISO 639-1, e.g. fr)"
        else:
            values["language"] = language.lower()

    open_raw = (args.get("open") or "").strip().lower()
    if open_raw in _TRUE:
        values["open_only"] = True
    elif open_raw not in _FALSE:
        errors.by_param["open"] = "must be true or false"

    q = text("q", 200)
    if q:
        values["q"] = q

    sort = text("sort") or "start"
    if sort not in SORTS:
        errors.by_param["sort"] = "must be one of " + ", ".join(SORTS)
    else:
        values["sort"] = sort

    for name, ceiling in (("page", 10_000), ("per_page", MAX_PER_PAGE)):
        raw = text(name, 6)
        if raw is None:
            continue
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= ceiling:
            errors.by_param[name] = f"must be a whole number from 1 to {ceiling}"
        else:
            values[name] = int(raw)
    return OpportunityFilters(**values), errors


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


def latest_opportunities(session: Session, today: date, limit: int) -> list[Opportunity]:
    """The home page's newest public opportunities, never one whose dates or deadline have passed."""
    return list(
        session.scalars(
            public_opportunities()
            .where(still_ahead(today))
            .options(selectinload(Opportunity.country), selectinload(Opportunity.organisation))
            .order_by(Opportunity.published_at.desc(), Opportunity.id.desc())
            .limit(limit)
        )
    )


def apply_filters(stmt: Select, session: Session, filters: OpportunityFilters, today: date) -> Select:
    if filters.region or filters.subregion:
        stmt = stmt.join(Country, Opportunity.country_code == Country.iso2)
        if filters.region:
            stmt = stmt.where(Country.region == filters.region)
        if filters.subregion:
            stmt = stmt.where(Country.subregion == filters.subregion)
    if filters.country:
        stmt = stmt.where(Opportunity.country_code == filters.country)
    if filters.type:
        stmt = stmt.where(Opportunity.type == filters.type)
    if filters.level:
        rank = select(TrainingLevel.rank).where(TrainingLevel.code == filters.level).scalar_subquery()
        stmt = stmt.where(Opportunity.level_min <= rank, Opportunity.level_max >= rank)
    if filters.interests:
        stmt = stmt.where(
            exists()
            .where(opportunity_interests.c.opportunity_id == Opportunity.id)
            .where(opportunity_interests.c.interest_id == Interest.id)
            .where(Interest.slug.in_(filters.interests))
        )
    # A date range matches the opportunities whose dates overlap it.
    if filters.starts_after:
        stmt = stmt.where(Opportunity.ends_on >= filters.starts_after)
    if filters.ends_before:
        stmt = stmt.where(Opportunity.starts_on <= filters.ends_before)
    if filters.language:
        stmt = stmt.where(
            exists().where(
                OpportunityLanguage.opportunity_id == Opportunity.id,
                OpportunityLanguage.language == filters.language,
            )
        )
    if filters.open_only:
        stmt = stmt.where(
            Opportunity.places_filled < Opportunity.capacity,
            or_(Opportunity.deadline.is_(None), Opportunity.deadline >= today),
        )
    if filters.q:
        like = contains_pattern(filters.q.lower())
        stmt = stmt.where(
            or_(
                func.lower(Opportunity.title).like(like, escape="\\"),
                func.lower(Opportunity.description).like(like, escape="\\"),
            )
        )
    return stmt


def _ordered(stmt: Select, sort: str) -> Select:
    if sort == "deadline":
        # Opportunities without a deadline come last, on both databases.
        return stmt.order_by(
            Opportunity.deadline.is_(None), Opportunity.deadline, Opportunity.starts_on, Opportunity.id
        )
    if sort == "newest":
        return stmt.order_by(Opportunity.published_at.desc(), Opportunity.id.desc())
    return stmt.order_by(Opportunity.starts_on, Opportunity.id)


@dataclass(frozen=True)
class SearchPage:
    items: list[Opportunity]
    total: int
    page: int
    per_page: int

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


def count_of(session: Session, stmt: Select) -> int:
    """How many rows `stmt` would give, counting their ids without loading them."""
    ids = stmt.with_only_columns(Opportunity.id).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(ids)) or 0


def search(session: Session, filters: OpportunityFilters, today: date) -> SearchPage:
    """One page of public opportunities matching the filters, in a stable order (ties by id)."""
    base = apply_filters(public_opportunities(), session, filters, today)
    total = count_of(session, base)
    stmt = (
        with_listed_relations(_ordered(base, filters.sort))
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    items = list(session.scalars(stmt))
    return SearchPage(items=items, total=total, page=filters.page, per_page=filters.per_page)


def scored_search(session: Session, filters: OpportunityFilters, today: date, profile: Any) -> SearchPage:
    """Like `search`, best match first for this applicant's (complete) profile."""
    base = apply_filters(public_opportunities(), session, filters, today)
    found = list(session.scalars(with_listed_relations(_ordered(base, "start")).limit(MAX_SCORED)))
    applicant, taxonomy = inputs.applicant_spec(profile), inputs.taxonomy(session)
    totals = {
        o.id: score(applicant, inputs.opportunity_spec(o), taxonomy, include_rank=False).total for o in found
    }
    found.sort(key=lambda o: (-totals[o.id], o.starts_on, o.id))
    start = (filters.page - 1) * filters.per_page
    return SearchPage(
        items=found[start : start + filters.per_page],
        total=len(found),
        page=filters.page,
        per_page=filters.per_page,
    )
