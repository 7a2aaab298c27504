"""A private calendar feed of an applicant's accepted placements (iCalendar, RFC 5545)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import User
from matcher.models.matching import Match
from matcher.models.teams import MemberStatus, TeamMember


def calendar_token(user: User) -> str:
    """The secret in the user's calendar link: random, revoked only by making a new link."""
    return user.calendar_token


def accepted_places(session: Session, user: User) -> list[TeamMember]:
    """The user's accepted places in teaching teams (for their calendar feed)."""
    return list(
        session.scalars(
            select(TeamMember).where(
                TeamMember.user_id == user.id, TeamMember.status == MemberStatus.ACCEPTED
            )
        )
    )


def owner_of(session: Session, token: str) -> User | None:
    """The user whose calendar link carries this token, or None for an old or made-up one."""
    return session.scalar(select(User).where(User.calendar_token == token))


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def ical(matches: list[Match], places: Sequence[TeamMember] = ()) -> str:
    """An iCalendar file with one all-day event per accepted placement (and accepted place in a
    teaching team).

    The same placements give the same bytes, so a calendar app's revalidation gets a 304: each
    event's DTSTAMP is when its placement or opportunity last changed (RFC 5545 3.8.7.2, for a
    calendar without a METHOD), not the time of the request.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//IR Opportunity Matcher//Placements//EN",
        "CALSCALE:GREGORIAN",
    ]
    for match in matches:
        o = match.opportunity
        stamp = f"{max(match.updated_at, o.updated_at):%Y%m%dT%H%M%SZ}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:placement-{match.id}@ir-opportunity-matcher",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{o.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{date.fromordinal(o.ends_on.toordinal() + 1):%Y%m%d}",
            f"SUMMARY:{_ics_text(o.title)}",
            f"LOCATION:{_ics_text(f'{o.host_institution}, {o.city}')}",
            f"DESCRIPTION:{_ics_text(o.organisation.name)}",
            "END:VEVENT",
        ]
    for member in places:
        o = member.team.visit
        stamp = f"{max(member.answered_at or o.updated_at, o.updated_at):%Y%m%dT%H%M%SZ}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:team-place-{member.id}@ir-opportunity-matcher",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{o.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{date.fromordinal(o.ends_on.toordinal() + 1):%Y%m%d}",
            f"SUMMARY:{_ics_text(o.title)}",
            f"LOCATION:{_ics_text(f'{o.host_institution}, {o.city}')}",
            f"DESCRIPTION:{_ics_text(o.organisation.name)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


LINE_OCTETS = 75


def fold(line: str) -> str:
    """RFC 5545 3.1: at most 75 octets a line; the rest continues on lines that begin with a space.

    Counted in UTF-8 octets, never splitting a character (a continuation byte is 10xxxxxx).
    """
    data = line.encode()
    pieces, start, room = [], 0, LINE_OCTETS
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:
            end -= 1
        pieces.append(data[start:end].decode())
        start, room = end, LINE_OCTETS - 1  # the leading space takes one octet
    pieces.append(data[start:].decode())
    return "\r\n ".join(pieces)
