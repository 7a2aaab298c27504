"""/api: the read API's reference, for people, from the same document the machines read."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import render_template

from matcher.api.openapi import openapi_document
from matcher.api_reference import bp
from matcher.api_reference.reading import operations, schemas
from matcher.web.caching import cached_publicly


@functools.cache
def _reference() -> dict[str, Any]:
    """What the page shows, read once per process from the served document (it depends on the code alone)."""
    document = json.loads(openapi_document())
    return {
        "info": document["info"],
        "version": document["openapi"],
        "operations": operations(document),
        "schemas": schemas(document),
    }


@bp.get("/api")
@cached_publicly
def index():
    return render_template("api_reference/index.html", **_reference())
