"""Webhook deliveries to a real receiver on loopback: signed, checked by the README's snippet,
retried with backoff until they succeed, and logged try by try."""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.jobs.queue import queue_of
from matcher.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from matcher.services.errors import TooMany
from matcher.services.webhooks import delivery, endpoints, events
from matcher.services.webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.support.jobs import queued_tasks
from tests.support.loopback import free_port

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verify():
    """The `verify` function the README tells receivers to copy, run as written."""
    text = README.read_text()
    block = re.search(r"<!-- webhook-verify[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert block, "the README's webhook snippet is missing"
    scope: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), scope)  # noqa: S102 - our own README
    return scope["verify"]


def register(member, organisation, url, chosen=(WebhookEvent.APPLICATION_CREATED,)):
    made = endpoints.register(db.session, member, organisation, url, [str(e) for e in chosen])
    db.session.commit()
    return made


def deliver(app, now=None) -> int:
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        return delivery.deliver_due(db.session, now)


def attempts_of(endpoint):
    return db.session.scalars(
        select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id).order_by(WebhookAttempt.id)
    ).all()


def test_a_delivery_is_signed_and_the_readme_check_accepts_it(app, receiver, member, organisation):
    made = register(member, organisation, receiver.url)
    events.emit(db.session, organisation, WebhookEvent.APPLICATION_CREATED, {"application_id": 7})
    db.session.commit()
    assert queued_tasks(app) == [(events.DELIVER_TASK, ())]

    assert deliver(app) == 1

    (got,) = receiver.received
    assert got.path == "/hooks/matcher"
    body = json.loads(got.body)
    assert body["event"] == "application.created" and body["organisation"] == "road2ir"
    assert body["data"] == {"application_id": 7}
    assert got.headers["Matcher-Webhook-Event"] == "application.created"
    assert got.headers["Matcher-Webhook-Id"] == body["id"]
    assert readme_verify()(made.secret, got.headers, got.body.encode()) is True
    assert readme_verify()("whsec_someone-else", got.headers, got.body.encode()) is False
    tampered = got.body.replace('"application_id":7', '"application_id":8')
    assert readme_verify()(made.secret, got.headers, tampered.encode()) is False
    sent = db.session.scalars(select(WebhookDelivery)).one()
    assert sent.status == DeliveryStatus.SENT and sent.attempts == 1 and sent.delivered_at is not None
    (log,) = attempts_of(made.endpoint)
    assert (log.attempt, log.status_code, log.error) == (1, 200, None) and log.duration_ms >= 0
    # Sent once: a second pass finds nothing due.
    assert deliver(app) == 0 and len(receiver.received) == 1


def test_the_readme_check_rejects_a_replay_outside_five_minutes(
    app, receiver, member, organisation, monkeypatch
):
    made = register(member, organisation, receiver.url)
    events.emit(db.session, organisation, WebhookEvent.APPLICATION_CREATED, {"application_id": 1})
    db.session.commit()
    deliver(app)
    (got,) = receiver.received
    verify = readme_verify()
    stamp = int(got.headers[TIMESTAMP_HEADER])
    assert abs(stamp - time.time()) < 60
    monkeypatch.setattr(time, "time", lambda: stamp + 299)
    assert verify(made.secret, got.headers, got.body.encode()) is True
    monkeypatch.setattr(time, "time", lambda: stamp + 301)
    assert verify(made.secret, got.headers, got.body.encode()) is False
    monkeypatch.setattr(time, "time", lambda: stamp - 301)
    assert verify(made.secret, got.headers, got.body.encode()) is False
    # A replayed signature under a fresh timestamp does not verify either.
    forged = {**got.headers, TIMESTAMP_HEADER: str(stamp - 1)}
    monkeypatch.setattr(time, "time", lambda: stamp)
    assert verify(made.secret, forged, got.body.encode()) is False
    assert got.headers[SIGNATURE_HEADER] == forged[SIGNATURE_HEADER]


def test_failures_are_retried_with_backoff_then_succeed(app, receiver, member, organisation):
    made = register(member, organisation, receiver.url)
    receiver.answers.extend([500, 503])
    events.emit(db.session, organisation, WebhookEvent.APPLICATION_CREATED, {"application_id": 3})
    db.session.commit()
    start = utcnow() + timedelta(seconds=1)
    base = app.config["WEBHOOK_BACKOFF_SECONDS"]

    assert deliver(app, start) == 1
    row = db.session.scalars(select(WebhookDelivery)).one()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert row.next_attempt_at == start + timedelta(seconds=base)
    assert deliver(app, start + timedelta(seconds=base - 1)) == 0  # not due yet

    assert deliver(app, start + timedelta(seconds=base)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 2)
    assert row.next_attempt_at == start + timedelta(seconds=base + 2 * base)
    assert made.endpoint.consecutive_failures == 2

    assert deliver(app, start + timedelta(seconds=3 * base)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 3)
    log = attempts_of(made.endpoint)
    assert [(a.attempt, a.status_code, a.error) for a in log] == [
        (1, 500, "HTTP 500"),
        (2, 503, "HTTP 503"),
        (3, 200, None),
    ]
    # The same event, the same bytes, each time; the failures in a row are forgotten after a success.
    assert len({r.body for r in receiver.received}) == 1 and len(receiver.received) == 3
    db.session.refresh(made.endpoint)
    assert made.endpoint.consecutive_failures == 0 and made.endpoint.enabled


