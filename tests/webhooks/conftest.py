"""Fixtures for webhook tests: a receiver on loopback, and an organisation's member."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def organisation(users):
    return users.organisation(name="Road2IR", slug="road2ir")


@pytest.fixture
def member(users, organisation):
    return users.create(role="org_member", organisation=organisation)
