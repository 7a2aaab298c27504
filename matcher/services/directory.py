"""The volunteer directory, and "invite to apply" sent through the app.

Only coordinators (and admins) and approved members of verified host organisations use it. It
lists volunteers who offer to teach *and* chose to be listed (`Profile.directory_listed`, never
set by default); every query starts from that condition, so no filter or page reaches anyone
else. A card shows what a host needs to decide whom to invite, never an email address: an
invitation goes through the app, from the app's address, naming the sender but not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from matcher.db import utcnow
from matcher.mail.outbox import queue_email
from matcher.models import Membership, Organisation, User
from matcher.models.notification import Category
from matcher.models.profile import Profile, ProfileLanguage
from matcher.models.teaching import (
    Licence,
    Procedure,
    ProcedureSkill,
    RequestStatus,
    Site,
    SkillLevel,
    TeachingRequest,
)
from matcher.models.teaching_invite import TeachingInvite
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied, TooMany
from matcher.services.permissions import is_staff
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext

PER_PAGE = 20
MESSAGE_MAX = 1000
# Who appears in the directory: volunteers who offer to teach and chose to be listed. Nobody else.
LISTED = (Profile.directory_listed.is_(True), Profile.volunteers_to_teach.is_(True))


@dataclass(frozen=True)
class DirectoryFilters:
    """What the directory is filtered by; None (or False) leaves a filter out."""

    profession: str | None = None
    procedure: str | None = None  # a procedure code
    skill: str | None = None  # teach | assist; None: either
    language: str | None = None  # a language of instruction (ISO 639-1)
    month: int | None = None  # 1-12
    remote: bool = False  # teaches remotely
    page: int = 1


@dataclass(frozen=True)
class DirectoryPage:
    """One page of listed volunteers' profiles (each with its user, skills, languages, licences)."""

    items: list[Profile]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def host_organisations(session: Session, user: User) -> list[Organisation]:
    """The verified organisations the user is an approved member of."""
    if not user.is_authenticated:
        return []
    return list(
        session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(
                Membership.user_id == user.id,
                Membership.approved_at.is_not(None),
                Organisation.verified_at.is_not(None),
            )
            .order_by(Organisation.name)
        )
    )


def may_use_directory(session: Session, user: User) -> bool:
    """Coordinators and admins, and approved members of a verified organisation."""
    if not user.is_authenticated:
        return False
    return is_staff(user) or bool(host_organisations(session, user))


def require_access(session: Session, user: User) -> None:
    if not may_use_directory(session, user):
        raise PermissionDenied(
            _("The volunteer directory is for coordinators and members of verified host organisations.")
        )


def _listed_ids(session: Session, filters: DirectoryFilters) -> list[int]:
    """Ids of the listed profiles the filters select, by volunteer's name."""
    stmt = select(Profile.id, Profile.teaching_months).join(User, User.id == Profile.user_id).where(*LISTED)
    if filters.profession:
        stmt = stmt.where(User.profession_code == filters.profession)
    if filters.procedure:
        skill = select(ProcedureSkill.id).join(Procedure, Procedure.id == ProcedureSkill.procedure_id)
        skill = skill.where(ProcedureSkill.profile_id == Profile.id, Procedure.code == filters.procedure)
        if filters.skill:
            skill = skill.where(ProcedureSkill.level == filters.skill)
        stmt = stmt.where(exists(skill))
    if filters.language:
        stmt = stmt.where(
            exists(
                select(ProfileLanguage.id).where(
                    ProfileLanguage.profile_id == Profile.id,
                    ProfileLanguage.language == filters.language,
                    ProfileLanguage.instructs.is_(True),
                )
            )
        )
    if filters.remote:
        stmt = stmt.where(Profile.teaches_remotely.is_(True))
    rows = session.execute(stmt.order_by(User.name, Profile.id)).all()
    # Months are a JSON list: filtered here, the same way on SQLite and PostgreSQL.
    return [pid for pid, months in rows if filters.month is None or filters.month in (months or ())]


def search(
    session: Session, actor: User, filters: DirectoryFilters, per_page: int = PER_PAGE
) -> DirectoryPage:
    """A page of listed volunteers matching the filters (a page past the last shows the last)."""
    require_access(session, actor)
    ids = _listed_ids(session, filters)
    pages = max(1, ceil(len(ids) / per_page))
    page = min(max(filters.page, 1), pages)
    wanted = ids[(page - 1) * per_page : page * per_page]
    if not wanted:
        return DirectoryPage([], page, pages, 0)
    profiles = {
        p.id: p
        for p in session.scalars(
            select(Profile)
            .where(Profile.id.in_(wanted), *LISTED)
            .options(
                selectinload(Profile.user).joinedload(User.profession),
                selectinload(Profile.level),
                selectinload(Profile.procedure_skills).joinedload(ProcedureSkill.procedure),
                selectinload(Profile.languages),
                selectinload(Profile.licences).joinedload(Licence.country),
            )
        )
    }
    return DirectoryPage([profiles[i] for i in wanted if i in profiles], page, pages, len(ids))


def listed_volunteer(session: Session, actor: User, user_id: int) -> Profile:
    """A listed volunteer's profile by their user id; NotFound for anyone not listed."""
    require_access(session, actor)
    profile = session.scalar(
        select(Profile)
        .where(Profile.user_id == user_id, *LISTED)
        .options(
            selectinload(Profile.user).joinedload(User.profession),
            selectinload(Profile.procedure_skills).joinedload(ProcedureSkill.procedure),
            selectinload(Profile.languages),
            selectinload(Profile.licences).joinedload(Licence.country),
        )
    )
    if profile is None:
        raise NotFound(_("This volunteer is not in the directory."))
    return profile


