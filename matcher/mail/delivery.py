"""Deliver the outbox: claim due rows a batch at a time, send them on one connection, record how it went."""

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
from flask_mail import BadHeaderError, Connection
from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.extensions import mail
from matcher.mail.jobs import expand_jobs
from matcher.mail.mime import Envelope, email_bytes, sender_of
from matcher.mail.preferences import frequencies_for
from matcher.models import OutboxMessage, OutboxStatus
from matcher.models.notification import DigestItem, Frequency

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


class SmtpSession:
    """One SMTP connection, opened at the first message and reused for every later one."""

    def __init__(self) -> None:
        self.connection: TimeoutConnection | None = None
        self.sent = 0

    def send(self, envelope: Envelope, raw: bytes) -> None:
        if self.connection is None:
            self.connection = TimeoutConnection(_mail_settings())
            self.connection.host = self.connection.configure_host()
        self.connection.host.sendmail(envelope.mail_from, [envelope.rcpt_to], raw)
        self.sent += 1
        if self.sent == self.connection.mail.max_emails:  # MAIL_MAX_EMAILS, as Flask-Mail honours it
            self.close()

    def close(self) -> None:
        """Say goodbye (or just hang up on a server that is gone); the next send reconnects."""
        connection, self.connection, self.sent = self.connection, None, 0
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()


# Rows are claimed in batches locked until the batch is recorded: a larger batch costs fewer
# round trips to the database, a smaller one resends less if the worker process is killed
# mid-batch (see deliver_due). 100 rows take about a tenth of a second to send.
BATCH_SIZE = 100
DUE_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.message_id,
    OutboxMessage.category,
    OutboxMessage.user_id,
    OutboxMessage.to_address,
    OutboxMessage.to_name,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.unsubscribe_url,
    OutboxMessage.attempts,
)


def claim_due(session: Session, now: datetime, size: int = BATCH_SIZE) -> list[Row]:
    """Lock a batch of due rows, read as plain rows; on PostgreSQL other workers skip them, not wait."""
    stmt = (
        select(*DUE_COLUMNS)
        .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(stmt))


def recipient(row: Row | OutboxMessage) -> str:
    """The recipient as one address for people to read: the standard library quotes a name holding
    `<`, `>`, `,` or quotes, so the address never reads as two."""
    return str(Address(display_name=row.to_name or "", addr_spec=row.to_address))


def message_bytes(row: Row | OutboxMessage, sender: tuple[str, str]) -> tuple[Envelope, bytes]:
    """The row as an email: its stable Message-ID (receivers can drop a resent copy), and
    List-Unsubscribe headers where it has a link."""
    return email_bytes(
        sender=sender,
        to_name=row.to_name or "",
        to_address=row.to_address,
        subject=row.subject,
        message_id=row.message_id,
        text=row.body_text,
        html=row.body_html,
        unsubscribe_url=row.unsubscribe_url,
    )


def _unwanted(session: Session, batch: list[Row]) -> dict[int, Frequency]:
    """Preferences count at send time too: the rows whose category the recipient has turned off
    (or to a digest) since queueing, with that choice; one look-up per batch."""
    choices = frequencies_for(
        session, {(row.user_id, row.category) for row in batch if row.user_id is not None}
    )
    return {
        row.id: frequency
        for row in batch
        if (frequency := choices.get((row.user_id, row.category), Frequency.IMMEDIATE)) != Frequency.IMMEDIATE
    }


def _skip(session: Session, row: Row, frequency: Frequency) -> None:
    if frequency in (Frequency.DAILY, Frequency.WEEKLY):
        session.add(DigestItem(user_id=row.user_id, category=row.category, text=row.subject))
    _update(
        session,
        row.id,
        status=OutboxStatus.SKIPPED,
        last_error=f"recipient chose {frequency.value} for {row.category}",
    )


def _update(session: Session, row_id: int, **values: object) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _record_sent(session: Session, ids: list[int]) -> None:
    """Every row the server accepted in this batch, in one statement."""
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                status=OutboxStatus.SENT,
                sent_at=utcnow(),
                last_error=None,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )


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


