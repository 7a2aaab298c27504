"""The link to a trip's page (`trips.show`, /trips/<id>), for the board and emails."""

from __future__ import annotations

from flask import url_for


def trip_url(trip_id: int, *, external: bool = False) -> str:
    """The trip's page; absolute links (in emails) come from BASE_URL."""
    return url_for("trips.show", trip_id=trip_id, _external=external)
