"""Fixtures: an app on a per-run test database, per-test rollback, users of each role, SMTP."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from matcher.app import create_app
from matcher.extensions import db
from matcher.reference.sync import sync_reference_data
from tests.support.databases import PG_URL, ScratchDatabase, fresh_database
from tests.support.factories import UserFactory
from tests.support.smtp import SmtpSink

BASE_TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "ENV": "testing",
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SERVER_NAME": "matcher.test",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # Cheap hashing keeps the suite fast; production parameters are tested on their own.
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_TIME_COST": 1,
    "MAIL_SERVER": None,
    "MAIL_DELIVER_ON_COMMIT": False,
    # No audit file in instance/ from tests; tests of the audit log point it at tmp_path.
    "AUDIT_LOG_PATH": None,
}


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[ScratchDatabase]:
    """The schema built once per run (per xdist worker), with the reference data loaded."""
    with fresh_database(tmp_path_factory.mktemp("db"), f"suite_{worker_id}") as scratch:
        app = make_app(scratch)
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            db.engine.dispose()
        yield scratch


def make_app(scratch: ScratchDatabase, **overrides: Any) -> Flask:
    config = {
        **BASE_TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": scratch.url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **scratch.engine_options},
        **overrides,
    }
    return create_app(config)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change the app's configuration."""
    return {}


class IsolatedClient(FlaskClient):
    """Runs each request in an empty context, like a real server would.

    Without this, a request would reuse the test's app context, and so its `g` (where
    Flask-Login caches the user) and its database session: a logged-out cookie could pass.
    After each request the test's own session forgets what it had loaded, so that the
    test reads what the request wrote.
    """

    def open(self, *args: Any, **kwargs: Any):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # the outermost call, back in the test's own context
            db.session.expire_all()
        return response


@pytest.fixture
def app(database: ScratchDatabase, app_config: dict[str, Any], tmp_path) -> Iterator[Flask]:
    """An app whose every commit happens inside one transaction rolled back after the test."""
    app = make_app(database, UPLOAD_FOLDER=str(tmp_path / "uploads"), **app_config)
    app.test_client_class = IsolatedClient
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
            db.engine.dispose()


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
