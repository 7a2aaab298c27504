"""Before departure: country rule packs, each traveller's trip and checklist, its documents, and
travel advisories.

A `Trip` is one traveller going to one opportunity: an accepted placement (`match_id`) or an
accepted place in a teaching team (`team_member_id`), exactly one of the two. Its `TripItem` rows
are the checklist, built from the country's `CountryRule` rows (shipped as rule packs under
matcher/reference/country_rules/, editable by coordinators), the opportunity's own requirements
and the host's tasks. Items that need proof take `TripDocument` uploads (stored outside the web
root under a random name). `TravelAdvisory` rows are imported advisory levels per country and
source; a rise to level 3 or 4 puts the trips there on hold (`Trip.hold_*`) until a coordinator
re-approves them with a reason.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, sql_in, utcnow
from matcher.translate import lazy_pgettext

if TYPE_CHECKING:
    from matcher.models.matching import Match
    from matcher.models.opportunity import Opportunity
    from matcher.models.reference import Country
    from matcher.models.teams import TeamMember
    from matcher.models.user import User


class RuleKind(StrEnum):
    """What a country rule asks of a visiting clinician."""

    LICENCE = "licence"  # temporary licence or registration with the country's council
    VISA = "visa"
    INDEMNITY = "indemnity"
    IMMUNISATION = "immunisation"  # e.g. a yellow-fever certificate
    INSURANCE = "insurance"  # travel (and medical evacuation) insurance
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(_RULE_KIND_LABELS[self])


_RULE_KIND_LABELS = {
    RuleKind.LICENCE: lazy_pgettext("rule kind", "licence or registration"),
    RuleKind.VISA: lazy_pgettext("rule kind", "visa"),
    RuleKind.INDEMNITY: lazy_pgettext("rule kind", "indemnity"),
    RuleKind.IMMUNISATION: lazy_pgettext("rule kind", "immunisation"),
    RuleKind.INSURANCE: lazy_pgettext("rule kind", "travel insurance"),
    RuleKind.OTHER: lazy_pgettext("rule kind", "other"),
}


class CountryPack(db.Model):
    """A country's rule pack as loaded: the file's date and digest, so a start-up check can tell a
    changed file from an unchanged one, and coordinators see where the rules came from."""

    __tablename__ = "country_packs"

    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"), primary_key=True)
    reviewed_on: Mapped[date] = mapped_column(Date)  # the pack's own date (when its rules were checked)
    digest: Mapped[str] = mapped_column(String(64), default="")  # sha256 of the file last loaded
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str] = mapped_column(Text, default="")

    country: Mapped[Country] = relationship()
    rules: Mapped[list[CountryRule]] = relationship(
        back_populates="pack", order_by="CountryRule.position", cascade="all, delete-orphan"
    )


class CountryRule(db.Model):
    """One requirement of a country for visiting clinicians, with its source and the date it was
    checked. `edited_by_id` set: a coordinator changed it in the app, and loading the pack again
    leaves it as they made it. `lead_days`: the item is due this many days before the start."""

    __tablename__ = "country_rules"
    __table_args__ = (
        UniqueConstraint("country_code", "code"),
        CheckConstraint(f"kind IN {sql_in(RuleKind)}", name="kind_known"),
        CheckConstraint("lead_days >= 0 AND lead_days <= 365", name="lead_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(
        ForeignKey("country_packs.country_code", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(60))  # unique in its country, e.g. "kmpdc-temporary-licence"
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    authority: Mapped[str] = mapped_column(String(200), default="")  # who issues it, e.g. the medical council
    source_url: Mapped[str] = mapped_column(String(500))
    source_date: Mapped[date] = mapped_column(Date)  # when the source was read
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_proof: Mapped[bool] = mapped_column(Boolean, default=True)
    lead_days: Mapped[int] = mapped_column(default=30)
    # What the visa or licence costs, where the pack says (services.costs adds it to an estimate).
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    # Profession codes the rule applies to; empty: everyone (a licence is for clinicians only).
    professions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    position: Mapped[int] = mapped_column(default=0)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime | None] = mapped_column()

    pack: Mapped[CountryPack] = relationship(back_populates="rules")

    @property
    def kind_enum(self) -> RuleKind:
        return RuleKind(self.kind)


class Trip(db.Model):
    """One traveller going to one opportunity: an accepted placement or a team place."""

    __tablename__ = "trips"
    __table_args__ = (
        CheckConstraint("(match_id IS NULL) <> (team_member_id IS NULL)", name="one_subject"),
        CheckConstraint("hold_level IS NULL OR hold_level BETWEEN 1 AND 4", name="hold_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), unique=True)
    team_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("teaching_team_members.id", ondelete="CASCADE"), unique=True
    )
    # Emergency contact and travel insurance: the host's members and coordinators see them, no one else.
    emergency_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_relation: Mapped[str] = mapped_column(String(60), default="")
    emergency_phone: Mapped[str] = mapped_column(String(40), default="")
    insurer: Mapped[str] = mapped_column(String(120), default="")
    policy_number: Mapped[str] = mapped_column(String(80), default="")
    insurance_phone: Mapped[str] = mapped_column(String(40), default="")
    insurance_expires_on: Mapped[date | None] = mapped_column(Date)
    # When every mandatory item was last verified (None while not cleared to travel).
    cleared_at: Mapped[datetime | None] = mapped_column()
    # A travel advisory at level 3 or 4 put the trip on hold until a coordinator re-approves it.
    hold_level: Mapped[int | None] = mapped_column()
    hold_since: Mapped[datetime | None] = mapped_column()
    hold_advisory_id: Mapped[int | None] = mapped_column(
        ForeignKey("travel_advisories.id", ondelete="SET NULL")
    )
    released_at: Mapped[datetime | None] = mapped_column()
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    release_reason: Mapped[str] = mapped_column(Text, default="")
    # When the documents were deleted after the trip (retention), None until then.
    documents_purged_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    opportunity: Mapped[Opportunity] = relationship()
    match: Mapped[Match | None] = relationship()
    team_member: Mapped[TeamMember | None] = relationship()
    items: Mapped[list[TripItem]] = relationship(
        back_populates="trip", order_by="(TripItem.due_on, TripItem.position)", cascade="all, delete-orphan"
    )

    @property
    def on_hold(self) -> bool:
        return self.hold_level is not None and self.released_at is None


class ItemStatus(StrEnum):
    TO_DO = "to_do"
    SUBMITTED = "submitted"  # the traveller (or host, for a host task) says it is done, with proof if asked
    VERIFIED = "verified"  # a host member or coordinator checked it
    NOT_NEEDED = "not_needed"  # a host member or coordinator decided it does not apply

    @property
    def label(self) -> str:
        return str(_ITEM_STATUS_LABELS[self])


_ITEM_STATUS_LABELS = {
    ItemStatus.TO_DO: lazy_pgettext("checklist item", "to do"),
    ItemStatus.SUBMITTED: lazy_pgettext("checklist item", "submitted"),
    ItemStatus.VERIFIED: lazy_pgettext("checklist item", "verified"),
    ItemStatus.NOT_NEEDED: lazy_pgettext("checklist item", "not needed"),
}

# An item in these counts as done for "cleared to travel".
DONE = (ItemStatus.VERIFIED, ItemStatus.NOT_NEEDED)


class ItemSource(StrEnum):
    COUNTRY = "country"  # a CountryRule of the opportunity's country
    OPPORTUNITY = "opportunity"  # the opportunity's own requirements (its needs_* flags)
    HOST = "host"  # the host's tasks: invitation letter, named supervisor, accommodation


class ItemOwner(StrEnum):
    TRAVELLER = "traveller"  # the traveller does it (and uploads the proof)
    HOST = "host"  # the host's members do it


class TripItem(db.Model):
    """One checklist item of a trip, due `due_on` (counted back from the start date)."""

    __tablename__ = "trip_items"
    __table_args__ = (
        UniqueConstraint("trip_id", "code"),
        CheckConstraint(f"status IN {sql_in(ItemStatus)}", name="status_known"),
        CheckConstraint(f"source IN {sql_in(ItemSource)}", name="source_known"),
        CheckConstraint(f"owner IN {sql_in(ItemOwner)}", name="owner_known"),
        Index("ix_trip_items_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    # Unique in the trip: "country:<rule code>", "opportunity:visa", "host:letter"...
    code: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(12))
    owner: Mapped[str] = mapped_column(String(10), default=ItemOwner.TRAVELLER)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("country_rules.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default=RuleKind.OTHER)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_proof: Mapped[bool] = mapped_column(Boolean, default=False)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ItemStatus.TO_DO)
    # The reviewer's words (why it is not needed, what is missing).
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    trip: Mapped[Trip] = relationship(back_populates="items")
    documents: Mapped[list[TripDocument]] = relationship(
        back_populates="item", order_by="TripDocument.uploaded_at", cascade="all, delete-orphan"
    )

    @property
    def status_enum(self) -> ItemStatus:
        return ItemStatus(self.status)


class TripDocument(db.Model):
    """An uploaded proof for a checklist item: PDF, JPEG or PNG, stored outside the web root under
    `stored_name` (random), served only as an attachment to the traveller, the host's members
    and coordinators."""

    __tablename__ = "trip_documents"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("trip_items.id", ondelete="CASCADE"), index=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # The uploader's name for the file: shown, never used as a path.
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))  # application/pdf, image/jpeg or image/png
    size: Mapped[int] = mapped_column()
    expires_on: Mapped[date | None] = mapped_column(Date)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[TripItem] = relationship(back_populates="documents")


class AdvisorySource(StrEnum):
    MATCHER = "matcher"  # our own documented format (CSV or JSON)
    US_STATE = "us-state"  # the US State Department's travel advisories (levels 1-4)
    UK_FCDO = "uk-fcdo"  # the UK Foreign, Commonwealth & Development Office's travel advice


class TravelAdvisory(db.Model):
    """One advisory level for a country from one source, as imported (history kept: the newest
    of a country and source is its current one)."""

    __tablename__ = "travel_advisories"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        CheckConstraint(f"source IN {sql_in(AdvisorySource)}", name="source_known"),
        Index("ix_travel_advisories_current", "country_code", "source", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"))
    source: Mapped[str] = mapped_column(String(12))
    level: Mapped[int] = mapped_column()
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    issued_on: Mapped[date] = mapped_column(Date)  # the date the source gives for this advice
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    country: Mapped[Country] = relationship()
