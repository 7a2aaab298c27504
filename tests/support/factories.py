"""Factories for test data, creating rows in the test's session."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import Membership, MembershipRole, Organisation, Role, User
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
