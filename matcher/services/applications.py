"""Applications: apply to up to ten opportunities, order them, withdraw (the host's side: hosting.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import delete, func, insert, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.mail import receipts
from matcher.mail.people import tell_organisation
from matcher.models import (
    MAX_APPLICATIONS,
    Application,
    Opportunity,
    OpportunityStatus,
    User,
    Withdrawal,
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
from matcher.services import eligibility, profiles
from matcher.services.eligibility import Eligibility, Rule
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import can_act_for

MAX_MOTIVATION = 2000
UNCONFIRMED = (
    "Confirm your email address before you apply: the host and the matching write to you there. "
    "Use the link we emailed you, or ask for a new one."
)
_table = Application.__table__


# ---------------------------------------------------------------------------------------------
# Reading


def applications_of(session: Session, applicant: User) -> list[Application]:
    """The applicant's applications, first choice first."""
    return list(
        session.scalars(
            select(Application)
            .where(Application.applicant_id == applicant.id)
            .options(selectinload(Application.opportunity).joinedload(Opportunity.organisation))
            .order_by(Application.rank)
        )
    )


def withdrawals_of(session: Session, applicant: User) -> list[Withdrawal]:
    """The applications the applicant withdrew and has not made again, latest first."""
    return list(
        session.scalars(
            select(Withdrawal)
            .where(Withdrawal.applicant_id == applicant.id)
            .options(joinedload(Withdrawal.opportunity).joinedload(Opportunity.organisation))
            .order_by(Withdrawal.withdrawn_at.desc(), Withdrawal.id.desc())
        )
    )


def own_application(session: Session, applicant: User, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None or application.applicant_id != applicant.id:
        raise NotFound("You have no such application.")
    return application


@dataclass(frozen=True)
class ApplicationStatus:
    key: str  # open | deadline_passed | closed | unavailable (the list's own state, see status_of)
    label: str


def status_of(application: Application, today: date) -> ApplicationStatus:
    """Whether the application can still change, from the opportunity and its deadline alone."""
    opportunity = application.opportunity
    if opportunity.status == OpportunityStatus.CLOSED:
        return ApplicationStatus("closed", "Closed by the organisation")
    if opportunity.status != OpportunityStatus.PUBLISHED:
        return ApplicationStatus("unavailable", "No longer offered")
    if application.deadline_passed(today):
        return ApplicationStatus("deadline_passed", "Deadline passed: waiting for the match")
    return ApplicationStatus("open", "Open: you can change your order until the deadline")


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
    "submitted": "Submitted",
    "in_round": "In a round",
    "offered": "Offered",
    "not_offered": "Not offered",
    "accepted": "Accepted",
    "declined": "Declined",
    "expired": "Expired",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
}


