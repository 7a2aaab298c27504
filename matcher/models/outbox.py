"""The outbox: every email, written in the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matcher.db import db, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try, or for a retry after a temporary failure
    SENT = "sent"
    FAILED = "failed"  # the last try failed temporarily; retried at next_attempt_at
    DEAD = "dead"  # permanent failure or retries exhausted; an admin may retry it
    SKIPPED = "skipped"  # the recipient turned this kind of email off before it was sent


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'dead', 'skipped')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # One-click unsubscribe (RFC 8058) for non-essential mail; None for account and security mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status}>"


class OutboxJob(db.Model):
    """Many emails to write later, recorded in the transaction of the change that causes them.

    Publishing a round of 10,000 matches must not render 20,000 emails inside the request: it
    adds one job, and the mail worker expands it into outbox rows in chunks, each chunk committed
    with the job's progress, so every email is written exactly once.
    """

    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(default=0)  # the last id handled, for resuming
    # Rows that could not be written (logged each time), so that they never hold back the rest.
    skipped: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(index=True)
