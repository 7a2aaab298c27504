"""Queue an email: render it and add an outbox row (or a digest line) to the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from flask import current_app, render_template
from sqlalchemy import update
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.jobs.dispatch import after_commit
from matcher.mail.preferences import frequency_for, unsubscribe_url
from matcher.models import OutboxJob, OutboxMessage, OutboxStatus, User
from matcher.models.notification import ESSENTIAL, UNSUBSCRIBE_INSTEAD, DigestItem, Frequency

DELIVER_TASK = "deliver_mail"  # matcher.jobs.registry
EXPAND_TASK = "expand_mail_jobs"


def _one_line(value: str) -> str:
    """A header value on one line: each run of whitespace, line breaks included, becomes one space.

    A line break would end the header early (header injection). Services refuse line breaks in
    names and titles, but rows saved before they did may hold one: fold it rather than fail the
    request that sends the email.
    """
    return " ".join(value.split())


def new_message_id() -> str:
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


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
    context = context or {}
    if isinstance(to, User):
        user_id, address, name = to.id, to.email, to.name
        frequency = frequency or frequency_for(session, to, category)
        if frequency == Frequency.OFF:
            return None
        if frequency in (Frequency.DAILY, Frequency.WEEKLY):
            session.add(
                DigestItem(
                    user_id=to.id,
                    category=category,
                    text=_one_line(digest_line or subject),
                    link=context.get("link"),
                )
            )
            return None
    else:
        user_id, (address, name) = None, to
    ctx = {"recipient_name": name, "subject": subject, **context}
    # Essential mail (offers, outcome letters) has no link of its own; some carry the link of an
    # optional category instead, which is all that link changes.
    optional = UNSUBSCRIBE_INSTEAD.get(category) if category in ESSENTIAL else category
    unsubscribe = unsubscribe_url(to, optional) if isinstance(to, User) and optional else None
    if unsubscribe:
        ctx["unsubscribe_url"] = unsubscribe
        ctx["unsubscribe_other"] = optional != category
    message = OutboxMessage(
        message_id=new_message_id(),
        category=category,
        template=template,
        user_id=user_id,
        to_address=_one_line(address),
        to_name=_one_line(name),
        subject=_one_line(subject),
        body_text=render_template(f"email/{template}.txt", **ctx)
        + _text_footer(unsubscribe, optional != category),
        body_html=render_template(f"email/{template}.html", **ctx),
        unsubscribe_url=unsubscribe,
    )
    session.add(message)
    # Sent by the task queue's worker once the transaction commits (the outbox stays the record).
    after_commit(session, DELIVER_TASK)
    return message


def _text_footer(unsubscribe: str | None, other: bool = False) -> str:
    if not unsubscribe:
        return ""
    if other:
        return (
            "\n\n--\nEmails like this one are always sent. To stop other emails about matches "
            f"and placements, open: {unsubscribe}\n"
        )
    return f"\n\n--\nTo stop emails like this one, open: {unsubscribe}\n"


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