def standings(
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
                f"You accepted a place at {accepted.opportunity.title}, "
                "so your other applications are closed.",
                (accepted.responded_at or accepted.updated_at).date(),
                link=placements_link,
            )
        elif letter is not None and opportunity_id not in in_round:
            reason = next(c["reason"] for c in letter.choices if c["opportunity_id"] == opportunity_id)
            result[application.id] = Standing(
                "not_offered",
                LABELS["not_offered"],
                f"Not offered in {letter.run.round.name}. {reason}",
                letter.created_at.date(),
                editable=listed.key == "open",
                link=url_for("placements.letter", letter_id=letter.id),
            )
        elif opportunity_id in in_round:
            result[application.id] = Standing(
                "in_round",
                LABELS["in_round"],
                f"In {in_round[opportunity_id][0]}: the coordinators are matching it now.",
                editable=listed.key == "open",
            )
        elif published_at is not None and application.created_at <= published_at:
            result[application.id] = Standing(
                "not_offered",
                LABELS["not_offered"],
                f"Not offered in {round_name}.",
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
        detail = "A place was freed; you were next on the waitlist. " if match.from_waitlist else ""
        deadline = match.response_deadline
        detail += f"Reply by {_day(deadline)}." if deadline else "Reply on your placements page."
        return Standing(key, LABELS[key], detail, match.updated_at.date(), link=link)
    if key == "accepted":
        detail = "Completed." if match.status == MatchStatus.COMPLETED else "Your place is confirmed."
        return Standing(key, LABELS[key], detail, (match.responded_at or match.updated_at).date(), link=link)
    if key == "declined":
        return Standing(
            key, LABELS[key], f"You declined {title}.", (match.responded_at or match.updated_at).date()
        )
    if key == "expired":
        return Standing(
            key,
            LABELS[key],
            "The offer passed without a reply.",
            match.response_deadline or match.updated_at.date(),
        )
    return Standing(
        key,
        LABELS[key],
        "The host cancelled this placement" + (f": “{match.reason}”" if match.reason else "."),
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


@dataclass(frozen=True)
class ApplyState:
    """What the "Apply" box on an opportunity's page shows to this visitor."""

    # anonymous | other_role | host | applied | unconfirmed | can_apply | not_open | deadline_passed
    # | list_full
    kind: str
    application: Application | None = None
    count: int = 0
    profile_complete: bool = False
    # The rules the applicant fails for this opportunity (empty when none, or not an applicant).
    eligibility: Eligibility | None = None

    @property
    def failed(self) -> tuple[Rule, ...]:
        return self.eligibility.failed if self.eligibility else ()


def apply_state(session: Session, viewer: User, opportunity: Opportunity, today: date) -> ApplyState:
    if not viewer.is_authenticated:
        return ApplyState("anonymous")
    if not viewer.is_applicant:
        if can_act_for(session, viewer, opportunity.organisation):
            received = session.scalar(
                select(func.count()).where(Application.opportunity_id == opportunity.id)
            )
            return ApplyState("host", count=received)
        return ApplyState("other_role")
    standing = eligibility.applicant_standing(session, viewer)
    mine = standing.applications
    common = {
        "count": len(mine),
        "profile_complete": standing.complete,
        "eligibility": eligibility.check(standing, opportunity, today),
    }
    existing = next((a for a in mine if a.opportunity_id == opportunity.id), None)
    if existing is not None:
        return ApplyState("applied", application=existing, **common)
    if not _takes_applications(opportunity):
        return ApplyState("not_open", **common)
    if _deadline_passed(opportunity, today):
        return ApplyState("deadline_passed", **common)
    if len(mine) >= MAX_APPLICATIONS:
        return ApplyState("list_full", **common)
    if not viewer.is_verified:
        return ApplyState("unconfirmed", **common)
    return ApplyState("can_apply", **common)


def _takes_applications(opportunity: Opportunity) -> bool:
    return opportunity.status == OpportunityStatus.PUBLISHED and opportunity.organisation.is_verified


def is_public(opportunity: Opportunity) -> bool:
    """Drafts and archived opportunities are not shown to applicants at all."""
    public = (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
    return opportunity.status in public and opportunity.organisation.is_verified


def _deadline_passed(opportunity: Opportunity, today: date) -> bool:
    return opportunity.deadline is not None and today > opportunity.deadline


# ---------------------------------------------------------------------------------------------
# The applicant's list


def _lock_list(session: Session, applicant: User) -> list[Application]:
    """Lock the applicant's row, so that their changes to the list happen one at a time.

    On PostgreSQL this is a row lock; SQLite serialises writers anyway. The unique constraints on
    (applicant, rank) and (applicant, opportunity) stay the last line of defence.
    """
    session.execute(select(User.id).where(User.id == applicant.id).with_for_update())
    return applications_of(session, applicant)


def apply(
    session: Session, applicant: User, opportunity_id: int, motivation: str, today: date
) -> Application:
    """Add the opportunity at the end of the applicant's list."""
    if not applicant.is_applicant:
        raise PermissionDenied("Only medical students and trainees can apply.")
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None or not is_public(opportunity):
        raise NotFound("There is no such opportunity.")
    if not applicant.is_verified:
        raise DomainError(UNCONFIRMED)
    if not _takes_applications(opportunity):
        raise Conflict("This opportunity no longer takes applications.")
    if _deadline_passed(opportunity, today):
        raise Conflict(f"The deadline for applications was {_day(opportunity.deadline)}.")
    motivation = _check_motivation(motivation)
    current = _lock_list(session, applicant)
    if any(a.opportunity_id == opportunity.id for a in current):
        raise Conflict("You have already applied to this opportunity.")
    if len(current) >= MAX_APPLICATIONS:
        raise Conflict(
            f"You already have {MAX_APPLICATIONS} applications, the most there can be. "
            "Withdraw one to make room for this one."
        )
    _compact(session, current)
    application = Application(
        applicant_id=applicant.id,
        opportunity_id=opportunity.id,
        rank=len(current) + 1,
        motivation=motivation,
    )
    session.add(application)
    try:
        session.flush()
    except IntegrityError as error:  # a simultaneous request won the race for this rank
        raise Conflict("Your list changed in the meantime. Reload the page and try again.") from error
    # Applying again: the application is back in the list, so it no longer reads as withdrawn.
    session.execute(
        delete(Withdrawal).where(
            Withdrawal.applicant_id == applicant.id, Withdrawal.opportunity_id == opportunity.id
        )
    )
    receipts.applied(session, applicant, application, opportunity)
    tell_organisation(
        session,
        opportunity.organisation,
        template="application_received",
        subject=f"New application: {opportunity.title}",
        context={
            "opportunity": opportunity,
            "applicant": applicant,
            "link": url_for("applications.applicants", opportunity_id=opportunity.id, _external=True),
        },
        digest_line=f"{applicant.name} applied to {opportunity.title}",
    )
    return application


def update_motivation(
    session: Session, applicant: User, application_id: int, motivation: str, today: date
) -> Application:
    application = own_application(session, applicant, application_id)
    if application.deadline_passed(today):
        raise Conflict("The deadline has passed, so this application can no longer change.")
    application.motivation = _check_motivation(motivation)
    return application


def _check_motivation(motivation: str | None) -> str:
    motivation = profiles.check_text(motivation or "", "motivation")
    if len(motivation) > MAX_MOTIVATION:
        raise DomainError(f"Keep your motivation to {MAX_MOTIVATION} characters.", field="motivation")
    return motivation


def withdraw(session: Session, applicant: User, application_id: int) -> Opportunity:
    """Remove the application; the ones after it move up a place, so a slot is free again."""
    # ISSUE 6: once a match for this application is approved, withdrawing becomes declining.
    current = _lock_list(session, applicant)
    application = next((a for a in current if a.id == application_id), None)
    if application is None:
        raise NotFound("You have no such application.")
    opportunity = application.opportunity
    session.execute(delete(_table).where(_table.c.id == application.id))
    session.expunge(application)
    _compact(session, [a for a in current if a.id != application.id])
    # One row per pair: withdrawn twice (after applying again), the latest date is the one shown.
    session.execute(
        delete(Withdrawal).where(
            Withdrawal.applicant_id == applicant.id, Withdrawal.opportunity_id == opportunity.id
        )
    )
    session.add(Withdrawal(applicant_id=applicant.id, opportunity_id=opportunity.id))
    tell_organisation(
        session,
        opportunity.organisation,
        template="application_withdrawn",
        subject=f"Application withdrawn: {opportunity.title}",
        context={
            "opportunity": opportunity,
            "applicant": applicant,
            "link": url_for("applications.applicants", opportunity_id=opportunity.id, _external=True),
        },
        digest_line=f"{applicant.name} withdrew from {opportunity.title}",
    )
    return opportunity


def move(session: Session, applicant: User, application_id: int, direction: str, today: date) -> None:
    """Swap an application with its neighbour above ("up") or below ("down")."""
    current = _lock_list(session, applicant)
    index = next((i for i, a in enumerate(current) if a.id == application_id), None)
    if index is None:
        raise NotFound("You have no such application.")
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None or not 0 <= other < len(current):
        raise DomainError("That application cannot move further.")
    order = [a.id for a in current]
    order[index], order[other] = order[other], order[index]
    _reorder_locked(session, current, order, today)


def reorder(session: Session, applicant: User, ordered_ids: list[int], today: date) -> None:
    """Put the applicant's applications in this order (first choice first)."""
    current = _lock_list(session, applicant)
    _reorder_locked(session, current, ordered_ids, today)


def _reorder_locked(
    session: Session, current: list[Application], ordered_ids: list[int], today: date
) -> None:
    if sorted(ordered_ids) != sorted(a.id for a in current):
        raise Conflict("Your list changed in the meantime. Reload the page and try again.")
    by_id = {a.id: a for a in current}
    wanted = {app_id: rank for rank, app_id in enumerate(ordered_ids, 1)}
    for app_id, rank in wanted.items():
        application = by_id[app_id]
        if application.rank != rank and application.deadline_passed(today):
            raise Conflict(
                f"The deadline for “{application.opportunity.title}” has passed, "
                "so its place in your list can no longer change."
            )
    _rewrite_ranks(session, current, wanted)


def _compact(session: Session, current: list[Application]) -> None:
    """Close gaps (left by a withdrawal or a deleted opportunity), keeping the order."""
    ordered = sorted(current, key=lambda a: a.rank)
    _rewrite_ranks(session, ordered, {a.id: n for n, a in enumerate(ordered, 1)})


def _rewrite_ranks(session: Session, current: list[Application], wanted: Mapping[int, int]) -> None:
    """Give each application its wanted rank, one row at a time, in an order that never puts
    two applications of the applicant at the same rank.

    The unique constraint on (applicant, rank) is checked row by row on both databases, so a
    swap needs a spare rank to park one row on. With ten applications there is none in 1..10,
    and the CHECK allows nothing else: then the parked row is deleted and inserted again with
    the same id and data. Nothing refers to applications.id; if something comes to, it must
    survive that (or this must change).
    """
    held_by = {a.rank: a.id for a in current}
    rank_of = {a.id: a.rank for a in current}
    pending = {app_id: rank for app_id, rank in wanted.items() if rank_of[app_id] != rank}
    parked_rows: dict[int, dict] = {}

    def place(app_id: int, rank: int) -> None:
        if app_id in parked_rows:
            session.execute(insert(_table).values(**{**parked_rows.pop(app_id), "rank": rank}))
        else:
            session.execute(update(_table).where(_table.c.id == app_id).values(rank=rank))
            del held_by[rank_of[app_id]]
        held_by[rank] = app_id
        rank_of[app_id] = rank

    while pending:
        ready = [app_id for app_id, rank in pending.items() if rank not in held_by]
        for app_id in ready:
            place(app_id, pending.pop(app_id))
        if ready:
            continue
        # Every wanted rank is held by another row that must move too: a cycle. Park one row.
        app_id = next(iter(pending))
        spare = next((r for r in range(1, MAX_APPLICATIONS + 1) if r not in held_by), None)
        if spare is not None:
            place(app_id, spare)
        else:
            row = session.execute(select(_table).where(_table.c.id == app_id)).mappings().one()
            session.execute(delete(_table).where(_table.c.id == app_id))
            parked_rows[app_id] = dict(row)
            del held_by[rank_of.pop(app_id)]
    for application in current:
        session.expire(application)


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""
