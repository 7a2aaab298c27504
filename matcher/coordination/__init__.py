"""Coordinators' screens: organisations waiting for verification, claims on organisations."""

from flask import Blueprint

bp = Blueprint("coordination", __name__, url_prefix="/coordination")
reading_bp = Blueprint("reading", __name__, url_prefix="/coordination/reading")

from matcher.coordination import reading, views  # noqa: E402, F401  (their routes join the blueprint)
