"""The API's JSON answers: a schema's instance as the body, and errors in ErrorBody's shape."""

from __future__ import annotations

from flask import current_app
from pydantic import BaseModel
from werkzeug.wrappers import Response

from matcher.api.schemas import ErrorBody, ErrorDetail, Problem
from matcher.translate import gettext as _


def as_json(body: BaseModel, status: int = 200) -> Response:
    """A schema's instance as the JSON answer (the schema serialises it, not Flask's encoder)."""
    return current_app.response_class(body.model_dump_json(), status=status, mimetype="application/json")


def error_answer(
    status: int, title: str, message: str | None = None, problems: dict[str, str] | None = None
) -> Response:
    listed = [Problem(parameter=name, message=text) for name, text in (problems or {}).items()]
    return as_json(
        ErrorBody(error=ErrorDetail(status=status, title=title, message=message, problems=listed)), status
    )


def bad_request(errors: dict[str, str]) -> Response:
    return error_answer(400, _("Bad request"), problems=errors)
