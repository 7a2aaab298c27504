"""Fixtures: an app on a per-run test database, per-test rollback, users of each role, SMTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from matcher.extensions import db
from matcher.reference.sync import sync_reference_data
from tests.support.apps import IsolatedClient, SharedApp, make_app
from tests.support.databases import PG_URL, ScratchDatabase, fresh_database
from tests.support.factories import UserFactory
from tests.support.smtp import SmtpSink


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def shared_app(database: ScratchDatabase) -> SharedApp:
    """The app every test on the default configuration shares (per xdist worker): see SharedApp."""
    return SharedApp(database)


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    """The schema built once per run (per xdist worker), with the reference data loaded.

    The worker is read from the environment, not xdist's `worker_id` fixture, so the suite also
    runs with xdist turned off (`-p no:xdist`, as under mutmut).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with fresh_database(tmp_path_factory.mktemp("db"), f"suite_{worker}") as scratch:
        app = make_app(scratch)
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            db.engine.dispose()
        yield scratch


@pytest.fixture
def empty_app(tmp_path) -> Iterator[Flask]:
    """An app on an empty database (no tables), for the migration tests."""
    with fresh_database(tmp_path, "migrations") as scratch:
        app = make_app(scratch)
        with app.app_context():
            yield app
            db.engine.dispose()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change the app's configuration."""
    return {}


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    database: ScratchDatabase,
    shared_app: SharedApp,
    app_config: dict[str, Any],
    tmp_path,
) -> Iterator[Flask]:
    """An app whose every commit happens inside one transaction rolled back after the test.

    Tests on the default configuration share one app, reset before each test (SharedApp); a
    module that overrides `app_config`, or a test marked `fresh_app`, gets an app of its own.
    """
    uploads = str(tmp_path / "uploads")
    own = bool(app_config) or request.node.get_closest_marker("fresh_app") is not None
    if own:
        app = make_app(database, UPLOAD_FOLDER=uploads, **app_config)
        app.test_client_class = IsolatedClient
    else:
        app = shared_app.checkout(UPLOAD_FOLDER=uploads)
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()
            if own:
                db.engine.dispose()
    if not own:
        # Checked once the test's every fixture is gone (monkeypatch's undoing included): below.
        request.node.stash[SHARED_APP_USED] = shared_app


SHARED_APP_USED = pytest.StashKey[SharedApp]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a test on the shared app, check that the test left the app as it found it."""
    try:
        return (yield)
    finally:
        shared = item.stash.get(SHARED_APP_USED, None)
        if shared is not None:
            del item.stash[SHARED_APP_USED]
            shared.checkin(item.nodeid)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def users(app: Flask) -> UserFactory:
    return UserFactory(db.session)


class AuthActions:
    """Log in through the real login form, as an existing user or a new one of any role."""

    def __init__(self, client: FlaskClient, users: UserFactory) -> None:
        self.client, self.users = client, users

    def login_as(self, user, password: str = UserFactory.PASSWORD, remember: bool = False):
        response = self.client.post(
            "/login", data={"email": user.email, "password": password, "remember": "y" if remember else ""}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    def login(self, role: str, **kwargs: Any):
        return self.login_as(self.users.create(role=role, **kwargs))

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient, users: UserFactory) -> AuthActions:
    return AuthActions(client, users)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on a free loopback port, recording what it accepts."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(autouse=True)
def _no_stray_smtp(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Any SMTP connection not aimed at a test sink fails the test."""
    import smtplib

    if "smtp_sink" in request.fixturenames:
        return

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("This test tried to open an SMTP connection without the smtp_sink fixture.")

    monkeypatch.setattr(smtplib.SMTP, "connect", refuse)


@pytest.fixture(scope="session")
def ci() -> bool:
    return os.environ.get("CI") == "true"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "expect_500: the test provokes a 500 on purpose")
    config.addinivalue_line(
        "markers", "fresh_app: the test changes the app itself (routes, loader), so it gets one of its own"
    )


@pytest.fixture(autouse=True)
def _fail_on_500(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Any 500 answered by any app during the test fails it, even if the test did not look."""
    from flask import request as flask_request
    from flask import request_finished

    seen: list[str] = []

    def check(sender: Flask, response, **extra: Any) -> None:
        if response.status_code == 500:
            seen.append(f"{flask_request.method} {flask_request.full_path}")

    with request_finished.connected_to(check):
        yield seen
    if seen and request.node.get_closest_marker("expect_500") is None:
        pytest.fail("The app answered 500 to: " + "; ".join(seen[:10]), pytrace=False)
