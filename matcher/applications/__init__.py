"""Ranked applications: apply, reorder, withdraw; the organisation's view of its applicants."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from matcher.applications import views  # noqa: E402, F401  (their routes join the blueprint)
