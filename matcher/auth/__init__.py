"""Sign-up, login, email verification, password reset and account settings."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from matcher.auth import views  # noqa: E402, F401  (their routes join the blueprint)
