"""Applications: an applicant's ranked interest in up to ten opportunities."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow

if TYPE_CHECKING:
    from matcher.models.opportunity import Opportunity
    from matcher.models.user import User

MAX_APPLICATIONS = 10


class Application(db.Model):
    """`rank` is the applicant's order (1 = first choice); `host_rank` the organisation's, if it set one.

    The two unique constraints on ranks and the CHECK on `rank` make the database itself refuse an
    eleventh application or two applications at the same rank, even under concurrent requests.
    """

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("applicant_id", "opportunity_id"),
        UniqueConstraint("applicant_id", "rank"),
        UniqueConstraint("opportunity_id", "host_rank"),
        CheckConstraint(f"rank >= 1 AND rank <= {MAX_APPLICATIONS}", name="rank_in_range"),
        CheckConstraint("host_rank IS NULL OR host_rank >= 1", name="host_rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    motivation: Mapped[str] = mapped_column(Text, default="")
    host_rank: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    applicant: Mapped[User] = relationship()
    opportunity: Mapped[Opportunity] = relationship()

    def deadline_passed(self, today: date) -> bool:
        """After the opportunity's deadline its place in the applicant's list is fixed."""
        deadline = self.opportunity.deadline
        return deadline is not None and today > deadline

    def __repr__(self) -> str:
        return f"<Application {self.id} user {self.applicant_id} -> {self.opportunity_id} #{self.rank}>"


class Withdrawal(db.Model):
    """An application its applicant withdrew: the row is gone from the ranked list, this says when.

    "My applications" shows it as withdrawn until the applicant applies to the opportunity again
    (applying deletes it), so nobody wonders where an application went.
    """

    __tablename__ = "withdrawals"
    __table_args__ = (UniqueConstraint("applicant_id", "opportunity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    opportunity: Mapped[Opportunity] = relationship()

    def __repr__(self) -> str:
        return f"<Withdrawal user {self.applicant_id} -> {self.opportunity_id}>"
