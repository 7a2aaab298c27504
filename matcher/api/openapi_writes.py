"""The write API's part of the OpenAPI document (matcher.api.openapi): its operations, with the
request body and answers given by the same schemas the views validate and send (write_schemas)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from matcher.api.write_schemas import OpportunityInput, OpportunityRecord

REF = "#/components/schemas/{model}"
SCHEME = "bearerToken"
WRITE: list[dict[str, list[str]]] = [{SCHEME: []}]
# Read endpoints take a token or none: a token that is sent must be valid (a 401 otherwise).
READ: list[dict[str, list[str]]] = [{}, {SCHEME: []}]
BODIES: tuple[type[BaseModel], ...] = (OpportunityInput, OpportunityRecord)

SECURITY_SCHEMES = {
    SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "An API token made by a member of the organisation on its API tokens page, sent as "
            "`Authorization: Bearer irm_...`. A read token reads; a write token also writes, for its "
            "organisation only. Each token has its own rate limit (a 429 past it)."
        ),
    }
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}},
    }


_ID = {"name": "opportunity_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_BODY = {"required": True, "content": {"application/json": {"schema": _ref(OpportunityInput)}}}
_REFUSALS = {
    "401": _error("No token, or a token that is mistyped or revoked."),
    "403": _error("A read token, or its maker no longer acts for the organisation."),
    "429": _error("This token's rate limit is used up for now."),
}


def _record(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(OpportunityRecord)}}}


def _operation(summary: str, answers: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "tags": ["writing"],
        "security": WRITE,
        **more,
        "responses": {**answers, **_REFUSALS},
    }


def _transition(action: str, target: str, conflict: str) -> dict[str, Any]:
    return {
        "post": _operation(
            f"{action} one of your organisation's opportunities",
            {
                "200": _record(f"The opportunity, now {target}."),
                "404": _error("Your organisation has no opportunity with this id."),
                "409": _error(conflict),
                "422": _error("A field stands in the way (dates passed, for instance); it is named."),
            },
            parameters=[_ID],
        )
    }


def write_operations() -> dict[str, dict[str, Any]]:
    """Operations by path and method, to merge into the read API's paths."""
    key = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Up to 64 characters: the same key sent again saves into the draft it made.",
        "schema": {"type": "string", "maxLength": 64},
    }
    return {
        "/api/v1/opportunities": {
            "post": _operation(
                "Create a draft opportunity of your organisation",
                {
                    "201": _record("The draft, as saved; Location gives its address."),
                    "400": _error("The Idempotency-Key header is too long."),
                    "422": _error("The body is refused; each field at fault is named."),
                },
                parameters=[key],
                requestBody=_BODY,
            )
        },
        "/api/v1/opportunities/{opportunity_id}": {
            "put": _operation(
                "Replace the fields of one of your organisation's opportunities",
                {
                    "200": _record("The opportunity, as saved."),
                    "404": _error("Your organisation has no opportunity with this id."),
                    "409": _error("An archived opportunity cannot be edited."),
                    "422": _error("The body is refused; each field at fault is named. Nothing is saved."),
                },
                parameters=[_ID],
                requestBody=_BODY,
            )
        },
        "/api/v1/opportunities/{opportunity_id}/publish": _transition(
            "Publish",
            "published",
            "It cannot be published from its status, or the organisation is not verified.",
        ),
        "/api/v1/opportunities/{opportunity_id}/close": _transition(
            "Close", "closed", "Only a published opportunity can be closed."
        ),
    }
