"""Queue an email: render it and add an outbox row (or a digest line) to the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.jobs.dispatch import after_commit
from matcher.mail.compose import compose_email
from matcher.models import OutboxJob, OutboxMessage, OutboxStatus, User
from matcher.models.notification import Frequency

# The task queue's names of the tasks (matcher.jobs.registry.TASKS) that send and expand the outbox.
DELIVER_TASK = "deliver_mail"
EXPAND_TASK = "expand_mail_jobs"


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
    locale: str | None = None,
) -> OutboxMessage | None:
    """Render templates/email/<template>.txt and .html and stage the message for delivery.

    For a user who chose a daily or weekly digest for this category, a digest line is staged
    instead (``digest_line``, or the subject); for one who turned the category off, nothing.
    Callers writing many emails may pass the recipient's ``frequency`` they already looked up.
    The email is written in the recipient's language (compose.recipient_locale; ``locale`` for an
    address that is not a user's own), so pass ``subject`` and ``digest_line`` as lazy strings.
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
        locale=locale,
    )
    if values is None:
        return None
    message = OutboxMessage(**values)
    session.add(message)
    # Sent by the task queue's worker once the transaction commits (the outbox stays the record).
    after_commit(session, DELIVER_TASK)
    return message


def stage_emails(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Stage many composed emails (compose.compose_email(s)) in one INSERT; returns how many."""
    if rows:
        # Core's executemany, without the ORM's per-row bookkeeping: nothing reads these rows back.
        session.connection().execute(insert(OutboxMessage.__table__), list(rows))
        after_commit(session, DELIVER_TASK)
    return len(rows)


def queue_job(session: Session, kind: str, payload: dict[str, Any]) -> OutboxJob:
    """Record many emails to be written later (see mail.jobs); the task queue's worker expands
    them once the transaction commits."""
    job = OutboxJob(kind=kind, payload=payload)
    session.add(job)
    after_commit(session, EXPAND_TASK)
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
