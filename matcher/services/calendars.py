"""The private calendar link of an applicant's accepted placements."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matcher.models import User


def renew_calendar_link(session: Session, actor: User) -> str:
    """Give the actor's calendar link a new random secret; the old link stops working at once."""
    actor.renew_calendar_token()
    session.flush()
    return actor.calendar_token
