"""Before departure: each traveller's trip and checklist, its documents, the readiness board, the
countries' rule packs and travel advisories (issue 21). One blueprint; each module adds its routes."""

from flask import Blueprint

bp = Blueprint("trips", __name__)

from matcher.trips import (  # noqa: E402, F401  (their routes join the blueprint)
    advisory_views,
    board,
    country_views,
    document_views,
    views,
)
