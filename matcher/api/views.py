"""GET-only JSON endpoints for partners' websites; CORS is open because nothing here is private."""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request, url_for
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from werkzeug.wrappers import Response

from matcher.api import bp
from matcher.extensions import csrf, db
from matcher.formatting import number
from matcher.models import Opportunity, Organisation
from matcher.services import reference
from matcher.services.listing import ListedOpportunity, search_rows
from matcher.services.search import public_opportunities
from matcher.services.search_filters import MAX_PER_PAGE, parse_filters
from matcher.translate import gettext as _
from matcher.web.caching import cached_publicly

csrf.exempt(bp)


@bp.after_request
def allow_cross_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _level_codes() -> dict[int, str]:
    return {lv.rank: lv.code for lv in reference.levels(db.session)}


def opportunity_link() -> str:
    """The API's link to an opportunity page, but for the id (an integer): built once per list."""
    return url_for("opportunities.show", opportunity_id=0, _external=True).removesuffix("0")


def serialise(opportunity: Opportunity | ListedOpportunity, levels: dict[int, str], link: str) -> dict:
    org = opportunity.organisation
    return {
        "id": opportunity.id,
        "title": opportunity.title,
        "type": opportunity.type,
        "organisation": {"id": org.id, "name": org.name, "slug": org.slug},
        "country": opportunity.country_code,
        "region": opportunity.country.region,
        "subregion": opportunity.country.subregion,
        "levels": [levels[opportunity.level_min], levels[opportunity.level_max]],
        "interests": [i.slug for i in opportunity.interests],
        "languages": [{"code": x.language, "level": x.level} for x in opportunity.languages],
        "starts_on": opportunity.starts_on.isoformat(),
        "ends_on": opportunity.ends_on.isoformat(),
        "flexible": opportunity.flexible,
        "min_weeks": opportunity.min_weeks,
        "capacity": opportunity.capacity,
        "places_left": opportunity.places_left,
        "deadline": opportunity.deadline.isoformat() if opportunity.deadline else None,
        "url": f"{link}{opportunity.id}",
    }


def bad_request(errors: dict[str, str]):
    problems = [{"parameter": name, "message": message} for name, message in errors.items()]
    return jsonify(error={"status": 400, "title": _("Bad request"), "problems": problems}), 400


@bp.get("/opportunities")
@cached_publicly
def opportunities():
    filters, errors = parse_filters(db.session, request.args)
    if filters.sort == "score":
        errors.by_param["sort"] = _(
            "The API sorts by start, deadline or newest; sorting by match score needs a logged-in applicant."
        )
    if errors:
        return bad_request(errors.by_param)
    page = search_rows(db.session, filters, date.today(), with_languages=True)
    levels, link = _level_codes(), opportunity_link()
    return jsonify(
        items=[serialise(o, levels, link) for o in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


# One statement, built once: the opportunity with its organisation (joined by public_opportunities),
# country, interests and languages (a handful of rows), where a SELECT IN per list costs more CPU.
_PUBLIC_WITH_DETAILS = (
    public_opportunities()
    .where(Opportunity.id == bindparam("id"))
    .options(
        contains_eager(Opportunity.organisation),
        joinedload(Opportunity.country),
        joinedload(Opportunity.interests),
        joinedload(Opportunity.languages),
    )
)


@bp.get("/opportunities/<int:opportunity_id>")
@cached_publicly
def opportunity(opportunity_id: int):
    found = db.session.execute(_PUBLIC_WITH_DETAILS, {"id": opportunity_id}).unique().scalar_one_or_none()
    if found is None:
        abort(404)
    return jsonify(serialise(found, _level_codes(), opportunity_link()))


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
    if errors:
        return bad_request(errors)
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
    return jsonify(
        page=page,
        per_page=per_page,
        total=total,
        items=[
            {
                "id": o.id,
                "name": o.name,
                "slug": o.slug,
                "description": o.description,
                "website": o.website,
                "country": o.country_code,
                "countries": [c.iso2 for c in o.countries],
                "url": url_for("organisations.show", slug=o.slug, _external=True),
            }
            for o in rows
        ],
    )
