"""What the API says of an opportunity beyond a listing's columns: its texts, costs and
requirements, its site with its readiness, and the teaching request a visit answers."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matcher.models import Opportunity
from matcher.models.teaching import Site, TeachingRequest

# A site and a teaching request are one row each (joined); their lists are a SELECT IN each, so an
# opportunity's details cost at most four statements, however many opportunities are read.
DETAILS = (
    joinedload(Opportunity.site).selectinload(Site.resources),
    joinedload(Opportunity.teaching_request).selectinload(TeachingRequest.procedures),
    joinedload(Opportunity.teaching_request).selectinload(TeachingRequest.roles),
)


def details_of(session: Session, ids: Collection[int]) -> dict[int, Opportunity]:
    """The opportunities of these ids with their site and teaching request, by id."""
    if not ids:
        return {}
    rows = session.scalars(select(Opportunity).where(Opportunity.id.in_(list(ids))).options(*DETAILS))
    return {o.id: o for o in rows.unique()}
