"""Placements: an applicant's offers and replies, a host's placements, the calendar feed."""

from flask import Blueprint

bp = Blueprint("placements", __name__)

from matcher.placements import views  # noqa: E402, F401  (the routes join bp)
