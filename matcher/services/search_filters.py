"""The filters of the opportunity search, read from a query string: one parser for the page, the
JSON API and the Atom feed, with messages that name each filter as the page labels it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pycountry
from sqlalchemy.orm import Session

from matcher.formatting import language_label
from matcher.models import (
    OpportunityType,
)
from matcher.reference.places import M49_GROUPINGS
from matcher.services import reference

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
SORTS = ("start", "deadline", "newest", "score")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# "Any level", chosen on purpose: the page pre-fills an applicant's own level only when none is given.
ANY_LEVEL = "any"


@dataclass(frozen=True)
class OpportunityFilters:
    region: str | None = None
    # Sub-regions (UN M49), any of; a grouping such as "Sub-Saharan Africa" stands for its sub-regions.
    subregions: tuple[str, ...] = ()
    country: str | None = None
    type: str | None = None
    level: str | None = None
    interests: tuple[str, ...] = ()
    starts_after: date | None = None
    ends_before: date | None = None
    language: str | None = None
    open_only: bool = False
    # Only places the applicant can be matched to; None: the default for who is asking (the page's).
    matchable: bool | None = None
    q: str | None = None
    sort: str = "start"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """The filters as URL parameters (for links to other pages or sorts)."""
        current = replace(self, **changes)
        args: dict[str, Any] = {
            "region": current.region,
            "subregion": list(current.subregions) or None,
            "country": current.country,
            "type": current.type,
            "level": current.level,
            "interest": list(current.interests) or None,
            "starts_after": current.starts_after.isoformat() if current.starts_after else None,
            "ends_before": current.ends_before.isoformat() if current.ends_before else None,
            "language": current.language,
            "open": "1" if current.open_only else None,
            "matchable": None if current.matchable is None else "1" if current.matchable else "0",
            "q": current.q,
            "sort": current.sort if current.sort != "start" else None,
            "page": current.page if current.page != 1 else None,
            "per_page": current.per_page if current.per_page != DEFAULT_PER_PAGE else None,
        }
        return {k: v for k, v in args.items() if v not in (None, "", [])}


# What each parameter is called on the search form, so that a message names what the person sees.
FILTER_LABELS = {
    "q": "Words in the title or description",
    "region": "Region",
    "subregion": "Sub-region",
    "country": "Country",
    "type": "Type",
    "level": "Accepts my training level",
    "interest": "Interests",
    "starts_after": "Available from",
    "ends_before": "Available until",
    "language": "Language",
    "open": "Only with places left and still open",
    "matchable": "Only places I can be matched to",
    "sort": "Sort by",
    "page": "Page",
    "per_page": "Results per page",
}


@dataclass
class FilterErrors:
    """Problems with the parameters, by parameter name, in words a user understands."""

    by_param: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_param)


def expand_subregions(names: tuple[str, ...]) -> set[str]:
    """The sub-regions meant: each grouping (M49_GROUPINGS) replaced by the sub-regions it holds."""
    return {sub for name in names for sub in M49_GROUPINGS.get(name, (name,))}


def language_name(code: str) -> str:
    """A language named in the reader's language (formatting.language_label)."""
    return language_label(code)


