"""Coordinators' match rounds: create, run, compare, review, approve and publish."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/coordination")

from matcher.rounds import exports, unmatched_views, views, whatif_views  # noqa: E402, F401  (their routes join the blueprint)
