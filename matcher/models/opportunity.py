"""Opportunities: electives, observerships, teaching visits, research, fieldwork, fellowships and courses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, sql_in, utcnow
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext

if TYPE_CHECKING:
    from matcher.models.organisation import Organisation
    from matcher.models.reference import Country, Interest
    from matcher.models.teaching import Site, TeachingRequest


class OpportunityType(StrEnum):
    CLINICAL_ELECTIVE = "clinical_elective"
    OBSERVERSHIP = "observership"
    TEACHING_VISIT = "teaching_visit"
    RESEARCH = "research"
    FIELDWORK = "fieldwork"
    # Issue 23: places that often run the other way, at partner hospitals in high-income countries
    # for trainees from low- and middle-income ones (observerships exist already).
    FELLOWSHIP = "fellowship"
    COURSE = "course"

    @property
    def label(self) -> str:
        """The kind in the reader's language: "Clinical elective"."""
        return str(_TYPE_LABELS[self])


class OpportunityStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        """The word on the status badge: a published opportunity is open to applicants."""
        return str(_STATUS_LABELS[self])


class LanguageLevel(StrEnum):
    """CEFR-like levels, in order."""

    BASIC = "basic"
    CONVERSATIONAL = "conversational"
    PROFESSIONAL = "professional"

    @property
    def rank(self) -> int:
        return list(LanguageLevel).index(self) + 1

    @property
    def label(self) -> str:
        """The level in the reader's language: "Conversational"."""
        return str(_LEVEL_LABELS[self])


# The words people read for each code (the codes stay in the database and the API).
_TYPE_LABELS = {
    OpportunityType.CLINICAL_ELECTIVE: _l("Clinical elective"),
    OpportunityType.OBSERVERSHIP: _l("Observership"),
    OpportunityType.TEACHING_VISIT: _l("Teaching visit"),
    OpportunityType.RESEARCH: _l("Research"),
    OpportunityType.FIELDWORK: _l("Fieldwork"),
    OpportunityType.FELLOWSHIP: _l("Fellowship"),
    OpportunityType.COURSE: lazy_pgettext("a kind of opportunity", "Course"),
}
_STATUS_LABELS = {
    OpportunityStatus.DRAFT: _l("draft"),
    OpportunityStatus.PUBLISHED: _l("open"),
    OpportunityStatus.CLOSED: _l("closed"),
    OpportunityStatus.ARCHIVED: _l("archived"),
}
_LEVEL_LABELS = {
    LanguageLevel.BASIC: _l("Basic"),
    LanguageLevel.CONVERSATIONAL: _l("Conversational"),
    LanguageLevel.PROFESSIONAL: _l("Professional"),
}


# The languages content can be written in: the interface's (matcher.i18n.LANGUAGES). A new one
# needs a migration that widens the `written_in_known` checks.
CONTENT_LANGUAGES = ("en", "fr", "pt", "es")
CONTENT_LANGUAGES_SQL = "(" + ", ".join(f"'{code}'" for code in CONTENT_LANGUAGES) + ")"


