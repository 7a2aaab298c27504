"""An organisation's webhooks: register endpoints, see their delivery logs, send test pings."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from matcher.webhooks import views  # noqa: E402, F401  (their routes join the blueprint)
