"""Sites: an organisation's hospitals with their readiness profile, and what each can support.

`supported_procedures(site)` and `missing_equipment(site, procedure)` are the equipment rule's two
questions, used by teaching requests here and by whoever matches volunteers to sites. A resource
counts as available when the site has it (`yes`) or has it with limits (`limited`); a resource the
site has not described counts as absent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from matcher.formatting import spoken_list
from matcher.models import Country, Organisation, User
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.models.teaching import Availability, Procedure, Resource, Site, SiteResource
from matcher.services.accounts import slugify
from matcher.services.errors import DomainError
from matcher.services.opportunities import require_editor
from matcher.services.text import refuse_line_breaks
from matcher.timezones import is_known_zone
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

AVAILABLE = frozenset({Availability.YES, Availability.LIMITED})

# The readiness profile's three groups, in the order pages show them.
RESOURCE_GROUPS: tuple[tuple[str, tuple[Resource, ...]], ...] = (
    (
        "imaging",
        (Resource.ULTRASOUND, Resource.CT, Resource.FLUOROSCOPY, Resource.C_ARM, Resource.ANGIOGRAPHY),
    ),
    ("consumables", (Resource.CATHETERS_WIRES, Resource.DRAINS, Resource.EMBOLIC_AGENTS)),
    (
        "support",
        (Resource.NURSING_RECOVERY, Resource.SEDATION, Resource.POWER_BACKUP, Resource.IMAGE_ARCHIVE),
    ),
)
GROUP_LABELS = {"imaging": _l("Imaging"), "consumables": _l("Consumables"), "support": _l("Support")}
AVAILABILITY_LABELS = {
    Availability.YES: _l("Available"),
    Availability.LIMITED: _l("Limited"),
    Availability.NO: _l("Not available"),
}

# Who the local IR learners are: a small vocabulary (the code is stored, the words are translated).
LEARNER_LEVELS = {
    "medical-officers": _l("Medical officers"),
    "radiology-residents": _l("Radiology residents"),
    "radiologists": _l("Radiologists"),
    "nurses": _l("Nurses"),
    "radiographers": _l("Radiographers"),
    "mixed": _l("Mixed group"),
}


def learner_level_label(code: str | None) -> str:
    return str(LEARNER_LEVELS[code]) if code in LEARNER_LEVELS else ""


@dataclass
class SiteData:
    """What an organisation member fills in about a site; checked here, whatever sent it."""

    name: str
    city: str
    country_code: str
    description: str = ""
    written_in: str = "en"
    timezone: str = "UTC"
    instruction_language: str = "en"
    local_learners: int = 0
    learner_level: str = ""
    assessed_on: date | None = None
    # {resource code: (availability, note)}; a resource left out is not described.
    readiness: dict[str, tuple[str, str]] = field(default_factory=dict)


# -- the equipment rule ----------------------------------------------------------------------------


def _available(site: Site) -> set[str]:
    return {code for code, availability in site.availability().items() if availability in AVAILABLE}


def missing_equipment(site: Site, procedure: Procedure) -> list[Resource]:
    """What the site lacks for the procedure: every missing item of `needs_all` and, when the site
    has none of `needs_any`, all of those alternatives (any one of them would do). Empty: supported."""
    have = _available(site)
    missing = [Resource(code) for code in procedure.needs_all if code not in have]
    if procedure.needs_any and not have.intersection(procedure.needs_any):
        missing.extend(Resource(code) for code in procedure.needs_any)
    return missing


def missing_equipment_words(site: Site, procedure: Procedure) -> str:
    """The missing equipment in words: "Angiography suite (DSA) or C-arm fluoroscopy", "Drains and
    Ultrasound"; empty when the site has what the procedure needs."""
    have = _available(site)
    parts = [Resource(code).label for code in procedure.needs_all if code not in have]
    if procedure.needs_any and not have.intersection(procedure.needs_any):
        parts.append(spoken_list([Resource(code).label for code in procedure.needs_any], "or"))
    return spoken_list(parts)


def limited_equipment(site: Site, procedure: Procedure) -> list[Resource]:
    """The equipment the procedure relies on that the site has only with limits."""
    limited = {code for code, a in site.availability().items() if a == Availability.LIMITED}
    return [Resource(code) for code in (*procedure.needs_all, *procedure.needs_any) if code in limited]


def supported_procedures(site: Site, procedures: list[Procedure] | None = None) -> list[Procedure]:
    """The procedures (not retired) the site has the equipment for, in the taxonomy's order.

    `procedures` saves reading the taxonomy again when a caller has it."""
    if procedures is None:
        session = object_session(site)
        procedures = list(session.scalars(active_procedures())) if session is not None else []
    return [p for p in procedures if p.retired_at is None and not missing_equipment(site, p)]


