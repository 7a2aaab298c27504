"""Teaching rows that grow with a Crowd (tests/support/crowd.py): listed volunteers and open
teaching requests, as many as the crowd's size, each with its own related rows."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.models import Profile, ProfileLanguage, Role, User
from matcher.models.teaching import Licence, Procedure, ProcedureSkill, RequestRole, Site, TeachingRequest
from tests.support.crowd import Crowd, _password_hash

LANGUAGES = ("en", "fr", "pt", "es", "sw")


def top_up(crowd: Crowd) -> None:
    """Listed volunteers and open requests (at organisation A's sites) up to the crowd's size."""
    session = crowd.session
    procedures = list(session.scalars(select(Procedure).order_by(Procedure.position)))
    listed = session.scalar(
        select(func.count()).select_from(Profile).where(Profile.directory_listed.is_(True))
    )
    for i in range(listed, crowd.size):
        country = crowd.countries[i % len(crowd.countries)]
        user = User(
            email=f"volunteer{i}@example.org",
            name=f"Volunteer {i}",
            role=Role.PROFESSIONAL,
            profession_code="ir-physician",
            password_hash=_password_hash(),
            email_verified_at=utcnow(),
        )
        profile = Profile(
            user=user,
            institution="",
            statement="",
            volunteers_to_teach=True,
            directory_listed=True,
            teaching_weeks=4,
            teaching_months=[3, 9],
        )
        profile.languages = [ProfileLanguage(language=LANGUAGES[i % 5], level="professional", instructs=True)]
        profile.procedure_skills = [
            ProcedureSkill(procedure=procedures[i % len(procedures)], level="teach"),
            ProcedureSkill(procedure=procedures[(i + 1) % len(procedures)], level="assist"),
        ]
        profile.licences = [Licence(country_code=country.iso2, expires_on=date.today() + timedelta(days=i))]
        session.add(profile)
    requests = session.scalar(select(func.count()).select_from(TeachingRequest))
    for i in range(requests, crowd.size):
        country = crowd.countries[i % len(crowd.countries)]
        site = Site(
            organisation=crowd.org_a,
            name=f"Site {i}",
            slug=f"site-{i}",
            city="City",
            country_code=country.iso2,
        )
        request = TeachingRequest(
            site=site,
            status="open",
            title=f"Teaching request {i}",
            mode="on_site",
            weeks=2,
            months=[3],
            year=2027,
        )
        request.procedures = [procedures[i % len(procedures)], procedures[(i + 2) % len(procedures)]]
        request.roles = [RequestRole(profession_code="ir-physician", minimum=1, maximum=1)]
        session.add(request)
    session.commit()


def directory(crowd: Crowd) -> str:
    top_up(crowd)
    return "/volunteers"


def invite_page(crowd: Crowd) -> str:
    top_up(crowd)
    first = crowd.session.scalar(
        select(Profile.user_id).where(Profile.directory_listed.is_(True)).order_by(Profile.id)
    )
    return f"/volunteers/{first}/invite"


def teaching_requests(crowd: Crowd) -> str:
    top_up(crowd)
    return "/teaching-requests?all=1"
