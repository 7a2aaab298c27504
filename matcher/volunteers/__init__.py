"""The volunteer directory with "invite to apply", and the teaching requests volunteers browse."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__)

from matcher.volunteers import views  # noqa: E402, F401  (their routes join the blueprint)
