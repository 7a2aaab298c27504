"""Webhooks: an organisation's HTTPS endpoints, the events queued for them (an outbox), and each try."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow

if TYPE_CHECKING:
    from matcher.models.organisation import Organisation


class WebhookEvent(StrEnum):
    APPLICATION_CREATED = "application.created"
    APPLICATION_WITHDRAWN = "application.withdrawn"
    MATCH_PUBLISHED = "match.published"
    MATCH_ACCEPTED = "match.accepted"
    MATCH_DECLINED = "match.declined"
    OPPORTUNITY_PUBLISHED = "opportunity.published"
    PING = "ping"  # the "send a test ping" button; every endpoint takes it


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try, or for a retry at next_attempt_at
    SENT = "sent"  # the receiver answered 2xx
    DEAD = "dead"  # retries exhausted, or the endpoint was disabled or removed


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (CheckConstraint("consecutive_failures >= 0", name="failures_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    # Kept as given (shown once, at creation): the receiver needs the same bytes to check signatures.
    secret: Mapped[str] = mapped_column(String(80))
    events: Mapped[str] = mapped_column(String(300))  # event names, space-separated
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    disabled_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def event_names(self) -> list[str]:
        return self.events.split()

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(db.Model):
    """One event for one endpoint, written in the transaction of the change that causes it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'dead')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)  # the receiver's key to drop repeats
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    endpoint: Mapped[WebhookEndpoint] = relationship()


class WebhookAttempt(db.Model):
    """The delivery log: each try, with the receiver's status code or the error, and how long it took."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_endpoint_at", "endpoint_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(300))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)

    delivery: Mapped[WebhookDelivery] = relationship()
