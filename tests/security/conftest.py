"""Fixtures for the security tests: the world of organisation A and its neighbours, the audit log."""

from __future__ import annotations

import os
from typing import Any

import pytest

from matcher.app import create_app
from tests.security.audit_log import AuditLog
from tests.security.world import World, build_world
from tests.support.apps import IsolatedClient


@pytest.fixture
def world(app, users) -> World:
    return build_world(app, users)


@pytest.fixture
def audit_log(app, tmp_path) -> AuditLog:
    """The app's audit file, in tmp_path (the audit module reads the path at each write)."""
    path = tmp_path / "audit.log"
    app.config["AUDIT_LOG_PATH"] = str(path)
    return AuditLog(path)


PRODUCTION_SECRET = "a-production-secret-key-that-is-long-and-random-0123456789"


@pytest.fixture
def production_app(app, database, tmp_path, monkeypatch):
    """Build an app as a deployment would: ENV=production, a real SECRET_KEY, no TESTING flag.

    Requests still go through the test's transaction (the `app` fixture's session is shared by
    every app), and neither a developer's instance/config.py nor MATCHER_* variables leak in.
    """
    import flask

    for name in list(os.environ):
        if name.startswith("MATCHER_") and not name.startswith("MATCHER_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(flask.Config, "from_pyfile", lambda self, *args, **kwargs: False)

    def build(**overrides: Any) -> flask.Flask:
        config = {
            "ENV": "production",
            "SECRET_KEY": PRODUCTION_SECRET,
            "SERVER_NAME": "matcher.test",
            "BASE_URL": "https://matcher.test",
            "SQLALCHEMY_DATABASE_URI": database.url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **database.engine_options},
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "AUDIT_LOG_PATH": str(tmp_path / "production-audit.log"),
            "MAIL_SERVER": None,
            **overrides,
        }
        built = create_app(config)
        built.test_client_class = IsolatedClient
        return built

    return build
