"""Organisations and the people who act for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow
from matcher.models.opportunity import CONTENT_LANGUAGES_SQL

if TYPE_CHECKING:
    from matcher.models.reference import Country
    from matcher.models.user import User


class MembershipRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


organisation_countries = Table(
    "organisation_countries",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("country_code", ForeignKey("countries.iso2"), primary_key=True),
)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(f"written_in IN {CONTENT_LANGUAGES_SQL}", name="written_in_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    # A verified organisation's new name, shown once a coordinator approves it: the badge vouches
    # for the name that was checked.
    pending_name: Mapped[str | None] = mapped_column(String(160))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The language the description is written in (see Opportunity.written_in).
    written_in: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    website: Mapped[str | None] = mapped_column(String(300))
    social_handle: Mapped[str | None] = mapped_column(String(100))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    country: Mapped[Country | None] = relationship()
    countries: Mapped[list[Country]] = relationship(secondary=organisation_countries, order_by="Country.name")
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class OrganisationInvite(db.Model):
    """An emailed invitation to join an organisation; the signed link works once."""

    __tablename__ = "organisation_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()


class Membership(db.Model):
    """A user acting for an organisation; a claim on an existing one waits for approval."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id"),
        CheckConstraint("role IN ('owner', 'member')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=MembershipRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
