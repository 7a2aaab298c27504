"""Demo data for teaching (issue 19): sites with their readiness, teaching requests, volunteers.

Sites of the demo organisations, modelled on what such hospitals have: a national referral
hospital in East Africa with ultrasound, CT and fluoroscopy but no angiography; university
hospitals with an angiography suite; a district hospital with ultrasound only; a Portuguese-
speaking central hospital. Each has its readiness profile and local learners. Open requests ask
for what the site's equipment supports (two weeks on site, a team of 1 IR physician, 1-2 trainees,
0-1 nurse, 0-1 radiographer, monthly), plus a remote mentorship. About twenty volunteers of each
teaching profession (IR physicians, trainees, nurses, radiographers) and a physicist, with skills,
languages of instruction, licences, months and weeks budgets; some listed in the directory.

Idempotent and deterministic: what exists (by site slug, request title, volunteer email) is left
alone; volunteers share one password hash, so seeding stays fast.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    AvailabilityWindow,
    Interest,
    Opportunity,
    Organisation,
    PlaceOfInterest,
    Profile,
    ProfileLanguage,
    Role,
    User,
)
from matcher.models.teaching import (
    Licence,
    Procedure,
    ProcedureSkill,
    RequestRole,
    Site,
    SiteResource,
    TeachingRequest,
)
from matcher.security import hash_password

SEED = "ir-matcher-demo-teaching"
EMAIL = "{kind}{n:02d}@demo.irmatch.org"
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
DRAINAGE = (
    "abscess-drainage",
    "nephrostomy",
    "biliary-drainage",
    "image-guided-biopsy",
    "paracentesis-thoracentesis",
)
EMBOLISATION = (
    "pph-embolisation",
    "trauma-embolisation",
    "gi-bleeding-embolisation",
    "bronchial-artery-embolisation",
)
ACCESS = ("us-vascular-access", "central-venous-access", "ultrasound-skills", "simulation")
PROFESSIONS = (
    ("ir-physician", "ir-physician", Role.PROFESSIONAL, 20, DRAINAGE + EMBOLISATION + ACCESS, ()),
    ("ir-trainee", "ir-trainee", Role.TRAINEE, 20, DRAINAGE[:3] + ACCESS, EMBOLISATION),
    ("ir-nurse", "ir-nurse", Role.PROFESSIONAL, 20, ("ir-nursing-care",), DRAINAGE[:3] + ACCESS[:2]),
    ("radiographer", "radiographer", Role.PROFESSIONAL, 20, ("radiation-safety",), EMBOLISATION[:2]),
    ("physicist", "medical-physicist", Role.PROFESSIONAL, 1, ("radiation-safety",), ()),
)
GRADES = {
    "ir-nurse": ("staff-nurse", "senior-nurse", "nurse-specialist"),
    "radiographer": ("radiographer", "senior-radiographer", "ir-specialist-radiographer"),
    "medical-physicist": ("physicist", "senior-physicist"),
}
FIRST = (
    "Amani",
    "Beatriz",
    "Carlos",
    "Chloé",
    "Dawit",
    "Elena",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ibrahim",
    "Joana",
    "Kwame",
    "Léa",
    "Mateus",
    "Nadia",
    "Omar",
    "Paula",
    "Rafael",
    "Sara",
    "Tomás",
    "Wanjiru",
)
LAST = (
    "Abebe",
    "Banda",
    "Costa",
    "Diallo",
    "Evans",
    "Fernandes",
    "García",
    "Haile",
    "Ito",
    "Juma",
    "Kamau",
    "Lopes",
    "Martin",
    "Ndlovu",
    "Okoro",
    "Pereira",
    "Quispe",
    "Rossi",
    "Silva",
    "Traoré",
)
HOMES = (
    ("GB", "Europe/London", "King's College Hospital"),
    ("US", "America/New_York", "Johns Hopkins Hospital"),
    ("FR", "Europe/Paris", "Hôpital Européen Georges-Pompidou"),
    ("PT", "Europe/Lisbon", "Hospital de Santa Maria"),
    ("ES", "Europe/Madrid", "Hospital Universitario La Paz"),
    ("KE", "Africa/Nairobi", "Aga Khan University Hospital"),
    ("ZA", "Africa/Johannesburg", "Groote Schuur Hospital"),
    ("BR", "America/Sao_Paulo", "Hospital das Clínicas"),
    ("CA", "America/Toronto", "Toronto General Hospital"),
)
LICENCE_COUNTRIES = ("TZ", "KE", "UG", "MW", "MZ")
STATEMENT = "I offer to teach image-guided procedures where IR is being built, alongside the local team."


def seed_teaching(session: Session, password: str, today: date) -> dict[str, int]:
    """Create what is missing; returns how many sites, requests and volunteers exist (demo ones)."""
    organisations = {o.slug: o for o in session.scalars(select(Organisation))}
    procedures = {p.code: p for p in session.scalars(select(Procedure))}
    sites = {d.slug: _site(session, d, organisations[d.organisation], today) for d in SITES}
    requests = [_request(session, d, sites[d.site], procedures, today) for d in REQUESTS]
    volunteers = _volunteers(session, password, procedures, today)
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


def _volunteers(session: Session, password: str, procedures: dict[str, Procedure], today: date) -> int:
    emails = [
        EMAIL.format(kind=kind, n=n) for kind, _, _, count, _, _ in PROFESSIONS for n in range(1, count + 1)
    ]
    existing = set(session.scalars(select(User.email).where(User.email.in_(emails))))
    interests = list(session.scalars(select(Interest).order_by(Interest.position)))
    password_hash = None
    for kind, profession, role, count, teach, assist in PROFESSIONS:
        for n in range(1, count + 1):
            email = EMAIL.format(kind=kind, n=n)
            if email in existing:
                continue
            password_hash = password_hash or hash_password(password)  # one hash for all of them
            rng = random.Random(f"{SEED}-{email}")  # noqa: S311 - deterministic demo data, not security
            home, zone, institution = rng.choice(HOMES)
            user = User(
                email=email,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role=role,
                profession_code=profession,
                password_hash=password_hash,
                email_verified_at=utcnow(),
                timezone=zone,
            )
            session.add(user)
            session.flush()
            session.add(
                _profile(
                    rng, user, profession, home, institution, teach, assist, procedures, interests, today
                )
            )
    return len(emails)


def _profile(
    rng: random.Random,
    user: User,
    profession: str,
    home: str,
    institution: str,
    teach: tuple[str, ...],
    assist: tuple[str, ...],
    procedures: dict[str, Procedure],
    interests: list[Interest],
    today: date,
) -> Profile:
    profile = Profile(
        user_id=user.id,
        institution=institution,
        home_country_code=home,
        statement=STATEMENT,
        volunteers_to_teach=True,
        teaching_weeks=rng.choice((2, 2, 4, 4, 6, 8)),
        teaching_years=rng.randint(1, 20),
        teaching_months=sorted(rng.sample(range(1, 13), k=rng.randint(2, 6))),
        teaches_remotely=rng.random() < 0.4,
        directory_listed=rng.random() < 0.65,  # the others chose not to be listed
    )
    if profession == "ir-physician":
        profile.level_rank = 15
    elif profession == "ir-trainee":
        profile.level_rank = rng.choice((11, 12, 13, 14))
    else:
        profile.grade = rng.choice(GRADES[profession])
    taught = rng.sample(teach, k=min(len(teach), rng.randint(1, 4)))
    assisted = [c for c in rng.sample(assist, k=min(len(assist), rng.randint(0, 3))) if c not in taught]
    profile.procedure_skills = [
        *(ProcedureSkill(procedure=procedures[c], level="teach") for c in taught),
        *(ProcedureSkill(procedure=procedures[c], level="assist") for c in assisted),
    ]
    own = {"FR": "fr", "PT": "pt", "BR": "pt", "ES": "es"}.get(home)
    languages = [
        ProfileLanguage(language="en", level="professional", instructs=own is None or rng.random() < 0.7)
    ]
    if own:
        languages.append(ProfileLanguage(language=own, level="professional", instructs=True))
    if home in ("KE", "ZA") or rng.random() < 0.15:
        languages.append(ProfileLanguage(language="sw", level=rng.choice(("basic", "conversational"))))
    profile.languages = languages
    licensed = rng.sample(LICENCE_COUNTRIES, k=rng.randint(0, 2))
    profile.licences = [
        Licence(
            country_code=country,
            body="Medical or nursing council",
            # One in four has lapsed: the directory shows it as expired.
            expires_on=today
            + timedelta(days=rng.randint(-200, -10) if rng.random() < 0.25 else rng.randint(60, 900)),
        )
        for country in licensed
    ]
    profile.places = [PlaceOfInterest(scope="subregion", name="Eastern Africa")]
    profile.interests = rng.sample(interests, k=min(len(interests), 2))
    start = today + timedelta(days=rng.randint(30, 120))
    profile.availability = [
        AvailabilityWindow(starts_on=start, ends_on=start + timedelta(weeks=rng.randint(6, 20)))
    ]
    return profile
