"""Teaching visits from teaching requests, and volunteers' applications and wishes.

A visit is an `Opportunity` of type teaching_visit linked to its site and request, so it is
listed, searched and fed like any other opportunity. An on-site request opens one visit per
preferred month: it starts on the month's first Monday and lasts the request's weeks.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    Country,
    Opportunity,
    OpportunityStatus,
    OpportunityType,
    RequestStatus,
    TeachingMode,
    TeachingRequest,
    TeachingWish,
    TrainingLevel,
    User,
    VisitApplication,
)
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import can_act_for
from matcher.services.teams import inputs
from matcher.translate import gettext as _

MAX_RANK = 50


def first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def visit_dates(request: TeachingRequest, month: int, year: int) -> tuple[date, date]:
    starts = first_monday(year, month)
    return starts, starts + timedelta(days=7 * (request.weeks or 2) - 1)


def _year_for(month: int, today: date) -> int:
    """The next time this month comes round (this year's, if its first Monday is still ahead)."""
    return today.year if first_monday(today.year, month) > today else today.year + 1


def open_visits(
    session: Session, actor: User, request: TeachingRequest, today: date, year: int | None = None
) -> list[Opportunity]:
    """Open one visit per preferred month of an open on-site request (months already opened are
    skipped); returns the new visits."""
    if not can_act_for(session, actor, request.site.organisation):
        raise PermissionDenied(_("Only the host's members and coordinators open its visits."))
    if request.mode != TeachingMode.ON_SITE:
        raise Conflict(_("Visits are opened from on-site requests."))
    if request.status != RequestStatus.OPEN:
        raise Conflict(_("Only an open request opens visits."))
    if not request.months:
        raise DomainError(_("The request names no preferred month."), field="months")
    if year is not None and not today.year <= year <= today.year + 3:
        raise DomainError(_("Choose this year or one of the next three."), field="year")
    levels = session.execute(select(func.min(TrainingLevel.rank), func.max(TrainingLevel.rank))).one()
    existing = set(
        session.scalars(select(Opportunity.starts_on).where(Opportunity.teaching_request_id == request.id))
    )
    site = request.site
    creator = session.get(User, request.created_by_id) if request.created_by_id else None
    opened: list[Opportunity] = []
    for month in sorted(request.months):
        starts, ends = visit_dates(request, month, year or request.year or _year_for(month, today))
        if starts in existing or starts <= today:
            continue
        deadline = starts - timedelta(days=30)
        visit = Opportunity(
            organisation_id=site.organisation_id,
            title=f"{request.title} ({starts:%Y-%m})"[:200],
            description=request.details or request.title,
            type=OpportunityType.TEACHING_VISIT,
            host_institution=site.name,
            city=site.city,
            country_code=site.country_code,
            level_min=levels[0],
            level_max=levels[1],
            starts_on=starts,
            ends_on=ends,
            capacity=max(sum(r.maximum for r in request.roles), 1),
            written_in=request.written_in,
            status=OpportunityStatus.PUBLISHED,
            published_at=utcnow(),
            deadline=deadline if deadline > today else None,
            contact_name=creator.name if creator else "",
            contact_email=creator.email if creator else "",
            site_id=site.id,
            teaching_request_id=request.id,
            created_by_id=actor.id,
        )
        session.add(visit)
        opened.append(visit)
    if not opened:
        raise Conflict(_("Every preferred month of this request already has its visit (or has passed)."))
    session.flush()
    return opened


def _visit(session: Session, visit_id: int) -> Opportunity:
    visit = session.get(Opportunity, visit_id)
    if (
        visit is None
        or visit.type != OpportunityType.TEACHING_VISIT
        or visit.teaching_request_id is None
        or visit.status != OpportunityStatus.PUBLISHED
    ):
        raise NotFound(_("There is no such teaching visit open."))
    return visit


def _require_volunteer(session: Session, actor: User) -> None:
    if not inputs.is_volunteer(actor, inputs.teaching_professions(session)):
        raise PermissionDenied(_("Only volunteers whose profession teaches apply to teaching visits."))


def apply(session: Session, actor: User, visit_id: int, rank: int | None) -> VisitApplication:
    """Apply to a visit with a rank (1 = first choice; by default after the others), or change
    the rank of an application already made."""
    _require_volunteer(session, actor)
    visit = _visit(session, visit_id)
    if rank is not None and not 1 <= rank <= MAX_RANK:
        raise DomainError(_("Give a rank from 1 to %(most)d.", most=MAX_RANK), field="rank")
    application = session.scalar(
        select(VisitApplication).where(
            VisitApplication.user_id == actor.id, VisitApplication.visit_id == visit.id
        )
    )
    if rank is None:
        if application is not None:
            return application
        rank = (
            session.scalar(
                select(func.max(VisitApplication.rank)).where(VisitApplication.user_id == actor.id)
            )
            or 0
        ) + 1
    if application is None:
        application = VisitApplication(user_id=actor.id, visit_id=visit.id, rank=min(rank, MAX_RANK))
        session.add(application)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as error:  # a second click that raced the first
            raise Conflict(_("You have already applied to this visit.")) from error
    else:
        application.rank = rank
    return application


def withdraw(session: Session, actor: User, application_id: int) -> None:
    application = session.get(VisitApplication, application_id)
    if application is None or application.user_id != actor.id:
        raise NotFound(_("There is no such application."))
    session.delete(application)


def regions(session: Session) -> list[str]:
    """The region and sub-region names a wish can name (as the countries' data spells them)."""
    names = set(session.scalars(select(Country.region).distinct())) | set(
        session.scalars(select(Country.subregion).distinct())
    )
    return sorted(n for n in names if n)


def set_wish(
    session: Session, actor: User, months: list[int], region: str, mentees: int | None = None
) -> TeachingWish:
    """Say "any visit in these months in this region" (replacing an earlier wish), and how many
    mentees one can take in remote mentorship (None: no mentoring)."""
    _require_volunteer(session, actor)
    chosen = sorted({int(m) for m in months})
    if not chosen or any(not 1 <= m <= 12 for m in chosen):
        raise DomainError(_("Choose one or more months."), field="months")
    if region not in regions(session):
        raise DomainError(_("Choose a region from the list."), field="region")
    if mentees is not None and not 1 <= mentees <= 20:
        raise DomainError(_("From 1 to 20 mentees, or leave it empty."), field="mentees")
    wish = session.scalar(select(TeachingWish).where(TeachingWish.user_id == actor.id))
    if wish is None:
        wish = TeachingWish(user_id=actor.id)
        session.add(wish)
    wish.months, wish.region, wish.mentees = chosen, region, mentees
    session.flush()
    return wish


def clear_wish(session: Session, actor: User) -> None:
    wish = session.scalar(select(TeachingWish).where(TeachingWish.user_id == actor.id))
    if wish is not None:
        session.delete(wish)
