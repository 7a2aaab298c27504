"""Apps for tests: the test configuration, an app on a scratch database, a client that isolates requests."""

from __future__ import annotations

import contextvars
import copy
from typing import Any

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache

from matcher.app import create_app
from matcher.extensions import db, limiter
from matcher.jobs import queue as task_queue
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


class SharedApp:
    """One app per test process for every test on the default configuration, reset before each test.

    Building an app costs about 70 ms (werkzeug compiles every URL rule), more than most tests
    take; so the tests that keep the default configuration share one, as a deployment's requests
    do. Before each test `checkout` gives it back as it was built: the configuration (deep-copied,
    so a list changed in place comes back too) with the test's own UPLOAD_FOLDER, a new task queue
    (no task left over from another test) and a new limiter storage (no counts). After each test
    `checkin` compares the app's structure (rules, hooks, handlers, template globals and filters,
    the template loader, the extensions, the middleware) with what it was: a test that changed it
    fails and the app is thrown away, so the next test gets a new one. A test that needs to change
    the app itself (add a route, swap the template loader) asks for an app of its own with
    `@pytest.mark.fresh_app`, as does any test whose module overrides `app_config`.
    """

    def __init__(self, scratch: ScratchDatabase) -> None:
        self.scratch = scratch
        self.app: Flask | None = None

    def checkout(self, **per_test: Any) -> Flask:
        if self.app is None:
            self.app = make_app(self.scratch)
            self.app.test_client_class = IsolatedClient
            self.pristine = copy.deepcopy(dict(self.app.config))
            self.shape = shape_of(self.app)
        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self.pristine), **per_test)
        # What create_app sets up from the configuration and keeps between requests: the task
        # queue's storage (memory:// keeps pending tasks) and the limiter, a module-level object
        # that the last app built (maybe another test's) configured; init_app gives it new storage.
        task_queue.init_app(app)
        limiter.init_app(app)
        return app

    def checkin(self, test: str) -> None:
        if self.app is None:
            return
        changed = [name for name, value in shape_of(self.app).items() if value != self.shape[name]]
        if changed:
            self.app = None
            raise AssertionError(
                f"{test} changed the shared app ({', '.join(changed)}); mark it "
                "@pytest.mark.fresh_app to give it an app of its own (see README, Tests)."
            )


LAZY_EXTENSIONS = frozenset({"matcher.jobs", "matcher_catalogues", "limiter"})


def shape_of(app: Flask) -> dict[str, Any]:
    """What a test must leave as it found it on a shared app (compared by identity or value)."""
    env = app.jinja_env
    return {
        "url rules": sorted(f"{rule} {sorted(rule.methods or ())}" for rule in app.url_map.iter_rules()),
        "view functions": dict(app.view_functions),
        # Flask keeps these in defaultdicts, which a lookup fills with empty entries: those are left out.
        "request hooks": [
            {key: list(funcs) for key, funcs in hooks.items() if funcs}
            for hooks in (
                app.before_request_funcs,
                app.after_request_funcs,
                app.teardown_request_funcs,
                app.url_value_preprocessors,
                app.url_default_functions,
                app.template_context_processors,
            )
        ],
        "app context hooks": list(app.teardown_appcontext_funcs),
        "error handlers": {
            key: {code: dict(handlers) for code, handlers in by_code.items() if handlers}
            for key, by_code in app.error_handler_spec.items()
            if any(by_code.values())
        },
        "blueprints": dict(app.blueprints),
        # The task queue is new for each test; the catalogues and the limiter come on first use.
        "extensions": {name: value for name, value in app.extensions.items() if name not in LAZY_EXTENSIONS},
        "wsgi middleware": app.wsgi_app,
        "test client class": app.test_client_class,
        "template loader": env.loader,
        "template globals": dict(env.globals),
        "template filters": dict(env.filters),
        "template tests": dict(env.tests),
        "template policies": dict(env.policies),
        "template extensions": dict(env.extensions),
        "template bytecode cache": env.bytecode_cache,
        "url converters": dict(app.url_map.converters),
        "cli commands": dict(app.cli.commands),
    }


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
