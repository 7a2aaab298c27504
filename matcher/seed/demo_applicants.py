"""Forty demo applicants with complete profiles and ranked applications (idempotent, deterministic).

They apply to whatever published opportunities exist when `seed-demo` runs, so a match round has
real preferences to work on. Re-running creates only what is missing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from matcher.db import utcnow
from matcher.models import (
    MAX_APPLICATIONS,
    Application,
    AvailabilityWindow,
    Country,
    Interest,
    Opportunity,
    OpportunityStatus,
    Organisation,
    PlaceOfInterest,
    PlaceScope,
    Profile,
    ProfileLanguage,
    Role,
    User,
)
from matcher.security import hash_password
from matcher.services.professions import DEFAULT_PROFESSION, levels_for, profession_named

COUNT = 40
SEED = "ir-matcher-demo-applicants"
EMAIL = "applicant{n:02d}@demo.irmatch.org"

NAMES = [
    "Aisha Bello",
    "Baraka Mwakyusa",
    "Chiara Rossi",
    "Daniel Mensah",
    "Esther Wanjiku",
    "Farid Haddad",
    "Grace Nakato",
    "Hiroshi Tanaka",
    "Ifeoma Okafor",
    "Jonas Becker",
    "Kavya Reddy",
    "Liam O'Connor",
    "Mariam Said",
    "Nguyen Thi Lan",
    "Oluwaseun Adeyemi",
    "Priya Shrestha",
    "Quentin Moreau",
    "Rehema Juma",
    "Samuel Tesfaye",
    "Thandiwe Dlamini",
    "Umar Farouk",
    "Valentina Gómez",
    "Wanjiru Kamau",
    "Xavier Dubois",
    "Yusuf Kiprono",
    "Zainab Hassan",
    "Amani Uwase",
    "Bruno Costa",
    "Chen Wei",
    "Dalia Mostafa",
    "Emeka Nwosu",
    "Fatou Diallo",
    "Gabriel Silva",
    "Hannah Schmidt",
    "Isaac Boateng",
    "Julia Nowak",
    "Kwame Asante",
    "Lucía Fernández",
    "Musa Phiri",
    "Nadia Rahman",
]

# (home country, institution, languages spoken besides English)
HOMES = [
    ("TZ", "Muhimbili University of Health and Allied Sciences", (("sw", "professional"),)),
    ("KE", "University of Nairobi", (("sw", "professional"),)),
    ("UG", "Makerere University", ()),
    ("RW", "University of Rwanda", (("rw", "professional"), ("fr", "conversational"))),
    ("ET", "Addis Ababa University", (("am", "professional"),)),
    ("NG", "University of Lagos", (("yo", "professional"),)),
    ("GH", "University of Ghana Medical School", ()),
    ("ZA", "University of Cape Town", (("zu", "conversational"),)),
    ("MW", "Kamuzu University of Health Sciences", ()),
    ("US", "Johns Hopkins University School of Medicine", (("es", "conversational"),)),
    ("US", "University of Michigan Medical School", ()),
    ("CA", "University of Toronto", (("fr", "conversational"),)),
    ("GB", "Imperial College London", ()),
    ("GB", "University of Edinburgh", (("fr", "basic"),)),
    ("IE", "Trinity College Dublin", ()),
    ("DE", "Charité – Universitätsmedizin Berlin", (("de", "professional"),)),
    ("FR", "Université Paris Cité", (("fr", "professional"),)),
    ("BR", "Universidade de São Paulo", (("pt", "professional"), ("es", "basic"))),
    ("IN", "All India Institute of Medical Sciences", (("hi", "professional"),)),
    ("NP", "Tribhuvan University Institute of Medicine", (("ne", "professional"),)),
    ("VN", "Hanoi Medical University", (("vi", "professional"),)),
    ("PK", "Aga Khan University", (("ur", "professional"),)),
    ("AU", "University of Sydney", ()),
    ("NL", "Erasmus MC, Rotterdam", (("nl", "professional"), ("de", "basic"))),
]

# Where applicants want to go: mostly where the need (and the demo opportunities) are.
SUBREGIONS = [
    "Eastern Africa",
    "Eastern Africa",
    "Eastern Africa",
    "Western Africa",
    "Southern Africa",
    "Middle Africa",
    "South-eastern Asia",
    "Southern Asia",
    "Central America",
    "Caribbean",
    "South America",
]
REGIONS = ["Africa", "Asia", "Americas"]

STATEMENTS = [
    "I saw a post-partum haemorrhage treated by embolisation during my obstetrics rotation and want "
    "to learn how such a service is built where there is none.",
    "I want to understand image-guided drainage as sepsis source control, and to bring back what I "
    "learn to my own hospital.",
    "I am interested in global radiology and in training models that last after visitors leave.",
    "I would like to learn from teams that deliver IR with limited equipment, and to help where I can.",
    "I am considering a career in interventional radiology and want to see its impact in a "
    "low-resource setting first hand.",
]
TEACHER_STATEMENT = (
    "I teach IR fundamentals to juniors at home and would like to support a local training "
    "programme with hands-on teaching and simulation."
)


def seed_applicants(session: Session, password: str, today: date) -> tuple[int, int]:
    """Create the missing demo applicants, then give applications to those with none.

    Returns (applicants created, applications created).
    """
    interests = {i.slug: i for i in session.scalars(select(Interest).order_by(Interest.position))}
    # Each within its profession's levels: a trainee is never a consultant (that is an IR physician).
    student_levels = [lv.rank for lv in levels_for(session, profession_named(session, "medical-student"))]
    trainee_levels = [lv.rank for lv in levels_for(session, profession_named(session, "ir-trainee"))]
    password_hash = hash_password(password)  # one hash for all: they share the demo password
    created = 0
    applicants: list[tuple[User, Profile]] = []
    for n in range(1, COUNT + 1):
        rng = random.Random(f"{SEED}-{n}")  # noqa: S311 - deterministic demo data, not security
        email = EMAIL.format(n=n)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            # Three in five are students, two in five trainees.
            role = Role.STUDENT if n % 5 in (1, 2, 4) else Role.TRAINEE
            user = User(
                email=email,
                name=NAMES[n - 1],
                role=role,
                profession_code=DEFAULT_PROFESSION[role],
                password_hash=password_hash,
                email_verified_at=utcnow(),
            )
            session.add(user)
            session.flush()
            levels = student_levels[2:] if role == Role.STUDENT else trainee_levels
            session.add(_profile(rng, user, levels, interests, today))
            created += 1
        profile = session.scalar(select(Profile).where(Profile.user_id == user.id))
        if profile is not None:
            applicants.append((user, profile))
    session.flush()
    return created, _applications(session, applicants, today)


def _profile(
    rng: random.Random, user: User, levels: list[int], interests: dict[str, Interest], today: date
) -> Profile:
    home, institution, spoken = rng.choice(HOMES)
    level = rng.choice(levels)
    profile = Profile(
        user_id=user.id,
        level_rank=level,
        institution=institution,
        home_country_code=home,
        statement=rng.choice(STATEMENTS),
    )
    chosen = rng.sample(sorted(set(SUBREGIONS)), k=rng.randint(1, 2))
    if "Eastern Africa" not in chosen and rng.random() < 0.5:
        chosen.append("Eastern Africa")
    places = [PlaceOfInterest(scope=PlaceScope.SUBREGION.value, name=name) for name in sorted(set(chosen))]
    if rng.random() < 0.25:
        places.append(PlaceOfInterest(scope=PlaceScope.REGION.value, name=rng.choice(REGIONS)))
    profile.places = places
    profile.interests = [interests[slug] for slug in rng.sample(sorted(interests), k=rng.randint(2, 4))]
    first = today + timedelta(days=rng.randint(30, 150))
    windows = [(first, first + timedelta(weeks=rng.randint(6, 16)))]
    if rng.random() < 0.4:
        second = windows[0][1] + timedelta(days=rng.randint(30, 90))
        windows.append((second, second + timedelta(weeks=rng.randint(4, 10))))
    profile.availability = [AvailabilityWindow(starts_on=a, ends_on=b) for a, b in windows]
    languages = [("en", rng.choice(("professional", "professional", "conversational"))), *spoken]
    profile.languages = [ProfileLanguage(language=code, level=lv) for code, lv in languages if code]
    if user.role == Role.TRAINEE and level >= 10 and rng.random() < 0.6:
        profile.volunteers_to_teach = True
        can_teach = {"teaching", *rng.sample([i.slug for i in profile.interests], k=1)}
        profile.teaching_interests = [interests[slug] for slug in sorted(can_teach)]
        profile.teaching_weeks = rng.choice((2, 3, 4, 6, 8))
        profile.statement = TEACHER_STATEMENT
    return profile


def _applications(session: Session, applicants: list[tuple[User, Profile]], today: date) -> int:
    """Each demo applicant without applications applies to a few opportunities that suit them."""
    opportunities = session.scalars(
        select(Opportunity)
        .join(Opportunity.organisation)
        .where(
            Opportunity.status == OpportunityStatus.PUBLISHED,
            Organisation.verified_at.is_not(None),
            (Opportunity.deadline.is_(None)) | (Opportunity.deadline >= today),
            # Visits opened from teaching requests are applied to through the teams flow.
            Opportunity.teaching_request_id.is_(None),
        )
        .options(selectinload(Opportunity.interests), selectinload(Opportunity.country))
        .order_by(Opportunity.id)
    ).all()
    if not opportunities:
        return 0
    have = dict(
        session.execute(
            select(Application.applicant_id, func.count())
            .where(Application.applicant_id.in_([user.id for user, _ in applicants]))
            .group_by(Application.applicant_id)
        ).all()
    )
    created = 0
    for user, profile in applicants:
        if have.get(user.id):
            continue
        rng = random.Random(f"{SEED}-applications-{user.email}")  # noqa: S311 - demo data
        fitting = [o for o in opportunities if o.level_min <= (profile.level_rank or 0) <= o.level_max]
        ranked = sorted(fitting, key=lambda o: (-_appeal(rng, profile, o), o.id))
        wanted = min(len(ranked), rng.randint(2, 6), MAX_APPLICATIONS)
        for rank, opportunity in enumerate(ranked[:wanted], 1):
            session.add(
                Application(
                    applicant_id=user.id,
                    opportunity_id=opportunity.id,
                    rank=rank,
                    motivation=(
                        f"{opportunity.title} fits what I want to learn." if rng.random() < 0.5 else ""
                    ),
                )
            )
            created += 1
    session.flush()
    return created


def _appeal(rng: random.Random, profile: Profile, opportunity: Opportunity) -> float:
    """A rough, seeded preference for demo data only; the real scores come from the engine."""
    shared = {i.slug for i in profile.interests} & {i.slug for i in opportunity.interests}
    country: Country = opportunity.country
    place = (
        2.0 if country.subregion in profile.subregions else 1.0 if country.region in profile.regions else 0.0
    )
    return len(shared) + place + rng.random() * 1.5
