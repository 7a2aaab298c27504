"""Teaching requests, the host's side: create, edit, publish and close, with the equipment rule.

THE EQUIPMENT RULE: a request for a procedure whose equipment the site lacks is refused, naming the
procedure and what is missing, whoever sends it (form, API, script). "Limited" equipment counts as
there. Remote lecture series and case reviews are exempt: they are taught from afar, on images and
cases, and need nothing in the site's rooms. Remote mentorship is not exempt: the mentees practise
the procedures at their own site, under the mentor's remote guidance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.formatting import label_for
from matcher.models import Organisation, Profession, User
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.models.teaching import (
    Procedure,
    RemoteFormat,
    RequestRole,
    RequestStatus,
    Site,
    TeachingMode,
    TeachingRequest,
)
from matcher.services.errors import Conflict, DomainError, NotFound
from matcher.services.opportunities import require_editor
from matcher.services.permissions import can_act_for
from matcher.services.sites import LEARNER_LEVELS, active_procedures, missing_equipment_words
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext

# Formats taught from afar with nothing needed in the site's rooms (see the module's docstring).
EXEMPT_FORMATS = frozenset({RemoteFormat.LECTURE_SERIES, RemoteFormat.CASE_REVIEW})
FORMAT_LABELS = {
    RemoteFormat.LECTURE_SERIES: _l("Lecture series"),
    RemoteFormat.CASE_REVIEW: _l("Case reviews"),
    RemoteFormat.MENTORSHIP: _l("Mentorship"),
}
MODE_LABELS = {TeachingMode.ON_SITE: _l("On site"), TeachingMode.REMOTE: _l("Remote")}
# A request's status agrees with "request" (masculine in Portuguese and Spanish, unlike an opportunity).
STATUS_LABELS = {
    RequestStatus.DRAFT: lazy_pgettext("a teaching request's status", "draft"),
    RequestStatus.OPEN: lazy_pgettext("a teaching request's status", "open"),
    RequestStatus.CLOSED: lazy_pgettext("a teaching request's status", "closed"),
}
TRANSITIONS = {
    "publish": ({RequestStatus.DRAFT, RequestStatus.CLOSED}, RequestStatus.OPEN),
    "close": ({RequestStatus.OPEN}, RequestStatus.CLOSED),
}


@dataclass
class RequestData:
    """What a host fills in; `roles` is {profession code: (minimum, maximum)}, `procedures` codes."""

    site_id: int
    mode: str
    title: str
    procedures: list[str]
    learners: int
    details: str = ""
    written_in: str = "en"
    learner_level: str = ""
    months: list[int] = field(default_factory=list)
    year: int | None = None
    weeks: int | None = None
    instruction_language: str = "en"
    roles: dict[str, tuple[int, int]] = field(default_factory=dict)
    remote_format: str | None = None
    remote_from: time | None = None
    remote_until: time | None = None
    hours_per_month: int | None = None
    mentees: int | None = None


def needs_equipment(mode: str, remote_format: str | None) -> bool:
    """Whether the equipment rule applies to a request of this mode and format."""
    return mode == TeachingMode.ON_SITE or remote_format not in EXEMPT_FORMATS


def equipment_refusals(site: Site, procedures: list[Procedure]) -> list[str]:
    """One sentence per procedure the site cannot support, naming what it lacks."""
    refusals = []
    for procedure in procedures:
        missing = missing_equipment_words(site, procedure)
        if missing:
            refusals.append(
                _(
                    "%(procedure)s cannot be taught at this site: it needs %(missing)s.",
                    procedure=label_for(procedure),
                    missing=missing,
                )
            )
    return refusals


def role_field(profession_code: str, bound: str) -> str:
    """The form field of a role's bound ("min" or "max"): role fields are named after professions."""
    return f"role_{bound}_{profession_code.replace('-', '_')}"


def teaching_professions(session: Session) -> list[Profession]:
    return list(session.scalars(select(Profession).where(Profession.teaches).order_by(Profession.position)))


