"""Queue an event for an organisation's endpoints, in the transaction of the change that causes it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.jobs.dispatch import after_commit
from matcher.models import Match, Opportunity, Organisation, WebhookDelivery, WebhookEndpoint, WebhookEvent

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
    return emit_many(session, [(organisation, event, data)])


def emit_many(session: Session, items: Sequence[tuple[Organisation, WebhookEvent, dict[str, Any]]]) -> int:
    """Queue several events at once, their organisations' endpoints read in one query; how many."""
    if not items:
        return 0
    organisation_ids = {organisation.id for organisation, _, _ in items}
    endpoints = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id.in_(organisation_ids), WebhookEndpoint.disabled_at.is_(None))
        .order_by(WebhookEndpoint.id)
    ).all()
    staged = 0
    for organisation, event, data in items:
        for endpoint in endpoints:
            if endpoint.organisation_id == organisation.id and event in endpoint.event_names:
                stage(session, endpoint, event, data)
                staged += 1
    return staged


def opportunity_data(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "id": opportunity.id,
        "title": opportunity.title,
        "url": url_for("opportunities.show", opportunity_id=opportunity.id, _external=True),
    }


def about_opportunity(
    session: Session, opportunity: Opportunity, event: WebhookEvent, **data: dict[str, Any]
) -> int:
    """Queue `event` for the opportunity's organisation, with the opportunity and `data` in its body."""
    return emit(
        session, opportunity.organisation, event, {"opportunity": opportunity_data(opportunity), **data}
    )


def match_data(match: Match) -> dict[str, Any]:
    return {"id": match.id, "status": str(match.status), "response_deadline": match.response_deadline}


def about_matches(session: Session, matches: Sequence[Match], event: WebhookEvent) -> int:
    """Queue `event` for each match's host organisation (their opportunities loaded by the caller)."""
    return emit_many(
        session,
        [
            (
                match.opportunity.organisation,
                event,
                {"match": match_data(match), "opportunity": opportunity_data(match.opportunity)},
            )
            for match in matches
        ],
    )
