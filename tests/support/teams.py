"""A teaching scene for the teams' tests: a host with a site in Tanzania, an open on-site request
(procedures, roles) with its visits opened, a coordinator, and volunteers made to measure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import (
    AvailabilityWindow,
    Opportunity,
    Organisation,
    Procedure,
    ProcedureSkill,
    Profile,
    ProfileLanguage,
    RequestRole,
    Site,
    TeachingRequest,
    User,
    VisitApplication,
)
from matcher.services.teams import visits
from tests.support.factories import UserFactory

NEEDS = ("pph-embolisation", "nephrostomy", "ultrasound-skills")
# Wanted: one IR physician, one or two trainees, at most one nurse.
ROLES = {"ir-physician": (1, 1), "ir-trainee": (1, 2), "ir-nurse": (0, 1)}


@dataclass
class TeamScene:
    session: Session
    users: UserFactory
    coordinator: User
    host: User
    org: Organisation
    site: Site
    request: TeachingRequest
    visits: list[Opportunity]  # March and June of next year, two weeks each
    year: int
    made: list[User] = field(default_factory=list)

    def volunteer(
        self,
        name: str,
        profession: str,
        skills: dict[str, str] | None = None,
        *,
        windows: list[tuple[date, date]] | None = None,
        weeks: int | None = None,
        instructs: tuple[str, ...] = ("en",),
        apply: tuple[Opportunity, ...] | None = None,
    ) -> User:
        """A volunteer available all next year (unless `windows`), who applied to every visit in
        order (unless `apply`)."""
        role = "trainee" if profession == "ir-trainee" else "professional"
        user = self.users.create(
            role, name=name, email=f"{name.lower().replace(' ', '.')}@example.org", profession_code=profession
        )
        profile = Profile(
            user_id=user.id, institution="", statement="", volunteers_to_teach=True, teaching_weeks=weeks
        )
        profile.availability = [
            AvailabilityWindow(starts_on=a, ends_on=b)
            for a, b in (windows or [(date(self.year, 1, 1), date(self.year, 12, 31))])
        ]
        profile.languages = [
            ProfileLanguage(language=c, level="professional", instructs=True) for c in instructs
        ]
        self.session.add(profile)
        self.session.flush()
        for code, level in (skills or {}).items():
            procedure = self.session.scalar(select(Procedure).where(Procedure.code == code))
            self.session.add(ProcedureSkill(profile_id=profile.id, procedure_id=procedure.id, level=level))
        for rank, visit in enumerate(self.visits if apply is None else apply, start=1):
            self.session.add(VisitApplication(user_id=user.id, visit_id=visit.id, rank=rank))
        self.session.commit()
        self.made.append(user)
        return user


def build_scene(session: Session, users: UserFactory, today: date | None = None) -> TeamScene:
    today = today or date.today()
    year = today.year + 1
    coordinator = users.create("coordinator", name="Cora Coordinator")
    org = users.organisation(name="Road2IR Tanzania")
    host = users.create("org_member", organisation=org, name="Hana Host", email="hana.host@example.org")
    site = Site(
        organisation_id=org.id,
        name="Muhimbili National Hospital",
        slug="muhimbili",
        city="Dar es Salaam",
        country_code="TZ",
    )
    session.add(site)
    session.flush()
    request = TeachingRequest(
        site_id=site.id,
        mode="on_site",
        status="open",
        title="Embolisation and drainage teaching",
        details="Two weeks of hands-on teaching.",
        learners=4,
        months=[3, 6],
        year=year,
        weeks=2,
        instruction_language="en",
        created_by_id=host.id,
    )
    request.procedures = list(session.scalars(select(Procedure).where(Procedure.code.in_(NEEDS))))
    request.roles = [
        RequestRole(profession_code=code, minimum=lo, maximum=hi) for code, (lo, hi) in ROLES.items()
    ]
    session.add(request)
    session.commit()
    opened = visits.open_visits(session, host, request, today)
    session.commit()
    return TeamScene(session, users, coordinator, host, org, site, request, opened, year)


def two_weeks(year: int, month: int) -> tuple[date, date]:
    starts = visits.first_monday(year, month)
    return starts, starts + timedelta(days=13)
