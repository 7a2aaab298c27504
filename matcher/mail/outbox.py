"""Queue an email: render it and add an outbox row (or a digest line) to the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import g
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.mail.compose import compose_email
from matcher.models import OutboxJob, OutboxMessage, OutboxStatus, User
from matcher.models.notification import Frequency


def queue_email(
    session: Session,
    *,
    to: User | tuple[str, str],
    template: str,
    subject: str,
    category: str,
    context: dict[str, Any] | None = None,
    digest_line: str | None = None,
    frequency: Frequency | None = None,
) -> OutboxMessage | None:
    """Render templates/email/<template>.txt and .html and stage the message for delivery.

    For a user who chose a daily or weekly digest for this category, a digest line is staged
    instead (``digest_line``, or the subject); for one who turned the category off, nothing.
    Callers writing many emails may pass the recipient's ``frequency`` they already looked up.
    """
    values = compose_email(
        session,
        to=to,
        template=template,
        subject=subject,
        category=category,
        context=context,
        digest_line=digest_line,
        frequency=frequency,
    )
    if values is None:
        return None
    message = OutboxMessage(**values)
    session.add(message)
    # Lets `make run` deliver right after the request commits (see notifications.delivery).
    g.outbox_queued = True
    return message


def stage_emails(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Stage many composed emails (compose.compose_email(s)) in one INSERT; returns how many."""
    if rows:
        # Core's executemany, without the ORM's per-row bookkeeping: nothing reads these rows back.
        session.connection().execute(insert(OutboxMessage.__table__), list(rows))
        g.outbox_queued = True
    return len(rows)


def queue_job(session: Session, kind: str, payload: dict[str, Any]) -> OutboxJob:
    """Record many emails to be written by the mail worker (see notifications.jobs)."""
    job = OutboxJob(kind=kind, payload=payload)
    session.add(job)
    g.outbox_queued = True  # in-process delivery (make run) expands it after the commit, too
    return job


def retry_dead(session: Session, ids: Sequence[int] = ()) -> int:
    """Send dead messages again from the first try: those named, or every one; returns how many."""
    stmt = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    result = session.execute(
        stmt.values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow()).execution_options(
            synchronize_session=False
        )
    )
    return result.rowcount
