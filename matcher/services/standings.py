"""Where each of an applicant's applications stands, in words a student knows: submitted, in a
round, offered, not offered, accepted, declined, expired, closed (withdrawn ones: `withdrawals_of`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, joinedload

from matcher.models import (
    Application,
    User,
)
from matcher.models.matching import (
    PUBLISHED_OR_LATER,
    Match,
    MatchRound,
    MatchRun,
    MatchStatus,
    OutcomeLetter,
    RoundMode,
    RoundStatus,
)
from matcher.services.applications import status_of
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.words import long_date


@dataclass(frozen=True)
class Standing:
    """Where an application stands, in words a student knows, with the day it got there."""

    key: str  # submitted | in_round | offered | not_offered | accepted | declined | expired | closed
    label: str
    detail: str = ""
    day: date | None = None
    editable: bool = False  # the order and motivation can still change
    link: str | None = None  # the placement, or the outcome letter


_MATCH_STANDING = {
    MatchStatus.PUBLISHED: "offered",
    MatchStatus.ACCEPTED: "accepted",
    MatchStatus.COMPLETED: "accepted",
    MatchStatus.DECLINED: "declined",
    MatchStatus.EXPIRED: "expired",
    MatchStatus.CANCELLED: "closed",
}
LABELS = {
    "submitted": _l("Submitted"),
    "in_round": _l("In a round"),
    "offered": _l("Offered"),
    "not_offered": _l("Not offered"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
}


def standings_of(
    session: Session,
    applicant: User,
    mine: Sequence[Application],
    today: date,
    outcome_letters: Sequence[OutcomeLetter] = (),
) -> dict[int, Standing]:
    """Each application's standing: its match if one was offered, an outcome letter (the
    applicant's, as the page loaded them), a round under way, else submitted. An accepted place
    closes every other application. Three statements, whatever the number of applications."""
    if not mine:
        return {}
    matches: dict[int, Match] = {}
    for match in session.scalars(
        select(Match)
        .where(Match.applicant_id == applicant.id, Match.status.in_(list(PUBLISHED_OR_LATER)))
        .options(joinedload(Match.opportunity))
        .order_by(Match.id)
    ):
        matches[match.opportunity_id] = match  # the latest offer of each opportunity
    # A place accepted and not yet done closes the applications made before it was accepted.
    accepted = next((m for m in matches.values() if m.status == MatchStatus.ACCEPTED), None)
    letters: dict[int, OutcomeLetter] = {}
    for letter in sorted(outcome_letters, key=lambda x: x.id):
        for choice in letter.choices:
            letters[choice["opportunity_id"]] = letter
    in_round, published = _in_rounds(session, [a.opportunity_id for a in mine])
    result = {}
    for application in mine:
        opportunity_id = application.opportunity_id
        match = matches.get(opportunity_id)
        letter = letters.get(opportunity_id)
        if letter is not None and application.created_at > letter.created_at:
            letter = None  # applied again since that round
        round_name, published_at = published.get(opportunity_id, (None, None))
        listed = status_of(application, today)
        placements_link = url_for("placements.mine")
        if match is not None and (letter is None or letter.created_at <= match.created_at):
            key = _MATCH_STANDING[match.status]
            result[application.id] = _match_standing(key, match, placements_link)
        elif accepted is not None and application.created_at <= (
            accepted.responded_at or accepted.updated_at
        ):
            result[application.id] = Standing(
                "closed",
                LABELS["closed"],
                _(
                    "You accepted a place at %(title)s, so your other applications are closed.",
                    title=accepted.opportunity.title,
                ),
                (accepted.responded_at or accepted.updated_at).date(),
                link=placements_link,
            )
        elif letter is not None and opportunity_id not in in_round:
            reason = next(c["reason"] for c in letter.choices if c["opportunity_id"] == opportunity_id)
            result[application.id] = Standing(
                "not_offered",
                LABELS["not_offered"],
                _("Not offered in %(round)s.", round=letter.run.round.name) + f" {reason}",
                letter.created_at.date(),
                editable=listed.key == "open",
                link=url_for("placements.letter", letter_id=letter.id),
            )
        elif opportunity_id in in_round:
            result[application.id] = Standing(
                "in_round",
                LABELS["in_round"],
                _("In %(round)s: the coordinators are matching it now.", round=in_round[opportunity_id][0]),
                editable=listed.key == "open",
            )
        elif published_at is not None and application.created_at <= published_at:
            result[application.id] = Standing(
                "not_offered",
                LABELS["not_offered"],
                _("Not offered in %(round)s.", round=round_name),
                published_at.date(),
                editable=listed.key == "open",
            )
        elif listed.key in ("closed", "unavailable"):
            result[application.id] = Standing("closed", LABELS["closed"], listed.label)
        else:
            result[application.id] = Standing(
                "submitted",
                LABELS["submitted"],
                listed.label,
                application.created_at.date(),
                editable=listed.key == "open",
            )
    return result


def _match_standing(key: str, match: Match, link: str) -> Standing:
    title = match.opportunity.title
    if key == "offered":
        deadline = match.response_deadline
        if deadline:
            detail = _("Reply by %(day)s.", day=long_date(deadline))
        else:
            detail = _("Reply on your placements page.")
        if match.from_waitlist:
            detail = _("A place was freed; you were next on the waitlist.") + " " + detail
        return Standing(key, LABELS[key], detail, match.updated_at.date(), link=link)
    if key == "accepted":
        detail = _("Completed.") if match.status == MatchStatus.COMPLETED else _("Your place is confirmed.")
        return Standing(key, LABELS[key], detail, (match.responded_at or match.updated_at).date(), link=link)
    if key == "declined":
        return Standing(
            key,
            LABELS[key],
            _("You declined %(title)s.", title=title),
            (match.responded_at or match.updated_at).date(),
        )
    if key == "expired":
        return Standing(
            key,
            LABELS[key],
            _("The offer passed without a reply."),
            match.response_deadline or match.updated_at.date(),
        )
    return Standing(
        key,
        LABELS[key],
        _("The host cancelled this placement: “%(reason)s”", reason=match.reason)
        if match.reason
        else _("The host cancelled this placement."),
        match.updated_at.date(),
    )


def _in_rounds(
    session: Session, opportunity_ids: list[int]
) -> tuple[dict[int, tuple[str, Any]], dict[int, tuple[str, Any]]]:
    """The opportunities (of these) that a run of a ranked round covers: in rounds still open, and
    in published ones, each with the round's name and publication time (the latest round wins)."""
    entries = func.json_each(MatchRun.waitlists).table_valued("key", "value")
    rows = session.execute(
        select(entries.c.key, MatchRound.status, MatchRound.name, MatchRound.published_at)
        .select_from(MatchRun)
        .join(MatchRound, MatchRun.round_id == MatchRound.id)
        .join(entries, true())
        .where(
            MatchRound.status.in_([RoundStatus.OPEN, RoundStatus.PUBLISHED]),
            MatchRound.mode == RoundMode.RANKED,
            entries.c.key.in_([str(o) for o in opportunity_ids]),
        )
        .order_by(MatchRound.id, MatchRun.id)
    )
    found: dict[str, dict[int, tuple[str, Any]]] = {RoundStatus.OPEN: {}, RoundStatus.PUBLISHED: {}}
    for key, status, name, published_at in rows:
        found[status][int(key)] = (name, published_at)
    return found[RoundStatus.OPEN], found[RoundStatus.PUBLISHED]
