"""The worker's side: claim due deliveries, send each signed, log the try, back off or disable.

A delivery is claimed by a conditional UPDATE that moves its next try a lease ahead, committed
before the call, so two workers never send it at once and no row lock is held over the network.
"""

from __future__ import annotations

import http.client
import logging
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.mail.outbox import queue_email
from matcher.models import DeliveryStatus, Membership, User, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from matcher.services.errors import DomainError
from matcher.services.webhooks.addresses import resolve
from matcher.services.webhooks.endpoints import allow_loopback
from matcher.services.webhooks.signing import headers
from matcher.translate import lazy_gettext as _l

log = logging.getLogger("matcher.webhooks")
LEASE = timedelta(minutes=2)
BATCH = 50
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the address we checked, the certificate still verified for the URL's host name."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: str, sent_headers: dict[str, str], timeout: float) -> Answer:
    """POST the body; the receiver's status code, or the error that stopped the call. Redirects
    are not followed (a 3xx is a failure), so a receiver cannot send us elsewhere."""
    started = time.monotonic()
    try:
        url, address = resolve(url, allow_loopback=allow_loopback())
        parts = urlsplit(url)
        if parts.scheme == "https":
            connection = PinnedHTTPSConnection(parts.hostname, parts.port, address, timeout)
        else:  # plain http: loopback only, when allowed (resolve refuses it otherwise)
            connection = http.client.HTTPConnection(address, parts.port, timeout=timeout)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body.encode(), headers=sent_headers)
            response = connection.getresponse()
            response.read(64 * 1024)  # a receiver's answer is not ours to keep
            status, error = response.status, None
        finally:
            connection.close()
    except DomainError as refused:
        status, error = None, refused.message
    except (OSError, http.client.HTTPException) as failure:
        status, error = None, f"{type(failure).__name__}: {failure}"[:300]
    return Answer(status, int((time.monotonic() - started) * 1000), error)


def backoff(attempts: int) -> timedelta:
    base = current_app.config["WEBHOOK_BACKOFF_SECONDS"]
    return min(timedelta(seconds=base * 2 ** (attempts - 1)), MAX_BACKOFF)


def _claim(session: Session, now: datetime) -> list[int]:
    due = session.scalars(
        select(WebhookDelivery.id)
        .join(WebhookEndpoint)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.disabled_at.is_(None),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(BATCH)
    ).all()
    claimed = []
    for delivery_id in due:
        taken = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            claimed.append(delivery_id)
    session.commit()
    return claimed


def deliver_due(session: Session, now: datetime | None = None) -> int:
    """Send every due delivery once (retries wait for their time); returns how many were tried."""
    now = now or utcnow()
    tried = 0
    while claimed := _claim(session, now):
        for delivery_id in claimed:
            deliver_one(session, delivery_id, now)
            session.commit()
            tried += 1
    return tried


def deliver_one(session: Session, delivery_id: int, now: datetime) -> None:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # its endpoint was removed since the claim
        return
    endpoint = delivery.endpoint
    config = current_app.config
    answer = post(
        endpoint.url,
        delivery.body,
        headers(endpoint.secret, delivery.event_id, delivery.event, delivery.body),
        config["WEBHOOK_TIMEOUT"],
    )
    delivery.attempts += 1
    answer_error = None if answer.ok else (answer.error or f"HTTP {answer.status_code}")
    session.add(
        WebhookAttempt(
            delivery=delivery,
            endpoint_id=endpoint.id,
            attempt=delivery.attempts,
            status_code=answer.status_code,
            duration_ms=answer.duration_ms,
            error=answer_error and answer_error[:300],
            attempted_at=now,
        )
    )
    if answer.ok:
        delivery.status = DeliveryStatus.SENT
        delivery.delivered_at = now
        endpoint.consecutive_failures = 0
        return
    log.info("webhook %s to endpoint %s failed: %s", delivery.event_id, endpoint.id, answer_error)
    if delivery.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.DEAD
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    endpoint.consecutive_failures += 1
    if endpoint.consecutive_failures >= config["WEBHOOK_DISABLE_AFTER"] and endpoint.enabled:
        disable(session, endpoint, now)


def disable(session: Session, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Turn the endpoint off, drop what waits for it, and tell the organisation's members."""
    endpoint.disabled_at = now
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.DEAD)
        .execution_options(synchronize_session=False)
    )
    organisation = endpoint.organisation
    members = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, Membership.approved_at.is_not(None))
    ).all()
    link = url_for("webhooks.show", slug=organisation.slug, endpoint_id=endpoint.id, _external=True)
    for member in members:
        queue_email(
            session,
            to=member,
            template="webhook_disabled",
            subject=_l("Webhook turned off: %(url)s", url=endpoint.url),
            category="organisation",
            context={
                "url": endpoint.url,
                "failures": endpoint.consecutive_failures,
                "organisation": organisation.name,
                "link": link,
            },
        )


def purge_log(session: Session, now: datetime, days: int) -> int:
    """Forget finished deliveries (and their tries) older than `days`; returns how many."""
    finished = session.execute(
        delete(WebhookDelivery)
        .where(
            WebhookDelivery.status.in_((DeliveryStatus.SENT, DeliveryStatus.DEAD)),
            WebhookDelivery.created_at < now - timedelta(days=days),
        )
        .execution_options(synchronize_session=False)
    )
    return finished.rowcount
