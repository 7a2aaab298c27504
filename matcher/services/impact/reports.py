"""What the impact pages, the CSV files and the API share: their filters read from a query string,
the figures' definitions in words, the taxonomy groups' names, and the CSV's columns."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.formatting import country_name, label_for, number, region_label
from matcher.models import Organisation
from matcher.models.impact import LearnerRole
from matcher.services import reference
from matcher.services.impact.figures import Breakdown, ImpactFigures, ImpactFilter
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext, ngettext, pgettext

FIRST_YEAR = 2000
_YEAR = re.compile(r"^\d{4}$")
ALL_YEARS = "all"

# The public page shows these under "How we count": each figure and what it adds up.
DEFINITIONS = (
    (
        lazy_pgettext("impact figure", "Visits"),
        _l(
            "Electives and teaching visits with at least one completion or logbook entry the host "
            "confirmed. A visit counts in the year it starts."
        ),
    ),
    (
        lazy_pgettext("impact figure", "Visitors"),
        _l("Different people whose completion of a visit the host confirmed."),
    ),
    (
        lazy_pgettext("impact figure", "Visit weeks"),
        _l("The length of each visit, from its first to its last day, in weeks, added up."),
    ),
    (
        lazy_pgettext("impact figure", "Person-weeks"),
        _l("The length of the visit for each confirmed completion, in weeks, added up."),
    ),
    (
        lazy_pgettext("impact figure", "Procedures taught"),
        _l(
            "Cases in logbook entries the host confirmed, by procedure group and by what the local "
            "learner did: observed, assisted, performed under supervision or performed independently."
        ),
    ),
    (
        lazy_pgettext("impact figure", "Lectures and simulation sessions"),
        _l("Confirmed logbook entries of each kind, and the hours recorded for them."),
    ),
    (
        lazy_pgettext("impact figure", "Learners present"),
        _l("Local learners present at confirmed sessions, added up: someone at two sessions counts twice."),
    ),
    (
        lazy_pgettext("impact figure", "Local learners trained"),
        _l(
            "Different local learners named in confirmed procedure entries, with those who reached a "
            "milestone in the period."
        ),
    ),
    (
        lazy_pgettext("impact figure", "Independent milestones"),
        _l(
            "A local learner's first case of a procedure performed independently, recorded in the "
            "period. Supervised milestones are the first case performed under supervision."
        ),
    ),
)


@dataclass(frozen=True)
class ParsedFilter:
    filter: ImpactFilter
    errors: dict[str, str]
    all_years: bool = False  # the funders' report: "all" was chosen

    def args(self) -> dict[str, Any]:
        """The filter as query arguments (for the CSV and report links)."""
        f = self.filter
        found = {"region": f.region, "country": f.country, "year": f.year}
        return {k: v for k, v in found.items() if v}


def _year(raw: str, today: date, errors: dict[str, str]) -> int | None:
    if not _YEAR.match(raw) or not FIRST_YEAR <= int(raw) <= today.year + 1:
        errors["year"] = _(
            "Choose a year from the list: “%(value)s” is not a year from %(first)s to %(last)s.",
            value=raw[:20],
            first=FIRST_YEAR,
            last=today.year + 1,
        )
        return None
    return int(raw)


def parse_filters(
    session: Session, args: Mapping[str, str], today: date, names: Iterable[str] = ("year",)
) -> ParsedFilter:
    """The filters `names` from a query string; a value not understood is left out and explained
    (the messages are the search's for a region and a country)."""
    names = set(names)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    raw_year = (args.get("year") or "").strip() if "year" in names else ""
    all_years = raw_year == ALL_YEARS
    if raw_year and not all_years:
        values["year"] = _year(raw_year, today, errors)
    region = (args.get("region") or "").strip() if "region" in names else ""
    if region and region not in reference.regions(session):
        errors["region"] = _("Choose a region from the list: “%(value)s” is not one.", value=region[:60])
    elif region:
        values["region"] = region
    subregion = (args.get("subregion") or "").strip() if "subregion" in names else ""
    if subregion and subregion not in {s for subs in reference.regions(session).values() for s in subs}:
        errors["subregion"] = ngettext(
            "Choose sub-regions from the list: %(values)s is not one.",
            "Choose sub-regions from the list: %(values)s are not.",
            1,
            values=_("“%(value)s”", value=subregion[:60]),
        )
    elif subregion:
        values["subregion"] = subregion
    country = (args.get("country") or "").strip() if "country" in names else ""
    if country and country.upper() not in reference.country_by_code(session):
        errors["country"] = _(
            "Choose a country from the list: “%(value)s” is not a country code we know "
            "(two letters, such as TZ for Tanzania).",
            value=country[:20],
        )
    elif country:
        values["country"] = country.upper()
    return ParsedFilter(ImpactFilter(**{k: v for k, v in values.items() if v is not None}), errors, all_years)


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    """A verified organisation (impact pages are public: an unverified one is not there)."""
    return session.scalar(
        select(Organisation).where(Organisation.slug == slug, Organisation.verified_at.is_not(None))
    )


def years(first: int | None, today: date) -> list[int]:
    """The years a filter offers, newest first: from the first visit's to this one."""
    return list(range(today.year, (first or today.year) - 1, -1))


def group_labels(session: Session) -> dict[str, str]:
    """Each taxonomy group named in the reader's language ("" is entries with no group)."""
    named = {"": pgettext("procedure group", "Other")}
    for procedure in reference.procedures(session):
        named.setdefault(procedure.group, label_for(procedure, "group"))
    return named


def breakdown_name(dimension: str, row: Breakdown) -> str:
    """A table line's name in the reader's language."""
    if dimension == "region":
        return region_label(row.name)
    if dimension == "country":
        return country_name(row.name, row.name)
    if dimension == "site" and row.key is None:
        return pgettext("impact site", "No site given")
    return row.name


ROLES = tuple(LearnerRole)


def namer(dimension: str) -> Callable[[Breakdown], str]:
    """Names a breakdown's lines (for a template's table macro)."""
    return functools.partial(breakdown_name, dimension)


def csv_header() -> list[str]:
    return [
        str(pgettext("impact figure", "Visits")),
        str(pgettext("impact figure", "Visitors")),
        str(pgettext("impact figure", "Visit weeks")),
        str(pgettext("impact figure", "Person-weeks")),
        str(pgettext("impact figure", "Procedures taught")),
        *(_("Procedures: %(role)s", role=role.label) for role in ROLES),
        str(pgettext("impact figure", "Lectures")),
        _("Lecture hours"),
        str(pgettext("impact figure", "Simulation sessions")),
        _("Simulation hours"),
        str(pgettext("impact figure", "Learners present")),
        str(pgettext("impact figure", "Local learners trained")),
        str(pgettext("impact figure", "Independent milestones")),
        str(pgettext("impact figure", "Supervised milestones")),
    ]


def csv_values(f: ImpactFigures) -> list[Any]:
    """The figures in csv_header's order; decimals with a point, as spreadsheets read them."""
    return [
        f.visits,
        f.visitors,
        f.visit_weeks,
        f.person_weeks,
        f.procedures,
        *(f.by_role.get(role.value, 0) for role in ROLES),
        f.lectures,
        f.lecture_hours,
        f.simulations,
        f.simulation_hours,
        f.learners_present,
        f.learners_trained,
        f.independent_milestones,
        f.supervised_milestones,
    ]


def headline(f: ImpactFigures) -> list[tuple[str, str]]:
    """The figures a page shows first, worded and formatted."""
    return [
        (pgettext("impact figure", "Visits"), number(f.visits)),
        (pgettext("impact figure", "Visitors"), number(f.visitors)),
        (pgettext("impact figure", "Visit weeks"), number(f.visit_weeks, 1)),
        (pgettext("impact figure", "Person-weeks"), number(f.person_weeks, 1)),
        (pgettext("impact figure", "Procedures taught"), number(f.procedures)),
        (pgettext("impact figure", "Local learners trained"), number(f.learners_trained)),
        (pgettext("impact figure", "Independent milestones"), number(f.independent_milestones)),
        (pgettext("impact figure", "Supervised milestones"), number(f.supervised_milestones)),
        (pgettext("impact figure", "Lectures"), number(f.lectures)),
        (pgettext("impact figure", "Simulation sessions"), number(f.simulations)),
        (pgettext("impact figure", "Learners present"), number(f.learners_present)),
    ]
