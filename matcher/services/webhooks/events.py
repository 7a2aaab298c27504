"""Queue an event for an organisation's endpoints, in the transaction of the change that causes it."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.jobs.dispatch import after_commit
from matcher.models import Organisation, WebhookDelivery, WebhookEndpoint, WebhookEvent

# The task queue's name of the task that sends due deliveries (matcher.jobs.registry.TASKS).
DELIVER_TASK = "deliver_webhooks"


def body_of(event: str, event_id: str, organisation: Organisation, data: dict[str, Any]) -> str:
    payload = {
        "id": event_id,
        "event": event,
        "created_at": utcnow().isoformat(timespec="seconds") + "Z",
        "organisation": organisation.slug,
        "data": data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)


def stage(session: Session, endpoint: WebhookEndpoint, event: str, data: dict[str, Any]) -> WebhookDelivery:
    """One delivery for one endpoint, sent by the worker once the transaction commits."""
    event_id = str(uuid.uuid4())
    delivery = WebhookDelivery(
        event_id=event_id,
        endpoint=endpoint,
        event=event,
        body=body_of(event, event_id, endpoint.organisation, data),
    )
    session.add(delivery)
    after_commit(session, DELIVER_TASK)
    return delivery


def emit(session: Session, organisation: Organisation, event: WebhookEvent, data: dict[str, Any]) -> int:
    """Queue `event` for each enabled endpoint of the organisation that subscribed to it; how many."""
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.organisation_id == organisation.id, WebhookEndpoint.disabled_at.is_(None)
        )
    ).all()
    wanted = [endpoint for endpoint in endpoints if event in endpoint.event_names]
    for endpoint in wanted:
        stage(session, endpoint, event, data)
    return len(wanted)
