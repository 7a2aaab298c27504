"""Demo teaching volunteers (issue 19): about twenty of each teaching profession (IR physicians,
trainees, nurses, radiographers) and a physicist, with skills, languages of instruction, licences,
months and weeks budgets; some listed in the directory, the others not.

Idempotent and deterministic: a volunteer whose email exists is left alone; they share one
password hash, so seeding stays fast.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    AvailabilityWindow,
    Interest,
    PlaceOfInterest,
    Profile,
    ProfileLanguage,
    Role,
    User,
)
from matcher.models.teaching import Licence, Procedure, ProcedureSkill
from matcher.security import hash_password

SEED = "ir-matcher-demo-teaching"
EMAIL = "{kind}{n:02d}@demo.irmatch.org"

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


def seed_volunteers(session: Session, password: str, procedures: dict[str, Procedure], today: date) -> int:
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