def validate(
    session: Session, organisation: Organisation, data: RequestData, keeping: Iterable[int] = ()
) -> tuple[Site, list[Procedure]]:
    """Raise DomainError at the first broken rule; give back the site and the procedures named.

    A retired procedure can be named only when it is among `keeping` (the ids a request being
    edited already asks for): editing never drops what a coordinator retired since."""
    refuse_line_breaks(title=data.title)
    site = session.get(Site, data.site_id) if data.site_id else None
    if site is None or site.organisation_id != organisation.id:
        raise DomainError(_("Choose one of your organisation's sites."), field="site_id")
    if data.mode not in {m.value for m in TeachingMode}:
        raise DomainError(_("Choose on site or remote."), field="mode")
    if not data.title.strip():
        raise DomainError(_("Give the request a title."), field="title")
    if len(data.title.strip()) > 200:
        raise DomainError(_("Keep the title to 200 characters."), field="title")
    if data.written_in not in CONTENT_LANGUAGES:
        raise DomainError(_("Choose the language it is written in from the list."), field="written_in")
    if not data.procedures:
        raise DomainError(_("Choose at least one procedure or subject."), field="procedures")
    procedures = list(session.scalars(active_procedures(keeping).where(Procedure.code.in_(data.procedures))))
    if len(procedures) != len(set(data.procedures)):
        raise DomainError(_("Choose procedures from the list."), field="procedures")
    if not data.learners or not 1 <= data.learners <= 1000:
        raise DomainError(_("Give a number of learners from 1 to 1000."), field="learners")
    if data.learner_level and data.learner_level not in LEARNER_LEVELS:
        raise DomainError(_("Choose the learners' level from the list."), field="learner_level")
    if any(m not in range(1, 13) for m in data.months):
        raise DomainError(_("Choose months from the list."), field="months")
    if data.year is not None and not 2000 <= data.year <= 2100:
        raise DomainError(_("Give a year such as 2027, or leave it empty."), field="year")
    if not data.instruction_language or len(data.instruction_language) > 3:
        raise DomainError(_("Choose the language of instruction."), field="instruction_language")
    if data.mode == TeachingMode.ON_SITE:
        _validate_on_site(session, data)
    else:
        _validate_remote(data)
    if needs_equipment(data.mode, data.remote_format):
        refusals = equipment_refusals(site, procedures)
        if refusals:
            raise DomainError(" ".join(refusals), field="procedures")
    return site, procedures


def _validate_on_site(session: Session, data: RequestData) -> None:
    if data.weeks is None or not 1 <= data.weeks <= 26:
        raise DomainError(_("Give the length of a visit, from 1 to 26 weeks."), field="weeks")
    known = [p.code for p in teaching_professions(session)]
    if not set(data.roles) <= set(known):
        raise DomainError(_("Choose roles from the list."))
    for code, (low, high) in data.roles.items():
        for bound, value in (("min", low), ("max", high)):
            if value is None or not 0 <= value <= 20:
                raise DomainError(_("Give a number from 0 to 20."), field=role_field(code, bound))
        if low > high:
            raise DomainError(_("The minimum must not be above the maximum."), field=role_field(code, "max"))
    if not any(high >= 1 for _low, high in data.roles.values()):
        first = known[0] if known else ""
        raise DomainError(
            _("Ask for at least one person: give one role a maximum of 1 or more."),
            field=role_field(first, "max"),
        )


def _validate_remote(data: RequestData) -> None:
    if data.remote_format not in {f.value for f in RemoteFormat}:
        raise DomainError(
            _("Choose a format: lecture series, case reviews or mentorship."), field="remote_format"
        )
    if data.remote_from is None:
        raise DomainError(_("Give the earliest time sessions can start."), field="remote_from")
    if data.remote_until is None:
        raise DomainError(_("Give the latest time sessions can end."), field="remote_until")
    if data.remote_until <= data.remote_from:
        raise DomainError(_("The latest time must be after the earliest."), field="remote_until")
    if data.hours_per_month is None or not 1 <= data.hours_per_month <= 200:
        raise DomainError(_("Give the hours a month, from 1 to 200."), field="hours_per_month")
    if data.remote_format == RemoteFormat.MENTORSHIP and (
        data.mentees is None or not 1 <= data.mentees <= 100
    ):
        raise DomainError(_("Give the number of mentees, from 1 to 100."), field="mentees")


