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
    assert "You have tried too often" in page and "5 per minute" in page and "site.css" in page


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
    assert response.status_code == 429 and "20 per hour" in response.get_data(as_text=True)
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


# --- issue 16: per address across accounts, per account across addresses, shared storage ---------


@pytest.mark.parametrize("app_config", [ENABLED])
def test_one_address_trying_many_accounts_is_refused(client, users):
    """The review tried 50 passwords over 10 accounts from one address without a refusal."""
    accounts = [users.create(email=f"account{n}@example.org") for n in range(12)]
    statuses = [_fail(client, account.email).status_code for account in accounts[:10]]
    assert statuses == [422] * 10  # one failure per account: the per-account limit never triggers
    refused = _fail(client, accounts[10].email)
    assert refused.status_code == 429 and "10 per minute" in refused.get_data(as_text=True)
    assert _fail(client, accounts[11].email, address="198.51.100.7").status_code == 422


@pytest.mark.parametrize("app_config", [ENABLED])
def test_many_addresses_guessing_one_account_are_slowed(client, users):
    user = users.create(email="target@example.org")
    statuses = [_fail(client, user.email, address=f"192.0.2.{n + 1}").status_code for n in range(10)]
    assert statuses == [422] * 10  # one failure per address: the per-address limits never trigger
    refused = _fail(client, user.email, address="203.0.113.50")
    assert refused.status_code == 429 and "10 per minute" in refused.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [ENABLED])
def test_the_owner_on_a_known_browser_is_not_locked_out_by_an_attack(app, client, users, monkeypatch):
    clock = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: clock.now))
    user = users.create(email="owner@example.org")
    owner = app.test_client()
    login = {"email": user.email, "password": users.PASSWORD}
    home = {"REMOTE_ADDR": "192.0.2.200"}
    assert owner.post("/login", data=login, environ_base=home).status_code == 302
    assert owner.get_cookie("known_device", domain="matcher.test") is not None
    owner.post("/logout", environ_base=home)
    # An attack from many addresses uses up the account-wide limit...
    for n in range(10):
        _fail(client, user.email, address=f"198.51.100.{n + 1}")
    stranger = app.test_client()
    assert stranger.post("/login", data=login, environ_base=home).status_code == 429
    # ...but the owner's own browser, which logged in before, still gets in.
    assert owner.post("/login", data=login, environ_base=home).status_code == 302
    # And the account-wide limit is a window that frees up, not a lock.
    clock.now += 3601
    assert app.test_client().post("/login", data=login, environ_base=home).status_code == 302


@pytest.mark.parametrize("app_config", [ENABLED])
def test_a_forged_known_device_cookie_does_not_skip_the_account_limit(app, client, users):
    user = users.create(email="target@example.org")
    for n in range(10):
        _fail(client, user.email, address=f"198.51.100.{n + 1}")
    forger = app.test_client()
    forger.set_cookie("known_device", "WyJ0YXJnZXRAZXhhbXBsZS5vcmciXQ.forged", domain="matcher.test")
    response = forger.post(
        "/login",
        data={"email": user.email, "password": users.PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("environ", "argv", "expected"),
    [
        ({}, ["/srv/matcher/.venv/bin/gunicorn", "--workers", "4", "wsgi:app"], 4),
        ({}, ["gunicorn", "-w", "2", "wsgi:app"], 2),
        ({}, ["gunicorn", "--workers=3", "wsgi:app"], 3),
        ({"WEB_CONCURRENCY": "5"}, ["gunicorn", "wsgi:app"], 5),
        ({"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:8000 --workers 6"}, ["gunicorn", "wsgi:app"], 6),
        ({}, ["flask", "--app", "wsgi", "run", "-w", "9"], 1),  # not gunicorn: one process
        ({}, ["gunicorn", "wsgi:app"], 1),
    ],
)
def test_the_number_of_workers_is_read_from_gunicorns_settings(environ, argv, expected):
    from matcher.web.throttle import declared_workers

    assert declared_workers(environ, argv) == expected


@pytest.mark.parametrize(
    ("storage", "workers", "warned"),
    [("memory://", "4", True), ("memory://", "1", False), (REDIS_URL, "4", False)],
)
def test_the_app_warns_at_start_when_several_workers_keep_limits_in_memory(
    database, monkeypatch, caplog, storage, workers, warned
):
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    with caplog.at_level("WARNING", logger="matcher.limits"):
        make_app(database, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage)
    messages = [r.getMessage() for r in caplog.records if r.name == "matcher.limits"]
    if warned:
        (message,) = messages
        assert (
            f"{workers} worker processes" in message and "MATCHER_RATELIMIT_STORAGE_URI=redis://" in message
        )
    else:
        assert messages == []
