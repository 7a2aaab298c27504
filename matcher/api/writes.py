"""The write API: a write token creates, updates, publishes and closes its organisation's
opportunities, through the same service as the form (services.opportunities), acting as the
member who made the token.

A body is checked against OpportunityInput first (types, the form's limits, unknown fields), then
by the service's rules; every refusal is a 422 naming its field. Another organisation's
opportunity is a 404, as if it did not exist.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from flask import request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response

from matcher import audit
from matcher.api import bp
from matcher.api.answers import as_json, error_answer
from matcher.api.auth import write_token
from matcher.api.items import opportunity_item, opportunity_link
from matcher.api.write_schemas import OpportunityInput, OpportunityRecord
from matcher.extensions import db
from matcher.models import ApiToken, Opportunity
from matcher.services import opportunities as service
from matcher.services import reference
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.translate import gettext as _

IDEMPOTENCY_HEADER = "Idempotency-Key"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _refused(problems: dict[str, str], message: str | None = None) -> Response:
    return error_answer(422, _("Unprocessable content"), message, problems)


def _field_problems(error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        # The field's path, without the names pydantic gives the branches of a union.
        path = [str(part) for part in detail["loc"] if isinstance(part, int) or _NAME.match(str(part))]
        name = ".".join(path) or "body"
        if detail["type"] == "missing":
            message = _("Give this field.")
        elif detail["type"] == "extra_forbidden":
            message = _("This field is not one the API knows; see /api for the list.")
        else:
            message = _("This value is not one the API accepts here; see /api.")
        problems.setdefault(name, message)
    return problems


def _data(body: Any) -> tuple[service.OpportunityData | None, dict[str, str]]:
    """The service's data from a JSON body, or the problems, by field."""
    if not isinstance(body, dict):
        return None, {"body": _("Send a JSON object (Content-Type: application/json).")}
    try:
        given = OpportunityInput.model_validate(body)
    except ValidationError as error:
        return None, _field_problems(error)
    ranks = {lv.code: lv.rank for lv in reference.levels(db.session)}
    problems = {
        name: _("Choose training levels from the list.")
        for name in ("level_min", "level_max")
        if getattr(given, name) not in ranks
    }
    if problems:
        return None, problems
    values = given.model_dump(exclude={"languages", "level_min", "level_max"})
    data = service.OpportunityData(
        **values,
        level_min=ranks[given.level_min],
        level_max=ranks[given.level_max],
        languages=[(x.code, x.level) for x in given.languages],
    )
    return data, {}


def _record(opportunity: Opportunity, status: int = 200) -> Response:
    levels = {lv.rank: lv.code for lv in reference.levels(db.session)}
    item = opportunity_item(opportunity, opportunity, levels, opportunity_link())
    return as_json(OpportunityRecord(**item.model_dump(), status=opportunity.status), status)


def _run(call: Callable[[], Opportunity], token: ApiToken, action: str, status: int = 200) -> Response:
    """The service call committed (and audited as `action` through `token`) and the opportunity
    sent back, or the refusal as JSON."""
    try:
        opportunity = call()
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound):
            return error_answer(404, _("Not found"), error.message)
        if isinstance(error, PermissionDenied):
            return error_answer(403, _("Forbidden"), error.message)
        if isinstance(error, Conflict) and not error.field:
            return error_answer(409, _("Conflict"), error.message)
        if error.field:  # the form's summary_fr is the body's summaries.fr
            name = error.field.replace("summary_", "summaries.", 1)
            return _refused({name: error.message})
        return _refused({}, error.message)
    audit.on_commit(
        db.session, "api_write", token.created_by, key_id=token.id, change=action, opportunity=opportunity.id
    )
    db.session.commit()
    return _record(opportunity, status)


def _own(token: ApiToken, opportunity_id: int) -> Opportunity | None:
    opportunity = db.session.get(Opportunity, opportunity_id)
    if opportunity is None or opportunity.organisation_id != token.organisation_id:
        return None
    return opportunity


def _not_found() -> Response:
    return error_answer(404, _("Not found"), _("Your organisation has no opportunity with this id."))


def _form_token(organisation_id: int, key: str) -> str:
    """The key as the form token the service keeps (unique across organisations, so each
    organisation's keys are its own): 64 characters, never the 43 of a web form's token."""
    return "api-" + hashlib.sha256(f"{organisation_id}:{key}".encode()).hexdigest()[:60]


@bp.post("/opportunities")
def create_opportunity():
    token = write_token()
    if isinstance(token, Response):
        return token
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if len(key) > 64:
        return error_answer(
            400, _("Bad request"), problems={IDEMPOTENCY_HEADER: _("Keep it to 64 characters.")}
        )
    data, problems = _data(request.get_json(silent=True))
    if data is None:
        return _refused(problems)
    actor, organisation = token.created_by, token.organisation
    form_token = _form_token(organisation.id, key) if key else None
    response = _run(
        lambda: service.create(db.session, actor, organisation, data, form_token=form_token),
        token,
        "create",
        201,
    )
    if response.status_code == 201:
        made = response.get_json()["id"]
        response.headers["Location"] = url_for("api.update_opportunity", opportunity_id=made, _external=True)
    return response


@bp.put("/opportunities/<int:opportunity_id>")
def update_opportunity(opportunity_id: int):
    token = write_token()
    if isinstance(token, Response):
        return token
    opportunity = _own(token, opportunity_id)
    if opportunity is None:
        return _not_found()
    data, problems = _data(request.get_json(silent=True))
    if data is None:
        return _refused(problems)

    def update() -> Opportunity:
        service.update(db.session, token.created_by, opportunity, data)
        return opportunity

    return _run(update, token, "update")


def _transition(opportunity_id: int, action: str) -> Response:
    token = write_token()
    if isinstance(token, Response):
        return token
    opportunity = _own(token, opportunity_id)
    if opportunity is None:
        return _not_found()

    def move() -> Opportunity:
        service.transition(db.session, token.created_by, opportunity, action)
        return opportunity

    return _run(move, token, action)


@bp.post("/opportunities/<int:opportunity_id>/publish")
def publish_opportunity(opportunity_id: int):
    return _transition(opportunity_id, "publish")


@bp.post("/opportunities/<int:opportunity_id>/close")
def close_opportunity(opportunity_id: int):
    return _transition(opportunity_id, "close")
