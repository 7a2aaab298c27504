"""Emails about matches: the offer to the applicant and the news to the host."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for
from sqlalchemy.orm import Session

from matcher.mail.outbox import queue_email
from matcher.models import User
from matcher.models.matching import Match
from matcher.models.notification import Category, Frequency


def notify_published(
    session: Session,
    match: Match,
    from_waitlist: bool = False,
    frequencies: dict[int, Frequency] | None = None,
) -> None:
    """The offer to the applicant (essential mail); for a waitlist offer, the host's news too.

    A whole run's hosts are told by `notify_hosts`, one email per person listing all their matches.
    """
    offer_to_applicant(session, match, from_waitlist)
    if from_waitlist:
        for member in match.opportunity.organisation.memberships:
            if member.is_approved:
                notify_hosts(
                    session, member.user, [match], (frequencies or {}).get(member.user_id), from_waitlist=True
                )


def offer_to_applicant(session: Session, match: Match, from_waitlist: bool = False) -> None:
    opportunity = match.opportunity
    queue_email(
        session,
        to=match.applicant,
        template="waitlist_offer" if from_waitlist else "match_published",
        category=Category.OFFERS,
        subject=(
            f"A place was freed and is offered to you: {opportunity.title}"
            if from_waitlist
            else f"You are offered a place: {opportunity.title}"
        ),
        context={
            "match": match,
            "opportunity": opportunity,
            "link": url_for("placements.mine", _external=True),
        },
    )


def notify_hosts(
    session: Session,
    person: User,
    matches: Sequence[Match],
    frequency: Frequency | None = None,
    from_waitlist: bool = False,
) -> None:
    """One email to a host's member listing every match of theirs (one publication, or one waitlist offer)."""
    matches = sorted(matches, key=lambda m: (m.opportunity.title, m.opportunity_id, m.id))
    n = len(matches)
    if from_waitlist:
        subject = f"A place freed at {matches[0].opportunity.title} is offered to the next applicant"
    else:
        counted = "1 match" if n == 1 else f"{n} matches"
        one = len({m.opportunity_id for m in matches}) == 1
        subject = f"{counted} for {matches[0].opportunity.title if one else 'your opportunities'}"
    opportunities = {m.opportunity_id: m.opportunity for m in matches}
    queue_email(
        session,
        to=person,
        template="match_published_host",
        category=Category.MATCHING,
        frequency=frequency,
        subject=subject,
        context={
            "matches": matches,
            "from_waitlist": from_waitlist,
            "links": [
                (o.title, url_for("placements.for_opportunity", opportunity_id=o.id, _external=True))
                for o in opportunities.values()
            ],
            "link": url_for(
                "placements.for_opportunity", opportunity_id=matches[0].opportunity_id, _external=True
            ),
        },
    )
