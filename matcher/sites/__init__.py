"""Sites and their readiness, teaching requests (the host's side), and the procedures taxonomy."""

from flask import Blueprint

bp = Blueprint("sites", __name__)

from matcher.sites import procedure_views, request_views, views  # noqa: E402, F401  (their routes join the blueprint)
