"""Teaching teams' pages: the coordinator's builder and review, the host's confirmation, the
volunteer's teaching visits and offers."""

from flask import Blueprint

bp = Blueprint("teams", __name__)

from matcher.teams import host_views, views  # noqa: E402, F401  (the routes join bp)
