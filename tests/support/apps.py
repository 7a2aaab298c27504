"""Apps for tests: the test configuration, an app on a scratch database, a client that isolates requests."""

from __future__ import annotations

import contextvars
from typing import Any

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache

from matcher.app import create_app
from matcher.extensions import db
from tests.support.databases import ScratchDatabase

BASE_TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "ENV": "testing",
    "SECRET_KEY": "test-secret-key-not-for-production",
    # The test client sends `Host: matcher.test` (from SERVER_NAME); links in emails come from
    # BASE_URL, and requests naming another host are refused (TRUSTED_HOSTS, from BASE_URL).
    "SERVER_NAME": "matcher.test",
    "BASE_URL": "http://matcher.test",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # Cheap hashing keeps the suite fast; production parameters are tested on their own.
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_TIME_COST": 1,
    "MAIL_SERVER": None,
    # Tasks wait in memory until a test runs them (tests/support/jobs.py); mail stays pending.
    "TASK_QUEUE_URL": "memory://",
    # No audit file in instance/ from tests; tests of the audit log point it at tmp_path.
    "AUDIT_LOG_PATH": None,
}


def make_app(scratch: ScratchDatabase, **overrides: Any) -> Flask:
    config = {
        **BASE_TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": scratch.url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **scratch.engine_options},
        **overrides,
    }
    app = create_app(config)
    # Every test builds its own app, so its own Jinja environment: without a shared cache each one
    # would compile the same templates again (about a tenth of a second per test). The cache is
    # keyed by each template's source checksum, so a changed template is compiled again.
    app.jinja_env.bytecode_cache = TEMPLATES_COMPILED
    return app


class _Compiled(BytecodeCache):
    """Compiled templates kept in this process's memory, shared by every test's app."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


TEMPLATES_COMPILED = _Compiled()


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
