"""Emails about matches: the offer to the applicant and the news to the host."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from matcher.mail.compose import compose_emails
from matcher.mail.outbox import queue_email
from matcher.models import User
from matcher.models.matching import Match
from matcher.models.notification import Category, Frequency
from matcher.models.opportunity import Opportunity
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext


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


def _offer(opportunity: Opportunity, response_deadline: date | None, from_waitlist: bool) -> dict[str, Any]:
    """The offer's template, category, subject and context: the same for every applicant offered a
    place at this opportunity with this reply date (only their name and unsubscribe link differ)."""
    return {
        "template": "waitlist_offer" if from_waitlist else "match_published",
        "category": Category.OFFERS,
        "subject": (
            _l("A place was freed and is offered to you: %(title)s", title=opportunity.title)
            if from_waitlist
            else _l("You are offered a place: %(title)s", title=opportunity.title)
        ),
        "context": {
            "opportunity": opportunity,
            "response_deadline": response_deadline,
            "link": url_for("placements.mine", _external=True),
        },
    }


def offer_to_applicant(session: Session, match: Match, from_waitlist: bool = False) -> None:
    queue_email(
        session, to=match.applicant, **_offer(match.opportunity, match.response_deadline, from_waitlist)
    )


def offers_to_applicants(session: Session, matches: Sequence[Match]) -> list[dict[str, Any]]:
    """A publication's offers as outbox rows' values, written once per opportunity and reply date."""
    groups: dict[tuple[int, date | None], list[Match]] = {}
    for match in matches:
        groups.setdefault((match.opportunity_id, match.response_deadline), []).append(match)
    rows: list[dict[str, Any]] = []
    for same in groups.values():
        first = same[0]
        rows += compose_emails(
            session,
            people=[m.applicant for m in same],
            **_offer(first.opportunity, first.response_deadline, from_waitlist=False),
        )
    return rows


@dataclass(frozen=True)
class MatchLine:
    """A match as a host's email lists it: read as one row, where a whole run's matches are listed."""

    id: int
    opportunity_id: int
    title: str
    applicant_name: str | None  # None: the applicant has since deleted their account
    response_deadline: date | None

    @classmethod
    def of(cls, match: Match) -> MatchLine:
        applicant = match.applicant.name if match.applicant else None
        return cls(
            match.id, match.opportunity_id, match.opportunity.title, applicant, match.response_deadline
        )


def _hosts_subject(n: int, title: str | None) -> str:
    """The host's subject, worded for its reader (wrapped in a LazyString: see compose)."""
    if title is not None:
        return ngettext("%(num)d match for %(title)s", "%(num)d matches for %(title)s", n, title=title)
    return ngettext("%(num)d match for your opportunities", "%(num)d matches for your opportunities", n)


def notify_hosts(
    session: Session,
    person: User,
    matches: Sequence[Match | MatchLine],
    frequency: Frequency | None = None,
    from_waitlist: bool = False,
) -> None:
    """One email to a host's member listing every match of theirs (one publication, or one waitlist offer)."""
    lines = sorted(
        (m if isinstance(m, MatchLine) else MatchLine.of(m) for m in matches),
        key=lambda m: (m.title, m.opportunity_id, m.id),
    )
    if from_waitlist:
        subject = _l("A place freed at %(title)s is offered to the next applicant", title=lines[0].title)
    else:
        one = len({m.opportunity_id for m in lines}) == 1
        subject = LazyString(_hosts_subject, len(lines), lines[0].title if one else None)
    opportunities = {m.opportunity_id: m.title for m in lines}
    queue_email(
        session,
        to=person,
        template="match_published_host",
        category=Category.MATCHING,
        frequency=frequency,
        subject=subject,
        context={
            "matches": lines,
            "from_waitlist": from_waitlist,
            "links": [
                (title, url_for("placements.for_opportunity", opportunity_id=opportunity_id, _external=True))
                for opportunity_id, title in opportunities.items()
            ],
            "link": url_for(
                "placements.for_opportunity", opportunity_id=lines[0].opportunity_id, _external=True
            ),
        },
    )
