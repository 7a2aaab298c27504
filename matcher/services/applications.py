"""Applications: apply to up to ten opportunities, order them, withdraw (the host's side: hosting.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import delete, func, insert, select, update
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
from matcher.models.webhook import WebhookEvent
from matcher.services import eligibility, profiles
from matcher.services.eligibility import Eligibility, Rule
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import can_act_for
from matcher.services.webhooks import events as webhook_events
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.words import long_date

MAX_MOTIVATION = 2000
UNCONFIRMED = _l(
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
        raise NotFound(_("You have no such application."))
    return application


@dataclass(frozen=True)
class ApplicationStatus:
    key: str  # open | deadline_passed | closed | unavailable (the list's own state, see status_of)
    label: str


def status_of(application: Application, today: date) -> ApplicationStatus:
    """Whether the application can still change, from the opportunity and its deadline alone."""
    opportunity = application.opportunity
    if opportunity.status == OpportunityStatus.CLOSED:
        return ApplicationStatus("closed", _("Closed by the organisation"))
    if opportunity.status != OpportunityStatus.PUBLISHED:
        return ApplicationStatus("unavailable", _("No longer offered"))
    if application.deadline_passed(today):
        return ApplicationStatus("deadline_passed", _("Deadline passed: waiting for the match"))
    return ApplicationStatus("open", _("Open: you can change your order until the deadline"))


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
        raise PermissionDenied(_("Only applicants and volunteers can apply."))
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None or not is_public(opportunity):
        raise NotFound(_("There is no such opportunity."))
    if not applicant.is_verified:
        raise DomainError(str(UNCONFIRMED))
    if not _takes_applications(opportunity):
        raise Conflict(_("This opportunity no longer takes applications."))
    if _deadline_passed(opportunity, today):
        raise Conflict(_("The deadline for applications was %(day)s.", day=long_date(opportunity.deadline)))
    motivation = _check_motivation(motivation)
    current = _lock_list(session, applicant)
    if any(a.opportunity_id == opportunity.id for a in current):
        raise Conflict(_("You have already applied to this opportunity."))
    if len(current) >= MAX_APPLICATIONS:
        raise Conflict(
            _(
                "You already have %(num)d applications, the most there can be. "
                "Withdraw one to make room for this one.",
                num=MAX_APPLICATIONS,
            )
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
        raise Conflict(_("Your list changed in the meantime. Reload the page and try again.")) from error
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
        subject=_l("New application: %(title)s", title=opportunity.title),
        context={
            "opportunity": opportunity,
            "applicant": applicant,
            "link": url_for("applications.applicants", opportunity_id=opportunity.id, _external=True),
        },
        digest_line=_l(
            "%(applicant)s applied to %(title)s", applicant=applicant.name, title=opportunity.title
        ),
    )
    webhook_events.about_opportunity(
        session, opportunity, WebhookEvent.APPLICATION_CREATED, application={"id": application.id}
    )
    return application


def update_motivation(
    session: Session, applicant: User, application_id: int, motivation: str, today: date
) -> Application:
    application = own_application(session, applicant, application_id)
    if application.deadline_passed(today):
        raise Conflict(_("The deadline has passed, so this application can no longer change."))
    application.motivation = _check_motivation(motivation)
    return application


def _check_motivation(motivation: str | None) -> str:
    motivation = profiles.check_text(motivation or "", "motivation")
    if len(motivation) > MAX_MOTIVATION:
        raise DomainError(
            _("Keep your motivation to %(num)d characters.", num=MAX_MOTIVATION), field="motivation"
        )
    return motivation


def withdraw(session: Session, applicant: User, application_id: int) -> Opportunity:
    """Remove the application; the ones after it move up a place, so a slot is free again."""
    # ISSUE 6: once a match for this application is approved, withdrawing becomes declining.
    current = _lock_list(session, applicant)
    application = next((a for a in current if a.id == application_id), None)
    if application is None:
        raise NotFound(_("You have no such application."))
    opportunity, application_id = application.opportunity, application.id
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
        subject=_l("Application withdrawn: %(title)s", title=opportunity.title),
        context={
            "opportunity": opportunity,
            "applicant": applicant,
            "link": url_for("applications.applicants", opportunity_id=opportunity.id, _external=True),
        },
        digest_line=_l(
            "%(applicant)s withdrew from %(title)s", applicant=applicant.name, title=opportunity.title
        ),
    )
    webhook_events.about_opportunity(
        session, opportunity, WebhookEvent.APPLICATION_WITHDRAWN, application={"id": application_id}
    )
    return opportunity


def move(session: Session, applicant: User, application_id: int, direction: str, today: date) -> None:
    """Swap an application with its neighbour above ("up") or below ("down")."""
    current = _lock_list(session, applicant)
    index = next((i for i, a in enumerate(current) if a.id == application_id), None)
    if index is None:
        raise NotFound(_("You have no such application."))
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None or not 0 <= other < len(current):
        raise DomainError(_("That application cannot move further."))
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
        raise Conflict(_("Your list changed in the meantime. Reload the page and try again."))
    by_id = {a.id: a for a in current}
    wanted = {app_id: rank for rank, app_id in enumerate(ordered_ids, 1)}
    for app_id, rank in wanted.items():
        application = by_id[app_id]
        if application.rank != rank and application.deadline_passed(today):
            raise Conflict(
                _(
                    "The deadline for “%(title)s” has passed, "
                    "so its place in your list can no longer change.",
                    title=application.opportunity.title,
                )
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
