"""An endpoint that keeps failing is turned off, what waits for it dropped, and its organisation's
members emailed; another organisation's endpoint carries on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import DeliveryStatus, OutboxMessage, WebhookAttempt, WebhookDelivery, WebhookEvent
from matcher.services.webhooks import delivery, endpoints, events

EVENT = WebhookEvent.OPPORTUNITY_PUBLISHED


@pytest.fixture
def app_config():
    return {"WEBHOOK_DISABLE_AFTER": 3, "WEBHOOK_MAX_ATTEMPTS": 2, "WEBHOOK_BACKOFF_SECONDS": 10}


def deliver(app, now) -> int:
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        return delivery.deliver_due(db.session, now)


def test_an_endpoint_failing_in_a_row_is_turned_off_and_its_members_told(app, receiver, users, organisation):
    owner = users.create(role="org_member", organisation=organisation, name="Amina Owner")
    colleague = users.create(role="org_member", organisation=organisation, name="Bruno Colleague")
    other = users.organisation(name="RAD-AID", slug="rad-aid")
    outsider = users.create(role="org_member", organisation=other)
    failing = endpoints.register(db.session, owner, organisation, receiver.url, [EVENT]).endpoint
    healthy = endpoints.register(db.session, outsider, other, receiver.url + "/ok", [EVENT]).endpoint
    db.session.commit()
    receiver.answers.extend([500] * 20)
    for n in range(3):
        events.emit(db.session, organisation, EVENT, {"opportunity_id": n})
    db.session.commit()
    start = utcnow() + timedelta(seconds=1)

    # First pass: the three events fail once each; the third failure in a row turns it off.
    assert deliver(app, start) == 3
    db.session.refresh(failing)
    assert failing.disabled_at == start and failing.consecutive_failures == 3
    rows = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == failing.id)).all()
    assert {r.status for r in rows} == {DeliveryStatus.DEAD}
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "webhook_disabled")
    ).all()
    assert sorted(m.to_address for m in mails) == sorted([owner.email, colleague.email])
    assert receiver.url in mails[0].body_text and "/organisations/road2ir/webhooks/" in mails[0].body_text

    # Nothing more goes to it, even once the retries would have been due; the other one still works.
    receiver.answers.clear()
    events.emit(db.session, organisation, EVENT, {"opportunity_id": 9})
    events.emit(db.session, other, EVENT, {"opportunity_id": 10})
    db.session.commit()
    before = len(receiver.received)
    assert deliver(app, start + timedelta(hours=1)) == 1
    assert len(receiver.received) == before + 1 and receiver.received[-1].path.endswith("/ok")
    db.session.refresh(healthy)
    assert healthy.enabled and healthy.consecutive_failures == 0
    assert (
        len(db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.endpoint_id == failing.id)).all())
        == 3
    )

    # A member turns it on again: the count starts afresh and new events go out.
    endpoints.enable(db.session, colleague, organisation, failing.id)
    db.session.commit()
    events.emit(db.session, organisation, EVENT, {"opportunity_id": 11})
    db.session.commit()
    assert deliver(app, start + timedelta(hours=2)) == 1
    db.session.refresh(failing)
    assert failing.enabled and failing.consecutive_failures == 0


def test_a_delivery_gives_up_after_its_last_try(app, receiver, member, organisation):
    endpoints.register(db.session, member, organisation, receiver.url, [EVENT])
    db.session.commit()
    receiver.answers.extend([500, 500])
    events.emit(db.session, organisation, EVENT, {"opportunity_id": 1})
    db.session.commit()
    start = utcnow() + timedelta(seconds=1)
    assert deliver(app, start) == 1
    assert deliver(app, start + timedelta(seconds=10)) == 1
    row = db.session.scalars(select(WebhookDelivery)).one()
    assert (row.status, row.attempts) == (DeliveryStatus.DEAD, 2)
    assert deliver(app, start + timedelta(days=1)) == 0 and len(receiver.received) == 2
