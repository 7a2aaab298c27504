"""Demo data for `flask seed-demo`: the field's organisations and one account per role."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import Membership, MembershipRole, Organisation, Role, User
from matcher.reference.sync import sync_reference_data
from matcher.security import hash_password
from matcher.seed.demo_applicants import seed_applicants
from matcher.seed.demo_impact import seed_impact
from matcher.seed.demo_opportunities import seed_opportunities
from matcher.seed.demo_teaching import seed_teaching
from matcher.seed.demo_trips import seed_trips
from matcher.services.departure.rule_packs import load_packs

ORGANISATIONS = [
    {
        "slug": "rad-aid",
        "name": "RAD-AID International",
        "country_code": "US",
        "website": "https://www.rad-aid.org",
        "description": "A non-profit that works to increase and improve radiology and imaging "
        "services, including interventional radiology, in low- and middle-income countries, "
        "through volunteer teaching, equipment and programme partnerships with local hospitals.",
    },
    {
        "slug": "road2ir",
        "name": "Road2IR",
        "country_code": "TZ",
        "website": "https://www.road2ir.org",
        "description": "Interventional radiology training in East Africa: it helped start the "
        "first IR training programme in Tanzania and sends IR physicians to teach there.",
    },
    {
        "slug": "sir-rfs-ioc",
        "name": "SIR RFS International Outreach Committee",
        "country_code": "US",
        "website": "https://www.sirweb.org",
        "description": "The committee of the Society of Interventional Radiology's Resident, "
        "Fellow and Student Section that links trainees with global IR outreach and education.",
    },
    {
        "slug": "ir-juniors",
        "name": "IR Juniors",
        "country_code": "GB",
        "website": None,
        "description": "A network of medical students and junior doctors interested in "
        "interventional radiology, with teaching events and mentoring.",
    },
]

PEOPLE = [
    ("coordinator@demo.irmatch.org", "Grace Coordinator", Role.COORDINATOR, None),
    ("admin@demo.irmatch.org", "Ada Admin", Role.ADMIN, None),
    ("amina.student@demo.irmatch.org", "Amina Mushi", Role.STUDENT, None),
    ("lucas.student@demo.irmatch.org", "Lucas Pereira", Role.STUDENT, None),
    ("neema.trainee@demo.irmatch.org", "Neema Kileo", Role.TRAINEE, None),
    ("david.trainee@demo.irmatch.org", "David Okello", Role.TRAINEE, None),
    *(
        (f"contact@{org['slug']}.demo.irmatch.org", f"{org['name']} contact", Role.ORG_MEMBER, org["slug"])
        for org in ORGANISATIONS
    ),
]


def seed(session: Session, password: str) -> list[tuple[str, str]]:
    """Create what is missing; leave what exists alone. Returns (email, role) of each login."""
    sync_reference_data(session)
    load_packs(session)  # the countries' rules, before any checklist is made from them
    coordinator = _user(session, PEOPLE[0], password)
    organisations = {org["slug"]: _organisation(session, org, coordinator) for org in ORGANISATIONS}
    for person in PEOPLE[1:]:
        user = _user(session, person, password)
        org_slug = person[3]
        if org_slug and not any(m.organisation.slug == org_slug for m in user.memberships):
            session.add(
                Membership(
                    user=user,
                    organisation=organisations[org_slug],
                    role=MembershipRole.OWNER,
                    approved_at=utcnow(),
                )
            )
    session.flush()
    seed_opportunities(session, date.today())
    seed_applicants(session, password, date.today())
    seed_teaching(session, password, date.today())
    seed_trips(session, coordinator, date.today())
    seed_impact(session, date.today())  # after the people and sites it uses
    return [(email, role.value) for email, _, role, _ in PEOPLE]


def _user(session: Session, person: tuple, password: str) -> User:
    email, name, role, _ = person
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=hash_password(password),
            email_verified_at=utcnow(),
        )
        session.add(user)
        session.flush()
    return user


def _organisation(session: Session, data: dict, coordinator: User) -> Organisation:
    organisation = session.scalar(select(Organisation).where(Organisation.slug == data["slug"]))
    if organisation is None:
        organisation = Organisation(**data, verified_at=utcnow(), verified_by=coordinator)
        session.add(organisation)
        session.flush()
    return organisation
