"""Impact pages: an organisation's public page, its CSV and its printable report for funders, and
the coordinators' reports by region, country, year and organisation (with their CSV).

The public pages hold aggregates only (no visitor, no learner is named) of verified organisations;
the figures come from services.impact.figures and are defined in services.impact.reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import abort, render_template, request
from sqlalchemy.orm import Session

from matcher.extensions import db
from matcher.impact import bp
from matcher.models import Organisation, Role
from matcher.services import reference
from matcher.services.impact import reports
from matcher.services.impact.figures import ImpactFilter, first_year, load
from matcher.translate import gettext as _
from matcher.translate import pgettext
from matcher.web.access import role_required
from matcher.web.caching import cached_publicly
from matcher.web.choices import countries_by_name
from matcher.web.csv_export import csv_response

STAFF = (Role.COORDINATOR, Role.ADMIN)
COORDINATION_FILTERS = ("region", "country", "year")
TABLES = ("region", "country", "year", "organisation")


def _organisation(slug: str) -> Organisation:
    return reports.organisation_by_slug(db.session, slug) or abort(404)


def _organisation_ledger(session: Session, organisation: Organisation, parsed: reports.ParsedFilter):
    filt = replace(parsed.filter, organisation_id=organisation.id, verified_only=True)
    return load(session, filt)


@bp.get("/organisations/<slug>/impact")
@cached_publicly
def organisation_impact(slug: str):
    organisation = _organisation(slug)
    today = date.today()
    parsed = reports.parse_filters(db.session, request.args, today)
    # Every year's ledger: the charts show every year, whichever year the figures are for.
    ledger = load(db.session, ImpactFilter(organisation_id=organisation.id, verified_only=True))
    first = min((v.year for v in ledger.visits), default=None)
    page = render_template(
        "impact/organisation_impact.html",
        organisation=organisation,
        parsed=parsed,
        figures=ledger.figures(parsed.filter.year),
        series=list(reversed(ledger.by("year"))),
        groups=reports.group_labels(db.session),
        years=reports.years(first, today),
        definitions=reports.DEFINITIONS,
        headline=reports.headline,
        roles=reports.ROLES,
        year_name=reports.namer("year"),
    )
    return page, 422 if parsed.errors else 200


def _period(parsed: reports.ParsedFilter) -> str:
    if parsed.filter.year is not None:
        return str(parsed.filter.year)
    return pgettext("impact period", "All years")


@bp.get("/organisations/<slug>/impact.csv")
@cached_publicly
def organisation_impact_csv(slug: str):
    organisation = _organisation(slug)
    parsed = reports.parse_filters(db.session, request.args, date.today())
    if parsed.errors:
        abort(400)
    ledger = _organisation_ledger(db.session, organisation, parsed)
    groups = reports.group_labels(db.session)
    total = ledger.figures()
    categories = [c.group for c in total.categories]
    header = [
        pgettext("impact table", "Year"),
        *reports.csv_header(),
        *(_("Procedures: %(group)s", group=groups.get(g, g)) for g in categories),
    ]

    def line(period: str, figures) -> list:
        cases = {c.group: c.total for c in figures.categories}
        return [period, *reports.csv_values(figures), *(cases.get(g, 0) for g in categories)]

    rows = [line(str(row.key), row.figures) for row in ledger.by("year")]
    rows.append(line(_period(parsed), total))
    suffix = f"-{parsed.filter.year}" if parsed.filter.year else ""
    return csv_response(f"impact-{organisation.slug}{suffix}.csv", header, rows)


@bp.get("/organisations/<slug>/impact/report")
@cached_publicly
def funders_report(slug: str):
    organisation = _organisation(slug)
    today = date.today()
    years = reports.years(first_year(db.session, ImpactFilter(organisation_id=organisation.id)), today)
    parsed = reports.parse_filters(db.session, request.args, today)
    if parsed.errors or not (parsed.all_years or parsed.filter.year is not None):
        # The period is required: the page asks for it (and says what was wrong with it).
        page = render_template(
            "impact/funders_report.html", organisation=organisation, parsed=parsed, years=years, ledger=None
        )
        return page, 422 if parsed.errors else 200
    ledger = _organisation_ledger(db.session, organisation, parsed)
    return render_template(
        "impact/funders_report.html",
        organisation=organisation,
        parsed=parsed,
        years=years,
        ledger=ledger,
        figures=ledger.figures(),
        sites=ledger.by("site"),
        groups=reports.group_labels(db.session),
        period=_period(parsed),
        made_on=today,
        definitions=reports.DEFINITIONS,
        headline=reports.headline,
        roles=reports.ROLES,
        site_name=reports.namer("site"),
    )


def _coordination_ledger():
    today = date.today()
    parsed = reports.parse_filters(db.session, request.args, today, COORDINATION_FILTERS)
    return parsed, load(db.session, parsed.filter), today


@bp.get("/coordination/impact", endpoint="reports")
@role_required(*STAFF)
def coordination_reports():
    parsed, ledger, today = _coordination_ledger()
    page = render_template(
        "impact/reports.html",
        parsed=parsed,
        errors=parsed.errors,
        figures=ledger.figures(),
        tables=[
            (dimension, ledger.by(dimension)) for dimension in ("region", "country", "year", "organisation")
        ],
        groups=reports.group_labels(db.session),
        regions=list(reference.regions(db.session)),
        countries=countries_by_name(),
        years=reports.years(first_year(db.session, ImpactFilter()), today),
        headline=reports.headline,
        roles=reports.ROLES,
        namer=reports.namer,
    )
    return page, 422 if parsed.errors else 200


@bp.get("/coordination/impact.csv")
@role_required(*STAFF)
def reports_csv():
    parsed, ledger, _today = _coordination_ledger()
    if parsed.errors:
        abort(400)
    header = [pgettext("impact table", "Grouping"), pgettext("impact table", "Name"), *reports.csv_header()]
    rows = [[pgettext("impact table", "All"), "", *reports.csv_values(ledger.figures())]]
    labels = {
        "region": pgettext("impact table", "Region"),
        "country": pgettext("impact table", "Country"),
        "year": pgettext("impact table", "Year"),
        "organisation": pgettext("impact table", "Organisation"),
    }
    for dimension, label in labels.items():
        for row in ledger.by(dimension):
            rows.append([label, reports.breakdown_name(dimension, row), *reports.csv_values(row.figures)])
    return csv_response("impact.csv", header, rows)
