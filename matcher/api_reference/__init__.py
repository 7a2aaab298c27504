"""The API's human reference at /api, rendered on the server from the OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api_reference", __name__)

from matcher.api_reference import views  # noqa: E402, F401  (their routes join the blueprint)