def skills_by_level(profile: Profile) -> dict[str, list[Procedure]]:
    """{teach: [...], assist: [...]} in the taxonomy's order."""
    grouped: dict[str, list[Procedure]] = {SkillLevel.TEACH: [], SkillLevel.ASSIST: []}
    for skill in sorted(profile.procedure_skills, key=lambda s: (s.procedure.position, s.procedure.id)):
        grouped.setdefault(skill.level, []).append(skill.procedure)
    return grouped


def requests_to_offer(session: Session, actor: User) -> list[TeachingRequest]:
    """Open teaching requests the actor may invite someone to: any for coordinators, else their
    organisations' own."""
    stmt = (
        select(TeachingRequest)
        .join(Site, Site.id == TeachingRequest.site_id)
        .where(TeachingRequest.status == RequestStatus.OPEN)
        .options(selectinload(TeachingRequest.site))
        .order_by(Site.name, TeachingRequest.title, TeachingRequest.id)
    )
    if not is_staff(actor):
        ids = [o.id for o in host_organisations(session, actor)]
        stmt = stmt.where(Site.organisation_id.in_(ids))
    return list(session.scalars(stmt))


def invite(
    session: Session, actor: User, volunteer_id: int, request_id: int | None, message: str
) -> TeachingInvite:
    """Email a listed volunteer an invitation to apply, from the app, hiding both addresses."""
    profile = listed_volunteer(session, actor, volunteer_id)
    volunteer = profile.user
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise DomainError(_("Keep the message to %(max)d characters.", max=MESSAGE_MAX), field="message")
    request = None
    if request_id is not None:
        request = next((r for r in requests_to_offer(session, actor) if r.id == request_id), None)
        if request is None:
            raise DomainError(_("Choose one of the listed teaching requests."), field="request")
    already = session.scalar(
        select(TeachingInvite.id).where(
            TeachingInvite.sender_id == actor.id,
            TeachingInvite.volunteer_id == volunteer.id,
            TeachingInvite.request_id.is_(None)
            if request is None
            else TeachingInvite.request_id == request.id,
        )
    )
    if already is not None:
        if request is None:
            words = _("You have already invited %(name)s to apply.", name=volunteer.name)
        else:
            words = _(
                "You have already invited %(name)s to apply for “%(title)s”.",
                name=volunteer.name,
                title=request.title,
            )
        raise Conflict(words, field="request")
    _check_limits(session, actor, volunteer)
    record = TeachingInvite(volunteer_id=volunteer.id, sender_id=actor.id, request=request, message=message)
    session.add(record)
    session.flush()
    organisation = _sender_organisation(session, actor, request)
    base = current_app.config["BASE_URL"].rstrip("/")
    queue_email(
        session,
        to=volunteer,
        template="teaching_invite",
        subject=_l("An invitation to teach: %(title)s", title=request.title)
        if request is not None
        else _l("An invitation to teach, from %(sender)s", sender=actor.name),
        category=Category.MATCHING,
        context={
            "sender": actor.name,
            "organisation": organisation,
            "teaching_request": request,
            "site": request.site if request is not None else None,
            "message": message,
            # The request's page, or the teaching requests a volunteer can browse.
            "link": f"{base}/teaching-requests/{request.id}"
            if request is not None
            else f"{base}/teaching-requests",
        },
    )
    return record


def _sender_organisation(session: Session, actor: User, request: TeachingRequest | None) -> str:
    """Who the invitation comes from, in the recipient's words (worded while the email is): the
    request's organisation, the sender's, or the coordinators."""
    if is_staff(actor):
        return _l("the IR Opportunity Matcher's coordinators")
    if request is not None:
        return request.site.organisation.name
    organisations = host_organisations(session, actor)
    return organisations[0].name if organisations else ""


def _check_limits(session: Session, actor: User, volunteer: User) -> None:
    """So many invitations per sender a day, and per volunteer a week, counted from the table
    itself so the limits hold across processes and machines."""
    config = current_app.config
    now = utcnow()
    sent = session.scalar(
        select(func.count(TeachingInvite.id)).where(
            TeachingInvite.sender_id == actor.id, TeachingInvite.created_at >= now - timedelta(days=1)
        )
    )
    most = config["TEACHING_INVITES_PER_SENDER_PER_DAY"]
    if sent >= most:
        raise TooMany(
            ngettext(
                "You have sent %(num)d invitation in the last 24 hours, the most one person may send. "
                "Try again tomorrow; your message is kept.",
                "You have sent %(num)d invitations in the last 24 hours, the most one person may send. "
                "Try again tomorrow; your message is kept.",
                sent,
            ),
            field="message",
        )
    received = session.scalar(
        select(func.count(TeachingInvite.id)).where(
            TeachingInvite.volunteer_id == volunteer.id, TeachingInvite.created_at >= now - timedelta(days=7)
        )
    )
    if received >= config["TEACHING_INVITES_PER_VOLUNTEER_PER_WEEK"]:
        raise TooMany(
            _(
                "%(name)s has received several invitations this week already. Try again next week; "
                "your message is kept.",
                name=volunteer.name,
            ),
            field="message",
        )