def active_procedures(keeping: Iterable[int] = ()):
    """The statement listing the procedures still offered, in the taxonomy's order, and the
    retired ones among `keeping` (ids: a request being edited keeps what it already asks for)."""
    kept = list(keeping)
    offered = Procedure.retired_at.is_(None)
    if kept:
        offered = or_(offered, Procedure.id.in_(kept))
    return select(Procedure).where(offered).order_by(Procedure.position, Procedure.id)


def readiness_rows(site: Site) -> list[tuple[str, list[tuple[Resource, str | None, str]]]]:
    """(group code, [(resource, availability or None when not described, note)]) for the pages."""
    by_code = {r.resource: r for r in site.resources}
    return [
        (
            group,
            [
                (
                    resource,
                    by_code[resource].availability if resource in by_code else None,
                    by_code[resource].note if resource in by_code else "",
                )
                for resource in resources
            ],
        )
        for group, resources in RESOURCE_GROUPS
    ]


# -- reading ----------------------------------------------------------------------------------------


def sites_of(session: Session, organisation: Organisation) -> list[Site]:
    return list(
        session.scalars(
            select(Site)
            .where(Site.organisation_id == organisation.id)
            .options(selectinload(Site.resources), joinedload(Site.country))
            .order_by(Site.name, Site.id)
        )
    )


def site_by_slug(session: Session, organisation: Organisation, slug: str) -> Site | None:
    return session.scalar(
        select(Site)
        .where(Site.organisation_id == organisation.id, Site.slug == slug)
        .options(selectinload(Site.resources))
    )


# -- changing ---------------------------------------------------------------------------------------


def validate(session: Session, data: SiteData) -> None:
    """Raise DomainError at the first field that breaks a rule."""
    refuse_line_breaks(name=data.name, city=data.city)
    if not data.name.strip():
        raise DomainError(_("Give the site's name."), field="name")
    if len(data.name.strip()) > 200:
        raise DomainError(_("Keep the name to 200 characters."), field="name")
    if not data.city.strip():
        raise DomainError(_("Name the city."), field="city")
    if session.get(Country, data.country_code or "") is None:
        raise DomainError(_("Choose a country from the list."), field="country_code")
    if data.written_in not in CONTENT_LANGUAGES:
        raise DomainError(_("Choose the language it is written in from the list."), field="written_in")
    if not is_known_zone(data.timezone):
        raise DomainError(_("Choose a time zone from the list."), field="timezone")
    if not data.instruction_language or len(data.instruction_language) > 3:
        raise DomainError(_("Choose the language of instruction."), field="instruction_language")
    if data.local_learners is None or data.local_learners < 0 or data.local_learners > 10_000:
        raise DomainError(_("Give a number from 0 to 10000."), field="local_learners")
    if data.learner_level and data.learner_level not in LEARNER_LEVELS:
        raise DomainError(_("Choose the learners' level from the list."), field="learner_level")
    for code, (availability, note) in data.readiness.items():
        if code not in {r.value for r in Resource} or availability not in {a.value for a in Availability}:
            raise DomainError(_("Choose yes, limited or no for each item."), field=f"res_{code}")
        if len(note or "") > 200 or "\n" in (note or ""):
            raise DomainError(_("Keep the note to one line of 200 characters."), field=f"note_{code}")


def _apply(site: Site, data: SiteData) -> None:
    site.name, site.city = data.name.strip(), data.city.strip()
    site.country_code, site.description = data.country_code, data.description.strip()
    site.written_in, site.timezone = data.written_in, data.timezone
    site.instruction_language = data.instruction_language
    site.local_learners, site.learner_level = data.local_learners, data.learner_level or ""
    site.assessed_on = data.assessed_on
    by_code = {r.resource: r for r in site.resources}
    rows = []
    for resource in Resource:
        if resource.value not in data.readiness:
            continue
        availability, note = data.readiness[resource.value]
        row = by_code.get(resource.value) or SiteResource(resource=resource.value)
        row.availability, row.note = availability, (note or "").strip()
        rows.append(row)
    site.resources = rows


def _free_slug(session: Session, organisation: Organisation, name: str) -> str:
    base = slugify(name)[:70] or "site"
    # "new" is the address of the form that adds a site.
    taken = {"new", *session.scalars(select(Site.slug).where(Site.organisation_id == organisation.id))}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create(session: Session, actor: User, organisation: Organisation, data: SiteData) -> Site:
    require_editor(session, actor, organisation)
    validate(session, data)
    site = Site(organisation=organisation, slug=_free_slug(session, organisation, data.name))
    _apply(site, data)
    session.add(site)
    session.flush()
    return site


def update(session: Session, actor: User, site: Site, data: SiteData) -> None:
    require_editor(session, actor, site.organisation)
    validate(session, data)
    _apply(site, data)
    session.flush()