def test_an_unreachable_receiver_is_logged_with_its_error(app, member, organisation):
    made = register(member, organisation, f"http://127.0.0.1:{free_port()}/gone")
    events.emit(db.session, organisation, WebhookEvent.APPLICATION_CREATED, {"application_id": 3})
    db.session.commit()
    assert deliver(app) == 1
    (log,) = attempts_of(made.endpoint)
    assert log.status_code is None and "ConnectionRefused" in log.error
    assert db.session.scalars(select(WebhookDelivery)).one().status == DeliveryStatus.PENDING


def test_only_subscribed_enabled_endpoints_of_the_organisation_get_the_event(
    app, receiver, member, organisation, users
):
    wanted = register(member, organisation, receiver.url, (WebhookEvent.MATCH_ACCEPTED,))
    register(member, organisation, receiver.url, (WebhookEvent.MATCH_DECLINED,))
    off = register(member, organisation, receiver.url, (WebhookEvent.MATCH_ACCEPTED,))
    off.endpoint.disabled_at = utcnow()
    other = users.organisation(name="RAD-AID", slug="rad-aid")
    register(
        users.create(role="org_member", organisation=other),
        other,
        receiver.url,
        (WebhookEvent.MATCH_ACCEPTED,),
    )
    db.session.commit()

    assert events.emit(db.session, organisation, WebhookEvent.MATCH_ACCEPTED, {"match_id": 1}) == 1
    db.session.commit()
    rows = db.session.scalars(select(WebhookDelivery)).all()
    assert [r.endpoint_id for r in rows] == [wanted.endpoint.id]


def test_the_ping_task_is_sent_by_the_queue_worker(app, receiver, member, organisation):
    made = register(member, organisation, receiver.url)
    endpoints.ping(db.session, member, organisation, made.endpoint.id)
    db.session.commit()
    assert queued_tasks(app) == [(events.DELIVER_TASK, ())]
    queue_of(app).call(events.DELIVER_TASK)
    (got,) = receiver.received
    assert got.headers["Matcher-Webhook-Event"] == "ping"
    assert db.session.scalar(select(func.count()).select_from(WebhookAttempt)) == 1


def test_pings_are_limited_per_hour(app, receiver, member, organisation):
    made = register(member, organisation, receiver.url)
    for _ in range(app.config["WEBHOOK_PINGS_PER_HOUR"]):
        endpoints.ping(db.session, member, organisation, made.endpoint.id)
    db.session.commit()
    with pytest.raises(TooMany):
        endpoints.ping(db.session, member, organisation, made.endpoint.id)
    db.session.rollback()
    limit = app.config["WEBHOOK_PINGS_PER_HOUR"]
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == limit


def test_a_name_that_now_resolves_privately_is_not_called(app, receiver, member, organisation, monkeypatch):
    """Checked again before each try: a name registered while public that now points into our
    network (DNS rebinding) is refused, and the refusal logged."""
    endpoint = WebhookEndpoint(
        organisation=organisation, url="https://partner.example/hook", secret="whsec_x", events="ping"
    )
    db.session.add(endpoint)
    db.session.commit()
    events.stage(db.session, endpoint, WebhookEvent.PING, {})
    db.session.commit()

    def resolves_privately(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves_privately)
    monkeypatch.setitem(app.config, "TESTING", False)  # no loopback allowance for this try
    assert deliver(app) == 1
    (log,) = attempts_of(endpoint)
    assert log.status_code is None and "private network" in log.error
    assert receiver.received == []


def test_the_daily_purge_forgets_old_finished_deliveries_only(app, receiver, member, organisation):
    made = register(member, organisation, receiver.url)
    receiver.answers.extend([200, 500])
    for n in range(3):
        events.emit(db.session, organisation, WebhookEvent.APPLICATION_CREATED, {"application_id": n})
    db.session.commit()
    deliver(app)  # the first sent, the second failed (waits for a retry), the third sent
    statuses = [d.status for d in db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]
    assert statuses == [DeliveryStatus.SENT, DeliveryStatus.PENDING, DeliveryStatus.SENT]
    days = app.config["WEBHOOK_LOG_DAYS"]

    assert delivery.purge_log(db.session, utcnow() + timedelta(days=days - 1), days) == 0
    assert delivery.purge_log(db.session, utcnow() + timedelta(days=days, seconds=1), days) == 2
    db.session.commit()
    (left,) = db.session.scalars(select(WebhookDelivery)).all()
    assert left.status == DeliveryStatus.PENDING
    assert [a.delivery_id for a in attempts_of(made.endpoint)] == [left.id]
