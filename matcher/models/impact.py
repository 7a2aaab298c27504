"""After the visit (issue 22): what each visit taught, the host's local learners and their
milestones, completions and certificates, feedback from three sides.

A *visit* is an `Opportunity` (an elective or a teaching visit) once it has started; its
*visitors* are the people with an accepted or completed placement (`Match`) on it, or an
accepted place in its team (`TeamMember`). Everything here is keyed on the visit and, where it
concerns one visitor, on (visit, user).

- `LogEntry`: one session a visitor recorded: a procedure (by taxonomy entry, with the local
  learner's role and how many cases), a lecture or a simulation session. Counts and categories
  only: never a patient identifier. A host member confirms it (`confirmed_at`); a confirmed entry
  is locked and is the only kind that reports count.
- `LocalLearner` and `Milestone`: the host's own IR learners at a site, and each one's first
  supervised and first independent case per procedure (from confirmed log entries, or entered by
  the host for cases before the platform).
- `VisitCompletion`: the host confirmed that a visitor completed the visit; its random
  `certificate_code` lets anyone check a printed certificate.
- `VisitFeedback`: the visitor on the placement (`side` visitor) and the host on the visitor
  (`side` host), one each per (visit, visitor); double-blind (services.impact.feedback).
- `LearnerLink` and `LearnerResponse`: anonymous feedback from local learners, one response per
  link. A response does not name its link: the link only records that it was used.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
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
    from matcher.models.opportunity import Opportunity
    from matcher.models.teaching import Procedure, Site
    from matcher.models.user import User


class SessionKind(StrEnum):
    PROCEDURE = "procedure"  # a procedure performed with local learners
    LECTURE = "lecture"
    SIMULATION = "simulation"

    @property
    def label(self) -> str:
        return str(_SESSION_KIND_LABELS[self])


class LearnerRole(StrEnum):
    """What the local learner did in a procedure, from least to most autonomy."""

    OBSERVED = "observed"
    ASSISTED = "assisted"
    SUPERVISED = "supervised"  # performed it under supervision
    INDEPENDENT = "independent"  # performed it independently

    @property
    def label(self) -> str:
        return str(_LEARNER_ROLE_LABELS[self])


class MilestoneKind(StrEnum):
    FIRST_SUPERVISED = "first_supervised"
    FIRST_INDEPENDENT = "first_independent"

    @property
    def label(self) -> str:
        return str(_MILESTONE_LABELS[self])


class FeedbackSide(StrEnum):
    VISITOR = "visitor"  # the visitor on the placement
    HOST = "host"  # the host on the visitor

    @property
    def label(self) -> str:
        return str(_SIDE_LABELS[self])


_SESSION_KIND_LABELS = {
    SessionKind.PROCEDURE: lazy_pgettext("logbook session", "procedure"),
    SessionKind.LECTURE: lazy_pgettext("logbook session", "lecture"),
    SessionKind.SIMULATION: lazy_pgettext("logbook session", "simulation session"),
}
_LEARNER_ROLE_LABELS = {
    LearnerRole.OBSERVED: lazy_pgettext("local learner's role", "observed"),
    LearnerRole.ASSISTED: lazy_pgettext("local learner's role", "assisted"),
    LearnerRole.SUPERVISED: lazy_pgettext("local learner's role", "performed under supervision"),
    LearnerRole.INDEPENDENT: lazy_pgettext("local learner's role", "performed independently"),
}
_MILESTONE_LABELS = {
    MilestoneKind.FIRST_SUPERVISED: lazy_pgettext("milestone", "first supervised case"),
    MilestoneKind.FIRST_INDEPENDENT: lazy_pgettext("milestone", "first independent case"),
}
_SIDE_LABELS = {
    FeedbackSide.VISITOR: lazy_pgettext("feedback side", "the visitor on the placement"),
    FeedbackSide.HOST: lazy_pgettext("feedback side", "the host on the visitor"),
}
# The milestone a learner reaches with a role in a confirmed procedure entry.
MILESTONE_FOR_ROLE = {
    LearnerRole.SUPERVISED: MilestoneKind.FIRST_SUPERVISED,
    LearnerRole.INDEPENDENT: MilestoneKind.FIRST_INDEPENDENT,
}
# Limits the database keeps (the forms say them in words).
MAX_CASES = 200  # cases of one procedure in one entry
MAX_PRESENT = 500  # local learners present at one session
FEEDBACK_WINDOW_DAYS = 30  # after the visit ends, each side's feedback shows to the other anyway


class LocalLearner(db.Model):
    """One of a host's own IR learners at a site: a name or initials and a level, nothing more."""

    __tablename__ = "local_learners"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # a name or initials, as the host writes it
    level: Mapped[str] = mapped_column(String(30), default="")  # a services.sites.LEARNER_LEVELS code
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="learner", cascade="all, delete-orphan", order_by="Milestone.achieved_on"
    )

    def __repr__(self) -> str:
        return f"<LocalLearner {self.id} site={self.site_id}>"


