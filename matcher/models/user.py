"""Accounts and roles."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel.speaklater import LazyString
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow
from matcher.translate import lazy_gettext as _l

if TYPE_CHECKING:
    from matcher.models.organisation import Membership
    from matcher.models.teaching import Profession


class Role(StrEnum):
    STUDENT = "student"
    TRAINEE = "trainee"
    # IR physicians, nurses, radiographers and the other professions (User.profession says which).
    PROFESSIONAL = "professional"
    ORG_MEMBER = "org_member"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name in the reader's language."""
        return str(ROLE_LABELS[self])

    @property
    def lazy_label(self) -> LazyString:
        """The name for text built once (a form's choices): worded each time it is shown."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STUDENT: _l("Medical student"),
    Role.TRAINEE: _l("Trainee"),
    Role.PROFESSIONAL: _l("IR professional"),
    Role.ORG_MEMBER: _l("Organisation contact"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}
APPLICANT_ROLES = frozenset({Role.STUDENT, Role.TRAINEE, Role.PROFESSIONAL})


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('student', 'trainee', 'professional', 'org_member', 'coordinator', 'admin')",
            name="role_known",
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (enforced by a CHECK), so the unique constraint ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Changes on logout and password change: every cookie carrying the old one stops working.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # The secret in the link to the user's calendar feed: random, so it says nothing about the account,
    # and kept apart from the password, so only "make a new link" revokes it.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # An IANA zone name (e.g. "Africa/Dar_es_Salaam"): timestamps are shown in it.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # A language code from matcher.i18n.LANGUAGES (e.g. "fr"); None: the cookie or the browser decides.
    locale: Mapped[str | None] = mapped_column(String(8))
    # What an applicant does (a Profession code: "medical-student", "ir-nurse"...); None for staff.
    profession_code: Mapped[str | None] = mapped_column(ForeignKey("professions.code"), index=True)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")
    profession: Mapped[Profession | None] = relationship()

    # Flask-Login protocol, written out rather than inherited from UserMixin so that
    # get_id returns the rotating session token instead of the primary key.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return True

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def renew_calendar_token(self) -> None:
        self.calendar_token = new_session_token()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_applicant(self) -> bool:
        return self.role_enum in APPLICANT_ROLES

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
