"""The link to a trip's page (the checklists' `trips.trip`, /trips/<id>), for the board and emails."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError


def trip_url(trip_id: int, *, external: bool = False) -> str:
    """The trip's page; built from its path while the checklists' route is not there yet (the
    board and the reminders were written beside it). Absolute links come from BASE_URL."""
    try:
        return url_for("trips.trip", trip_id=trip_id, _external=external)
    except BuildError:
        home = url_for("main.index", _external=external)
        return home.rstrip("/") + f"/trips/{trip_id}"
