"""/api: the read API's reference, for people, from the same document the machines read."""

from __future__ import annotations

from flask import render_template

from matcher.api.openapi import build_document
from matcher.api_reference import bp
from matcher.api_reference.reading import operations, schemas
from matcher.web.caching import cached_publicly


@bp.get("/api")
@cached_publicly
def index():
    document = build_document()
    return render_template(
        "api_reference/index.html",
        info=document["info"],
        version=document["openapi"],
        operations=operations(document),
        schemas=schemas(document),
    )
