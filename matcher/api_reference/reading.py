"""The OpenAPI document (matcher.api.openapi) laid out for a page: operations with their
parameters and answers, and each schema's fields, every type put in a few words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class TypeWords:
    """A schema in a few words: its text and, where it names a component, that schema's name."""

    text: str
    schema: str | None = None


@dataclass(frozen=True)
class Row:
    name: str
    where: str
    type: TypeWords
    required: bool
    description: str


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    media: str | None
    type: TypeWords | None


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    parameters: list[Row]
    answers: list[Answer]
    body: TypeWords | None = None  # the request body's schema
    token: str = ""  # "write" when a write token is needed, "optional" when one may be sent


@dataclass(frozen=True)
class SchemaTable:
    name: str
    description: str
    fields: list[Row]


def type_words(schema: dict[str, Any]) -> TypeWords:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return TypeWords(name, name)
    if "anyOf" in schema:
        parts = [type_words(s) for s in schema["anyOf"]]
        named = next((p.schema for p in parts if p.schema), None)
        return TypeWords(" | ".join(p.text for p in parts), named)
    if "enum" in schema:
        return TypeWords(" | ".join(f'"{v}"' for v in schema["enum"]))
    kind = schema.get("type", "any")
    if kind == "array":
        inner = type_words(schema.get("items", {}))
        return TypeWords(f"array of {inner.text}", inner.schema)
    if kind == "object" and "additionalProperties" in schema:
        keys = type_words(schema.get("propertyNames", {"type": "string"}))
        values = type_words(schema["additionalProperties"])
        return TypeWords(f"object: {keys.text} → {values.text}", values.schema)
    limits = [
        f"{word} {schema[key]}"
        for key, word in (
            ("minimum", "≥"),
            ("maximum", "≤"),
            ("minLength", "length ≥"),
            ("maxLength", "length ≤"),
        )
        if key in schema
    ]
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    return TypeWords(", ".join([kind, *limits]))


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """A parameter or answer given by reference, looked up in the components."""
    ref = item.get("$ref")
    if not ref:
        return item
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            rows = []
            for parameter in (_resolve(document, p) for p in spec.get("parameters", ())):
                rows.append(
                    Row(
                        parameter["name"],
                        parameter["in"],
                        type_words(parameter.get("schema", {})),
                        parameter.get("required", False),
                        parameter.get("description", ""),
                    )
                )
            answers = []
            for status, answer in spec.get("responses", {}).items():
                answer = _resolve(document, answer)
                media, body = next(iter(answer.get("content", {}).items()), (None, None))
                answers.append(
                    Answer(status, answer["description"], media, type_words(body["schema"]) if body else None)
                )
            anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").replace(".", "-")
            content = spec.get("requestBody", {}).get("content", {})
            body = (
                type_words(content["application/json"]["schema"]) if "application/json" in content else None
            )
            security = spec.get("security", [])
            token = "optional" if {} in security else "write" if security else ""
            summary = spec.get("summary", "")
            found.append(Operation(anchor, method.upper(), path, summary, rows, answers, body, token))
    return found


def schemas(document: dict[str, Any]) -> list[SchemaTable]:
    tables = []
    for name, schema in document["components"]["schemas"].items():
        required = set(schema.get("required", ()))
        fields = [
            Row(field, "", type_words(spec), field in required, spec.get("description", ""))
            for field, spec in schema.get("properties", {}).items()
        ]
        tables.append(SchemaTable(name, schema.get("description", ""), fields))
    return tables
