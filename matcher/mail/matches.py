"""Emails about matches: the offer to the applicant and the news to the host."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from matcher.mail.outbox import queue_email
from matcher.models.matching import Match
from matcher.models.notification import Frequency


def notify_published(
    session: Session,
    match: Match,
    from_waitlist: bool = False,
    frequencies: dict[int, Frequency] | None = None,
) -> None:
    opportunity = match.opportunity
    link = url_for("placements.mine", _external=True)
    queue_email(
        session,
        to=match.applicant,
        template="waitlist_offer" if from_waitlist else "match_published",
        category="matching",
        subject=(
            f"A place is offered to you: {opportunity.title}"
            if from_waitlist
            else f"You are matched: {opportunity.title}"
        ),
        context={"match": match, "opportunity": opportunity, "link": link},
        frequency=(frequencies or {}).get(match.applicant_id),
    )
    for member in opportunity.organisation.memberships:
        if member.is_approved:
            queue_email(
                session,
                to=member.user,
                template="match_published_host",
                category="matching",
                frequency=(frequencies or {}).get(member.user_id),
                subject=f"A match for {opportunity.title}",
                context={
                    "match": match,
                    "opportunity": opportunity,
                    "link": url_for(
                        "placements.for_opportunity", opportunity_id=opportunity.id, _external=True
                    ),
                },
            )
