"""Public pages, the per-role dashboard and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from matcher.main import views  # noqa: E402, F401  (their routes join the blueprint)
