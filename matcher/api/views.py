"""GET-only JSON endpoints for partners' websites; CORS is open because nothing here is private.

Each view checks its query string against its schema (matcher.api.schemas) as well as the
search's own rules, and sends items built as the schemas say (matcher.api.items).
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, request
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from werkzeug.wrappers import Response

from matcher.api import bp
from matcher.api.answers import as_json, bad_request
from matcher.api.items import opportunity_item, opportunity_link, organisation_item
from matcher.api.openapi import openapi_document
from matcher.api.query import schema_problems
from matcher.api.schemas import (
    NoQuery,
    OpportunityPage,
    OpportunityQuery,
    OrganisationPage,
    PagingQuery,
)
from matcher.extensions import csrf, db
from matcher.formatting import number
from matcher.models import Opportunity, Organisation
from matcher.services import reference
from matcher.services.listing import search_rows
from matcher.services.opportunity_details import DETAILS, details_of
from matcher.services.search import public_opportunities
from matcher.services.search_filters import MAX_PER_PAGE, parse_filters
from matcher.translate import gettext as _
from matcher.web.caching import cached_publicly

csrf.exempt(bp)


@bp.after_request
def allow_cross_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _level_codes() -> dict[int, str]:
    return {lv.rank: lv.code for lv in reference.levels(db.session)}


def refused(known: dict[str, str], schema: type, args) -> dict[str, str]:
    """The search's own messages first, then what the schema refuses besides (an unknown name)."""
    problems = dict(known)
    for name, message in schema_problems(schema, args).items():
        problems.setdefault(name, message)
    return problems


@bp.get("/opportunities")
@cached_publicly
def opportunities():
    filters, errors = parse_filters(db.session, request.args)
    if filters.sort == "score":
        errors.by_param["sort"] = _(
            "The API sorts by start, deadline, newest or cost; "
            "sorting by match score needs a logged-in applicant."
        )
    problems = refused(errors.by_param, OpportunityQuery, request.args)
    if problems:
        return bad_request(problems)
    page = search_rows(db.session, filters, date.today(), with_languages=True)
    details = details_of(db.session, [o.id for o in page.items])
    levels, link = _level_codes(), opportunity_link()
    items = [opportunity_item(o, details[o.id], levels, link) for o in page.items if o.id in details]
    return as_json(OpportunityPage(items=items, page=page.page, per_page=page.per_page, total=page.total))


# One statement, built once: the opportunity with its organisation (joined by public_opportunities),
# country, interests and languages (a handful of rows), where a SELECT IN per list costs more CPU;
# then its site's readiness and its teaching request's procedures and roles (services.opportunity_details).
_PUBLIC_WITH_DETAILS = (
    public_opportunities()
    .where(Opportunity.id == bindparam("id"))
    .options(
        contains_eager(Opportunity.organisation),
        joinedload(Opportunity.country),
        joinedload(Opportunity.interests),
        joinedload(Opportunity.languages),
        *DETAILS,
    )
)


@bp.get("/opportunities/<int:opportunity_id>")
@cached_publicly
def opportunity(opportunity_id: int):
    if request.args:
        return bad_request(schema_problems(NoQuery, request.args))
    found = db.session.execute(_PUBLIC_WITH_DETAILS, {"id": opportunity_id}).unique().scalar_one_or_none()
    if found is None:
        abort(404)
    return as_json(opportunity_item(found, found, _level_codes(), opportunity_link()))


def _paging(args) -> tuple[int, int, dict[str, str]]:
    """`page` and `per_page` as the opportunities endpoint reads them (MAX_PER_PAGE at most)."""
    values, errors = {"page": 1, "per_page": MAX_PER_PAGE}, {}
    for name, ceiling in (("page", 10_000), ("per_page", MAX_PER_PAGE)):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= ceiling:
            errors[name] = _("must be a whole number from 1 to %(most)s", most=number(ceiling))
        else:
            values[name] = int(raw)
    return values["page"], values["per_page"], errors


@bp.get("/organisations")
@cached_publicly
def organisations():
    page, per_page, errors = _paging(request.args)
    problems = refused(errors, PagingQuery, request.args)
    if problems:
        return bad_request(problems)
    verified = select(Organisation).where(Organisation.verified_at.is_not(None))
    total = db.session.scalar(
        select(func.count()).select_from(verified.with_only_columns(Organisation.id).subquery())
    )
    rows = db.session.scalars(
        verified.options(selectinload(Organisation.countries))
        .order_by(Organisation.name, Organisation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [organisation_item(o) for o in rows]
    return as_json(OrganisationPage(page=page, per_page=per_page, total=total or 0, items=items))


@bp.get("/openapi.json")
@cached_publicly
def openapi():
    return current_app.response_class(openapi_document(), mimetype="application/json")