def _record_failure(session: Session, row: Row, exc: Exception, now: datetime) -> str:
    attempts = row.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_permanent(exc) or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _update(session, row.id, status=OutboxStatus.DEAD, attempts=attempts, last_error=error)
        return OutboxStatus.DEAD
    _update(
        session,
        row.id,
        status=OutboxStatus.FAILED,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + backoff(attempts),
    )
    return OutboxStatus.FAILED


def _record_unsendable(session: Session, row: Row, exc: Exception) -> str:
    """The row itself cannot become an email (a line break in a header, an address that cannot be
    encoded): dead at once, never retried."""
    log.exception("outbox message %s cannot be sent; marked dead", row.id)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    _update(session, row.id, status=OutboxStatus.DEAD, attempts=row.attempts + 1, last_error=error)
    return error


def _log_instead_of_sending(row: Row) -> None:
    log.info(
        "No MAIL_SERVER configured; email not sent but logged.\nTo: %s\nSubject: %s\n\n%s",
        recipient(row),
        row.subject,
        row.body_text,
    )


def deliver_due(session: Session, limit: int | None = None) -> DeliveryReport:
    """Send due rows in locked batches until none is left (or `limit` were tried).

    One SMTP connection serves every batch. A batch is recorded in one transaction once it is
    sent (the accepted rows in one statement), which also releases its locks. When the server
    fails or goes away mid-batch, the rows it accepted are recorded as sent, the one in flight
    as failed (to retry), and the rest stay due untouched: nothing is resent except, at most,
    that one in flight, when the server had kept it but its answer was lost. Only a worker
    killed mid-batch resends more: the rows of that batch it had sent. The stable Message-ID
    lets receivers drop either duplicate.
    """
    # Links in emails need the site's address even when no request is being served (the worker).
    if not has_request_context():
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return deliver_due(session, limit)
    expand_jobs(session)
    report = DeliveryReport()
    config = current_app.config
    use_smtp = bool(config["MAIL_SERVER"]) and not config.get("MAIL_SUPPRESS_SEND")
    sender = sender_of(config["MAIL_DEFAULT_SENDER"])
    smtp = SmtpSession()
    server_down = False
    try:
        while not server_down and (limit is None or report.attempted < limit):
            now = utcnow()
            size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - report.attempted)
            batch = claim_due(session, now, size)
            if not batch:
                break
            unwanted, sent = _unwanted(session, batch), []
            for row in batch:
                if row.id in unwanted:
                    _skip(session, row, unwanted[row.id])
                    report.skipped += 1
                    continue
                try:
                    envelope, raw = message_bytes(row, sender)
                except UNSENDABLE as exc:
                    report.errors.append(_record_unsendable(session, row, exc))
                    report.dead += 1
                    continue
                try:
                    if use_smtp:
                        smtp.send(envelope, raw)
                    else:
                        _log_instead_of_sending(row)
                except (smtplib.SMTPException, OSError) as exc:
                    smtp.close()
                    if _record_failure(session, row, exc, now) == OutboxStatus.DEAD:
                        report.dead += 1
                    else:
                        report.failed += 1
                    report.errors.append(f"{type(exc).__name__}: {exc}"[:2000])
                    if not _is_permanent(exc):
                        server_down = True  # leave the rest of the batch for the next pass
                        break
                    continue
                except UNSENDABLE as exc:
                    smtp.close()  # it may have failed halfway through a conversation
                    report.errors.append(_record_unsendable(session, row, exc))
                    report.dead += 1
                    continue
                sent.append(row.id)
                report.sent += 1
            _record_sent(session, sent)
            session.commit()
    finally:
        smtp.close()
        session.rollback()
    return report


def run_worker(session: Session, interval: float, stop_after: float | None = None) -> None:
    """Deliver in a loop, sleeping `interval` seconds when idle."""
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        report = deliver_due(session)
        if report.attempted:
            log.info("mail worker: %s sent, %s failed, %s dead", report.sent, report.failed, report.dead)
        if not report.attempted or report.failed:
            time.sleep(interval)
