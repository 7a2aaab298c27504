"""Email: the outbox writer, message rendering and the delivery worker."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from matcher.notifications import views  # noqa: E402, F401  (their routes join the blueprint)
