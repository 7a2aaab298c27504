"""Factories for test data, creating rows in the test's session."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    Interest,
    Membership,
    MembershipRole,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    Organisation,
    Role,
    User,
)
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
