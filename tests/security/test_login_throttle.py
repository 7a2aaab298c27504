"""Failed logins are limited to 5 a minute and 20 an hour per account and address, shared via Redis.

tests/web/test_rate_limit.py proves the 429 page and that successful logins do not count; these
tests hold the production limits themselves, the hour window, the key, and the shared storage.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import limits.storage.memory
import pytest

from matcher.config import defaults
from tests.support.apps import IsolatedClient, make_app

REDIS_URL = "redis://127.0.0.1:6379/15"
ENABLED = {"RATELIMIT_ENABLED": True}


def _fail(client, email: str, address: str = "192.0.2.1"):
    return client.post(
        "/login",
        data={"email": email, "password": "not the password"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_default_limit_is_5_a_minute_and_20_an_hour(tmp_path):
    assert defaults(str(tmp_path))["LOGIN_RATE_LIMIT"] == "5 per minute;20 per hour"


@pytest.mark.parametrize("app_config", [ENABLED])  # the default LOGIN_RATE_LIMIT
def test_the_sixth_failure_in_a_minute_gets_a_friendly_429(client, users):
    user = users.create(email="target@example.org")
    for _ in range(5):
        assert _fail(client, user.email).status_code == 422
    response = client.post(
        "/login",
        data={"email": user.email, "password": users.PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You have tried too often" in page and "5 per 1 minute" in page and "site.css" in page


@pytest.mark.parametrize("app_config", [ENABLED])
def test_twenty_failures_in_an_hour_lock_the_account_even_when_spread_over_minutes(
    client, users, monkeypatch
):
    clock = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: clock.now))
    user = users.create(email="patient@example.org")
    for minute in range(4):
        for _ in range(5):
            assert _fail(client, user.email).status_code == 422, minute
        clock.now += 61  # a new minute: the per-minute window is free again
    response = _fail(client, user.email)
    assert response.status_code == 429 and "20 per 1 hour" in response.get_data(as_text=True)
    clock.now += 3600
    assert _fail(client, user.email).status_code == 422  # an hour later, trying is allowed again


@pytest.mark.parametrize("app_config", [ENABLED])
def test_the_limit_is_per_account_and_address(client, users):
    user = users.create(email="target@example.org")
    for _ in range(5):
        _fail(client, user.email)
    assert _fail(client, user.email).status_code == 429
    assert _fail(client, user.email, address="198.51.100.7").status_code == 422  # another address
    assert _fail(client, "other@example.org").status_code == 422  # another account


def _redis(ci: bool):
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if ci:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable, and CI=true makes that a failure.")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable (start redis-server to run this test).")
    return connection


def _instance(database, storage: str):
    """A separate app, as a second gunicorn worker or machine would build it.

    Building it gives the limiter a new storage object (a fresh memory:// store, or a new connection
    to Redis), so only a shared Redis can carry the first instance's count over.
    """
    app = make_app(
        database, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, LOGIN_RATE_LIMIT="3 per minute"
    )
    app.test_client_class = IsolatedClient
    return app


@pytest.mark.parametrize(("storage", "shared"), [(REDIS_URL, True), ("memory://", False)])
def test_two_app_instances_share_the_limit_only_through_redis(app, database, ci, storage, shared):
    connection = _redis(ci) if storage.startswith("redis") else None
    email = f"shared-{uuid.uuid4().hex}@example.org"
    try:
        first = _instance(database, storage)
        for _ in range(3):
            assert _fail(first.test_client(), email).status_code == 422
        second = _instance(database, storage)
        status = _fail(second.test_client(), email).status_code
        assert status == (429 if shared else 422)
        if connection is not None:
            assert connection.keys(f"*failed-login*{email}*"), "the failures were not counted in Redis"
    finally:
        if connection is not None:
            stale = connection.keys(f"*{email}*")
            if stale:
                connection.delete(*stale)
