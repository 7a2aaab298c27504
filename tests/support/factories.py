"""Factories for test data, creating rows in the test's session."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    Application,
    AvailabilityWindow,
    Interest,
    Membership,
    MembershipRole,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    Organisation,
    PlaceOfInterest,
    Profile,
    ProfileLanguage,
    Role,
    User,
)
from matcher.models.matching import Match, MatchRound, MatchRun
from matcher.security import hash_password

_counter = itertools.count(1)


class UserFactory:
    PASSWORD = "correct horse battery"

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        role: str | Role = Role.STUDENT,
        *,
        email: str | None = None,
        name: str | None = None,
        password: str = PASSWORD,
        verified: bool = True,
        organisation: Organisation | None = None,
        **fields: Any,
    ) -> User:
        n = next(_counter)
        role = Role(role)
        user = User(
            email=(email or f"{role.value}{n}@example.org").lower(),
            name=name or f"{role.label} {n}",
            role=role,
            password_hash=hash_password(password),
            email_verified_at=utcnow() if verified else None,
            **fields,
        )
        self.session.add(user)
        if role == Role.ORG_MEMBER:
            organisation = organisation or self.organisation()
            self.session.add(
                Membership(
                    user=user, organisation=organisation, role=MembershipRole.OWNER, approved_at=utcnow()
                )
            )
        self.session.commit()
        return user

    def organisation(self, *, verified: bool = True, **fields: Any) -> Organisation:
        n = next(_counter)
        organisation = Organisation(
            name=fields.pop("name", f"Organisation {n}"),
            slug=fields.pop("slug", f"organisation-{n}"),
            description=fields.pop("description", "A test organisation."),
            verified_at=utcnow() if verified else None,
            **fields,
        )
        self.session.add(organisation)
        self.session.commit()
        return organisation

    def opportunity(
        self,
        organisation: Organisation | None = None,
        *,
        interests: tuple[str, ...] = ("pph-embolisation",),
        languages: tuple[tuple[str, str], ...] = (("en", "professional"),),
        status: str = OpportunityStatus.PUBLISHED,
        **fields: Any,
    ) -> Opportunity:
        """A published clinical elective in Tanzania for students in years 4-6, unless told otherwise."""
        n = next(_counter)
        starts = fields.pop("starts_on", date.today() + timedelta(days=120))
        opportunity = Opportunity(
            organisation=organisation or self.organisation(),
            title=fields.pop("title", f"IR elective {n}"),
            description=fields.pop("description", "Four weeks in a busy IR department."),
            type=fields.pop("type", "clinical_elective"),
            host_institution=fields.pop("host_institution", "Muhimbili National Hospital"),
            city=fields.pop("city", "Dar es Salaam"),
            country_code=fields.pop("country_code", "TZ"),
            level_min=fields.pop("level_min", 4),
            level_max=fields.pop("level_max", 6),
            starts_on=starts,
            ends_on=fields.pop("ends_on", starts + timedelta(days=28)),
            capacity=fields.pop("capacity", 2),
            deadline=fields.pop("deadline", starts - timedelta(days=30)),
            status=status,
            **fields,
        )
        opportunity.interests = list(
            self.session.scalars(select(Interest).where(Interest.slug.in_(interests)))
        )
        opportunity.languages = [OpportunityLanguage(language=code, level=level) for code, level in languages]
        if status == OpportunityStatus.PUBLISHED:
            opportunity.published_at = utcnow()
        self.session.add(opportunity)
        self.session.commit()
        return opportunity

    def profile(
        self,
        user: User | None = None,
        *,
        complete: bool = True,
        interests: tuple[str, ...] = ("pph-embolisation",),
        subregions: tuple[str, ...] = ("Eastern Africa",),
        availability: tuple[tuple[date, date], ...] | None = None,
        languages: tuple[tuple[str, str], ...] = (("en", "professional"),),
        **fields: Any,
    ) -> Profile:
        """A complete profile of a year-5 student from Kenya, unless told otherwise."""
        user = user or self.create(role=Role.STUDENT)
        profile = Profile(user_id=user.id, institution="", statement="")
        if complete:
            start = date.today() + timedelta(days=90)
            profile.level_rank = 5 if user.role == Role.STUDENT else 9
            profile.institution = "University of Nairobi"
            profile.home_country_code = "KE"
            profile.statement = "I want to learn IR where it is needed most."
            profile.interests = list(
                self.session.scalars(select(Interest).where(Interest.slug.in_(interests)))
            )
            profile.places = [PlaceOfInterest(scope="subregion", name=name) for name in subregions]
            windows = availability if availability is not None else ((start, start + timedelta(days=60)),)
            profile.availability = [AvailabilityWindow(starts_on=a, ends_on=b) for a, b in windows]
            profile.languages = [ProfileLanguage(language=code, level=level) for code, level in languages]
        for name, value in fields.items():
            setattr(profile, name, value)
        self.session.add(profile)
        self.session.commit()
        return profile

    def application(
        self,
        applicant: User,
        opportunity: Opportunity | None = None,
        *,
        rank: int | None = None,
        **fields: Any,
    ) -> Application:
        """An application at the end of the applicant's list, unless a rank is given."""
        if rank is None:
            ranks = self.session.scalars(
                select(Application.rank).where(Application.applicant_id == applicant.id)
            )
            rank = max(ranks, default=0) + 1
        application = Application(
            applicant_id=applicant.id, opportunity=opportunity or self.opportunity(), rank=rank, **fields
        )
        self.session.add(application)
        self.session.commit()
        return application

    def match(
        self,
        applicant: User,
        opportunity: Opportunity,
        status: str,
        *,
        run: MatchRun | None = None,
        **fields: Any,
    ) -> Match:
        """A match in `run`, or in the one run of a new ranked round; places are not counted here."""
        if run is None:
            match_round = MatchRound(name=f"Round {next(_counter)}", mode="ranked", scope={})
            run = MatchRun(
                round=match_round, number=1, algorithm_version="test", seed=1, inputs_hash="0" * 64
            )
        match = Match(
            run=run, applicant_id=applicant.id, opportunity_id=opportunity.id, status=status, **fields
        )
        self.session.add(match)
        self.session.commit()
        return match
