"""The OpenAPI 3.1 document of the read API, assembled from the schemas the views use.

pydantic writes each schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1, so the components
are its output as it is; this module only lays out the paths, their parameters (one per field of
a query schema) and their answers. The document depends on the code alone: built once per process.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from matcher.api.impact_schemas import BODIES as IMPACT_BODIES
from matcher.api.impact_schemas import impact_operations
from matcher.api.openapi_writes import BODIES as WRITE_BODIES
from matcher.api.openapi_writes import READ, SECURITY_SCHEMES, write_operations
from matcher.api.schemas import (
    ErrorBody,
    NoQuery,
    OpportunityItem,
    OpportunityPage,
    OpportunityQuery,
    OrganisationPage,
    PagingQuery,
    QueryModel,
)

REF = "#/components/schemas/{model}"
API_VERSION = "1.0.0"
BODIES: tuple[type[BaseModel], ...] = (OpportunityPage, OpportunityItem, OrganisationPage, ErrorBody)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without its `null` branch: a parameter left out is the null."""
    branches = [b for b in schema.get("anyOf", ()) if b.get("type") != "null"]
    if len(branches) == 1:
        rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
        return {**branches[0], **rest}
    return schema


def query_parameters(model: type[QueryModel]) -> list[dict[str, Any]]:
    """One OpenAPI parameter per field of a query schema; lists are the name repeated."""
    schema = model.model_json_schema(ref_template=REF)
    parameters = []
    for name, spec in schema.get("properties", {}).items():
        spec = _without_null(spec)
        description = spec.pop("description", None)
        spec.pop("title", None)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": spec}
        if description:
            parameter["description"] = description
        if spec.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        "content": {"application/json": {"schema": _ref(model)}},
    }


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(ErrorBody)}}}


_NOT_MODIFIED = {"$ref": "#/components/responses/NotModified"}
_IF_NONE_MATCH = {"$ref": "#/components/parameters/IfNoneMatch"}


def _feed(summary: str, parameters: list[dict[str, Any]], missing: str | None = None) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "An Atom feed (RFC 4287) of the 50 newest matching opportunities.",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
        },
        "304": _NOT_MODIFIED,
        "400": {"description": "A parameter is unknown or its value is refused (a plain answer)."},
    }
    if missing:
        responses["404"] = {"description": missing}
    return {"get": {"summary": summary, "tags": ["feeds"], "parameters": parameters, "responses": responses}}


def _read_paths(search, paging, slug) -> dict[str, Any]:
    """The read API's operations, each taking a token or none."""
    return {
        "/api/v1/opportunities": {
            "get": {
                "summary": "Search published opportunities",
                "tags": ["opportunities"],
                "parameters": [*search, _IF_NONE_MATCH],
                "responses": {
                    "200": _json(OpportunityPage, "A page of opportunities."),
                    "304": _NOT_MODIFIED,
                    "400": _error("A parameter is unknown or its value is refused; each is named."),
                },
            }
        },
        "/api/v1/opportunities/{opportunity_id}": {
            "get": {
                "summary": "One published opportunity",
                "tags": ["opportunities"],
                "parameters": [
                    {
                        "name": "opportunity_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    *query_parameters(NoQuery),
                    _IF_NONE_MATCH,
                ],
                "responses": {
                    "200": _json(OpportunityItem, "The opportunity."),
                    "304": _NOT_MODIFIED,
                    "400": _error("This endpoint takes no query parameters."),
                    "404": _error("No published opportunity has this id."),
                },
            }
        },
        "/api/v1/organisations": {
            "get": {
                "summary": "Verified organisations",
                "tags": ["organisations"],
                "parameters": [*paging, _IF_NONE_MATCH],
                "responses": {
                    "200": _json(OrganisationPage, "A page of organisations, by name."),
                    "304": _NOT_MODIFIED,
                    "400": _error("A parameter is unknown or its value is refused; each is named."),
                },
            }
        },
        "/opportunities/feed.atom": _feed(
            "Atom feed of new opportunities (the same filters)", [*search, _IF_NONE_MATCH]
        ),
        "/organisations/{slug}/feed.atom": _feed(
            "Atom feed of one organisation's new opportunities",
            [slug, *(p for p in search if p["name"] != "organisation"), _IF_NONE_MATCH],
            missing="No verified organisation has this slug.",
        ),
    }


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document as a dict."""
    models = [(m, "validation") for m in (*BODIES, *IMPACT_BODIES, *WRITE_BODIES)]
    _, top = models_json_schema(models, ref_template=REF)
    search = query_parameters(OpportunityQuery)
    paging = query_parameters(PagingQuery)
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = _read_paths(search, paging, slug)
    paths.update(impact_operations(query_parameters, _json, _error, _IF_NONE_MATCH, _NOT_MODIFIED))
    for path, operations in paths.items():
        if path.startswith("/api/"):
            for operation in operations.values():
                operation["security"] = READ
                operation["responses"]["401"] = _error("A token was sent, but it is mistyped or revoked.")
                operation["responses"]["429"] = _error("The token sent has used up its rate limit for now.")
    for path, operations in write_operations().items():
        paths.setdefault(path, {}).update(operations)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IR Opportunity Matcher API",
            "version": API_VERSION,
            "description": (
                "Published opportunities of verified organisations, and those organisations: reading "
                "needs no key and is open to any origin (CORS). Unknown query parameters are refused "
                "with a 400 naming them. Every read answer carries a weak ETag: send it back in "
                "If-None-Match and an unchanged answer is a 304 with no body. An organisation's write "
                "token (bearerToken) creates, changes, publishes and closes that organisation's "
                "opportunities, with the same checks as the form: a refusal is a 422 naming each field."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": top["$defs"],
            "headers": {
                "ETag": {
                    "description": "A weak validator of the answer's content.",
                    "schema": {"type": "string"},
                }
            },
            "parameters": {
                "IfNoneMatch": {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "description": "The ETag of a copy you hold: a 304 answers while it is current.",
                    "schema": {"type": "string"},
                }
            },
            "responses": {"NotModified": {"description": "Your copy is current (If-None-Match matched)."}},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


@functools.cache
def openapi_document() -> str:
    """The document as JSON text, built once per process."""
    return json.dumps(build_document(), ensure_ascii=False, indent=1)
