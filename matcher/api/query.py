"""Query strings checked against the API's schemas (matcher.api.schemas): unknown names, a value
given twice where one is expected, and values of the wrong type are refused, each by name."""

from __future__ import annotations

from typing import Any, get_origin

from pydantic import ValidationError

from matcher.api.schemas import QueryModel
from matcher.translate import gettext as _


def _repeatable(model: type[QueryModel]) -> set[str]:
    return {name for name, spec in model.model_fields.items() if get_origin(spec.annotation) is list}


def as_fields(model: type[QueryModel], args: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A MultiDict's values for `model`: lists where the schema takes several, else the one value.

    Empty values are left out (a form sends its empty fields), and a name the schema takes once
    but given several times is a problem of its own.
    """
    repeatable = _repeatable(model)
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in args:
        given = [v.strip() for v in args.getlist(name) if v.strip()]
        if name in repeatable:
            values[name] = given
        elif len(given) > 1:
            problems[name] = _("Give this parameter once.")
        elif given:
            values[name] = given[0]
    return values, problems


def schema_problems(model: type[QueryModel], args: Any) -> dict[str, str]:
    """What `model` refuses in the query string, by parameter name (empty: all is well)."""
    values, problems = as_fields(model, args)
    try:
        model.model_validate(values)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            name = str(detail["loc"][0]) if detail["loc"] else ""
            if detail["type"] == "extra_forbidden":
                message = _("This parameter is not one the API knows; see /api for the list.")
            else:
                message = _("This value is not one the API accepts here; see /api.")
            problems.setdefault(name, message)
    return problems
