"""The filters of the opportunity search, read from a query string: one parser for the page, the
JSON API and the Atom feed, with messages that name each filter as the page labels it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.formatting import language_label, number, spoken_list
from matcher.models import OpportunityType, Organisation
from matcher.reference.places import M49_GROUPINGS
from matcher.services import reference
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
SORTS = ("start", "deadline", "newest", "cost", "score")
MAX_COST = Decimal("100000000")
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
    # Verified organisations' slugs, any of.
    organisations: tuple[str, ...] = ()
    starts_after: date | None = None
    ends_before: date | None = None
    language: str | None = None
    open_only: bool = False
    # Places that waive their fee for trainees from low- and middle-income countries, that offer a
    # travel grant, or that run the other way (hosts in high-income countries: services.costs).
    fee_waiver: bool = False
    travel_grant: bool = False
    other_way: bool = False
    # The highest estimated cost (services.costs), in each opportunity's own currency.
    max_cost: Decimal | None = None
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
            "organisation": list(current.organisations) or None,
            "starts_after": current.starts_after.isoformat() if current.starts_after else None,
            "ends_before": current.ends_before.isoformat() if current.ends_before else None,
            "language": current.language,
            "open": "1" if current.open_only else None,
            "fee_waiver": "1" if current.fee_waiver else None,
            "travel_grant": "1" if current.travel_grant else None,
            "other_way": "1" if current.other_way else None,
            "max_cost": str(current.max_cost) if current.max_cost is not None else None,
            "matchable": None if current.matchable is None else "1" if current.matchable else "0",
            "q": current.q,
            "sort": current.sort if current.sort != "start" else None,
            "page": current.page if current.page != 1 else None,
            "per_page": current.per_page if current.per_page != DEFAULT_PER_PAGE else None,
        }
        return {k: v for k, v in args.items() if v not in (None, "", [])}


# What each parameter is called on the search form, so that a message names what the person sees.
FILTER_LABELS = {
    "q": _l("Words in the title or description"),
    "region": _l("Region"),
    "subregion": _l("Sub-region"),
    "country": _l("Country"),
    "type": _l("Type"),
    "level": _l("Accepts my training level"),
    "interest": _l("Interests"),
    "organisation": _l("Organisations"),
    "starts_after": _l("Available from"),
    "ends_before": _l("Available until"),
    "language": _l("Language"),
    "open": _l("Only with places left and still open"),
    "fee_waiver": _l("Only with the fee waived for trainees from low- and middle-income countries"),
    "travel_grant": _l("Only with a travel grant"),
    "other_way": _l("Only hosts in high-income countries"),
    "max_cost": _l("Estimated cost at most"),
    "matchable": _l("Only places I can be matched to"),
    "sort": _l("Sort by"),
    "page": _l("Page"),
    "per_page": _l("Results per page"),
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


def _quoted(value: str) -> str:
    """A value someone typed, quoted as the reader's language quotes (and cut short)."""
    return _("“%(value)s”", value=value[:60])


def unknown_organisations(session: Session, slugs: tuple[str, ...]) -> list[str]:
    """The slugs that name no verified organisation (a draft one is as unknown as a typo)."""
    known = set(
        session.scalars(
            select(Organisation.slug).where(
                Organisation.slug.in_(slugs), Organisation.verified_at.is_not(None)
            )
        )
    )
    return [s for s in slugs if s not in known]