def _apply(request: TeachingRequest, site: Site, procedures: list[Procedure], data: RequestData) -> None:
    request.site = site
    request.mode, request.title, request.details = data.mode, data.title.strip(), data.details.strip()
    request.written_in, request.learners, request.learner_level = (
        data.written_in,
        data.learners,
        data.learner_level,
    )
    request.months, request.year = sorted(set(data.months)), data.year
    request.instruction_language = data.instruction_language
    request.procedures = procedures
    if data.mode == TeachingMode.ON_SITE:
        request.weeks = data.weeks
        request.remote_format = request.remote_from = request.remote_until = None
        request.hours_per_month = request.mentees = None
        by_code = {r.profession_code: r for r in request.roles}
        rows = []
        for code, (low, high) in sorted(data.roles.items()):
            if high < 1:
                continue  # "0 to 0": not wanted
            row = by_code.get(code) or RequestRole(profession_code=code)
            row.minimum, row.maximum = low, high
            rows.append(row)
        request.roles = rows
    else:
        request.weeks = None
        request.remote_format, request.remote_from, request.remote_until = (
            data.remote_format,
            data.remote_from,
            data.remote_until,
        )
        request.hours_per_month = data.hours_per_month
        request.mentees = data.mentees if data.remote_format == RemoteFormat.MENTORSHIP else None
        request.roles = []


def create(session: Session, actor: User, organisation: Organisation, data: RequestData) -> TeachingRequest:
    """A new draft request of the organisation."""
    require_editor(session, actor, organisation)
    site, procedures = validate(session, organisation, data)
    request = TeachingRequest(status=RequestStatus.DRAFT, created_by_id=actor.id)
    _apply(request, site, procedures, data)
    session.add(request)
    session.flush()
    return request


def update(session: Session, actor: User, request: TeachingRequest, data: RequestData) -> None:
    organisation = request.site.organisation
    require_editor(session, actor, organisation)
    site, procedures = validate(session, organisation, data, keeping=[p.id for p in request.procedures])
    _apply(request, site, procedures, data)
    session.flush()


def transition(session: Session, actor: User, request: TeachingRequest, action: str) -> None:
    """Publish (open) or close; opening checks the equipment rule again, as the site may have changed."""
    require_editor(session, actor, request.site.organisation)
    if action not in TRANSITIONS:
        raise NotFound(_("Unknown action."))
    sources, target = TRANSITIONS[action]
    if request.status not in sources:
        raise Conflict(
            _(
                "This request is %(status)s, so it cannot be changed that way.",
                status=STATUS_LABELS[request.status],
            )
        )
    if target == RequestStatus.OPEN:
        if not request.site.organisation.is_verified:
            raise Conflict(_("Your organisation is not verified yet, so its requests cannot be published."))
        if needs_equipment(request.mode, request.remote_format):
            refusals = equipment_refusals(request.site, request.procedures)
            if refusals:
                raise Conflict(" ".join(refusals))
    request.status = target


def requests_of(session: Session, organisation: Organisation) -> list[TeachingRequest]:
    return list(
        session.scalars(
            select(TeachingRequest)
            .join(Site)
            .where(Site.organisation_id == organisation.id)
            .options(
                selectinload(TeachingRequest.procedures),
                selectinload(TeachingRequest.roles),
                joinedload(TeachingRequest.site),
            )
            .order_by(TeachingRequest.status, TeachingRequest.created_at.desc(), TeachingRequest.id)
        )
    )


def visible_to(session: Session, request: TeachingRequest, viewer: User) -> bool:
    """Open requests of verified organisations are public; drafts and closed ones only to the
    organisation's members and coordinators."""
    organisation = request.site.organisation
    if request.status == RequestStatus.OPEN and organisation.is_verified:
        return True
    return can_act_for(session, viewer, organisation)
