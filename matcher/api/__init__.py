"""The read-only JSON API (v1)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from matcher.api import auth, views, writes  # noqa: E402, F401  (their routes join the blueprint)
