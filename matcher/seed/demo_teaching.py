"""Demo data for teaching (issue 19): sites with their readiness, teaching requests, volunteers.

Sites of the demo organisations, modelled on what such hospitals have: a national referral
hospital in East Africa with ultrasound, CT and fluoroscopy but no angiography; university
hospitals with an angiography suite; a district hospital with ultrasound only; a Portuguese-
speaking central hospital. Each has its readiness profile and local learners. Open requests ask
for what the site's equipment supports (two weeks on site, a team of 1 IR physician, 1-2 trainees,
0-1 nurse, 0-1 radiographer, monthly), plus a remote mentorship. The volunteers are in
demo_volunteers.py.

Idempotent and deterministic: what exists (by site slug, request title, volunteer email) is left
alone; volunteers share one password hash, so seeding stays fast.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import (
    Opportunity,
    Organisation,
    Profile,
    Role,
    User,
)
from matcher.models.teaching import (
    Procedure,
    RequestRole,
    Site,
    SiteResource,
    TeachingRequest,
)
from matcher.seed.demo_volunteers import seed_volunteers

Y, L, N = "yes", "limited", "no"
RESOURCES = (
    "ultrasound",
    "ct",
    "fluoroscopy",
    "c_arm",
    "angiography",
    "catheters_wires",
    "drains",
    "embolic_agents",
    "nursing_recovery",
    "sedation",
    "power_backup",
    "image_archive",
)


class SiteDef(NamedTuple):
    organisation: str
    slug: str
    name: str
    city: str
    country: str
    language: str  # of instruction
    timezone: str
    learners: int
    learner_level: str
    readiness: tuple[str, ...]  # in RESOURCES order
    description: str


SITES = (
    SiteDef(
        "road2ir",
        "muhimbili",
        "Muhimbili National Hospital",
        "Dar es Salaam",
        "TZ",
        "en",
        "Africa/Dar_es_Salaam",
        6,
        "radiology-residents",
        (Y, Y, Y, L, N, L, Y, N, Y, Y, L, Y),
        "The national referral hospital: ultrasound, CT and fluoroscopy, no angiography suite yet. "
        "Six radiology residents learn image-guided drainage and biopsy.",
    ),
    SiteDef(
        "road2ir",
        "bagamoyo",
        "Bagamoyo District Hospital",
        "Bagamoyo",
        "TZ",
        "en",
        "Africa/Dar_es_Salaam",
        3,
        "medical-officers",
        (Y, N, N, N, N, N, L, N, L, N, L, N),
        "A district hospital with ultrasound only: its medical officers do paracentesis, "
        "thoracentesis and vascular access at the bedside.",
    ),
    SiteDef(
        "rad-aid",
        "kenyatta",
        "Kenyatta National Hospital",
        "Nairobi",
        "KE",
        "en",
        "Africa/Nairobi",
        8,
        "radiology-residents",
        (Y, Y, Y, Y, Y, Y, Y, L, Y, Y, Y, Y),
        "A university teaching hospital with an angiography suite: embolisation for bleeding is "
        "done there, and its residents need supervised cases.",
    ),
    SiteDef(
        "rad-aid",
        "mulago",
        "Mulago National Referral Hospital",
        "Kampala",
        "UG",
        "en",
        "Africa/Kampala",
        5,
        "radiology-residents",
        (Y, Y, L, Y, N, L, Y, N, Y, L, L, Y),
        "A national referral hospital with a C-arm in theatre, CT and ultrasound; its IR fellows "
        "want a mentor for case reviews between visits.",
    ),
    SiteDef(
        "sir-rfs-ioc",
        "queen-elizabeth",
        "Queen Elizabeth Central Hospital",
        "Blantyre",
        "MW",
        "en",
        "Africa/Blantyre",
        4,
        "radiology-residents",
        (Y, Y, Y, N, N, L, Y, N, Y, L, L, L),
        "Malawi's largest hospital: ultrasound, CT and fluoroscopy, drains in stock, no embolics.",
    ),
    SiteDef(
        "ir-juniors",
        "maputo-central",
        "Hospital Central de Maputo",
        "Maputo",
        "MZ",
        "pt",
        "Africa/Maputo",
        4,
        "radiology-residents",
        (Y, Y, Y, Y, N, L, Y, N, Y, Y, L, Y),
        "Hospital central com ecografia, TC, fluoroscopia e arco em C; o ensino é em português.",
    ),
)

TEAM = (("ir-physician", 1, 1), ("ir-trainee", 1, 2), ("ir-nurse", 0, 1), ("radiographer", 0, 1))
EVERY_MONTH = list(range(1, 13))


class RequestDef(NamedTuple):
    site: str
    title: str
    procedures: tuple[str, ...]
    roles: tuple[tuple[str, int, int], ...]
    months: list[int]
    learners: int
    details: str
    remote: bool = False


REQUESTS = (
    RequestDef(
        "muhimbili",
        "Drainage, nephrostomy and biopsy teaching fortnight",
        ("abscess-drainage", "nephrostomy", "biliary-drainage", "image-guided-biopsy"),
        TEAM,
        EVERY_MONTH,
        6,
        "Two weeks of supervised cases with our residents, every month of the year.",
    ),
    RequestDef(
        "kenyatta",
        "Embolisation for bleeding: PPH, trauma and GI",
        ("pph-embolisation", "trauma-embolisation", "gi-bleeding-embolisation", "radiation-safety"),
        TEAM,
        [2, 5, 8, 11],
        8,
        "Our angiography suite is busy with bleeding patients; we want our residents to lead cases safely.",
    ),
    RequestDef(
        "bagamoyo",
        "Ultrasound-guided bedside procedures for district doctors",
        ("us-vascular-access", "paracentesis-thoracentesis", "ultrasound-skills"),
        (("ir-physician", 1, 1), ("ir-nurse", 0, 1)),
        [6, 7, 8],
        3,
        "Short, practical teaching at the bedside with the ultrasound machine we have.",
    ),
    RequestDef(
        "queen-elizabeth",
        "Drainage and central access course",
        ("abscess-drainage", "central-venous-access", "ir-nursing-care"),
        TEAM,
        [1, 4, 7, 10],
        4,
        "Drainage and central lines for residents; nursing care of drains for the ward nurses.",
    ),
    RequestDef(
        "maputo-central",
        "Drenagens e biópsias guiadas por imagem",
        ("abscess-drainage", "image-guided-biopsy", "nephrostomy"),
        TEAM,
        [3, 9],
        4,
        "Duas semanas de ensino prático, em português, com os internos de radiologia.",
    ),
    RequestDef(
        "mulago",
        "Remote mentorship and case reviews for IR fellows",
        ("abscess-drainage", "image-guided-biopsy", "radiation-safety"),
        (),
        [],
        3,
        "Monthly case reviews of drainage and biopsy cases, and mentoring between visits, in the "
        "afternoon in Kampala.",
        remote=True,
    ),
)


# Who volunteers: (email kind, profession, role, how many, what they can teach, what they can assist with).
def seed_teaching(session: Session, password: str, today: date) -> dict[str, int]:
    """Create what is missing; returns how many sites, requests and volunteers exist (demo ones)."""
    organisations = {o.slug: o for o in session.scalars(select(Organisation))}
    procedures = {p.code: p for p in session.scalars(select(Procedure))}
    sites = {d.slug: _site(session, d, organisations[d.organisation], today) for d in SITES}
    requests = [_request(session, d, sites[d.site], procedures, today) for d in REQUESTS]
    volunteers = seed_volunteers(session, password, procedures, today)
    session.flush()
    _visits_with_applicants(session, requests[:2], today)
    return {"sites": len(sites), "requests": len(requests), "volunteers": volunteers}


def _visits_with_applicants(session: Session, requests: list[TeachingRequest], today: date) -> None:
    """The first requests' monthly visits, opened by the coordinator, with volunteers of the roles
    wanted who are free that month applying: a team build has real work (README, "Teaching teams")."""
    from matcher.services.teams import visits as team_visits

    coordinator = session.scalar(select(User).where(User.role == Role.COORDINATOR).order_by(User.id))
    for request in requests:
        already = session.scalar(select(Opportunity.id).where(Opportunity.teaching_request_id == request.id))
        if coordinator is None or already is not None or request.mode != "on_site":
            continue
        wanted = {role.profession_code for role in request.roles if role.maximum >= 1}
        people = session.scalars(select(User).where(User.profession_code.in_(wanted)).order_by(User.id)).all()
        for visit in team_visits.open_visits(session, coordinator, request, today):
            month = visit.starts_on.month
            for user in people:
                profile = session.scalar(select(Profile).where(Profile.user_id == user.id))
                if profile is not None and profile.volunteers_to_teach and month in profile.teaching_months:
                    team_visits.apply(session, user, visit.id, None)


def _site(session: Session, d: SiteDef, organisation: Organisation, today: date) -> Site:
    site = session.scalar(select(Site).where(Site.organisation_id == organisation.id, Site.slug == d.slug))
    if site is None:
        site = Site(
            organisation=organisation,
            slug=d.slug,
            name=d.name,
            city=d.city,
            country_code=d.country,
            description=d.description,
            written_in="pt" if d.language == "pt" else "en",
            timezone=d.timezone,
            instruction_language=d.language,
            local_learners=d.learners,
            learner_level=d.learner_level,
            assessed_on=today - timedelta(days=90),
        )
        site.resources = [
            SiteResource(resource=r, availability=a) for r, a in zip(RESOURCES, d.readiness, strict=True)
        ]
        session.add(site)
        session.flush()
    return site


def _request(
    session: Session, d: RequestDef, site: Site, procedures: dict[str, Procedure], today: date
) -> TeachingRequest:
    request = session.scalar(
        select(TeachingRequest).where(TeachingRequest.site_id == site.id, TeachingRequest.title == d.title)
    )
    if request is not None:
        return request
    request = TeachingRequest(
        site=site,
        status="open",
        title=d.title,
        details=d.details,
        written_in=site.written_in,
        learners=d.learners,
        learner_level=site.learner_level,
        instruction_language=site.instruction_language,
        year=today.year + 1,
    )
    if d.remote:
        request.mode, request.remote_format = "remote", "mentorship"
        request.remote_from, request.remote_until = time(14, 0), time(16, 0)
        request.hours_per_month, request.mentees = 4, d.learners
    else:
        request.mode, request.weeks, request.months = "on_site", 2, d.months
    request.procedures = [procedures[code] for code in d.procedures]
    request.roles = [RequestRole(profession_code=code, minimum=lo, maximum=hi) for code, lo, hi in d.roles]
    session.add(request)
    return request
