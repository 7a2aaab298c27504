"""A host connects its own system with a webhook, in a real browser without JavaScript: adds an
endpoint (a receiver on loopback), copies the secret shown once, sends a test ping that the task
queue's worker delivers, and reads the try in the log. axe-core checks every page; at 360 px
nothing is wider than the screen; the pages stay under 100 KB."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from matcher.models import Organisation, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from matcher.services.webhooks.signing import verify
from tests.e2e.browser import Person, new_context
from tests.support.factories import UserFactory
from tests.support.webhook_receiver import WebhookReceiver

WIDTH = 360


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        organisation = make.organisation(name="Road2IR", slug="road2ir")
        host = make.create("org_member", name="Joseph Host", organisation=organisation)
        return {"host": host.email, "slug": organisation.slug}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _state(browser, live_server, email: str) -> dict[str, Any]:
    person = Person(email, new_context(browser), live_server.url, audit=None)
    person.log_in(email, UserFactory.PASSWORD)
    state = person.context.storage_state()
    person.context.close()
    return state


def test_host_adds_a_webhook_and_pings_it(browser, live_server, people, accounts, receiver):
    host = people("host", storage_state=_state(browser, live_server, accounts["host"]))
    host.goto(f"/organisations/{accounts['slug']}")
    host.click(host.link("Webhooks for your own systems"))
    page = host.page
    host.click(host.button("Add the webhook"), expect_status=422)
    assert "Enter the address that receives the events." in host.text(".error-summary")

    page.get_by_label("Address that receives the events").fill(receiver.url)
    page.get_by_label("An applicant accepted a place").check()
    page.get_by_label("An applicant declined a place").check()
    host.click(host.button("Add the webhook"))
    assert host.heading == "Webhook added"
    secret = page.locator("#webhook-secret").inner_text().strip()
    assert secret.startswith("whsec_")

    host.click(host.link("Open the webhook's page"))
    assert secret not in host.text()
    host.click(host.button("Send a test ping"))
    assert "A test event is on its way." in host.flashes
    deadline = time.monotonic() + 20
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.2)
    (got,) = receiver.received
    assert json.loads(got.body)["event"] == "ping"
    assert verify(
        secret, got.headers["Matcher-Webhook-Timestamp"], got.body, got.headers["Matcher-Webhook-Signature"]
    )
    log = ""
    while "HTTP 200" not in log and time.monotonic() < deadline:
        host.goto(page.url.removeprefix(live_server.url))
        log = host.text()
    assert "HTTP 200" in log and "Test" in log


def _logged_endpoint(live_server, slug: str) -> int:
    """An endpoint with a long address and a failed try in its log, made directly."""
    with live_server.data() as make:
        organisation = make.session.scalar(select(Organisation).where(Organisation.slug == slug))
        endpoint = WebhookEndpoint(
            organisation=organisation,
            url="https://hooks.partner-organisation.example/very/long/path/to/the/matcher/receiver",
            secret="whsec_phone",
            events="match.accepted match.declined application.created",
        )
        delivery = WebhookDelivery(event_id=str(uuid.uuid4()), endpoint=endpoint, event="ping", body="{}")
        make.session.add_all([endpoint, delivery])
        make.session.flush()
        make.session.add(
            WebhookAttempt(
                delivery=delivery,
                endpoint_id=endpoint.id,
                attempt=1,
                status_code=None,
                duration_ms=5000,
                error="TimeoutError: timed out waiting for the receiver's answer",
            )
        )
        make.session.commit()
        return endpoint.id


def test_webhook_pages_fit_a_phone_without_javascript(browser, live_server, people, accounts):
    endpoint_id = _logged_endpoint(live_server, accounts["slug"])
    state = _state(browser, live_server, accounts["host"])
    host = people("host-phone", width=WIDTH, height=740, storage_state=state, javascript=False)
    problems = []
    for path in (
        f"/organisations/{accounts['slug']}/webhooks",
        f"/organisations/{accounts['slug']}/webhooks/{endpoint_id}",
    ):
        response = host.goto(path)
        if len(response.body()) > 100_000:
            problems.append(f"{path} weighs over 100 KB")
        width = host.page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{path} is {width} px wide")
    assert not problems, "\n".join(problems)
    assert "TimeoutError" in host.text()
