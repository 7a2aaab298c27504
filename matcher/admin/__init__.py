"""Administration: users and their roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from matcher.admin import views  # noqa: E402, F401  (their routes join the blueprint)
