"""The organisation directory, organisation pages, profile editing and invitations."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)

from matcher.organisations import views  # noqa: E402, F401  (their routes join the blueprint)