def parse_filters(session: Session, args: Any) -> tuple[OpportunityFilters, FilterErrors]:
    """Read filters from request args (a MultiDict); unknown values are reported, not guessed."""
    errors = FilterErrors()
    values: dict[str, Any] = {}

    def text(name: str, max_len: int = 100) -> str | None:
        raw = (args.get(name) or "").strip()
        if len(raw) > max_len:
            errors.by_param[name] = _(
                "Keep “%(filter)s” to %(most)d characters.", filter=FILTER_LABELS[name], most=max_len
            )
            return None
        return raw or None

    known_regions = reference.regions(session)
    region = text("region")
    if region and region not in known_regions:
        errors.by_param["region"] = _("Choose a region from the list: “%(value)s” is not one.", value=region)
    elif region:
        values["region"] = region
    subregions = tuple(dict.fromkeys(s.strip() for s in args.getlist("subregion") if s.strip()))
    known_subregions = {sub for subs in known_regions.values() for sub in subs} | set(M49_GROUPINGS)
    unknown_subregions = [s for s in subregions if s not in known_subregions]
    if unknown_subregions:
        errors.by_param["subregion"] = ngettext(
            "Choose sub-regions from the list: %(values)s is not one.",
            "Choose sub-regions from the list: %(values)s are not.",
            len(unknown_subregions),
            values=spoken_list(_quoted(s) for s in unknown_subregions[:5]),
        )
    elif subregions:
        values["subregions"] = subregions

    country = text("country")
    if country:
        if country.upper() not in reference.country_by_code(session):
            errors.by_param["country"] = _(
                "Choose a country from the list: “%(value)s” is not a country code we know "
                "(two letters, such as TZ for Tanzania).",
                value=country,
            )
        else:
            values["country"] = country.upper()

    kind = text("type")
    if kind:
        if kind not in {t.value for t in OpportunityType}:
            kinds = spoken_list((t.label.lower() for t in OpportunityType), "or")
            errors.by_param["type"] = _("Choose a type from the list: %(types)s.", types=kinds)
        else:
            values["type"] = kind

    level = text("level")
    if level == ANY_LEVEL:
        values["level"] = ANY_LEVEL
    elif level:
        if level not in {lv.code for lv in reference.levels(session)}:
            errors.by_param["level"] = _(
                "Choose a training level from the list: “%(value)s” is not one.", value=level
            )
        else:
            values["level"] = level

    slugs = tuple(dict.fromkeys(s.strip() for s in args.getlist("interest") if s.strip()))
    if slugs:
        known = {i.slug for i in reference.interests(session)}
        unknown = [s for s in slugs if s not in known]
        if unknown:
            errors.by_param["interest"] = ngettext(
                "Choose interests from the list: %(values)s is not.",
                "Choose interests from the list: %(values)s are not.",
                len(unknown),
                values=spoken_list(_quoted(s) for s in unknown[:5]),
            )
        else:
            values["interests"] = slugs

    organisations = tuple(dict.fromkeys(s.strip() for s in args.getlist("organisation") if s.strip()))
    if organisations:
        unknown = unknown_organisations(session, organisations)
        if unknown:
            errors.by_param["organisation"] = ngettext(
                "No verified organisation has the short name %(values)s.",
                "No verified organisations have the short names %(values)s.",
                len(unknown),
                values=spoken_list(_quoted(s) for s in unknown[:5]),
            )
        else:
            values["organisations"] = organisations

    for name in ("starts_after", "ends_before"):
        raw = text(name, 10)
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                errors.by_param[name] = _(
                    "Enter “%(filter)s” as a real date, like 2027-03-01.", filter=FILTER_LABELS[name]
                )
    start, end = values.get("starts_after"), values.get("ends_before")
    if start and end and end < start:
        errors.by_param["ends_before"] = _(
            "“%(end)s” must not be before “%(start)s”.",
            end=FILTER_LABELS["ends_before"],
            start=FILTER_LABELS["starts_after"],
        )
        values.pop("ends_before")

    language = text("language", 3)
    if language:
        if pycountry.languages.get(alpha_2=language.lower()) is None:
            errors.by_param["language"] = _(
                "Choose a language from the list: “%(value)s” is not a language code we know "
                "(two letters, such as fr for French).",
                value=language,
            )
        else:
            values["language"] = language.lower()

    for name, key in (
        ("open", "open_only"),
        ("fee_waiver", "fee_waiver"),
        ("travel_grant", "travel_grant"),
        ("other_way", "other_way"),
    ):
        raw = (args.get(name) or "").strip().lower()
        if raw in _TRUE:
            values[key] = True
        elif raw not in _FALSE:
            errors.by_param[name] = _(
                "“%(filter)s” is either on (1, true) or off (0, false).", filter=FILTER_LABELS[name]
            )

    max_cost = text("max_cost", 12)
    if max_cost:
        try:
            amount = Decimal(max_cost.replace(",", ""))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not 0 <= amount < MAX_COST:
            errors.by_param["max_cost"] = _(
                "Enter “%(filter)s” as an amount, like 1500.", filter=FILTER_LABELS["max_cost"]
            )
        else:
            values["max_cost"] = amount

    # The form sends a hidden "0" before the checkbox's "1", so that switching it off is remembered.
    matchable = [v.strip().lower() for v in args.getlist("matchable")]
    if any(v in _TRUE for v in matchable):
        values["matchable"] = True
    elif matchable and all(v in _FALSE for v in matchable):
        values["matchable"] = False
    elif matchable:
        errors.by_param["matchable"] = _(
            "“%(filter)s” is either on (1, true) or off (0, false).", filter=FILTER_LABELS["matchable"]
        )

    q = text("q", 200)
    if q:
        values["q"] = q

    sort = text("sort") or "start"
    if sort not in SORTS:
        errors.by_param["sort"] = _("Choose an order from the list: %(sorts)s.", sorts=", ".join(SORTS))
    else:
        values["sort"] = sort

    for name, ceiling in (("page", 10_000), ("per_page", MAX_PER_PAGE)):
        raw = text(name, 6)
        if raw is None:
            continue
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= ceiling:
            errors.by_param[name] = _(
                "“%(filter)s” is a whole number from 1 to %(most)s.",
                filter=FILTER_LABELS[name],
                most=number(ceiling),
            )
        else:
            values[name] = int(raw)
    return OpportunityFilters(**values), errors
