"""Fixtures for the security tests: the world of organisation A and its neighbours, the audit log."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.security.world import World, build_world


@pytest.fixture
def world(app, users) -> World:
    return build_world(app, users)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[str]:
        return self.path.read_text().splitlines() if self.path.exists() else []

    def entries(self, action: str | None = None) -> list[dict[str, Any]]:
        found = [json.loads(line) for line in self.lines()]
        return [e for e in found if action is None or e["action"] == action]


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

    from matcher.app import create_app
    from tests.conftest import IsolatedClient

    for name in list(os.environ):
        if name.startswith("MATCHER_") and not name.startswith("MATCHER_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(flask.Config, "from_pyfile", lambda self, *args, **kwargs: False)

    def build(**overrides: Any) -> flask.Flask:
        config = {
            "ENV": "production",
            "SECRET_KEY": PRODUCTION_SECRET,
            "SERVER_NAME": "matcher.test",
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
