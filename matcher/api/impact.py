"""The impact API (issue 22): public aggregates of what verified organisations' visits taught,
for one organisation or for a region, a country, a year. Read-only, cached like the other reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import abort, request, url_for

from matcher.api import bp
from matcher.api.answers import as_json, bad_request
from matcher.api.impact_schemas import (
    Impact,
    ImpactQuery,
    OrganisationImpact,
    OrganisationImpactQuery,
    figures_body,
    years_body,
)
from matcher.api.query import schema_problems
from matcher.api.schemas import OrganisationRef
from matcher.extensions import db
from matcher.services.impact import reports
from matcher.services.impact.figures import ImpactFilter, load
from matcher.translate import gettext as _
from matcher.translate import ngettext
from matcher.web.caching import cached_publicly


def _problems(schema, names) -> tuple[reports.ParsedFilter, dict[str, str]]:
    """The schema's refusals, then the reports' own (an unknown region or country)."""
    problems = schema_problems(schema, request.args)
    parsed = reports.parse_filters(db.session, request.args, date.today(), names)
    for name, message in parsed.errors.items():
        problems.setdefault(name, message)
    return parsed, problems


@bp.get("/organisations/<slug>/impact")
@cached_publicly
def organisation_impact(slug: str):
    organisation = reports.organisation_by_slug(db.session, slug) or abort(404)
    parsed, problems = _problems(OrganisationImpactQuery, ("year",))
    if problems:
        return bad_request(problems)
    everything = load(db.session, ImpactFilter(organisation_id=organisation.id, verified_only=True))
    figures = everything.figures(parsed.filter.year)
    by_year = everything.by("year")
    groups = reports.group_labels(db.session)
    return as_json(
        OrganisationImpact(
            organisation=OrganisationRef(id=organisation.id, name=organisation.name, slug=organisation.slug),
            year=parsed.filter.year,
            figures=figures_body(figures, groups),
            by_year=years_body(by_year, groups),
            url=url_for("impact.organisation_impact", slug=organisation.slug, _external=True),
        )
    )


@bp.get("/impact")
@cached_publicly
def impact():
    parsed, problems = _problems(ImpactQuery, ("region", "country", "year"))
    slug = (request.args.get("organisation") or "").strip()
    organisation = reports.organisation_by_slug(db.session, slug) if slug else None
    if slug and organisation is None and "organisation" not in problems:
        problems["organisation"] = ngettext(
            "No verified organisation has the short name %(values)s.",
            "No verified organisations have the short names %(values)s.",
            1,
            values=_("“%(value)s”", value=slug[:60]),
        )
    if problems:
        return bad_request(problems)
    filt = replace(
        parsed.filter, verified_only=True, organisation_id=organisation.id if organisation else None
    )
    ledger = load(db.session, filt)
    groups = reports.group_labels(db.session)
    return as_json(
        Impact(
            figures=figures_body(ledger.figures(), groups),
            by_year=years_body(ledger.by("year"), groups),
        )
    )
