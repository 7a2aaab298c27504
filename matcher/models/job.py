"""Background jobs: our record of long work handed to the task queue, which the person who started it sees."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow

if TYPE_CHECKING:
    from matcher.models.user import User


class JobStatus(StrEnum):
    QUEUED = "queued"  # recorded and handed to the queue; no worker has taken it yet
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # the error is kept for staff; a coordinator may retry it


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# The database, not Python, keeps two jobs with one dedupe key from being active at once.
_ACTIVE_SQL = "status IN ('queued', 'running')"


class BackgroundJob(db.Model):
    __tablename__ = "background_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("progress_done >= 0", name="progress_not_negative"),
        Index(
            "uq_background_jobs_active_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_background_jobs_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))  # what the progress page calls it
    # Work on the same thing (a round) shares a key; at most one such job is queued or running.
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    progress_note: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str | None] = mapped_column(Text)  # for staff: what went wrong, in words
    result_url: Mapped[str | None] = mapped_column(String(500))  # a path on this site
    result_label: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(default=0)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # Refreshed with each progress step: a running job silent for long had its worker die.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    started_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def __repr__(self) -> str:
        return f"<BackgroundJob {self.id} {self.kind} {self.status}>"
