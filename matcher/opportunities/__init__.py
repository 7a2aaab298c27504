"""Opportunity pages: search, details, and the organisation's editing screens."""

from flask import Blueprint

bp = Blueprint("opportunities", __name__)

from matcher.opportunities import cards, views  # noqa: E402, F401  (their routes join the blueprint)
