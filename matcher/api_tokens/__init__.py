"""Members' pages for their organisation's API tokens: the list, a new token (shown once), revoking."""

from flask import Blueprint

bp = Blueprint("api_tokens", __name__)

from matcher.api_tokens import views  # noqa: E402, F401  (their routes join the blueprint)