def parse_filters(session: Session, args: Any) -> tuple[OpportunityFilters, FilterErrors]:
    """Read filters from request args (a MultiDict); unknown values are reported, not guessed."""
    errors = FilterErrors()
    values: dict[str, Any] = {}

    def text(name: str, max_len: int = 100) -> str | None:
        raw = (args.get(name) or "").strip()
        if len(raw) > max_len:
            errors.by_param[name] = f"Keep “{FILTER_LABELS[name]}” to {max_len} characters."
            return None
        return raw or None

    known_regions = reference.regions(session)
    region = text("region")
    if region and region not in known_regions:
        errors.by_param["region"] = f"Choose a region from the list: “{region}” is not one."
    elif region:
        values["region"] = region
    subregions = tuple(dict.fromkeys(s.strip() for s in args.getlist("subregion") if s.strip()))
    known_subregions = {sub for subs in known_regions.values() for sub in subs} | set(M49_GROUPINGS)
    unknown_subregions = [s for s in subregions if s not in known_subregions]
    if unknown_subregions:
        errors.by_param["subregion"] = (
            "Choose sub-regions from the list: "
            + ", ".join(f"“{s[:60]}”" for s in unknown_subregions[:5])
            + (" is not one." if len(unknown_subregions) == 1 else " are not.")
        )
    elif subregions:
        values["subregions"] = subregions

    country = text("country")
    if country:
        if country.upper() not in reference.country_by_code(session):
            errors.by_param["country"] = (
                f"Choose a country from the list: “{country}” is not a country code we know "
                "(two letters, such as TZ for Tanzania)."
            )
        else:
            values["country"] = country.upper()

    kind = text("type")
    if kind:
        if kind not in {t.value for t in OpportunityType}:
            kinds = ", ".join(t.label.lower() for t in OpportunityType)
            errors.by_param["type"] = f"Choose a type from the list: {kinds}."
        else:
            values["type"] = kind

    level = text("level")
    if level == ANY_LEVEL:
        values["level"] = ANY_LEVEL
    elif level:
        if level not in {lv.code for lv in reference.levels(session)}:
            errors.by_param["level"] = f"Choose a training level from the list: “{level}” is not one."
        else:
            values["level"] = level

    slugs = tuple(dict.fromkeys(s.strip() for s in args.getlist("interest") if s.strip()))
    if slugs:
        known = {i.slug for i in reference.interests(session)}
        unknown = [s for s in slugs if s not in known]
        if unknown:
            named = ", ".join(f"“{s[:60]}”" for s in unknown[:5])
            verb = "is" if len(unknown) == 1 else "are"
            errors.by_param["interest"] = f"Choose interests from the list: {named} {verb} not."
        else:
            values["interests"] = slugs

    for name in ("starts_after", "ends_before"):
        raw = text(name, 10)
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                errors.by_param[name] = f"Enter “{FILTER_LABELS[name]}” as a real date, like 2027-03-01."
    start, end = values.get("starts_after"), values.get("ends_before")
    if start and end and end < start:
        errors.by_param["ends_before"] = (
            f"“{FILTER_LABELS['ends_before']}” must not be before “{FILTER_LABELS['starts_after']}”."
        )
        values.pop("ends_before")

    language = text("language", 3)
    if language:
        if pycountry.languages.get(alpha_2=language.lower()) is None:
            errors.by_param["language"] = (
                f"Choose a language from the list: “{language}” is not a language code we know "
                "(two letters, such as fr for French)."
            )
        else:
            values["language"] = language.lower()

    open_raw = (args.get("open") or "").strip().lower()
    if open_raw in _TRUE:
        values["open_only"] = True
    elif open_raw not in _FALSE:
        errors.by_param["open"] = f"“{FILTER_LABELS['open']}” is either on (1, true) or off (0, false)."

    # The form sends a hidden "0" before the checkbox's "1", so that switching it off is remembered.
    matchable = [v.strip().lower() for v in args.getlist("matchable")]
    if any(v in _TRUE for v in matchable):
        values["matchable"] = True
    elif matchable and all(v in _FALSE for v in matchable):
        values["matchable"] = False
    elif matchable:
        label = FILTER_LABELS["matchable"]
        errors.by_param["matchable"] = f"“{label}” is either on (1, true) or off (0, false)."

    q = text("q", 200)
    if q:
        values["q"] = q

    sort = text("sort") or "start"
    if sort not in SORTS:
        errors.by_param["sort"] = "Choose an order from the list: " + ", ".join(SORTS) + "."
    else:
        values["sort"] = sort

    for name, ceiling in (("page", 10_000), ("per_page", MAX_PER_PAGE)):
        raw = text(name, 6)
        if raw is None:
            continue
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= ceiling:
            errors.by_param[name] = f"“{FILTER_LABELS[name]}” is a whole number from 1 to {ceiling}."
        else:
            values[name] = int(raw)
    return OpportunityFilters(**values), errors
