"""Deliver the outbox: claim one due row at a time, send it, record the outcome."""

from __future__ import annotations

import logging
import random
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address

from flask import current_app, has_request_context
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.extensions import mail
from matcher.mail.jobs import expand_jobs
from matcher.mail.preferences import frequency_for
from matcher.models import OutboxMessage, OutboxStatus, User
from matcher.models.notification import ESSENTIAL, DigestItem, Frequency

log = logging.getLogger("matcher.mail")

DUE_STATUSES = (OutboxStatus.PENDING, OutboxStatus.FAILED)
# What a row with a bad value raises (a line break in a header, an address that cannot be encoded),
# as opposed to a server or a configuration that fails for every row.
UNSENDABLE = (BadHeaderError, ValueError)  # UnicodeError is a ValueError


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.dead + self.skipped


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a silent server cannot hang us."""

    def configure_host(self) -> smtplib.SMTP:
        state, timeout = self.mail, current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=timeout)
        # Small request/response commands: without this, Nagle's algorithm and delayed ACKs add
        # tens of milliseconds to every message.
        host.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def _mail_settings():
    """Settings read at send time, so a changed configuration applies without a restart."""
    app = current_app
    return mail.init_mail(app.config, app.debug, app.testing)


BATCH_SIZE = 25


def claim_due(session: Session, now: datetime, size: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Lock a batch of due rows; on PostgreSQL other workers skip them rather than wait."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))


def recipient(row: OutboxMessage) -> str:
    """The recipient as one address for people to read: the standard library quotes a name holding
    `<`, `>`, `,` or quotes, so the address never reads as two."""
    return str(Address(display_name=row.to_name or "", addr_spec=row.to_address))


def build_message(row: OutboxMessage) -> Message:
    message = Message(
        subject=row.subject,
        # A (name, address) pair: Flask-Mail encodes the name and joins them with email.utils.formataddr.
        recipients=[(row.to_name or "", row.to_address)],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    message.msgId = row.message_id  # stable across retries, so receivers can de-duplicate
    if row.unsubscribe_url:
        message.extra_headers = {
            "List-Unsubscribe": f"<{row.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return message


def _still_wanted(session: Session, row: OutboxMessage) -> bool:
    """Preferences count at send time too: a category turned off (or to a digest) since queueing."""
    if row.user_id is None or row.category in ESSENTIAL:
        return True
    user = session.get(User, row.user_id)
    frequency = frequency_for(session, user, row.category) if user else Frequency.OFF
    if frequency == Frequency.IMMEDIATE:
        return True
    if frequency in (Frequency.DAILY, Frequency.WEEKLY):
        session.add(DigestItem(user_id=row.user_id, category=row.category, text=row.subject))
    row.status, row.last_error = OutboxStatus.SKIPPED, f"recipient chose {frequency.value} for {row.category}"
    return False


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped at six hours."""
    base = current_app.config["MAIL_BACKOFF_SECONDS"]
    ceiling = min(base * 2 ** max(attempts - 1, 0), 6 * 3600)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - not crypto


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def _record_failure(row: OutboxMessage, exc: Exception, now: datetime) -> str:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_permanent(exc) or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.status = OutboxStatus.DEAD
    else:
        row.status = OutboxStatus.FAILED
        row.next_attempt_at = now + backoff(row.attempts)
    return row.status


def _log_instead_of_sending(row: OutboxMessage) -> None:
    log.info(
        "No MAIL_SERVER configured; email not sent but logged.\nTo: %s\nSubject: %s\n\n%s",
        recipient(row),
        row.subject,
        row.body_text,
    )


def deliver_due(session: Session, limit: int | None = None) -> DeliveryReport:
    """Send due rows in locked batches until none is left (or `limit` were tried).

    Each batch is committed once its rows are sent: a crash can at worst resend part of one
    batch, and the stable Message-ID lets receivers drop such a duplicate.
    """
    # Links in emails need the site's address even when no request is being served (the worker).
    if not has_request_context():
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return deliver_due(session, limit)
    expand_jobs(session)
    report = DeliveryReport()
    config = current_app.config
    use_smtp = bool(config["MAIL_SERVER"]) and not config.get("MAIL_SUPPRESS_SEND")
    connection: TimeoutConnection | None = None
    server_down = False
    try:
        while not server_down and (limit is None or report.attempted < limit):
            now = utcnow()
            size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - report.attempted)
            batch = claim_due(session, now, size)
            if not batch:
                break
            for row in batch:
                if not _still_wanted(session, row):
                    report.skipped += 1
                    continue
                try:
                    if use_smtp:
                        if connection is None:
                            connection = TimeoutConnection(_mail_settings())
                            connection.host = connection.configure_host()
                        connection.send(build_message(row))
                    else:
                        _log_instead_of_sending(row)
                except (smtplib.SMTPException, OSError) as exc:
                    if _record_failure(row, exc, now) == OutboxStatus.DEAD:
                        report.dead += 1
                    else:
                        report.failed += 1
                    report.errors.append(row.last_error or "")
                    connection = _close(connection)
                    if not _is_permanent(exc):
                        server_down = True  # leave the rest of the batch for the next pass
                        break
                    continue
                except UNSENDABLE as exc:  # the row itself cannot become an email: never retried
                    log.exception("outbox message %s cannot be sent; marked dead", row.id)
                    row.attempts += 1
                    row.status, row.last_error = OutboxStatus.DEAD, f"{type(exc).__name__}: {exc}"[:2000]
                    report.dead += 1
                    report.errors.append(row.last_error)
                    connection = _close(connection)
                    continue
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, utcnow(), None
                row.attempts += 1
                report.sent += 1
            session.commit()
    finally:
        _close(connection)
        session.rollback()
    return report


def _close(connection: TimeoutConnection | None) -> None:
    if connection is not None and connection.host is not None:
        try:
            connection.host.quit()
        except (smtplib.SMTPException, OSError):
            connection.host.close()
    return None


def run_worker(session: Session, interval: float, stop_after: float | None = None) -> None:
    """Deliver in a loop, sleeping `interval` seconds when idle."""
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        report = deliver_due(session)
        if report.attempted:
            log.info("mail worker: %s sent, %s failed, %s dead", report.sent, report.failed, report.dead)
        if not report.attempted or report.failed:
            time.sleep(interval)
