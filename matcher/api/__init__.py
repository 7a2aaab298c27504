"""The JSON API (v1): reading for anyone, writing with an organisation's write token."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from matcher.api import auth, impact, views, writes  # noqa: E402, F401  (their routes join the blueprint)
