"""Applicant profiles: what a student or trainee offers and wants, in the engine's terms."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow
from matcher.models.opportunity import LanguageLevel

if TYPE_CHECKING:
    from matcher.models.reference import Country, Interest, TrainingLevel
    from matcher.models.teaching import Licence, ProcedureSkill
    from matcher.models.user import User

MAX_TEACHING_WEEKS = 52


class PlaceScope(StrEnum):
    """How wide a place of interest is: a UN M49 region or one of its sub-regions."""

    REGION = "region"
    SUBREGION = "subregion"


profile_interests = Table(
    "profile_interests",
    db.metadata,
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("interest_id", ForeignKey("interests.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# What a volunteer teacher can teach (trainees and consultants only).
profile_teaching_interests = Table(
    "profile_teaching_interests",
    db.metadata,
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("interest_id", ForeignKey("interests.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Profile(db.Model):
    """One per applicant. Every field may be empty while the profile is being filled in."""

    __tablename__ = "profiles"
    __table_args__ = (
        CheckConstraint(
            f"teaching_weeks IS NULL OR (teaching_weeks >= 1 AND teaching_weeks <= {MAX_TEACHING_WEEKS})",
            name="teaching_weeks_in_range",
        ),
        CheckConstraint("volunteers_to_teach OR teaching_weeks IS NULL", name="weeks_only_if_volunteer"),
        CheckConstraint("cv_size IS NULL OR cv_size > 0", name="cv_size_positive"),
        CheckConstraint("teaching_years IS NULL OR teaching_years >= 0", name="teaching_years_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # A TrainingLevel rank, the number the engine compares with an opportunity's level range.
    level_rank: Mapped[int | None] = mapped_column(ForeignKey("training_levels.rank"), index=True)
    institution: Mapped[str] = mapped_column(String(200), default="")
    home_country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"))
    statement: Mapped[str] = mapped_column(Text, default="")
    volunteers_to_teach: Mapped[bool] = mapped_column(Boolean, default=False)
    # Weeks a year the volunteer offers to teach on site: never proposed for more in one year.
    teaching_weeks: Mapped[int | None]
    # A grade of the user's profession when it has its own (Profession.grades), e.g. "nurse-specialist".
    grade: Mapped[str | None] = mapped_column(String(40))
    teaching_years: Mapped[int | None]
    teaching_experience: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Months (1-12) the volunteer can travel to teach, sorted; empty: not said.
    teaching_months: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    # Teaches remotely too (lectures, case reviews, mentorship), in the user's time zone.
    teaches_remotely: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Listed in the volunteer directory: only when the volunteer says so, never by default.
    directory_listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The CV: a random file name under UPLOAD_FOLDER, never the name the browser sent.
    cv_filename: Mapped[str | None] = mapped_column(String(64), unique=True)
    cv_original_name: Mapped[str | None] = mapped_column(String(200))
    cv_size: Mapped[int | None]
    cv_uploaded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    level: Mapped[TrainingLevel | None] = relationship()
    home_country: Mapped[Country | None] = relationship()
    interests: Mapped[list[Interest]] = relationship(
        secondary=profile_interests, order_by="Interest.position"
    )
    teaching_interests: Mapped[list[Interest]] = relationship(
        secondary=profile_teaching_interests, order_by="Interest.position"
    )
    places: Mapped[list[PlaceOfInterest]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="(PlaceOfInterest.scope, PlaceOfInterest.name)",
    )
    availability: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="AvailabilityWindow.starts_on"
    )
    languages: Mapped[list[ProfileLanguage]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileLanguage.language"
    )
    procedure_skills: Mapped[list[ProcedureSkill]] = relationship(
        back_populates="profile", cascade="all, delete-orphan"
    )
    licences: Mapped[list[Licence]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Licence.country_code"
    )

    @property
    def regions(self) -> list[str]:
        return [p.name for p in self.places if p.scope == PlaceScope.REGION]

    @property
    def subregions(self) -> list[str]:
        return [p.name for p in self.places if p.scope == PlaceScope.SUBREGION]

    @property
    def has_cv(self) -> bool:
        return self.cv_filename is not None

    def __repr__(self) -> str:
        return f"<Profile of user {self.user_id}>"


class PlaceOfInterest(db.Model):
    """A region or sub-region the applicant wants to go to, named as in Country.region/subregion."""

    __tablename__ = "profile_places"
    __table_args__ = (
        UniqueConstraint("profile_id", "scope", "name"),
        CheckConstraint("scope IN ('region', 'subregion')", name="scope_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(60), index=True)

    profile: Mapped[Profile] = relationship(back_populates="places")


class AvailabilityWindow(db.Model):
    """Dates the applicant can travel, both ends included; a profile's windows never overlap."""

    __tablename__ = "availability_windows"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    profile: Mapped[Profile] = relationship(back_populates="availability")

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ProfileLanguage(db.Model):
    """A language the applicant speaks (ISO 639-1), at a CEFR-like level."""

    __tablename__ = "profile_languages"
    __table_args__ = (
        UniqueConstraint("profile_id", "language"),
        CheckConstraint(
            "level IN (" + ", ".join(f"'{level.value}'" for level in LanguageLevel) + ")",
            name="level_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(3))
    level: Mapped[str] = mapped_column(String(20))
    # The volunteer can teach in this language (a language of instruction).
    instructs: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    profile: Mapped[Profile] = relationship(back_populates="languages")
