"""Receipts to the applicant: they applied, accepted a place or declined one."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.mail.outbox import queue_email
from matcher.models import Application, Opportunity, User
from matcher.models.departure import Trip
from matcher.models.matching import Match, MatchStatus
from matcher.models.notification import Category
from matcher.translate import lazy_gettext as _l


def applied(session: Session, applicant: User, application: Application, opportunity: Opportunity) -> None:
    """ "You applied": may wait for the applicant's digest, like the rest of the matching news."""
    queue_email(
        session,
        to=applicant,
        template="application_receipt",
        category=Category.MATCHING,
        subject=_l("You applied to %(title)s", title=opportunity.title),
        digest_line=_l(
            "You applied to %(title)s (choice %(rank)s)", title=opportunity.title, rank=application.rank
        ),
        context={
            "application": application,
            "opportunity": opportunity,
            "link": url_for("applications.index", _external=True),
        },
    )


def answered(session: Session, match: Match, closed: Sequence[Opportunity] = ()) -> None:
    """The applicant's own answer, confirmed: for an acceptance, the calendar link, what to do before
    leaving, and the other applications that closed with it."""
    if match.applicant is None:
        return
    opportunity = match.opportunity
    accepted = match.status == MatchStatus.ACCEPTED
    queue_email(
        session,
        to=match.applicant,
        template="place_accepted" if accepted else "place_declined",
        category=Category.MATCHING,
        subject=(
            _l("Your place is confirmed: %(title)s", title=opportunity.title)
            if accepted
            else _l("You declined the place at %(title)s", title=opportunity.title)
        ),
        context={
            "match": match,
            "opportunity": opportunity,
            "closed": list(closed),
            "link": url_for("placements.mine", _external=True),
            "applications_link": url_for("applications.index", _external=True),
            "checklist_link": _checklist_link(session, match) if accepted else None,
        },
    )


def _checklist_link(session: Session, match: Match) -> str | None:
    trip_id = session.scalar(select(Trip.id).where(Trip.match_id == match.id))
    return url_for("trips.show", trip_id=trip_id, _external=True) if trip_id else None