opportunity_interests = Table(
    "opportunity_interests",
    db.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("interest_id", ForeignKey("interests.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class OpportunityFacts:
    """What is derived from an opportunity's columns, for the model and for the rows lists read
    instead of it (services.listing, services.organisation_pages): `type`, `capacity` and
    `places_filled` come from the class that mixes this in."""

    __slots__ = ()

    @property
    def type_enum(self) -> OpportunityType:
        return OpportunityType(self.type)

    @property
    def places_left(self) -> int:
        return self.capacity - self.places_filled


class Opportunity(OpportunityFacts, db.Model):
    __tablename__ = "opportunities"
    __table_args__ = (
        CheckConstraint(f"type IN {sql_in(OpportunityType)}", name="type_known"),
        CheckConstraint(f"status IN {sql_in(OpportunityStatus)}", name="status_known"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("places_filled >= 0 AND places_filled <= capacity", name="places_within_capacity"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("level_min <= level_max", name="level_range_ordered"),
        CheckConstraint("deadline IS NULL OR deadline <= starts_on", name="deadline_before_start"),
        CheckConstraint("min_weeks IS NULL OR min_weeks >= 1", name="min_weeks_positive"),
        CheckConstraint("fee_amount IS NULL OR fee_amount >= 0", name="fee_not_negative"),
        CheckConstraint(f"written_in IN {CONTENT_LANGUAGES_SQL}", name="written_in_known"),
        Index("ix_opportunities_search", "status", "starts_on"),
        Index("ix_opportunities_levels", "level_min", "level_max"),
        # Counting the public listing reads this index only, not the (wide) rows.
        Index("ix_opportunities_status_organisation", "status", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(30))
    host_institution: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"), index=True)
    # Training levels as ranks of TrainingLevel, so "accepts this level" is a range test.
    level_min: Mapped[int] = mapped_column(ForeignKey("training_levels.rank"))
    level_max: Mapped[int] = mapped_column(ForeignKey("training_levels.rank"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Flexible: any stretch of at least min_weeks inside [starts_on, ends_on].
    flexible: Mapped[bool] = mapped_column(Boolean, default=False)
    min_weeks: Mapped[int | None]
    capacity: Mapped[int]
    places_filled: Mapped[int] = mapped_column(default=0)
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    accommodation_provided: Mapped[bool] = mapped_column(Boolean, default=False)
    stipend_provided: Mapped[bool] = mapped_column(Boolean, default=False)
    # What a stay costs when accommodation is not provided, in the fee's currency (services.costs).
    accommodation_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # The host waives its fee for trainees from low- and middle-income countries, or offers a
    # travel grant: above all for the places that run the other way (services.costs.runs_the_other_way).
    fee_waiver: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    travel_grant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deadline: Mapped[date | None] = mapped_column(index=True)
    requirements: Mapped[str] = mapped_column(Text, default="")
    # The language the host wrote the title, description and requirements in: content is never
    # translated by the app; readers of another language see "Written in ..." (README, "Languages").
    written_in: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Optional short summaries the host wrote in other languages, by language code: {"fr": "..."}.
    summaries: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    needs_visa: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_temporary_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_indemnity: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_immunisations: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(12), default=OpportunityStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The one-time token of the "new opportunity" form that created it: the same form sent again
    # (Back, then "Save as draft") finds this row instead of making a second one.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    # A teaching visit's site and the teaching request it answers (None for other kinds).
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"), index=True)
    teaching_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("teaching_requests.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation] = relationship()
    country: Mapped[Country] = relationship()
    site: Mapped[Site | None] = relationship()
    teaching_request: Mapped[TeachingRequest | None] = relationship()
    interests: Mapped[list[Interest]] = relationship(
        secondary=opportunity_interests, order_by="Interest.position"
    )
    languages: Mapped[list[OpportunityLanguage]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityLanguage.language"
    )

    def __repr__(self) -> str:
        return f"<Opportunity {self.id} {self.title!r} {self.status}>"


# Sorted by deadline ("deadline IS NULL, deadline, starts_on", as services.search orders it): the
# first page is read from this index instead of sorting every published opportunity.
Index(
    "ix_opportunities_deadline_order",
    Opportunity.status,
    Opportunity.deadline.is_(None),
    Opportunity.deadline,
    Opportunity.starts_on,
)


def _only_by_migration(ddl, target, bind, **kw) -> bool:
    """Never from `create_all` (the tests): the index needs the pg_trgm extension, which lives in
    one schema per database, and the tests' private schemas (dumped alone by the backup drill)
    must not depend on another. Migration 0008 creates the extension and the indexes."""
    return False


# Free text (services.search: lower(title) LIKE '%word%' OR lower(description) LIKE ...): trigram
# indexes turn it into index scans on PostgreSQL and give the planner statistics on both
# expressions. PostgreSQL only; on SQLite the search reads every row, which is fine at its scale.
# Declared here so that Alembic compares them with the migration on PostgreSQL.
for _column in ("title", "description"):
    Index(
        f"ix_opportunities_{_column}_trgm",
        func.lower(Opportunity.__table__.c[_column]).label(f"{_column}_lower"),
        postgresql_using="gin",
        postgresql_ops={f"{_column}_lower": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql", callable_=_only_by_migration)


class OpportunityLanguage(db.Model):
    """A language the opportunity requires, at a minimum level."""

    __tablename__ = "opportunity_languages"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "language"),
        CheckConstraint(f"level IN {sql_in(LanguageLevel)}", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(3), index=True)  # ISO 639-1
    level: Mapped[str] = mapped_column(String(20))

    opportunity: Mapped[Opportunity] = relationship(back_populates="languages")
