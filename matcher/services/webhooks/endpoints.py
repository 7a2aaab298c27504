"""Register, remove and ping an organisation's webhook endpoints; read their delivery logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from matcher.db import utcnow
from matcher.models import Organisation, User, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from matcher.services.errors import DomainError, NotFound, PermissionDenied, TooMany
from matcher.services.permissions import can_act_for
from matcher.services.webhooks.addresses import check_url
from matcher.services.webhooks.events import stage
from matcher.services.webhooks.signing import new_secret
from matcher.translate import gettext as _

SUBSCRIBABLE = tuple(event for event in WebhookEvent if event != WebhookEvent.PING)
MAX_ENDPOINTS = 10
LOG_ROWS = 50


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown to its creator once, never again


def allow_loopback() -> bool:
    config = current_app.config
    return bool(config.get("WEBHOOKS_ALLOW_LOOPBACK") or config.get("TESTING"))


def require_member(session: Session, actor: User, organisation: Organisation) -> None:
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied(_("Only the organisation's members manage its webhooks."))


def endpoints_of(session: Session, organisation: Organisation) -> Sequence[WebhookEndpoint]:
    return session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation.id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    ).all()


def endpoint_of(session: Session, organisation: Organisation, endpoint_id: int) -> WebhookEndpoint:
    """The organisation's endpoint; another organisation's is not found (IDOR)."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id != organisation.id:
        raise NotFound(_("This webhook does not exist."))
    return endpoint


def register(
    session: Session, actor: User, organisation: Organisation, url: str, events: Sequence[str]
) -> NewEndpoint:
    require_member(session, actor, organisation)
    chosen = [event for event in SUBSCRIBABLE if event in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise DomainError(_("Choose at least one event."), field="events")
    url = check_url(url, allow_loopback=allow_loopback())
    count = session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation.id)
    )
    if count >= MAX_ENDPOINTS:
        raise DomainError(
            _("An organisation may have %(count)d webhooks. Remove one first.", count=MAX_ENDPOINTS),
            field="url",
        )
    secret = new_secret()
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        secret=secret,
        events=" ".join(chosen),
        created_by_id=actor.id,
        consecutive_failures=0,
    )
    session.add(endpoint)
    session.flush()
    return NewEndpoint(endpoint, secret)


def remove(session: Session, actor: User, organisation: Organisation, endpoint_id: int) -> None:
    require_member(session, actor, organisation)
    session.delete(endpoint_of(session, organisation, endpoint_id))


def enable(session: Session, actor: User, organisation: Organisation, endpoint_id: int) -> WebhookEndpoint:
    """Turn a disabled endpoint back on, its count of failures cleared."""
    require_member(session, actor, organisation)
    endpoint = endpoint_of(session, organisation, endpoint_id)
    endpoint.disabled_at = None
    endpoint.consecutive_failures = 0
    return endpoint


def ping(session: Session, actor: User, organisation: Organisation, endpoint_id: int) -> WebhookDelivery:
    """Queue a test event for the endpoint (limited per hour: each one calls someone's server)."""
    require_member(session, actor, organisation)
    endpoint = endpoint_of(session, organisation, endpoint_id)
    if not endpoint.enabled:
        raise DomainError(_("This webhook is turned off. Turn it on before you send a test."))
    limit = current_app.config["WEBHOOK_PINGS_PER_HOUR"]
    recent = session.scalar(
        select(func.count())
        .select_from(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.event == WebhookEvent.PING,
            WebhookDelivery.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if recent >= limit:
        raise TooMany(_("You sent %(count)d tests in the last hour. Try again later.", count=limit))
    return stage(session, endpoint, WebhookEvent.PING, {"sent_by": actor.name})


def log_of(session: Session, endpoint: WebhookEndpoint) -> Sequence[WebhookAttempt]:
    """The latest tries, newest first, each with its delivery (for the event's name)."""
    return session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.endpoint_id == endpoint.id)
        .options(
            joinedload(WebhookAttempt.delivery).load_only(WebhookDelivery.event, WebhookDelivery.event_id)
        )
        .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
        .limit(LOG_ROWS)
    ).all()
