"""Deliver the outbox: claim one due row at a time, send it, record the outcome."""

from __future__ import annotations

import logging
import random
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.extensions import mail
from matcher.models import OutboxMessage, OutboxStatus

log = logging.getLogger("matcher.mail")

DUE_STATUSES = (OutboxStatus.PENDING, OutboxStatus.FAILED)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.dead


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a silent server cannot hang us."""

    def configure_host(self) -> smtplib.SMTP:
        state, timeout = self.mail, current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def _mail_settings():
    """Settings read at send time, so a changed configuration applies without a restart."""
    app = current_app
    return mail.init_mail(app.config, app.debug, app.testing)


def claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """Lock the oldest due row; on PostgreSQL other workers skip it rather than wait."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(stmt).first()


def build_message(row: OutboxMessage) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[(row.to_name, row.to_address) if row.to_name else row.to_address],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    message.msgId = row.message_id  # stable across retries, so receivers can de-duplicate
    return message


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
        "No MAIL_SERVER configured; email not sent but logged.\nTo: %s <%s>\nSubject: %s\n\n%s",
        row.to_name,
        row.to_address,
        row.subject,
        row.body_text,
    )


def deliver_due(session: Session, limit: int | None = None) -> DeliveryReport:
    """Send due rows until none is left (or `limit` were tried); commits after each row."""
    report = DeliveryReport()
    config = current_app.config
    use_smtp = bool(config["MAIL_SERVER"]) and not config.get("MAIL_SUPPRESS_SEND")
    connection: TimeoutConnection | None = None
    try:
        while limit is None or report.attempted < limit:
            now = utcnow()
            row = claim_next(session, now)
            if row is None:
                break
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
                session.commit()
                connection = _close(connection)
                if not _is_permanent(exc):
                    break  # the server is unwell: leave the rest for the next pass
                continue
            row.status, row.sent_at, row.last_error = OutboxStatus.SENT, utcnow(), None
            row.attempts += 1
            session.commit()
            report.sent += 1
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
