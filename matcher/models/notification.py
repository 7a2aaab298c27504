"""What each person wants to hear about, and how often; digests waiting to be sent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.db import db, utcnow
from matcher.translate import lazy_gettext as _l


class Category(StrEnum):
    ACCOUNT = "account"  # verification, password, email changes: always sent, at once
    ORGANISATION = "organisation"  # verification decisions, applications to your opportunities
    MATCHING = "matching"  # receipts, answers, cancellations, hosts' news of their matches
    OFFERS = "offers"  # offers of a place, outcome letters, reply reminders: always sent, at once
    COORDINATION = "coordination"  # rounds that finished, organisations awaiting verification
    ALERTS = "alerts"  # new opportunities matching your interests (digests only)

    @property
    def label(self) -> str:
        """The category's name in the reader's language (the recipient's, in an email)."""
        return str(CATEGORY_LABELS[self])


CATEGORY_LABELS = {
    Category.ACCOUNT: _l("Account and security"),
    Category.ORGANISATION: _l("Your organisation and applications to its opportunities"),
    Category.MATCHING: _l("Matches and placements"),
    Category.OFFERS: _l("Offers of a place, outcome letters after a round, and reminders to reply"),
    Category.COORDINATION: _l("Coordination: rounds and organisations to verify"),
    Category.ALERTS: _l("New opportunities that match your interests"),
}
ESSENTIAL = frozenset({Category.ACCOUNT, Category.OFFERS})
# An essential email's unsubscribe link changes this optional category instead (never its own).
UNSUBSCRIBE_INSTEAD = {Category.OFFERS: Category.MATCHING}


class Frequency(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def label(self) -> str:
        """How often, as the settings page offers it, in the reader's language."""
        return str(FREQUENCY_LABELS[self])


FREQUENCY_LABELS = {
    Frequency.IMMEDIATE: _l("Right away"),
    Frequency.DAILY: _l("In a daily summary"),
    Frequency.WEEKLY: _l("In a weekly summary"),
    Frequency.OFF: _l("Never"),
}


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "category"),
        CheckConstraint("frequency IN ('immediate', 'daily', 'weekly', 'off')", name="frequency_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(10))


class DigestItem(db.Model):
    """One line waiting for the recipient's next daily or weekly digest."""

    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    digested_at: Mapped[datetime | None] = mapped_column(index=True)


class SentOnce(db.Model):
    """Keys of notifications that must go out at most once (a digest period, a reminder)."""

    __tablename__ = "sent_once"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