class LogEntry(db.Model):
    """One session of a visit's logbook. Counts and categories only."""

    __tablename__ = "visit_log_entries"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(SessionKind)}", name="kind_known"),
        CheckConstraint(f"learner_role IS NULL OR learner_role IN {sql_in(LearnerRole)}", name="role_known"),
        CheckConstraint(
            "kind <> 'procedure' OR (procedure_id IS NOT NULL AND learner_role IS NOT NULL)",
            name="procedure_has_role",
        ),
        CheckConstraint(
            "kind = 'procedure' OR (learner_role IS NULL AND local_learner_id IS NULL)",
            name="session_has_no_role",
        ),
        CheckConstraint(f"cases >= 1 AND cases <= {MAX_CASES}", name="cases_range"),
        CheckConstraint(f"learners_present >= 0 AND learners_present <= {MAX_PRESENT}", name="present_range"),
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 24)", name="hours_range"),
        Index("ix_visit_log_entries_visit_confirmed", "visit_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    # Procedures: the taxonomy entry (required); lectures and simulation: optional, the subject.
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"), index=True)
    learner_role: Mapped[str | None] = mapped_column(String(12))
    cases: Mapped[int] = mapped_column(default=1)  # procedures: how many; sessions: 1
    learners_present: Mapped[int] = mapped_column(default=0)
    hours: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))  # lectures and simulation
    topic: Mapped[str] = mapped_column(String(200), default="")  # lectures and simulation: the subject
    # Procedures: the registered local learner who had `learner_role` (optional; milestones come from it).
    local_learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_learners.id", ondelete="SET NULL"), index=True
    )
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    visit: Mapped[Opportunity] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    procedure: Mapped[Procedure | None] = relationship()
    local_learner: Mapped[LocalLearner | None] = relationship()

    @property
    def kind_enum(self) -> SessionKind:
        return SessionKind(self.kind)

    @property
    def role_enum(self) -> LearnerRole | None:
        return LearnerRole(self.learner_role) if self.learner_role else None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class Milestone(db.Model):
    """A local learner's first supervised or first independent case of a procedure."""

    __tablename__ = "local_learner_milestones"
    __table_args__ = (
        UniqueConstraint("learner_id", "procedure_id", "kind"),
        CheckConstraint(f"kind IN {sql_in(MilestoneKind)}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("local_learners.id", ondelete="CASCADE"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    achieved_on: Mapped[date] = mapped_column(Date)
    # From a confirmed log entry (its visit and entry), or entered by the host (both None).
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), index=True
    )
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("visit_log_entries.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    learner: Mapped[LocalLearner] = relationship(back_populates="milestones")
    procedure: Mapped[Procedure] = relationship()
    visit: Mapped[Opportunity | None] = relationship()

    @property
    def kind_enum(self) -> MilestoneKind:
        return MilestoneKind(self.kind)


class VisitCompletion(db.Model):
    """The host confirmed that a visitor completed the visit: the certificate's ground."""

    __tablename__ = "visit_completions"
    __table_args__ = (UniqueConstraint("visit_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Random and public: /certificates/<code> tells anyone that the certificate is genuine.
    certificate_code: Mapped[str] = mapped_column(String(32), unique=True)

    visit: Mapped[Opportunity] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class VisitFeedback(db.Model):
    """One side's feedback on one visitor's visit: the visitor on the placement, or the host on
    the visitor. Shown to the other side only once both have written or the window has closed."""

    __tablename__ = "visit_feedback"
    __table_args__ = (
        UniqueConstraint("visit_id", "visitor_id", "side"),
        CheckConstraint(f"side IN {sql_in(FeedbackSide)}", name="side_known"),
        CheckConstraint("rating >= 1 AND rating <= 5", name="rating_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int]
    comments: Mapped[str] = mapped_column(Text, default="")
    # Visitor: would recommend the placement; host: would welcome the visitor again.
    would_return: Mapped[bool | None] = mapped_column(Boolean)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit: Mapped[Opportunity] = relationship()
    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def side_enum(self) -> FeedbackSide:
        return FeedbackSide(self.side)


class LearnerLink(db.Model):
    """A link a host hands to one local learner: anyone holding it may answer once, with no
    account. Only the token's sha256 is kept; the response it gave is not tied to it."""

    __tablename__ = "learner_feedback_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[date] = mapped_column(Date)
    used_at: Mapped[datetime | None]
    # The day the hosts withdrew it (their last day then becomes the day before); None otherwise.
    withdrawn_on: Mapped[date | None] = mapped_column(Date)

    visit: Mapped[Opportunity] = relationship()


class LearnerResponse(db.Model):
    """A local learner's anonymous answer on a visit's teaching (the day only, no link, no account)."""

    __tablename__ = "learner_feedback"
    __table_args__ = (
        CheckConstraint("usefulness >= 1 AND usefulness <= 5", name="usefulness_in_range"),
        CheckConstraint(
            "confidence IS NULL OR (confidence >= 1 AND confidence <= 5)", name="confidence_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    usefulness: Mapped[int]  # how useful the teaching was, 1-5
    confidence: Mapped[int | None]  # how much more confident they feel doing the procedures, 1-5
    helped: Mapped[str] = mapped_column(Text, default="")  # what helped most
    improve: Mapped[str] = mapped_column(Text, default="")  # what could be better
    answered_on: Mapped[date] = mapped_column(Date)

    visit: Mapped[Opportunity] = relationship()
