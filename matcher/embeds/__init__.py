"""Embeds: an organisation's published opportunities, framed by its own website."""

from flask import Blueprint

bp = Blueprint("embeds", __name__)

from matcher.embeds import views  # noqa: E402, F401  (their routes join the blueprint)
