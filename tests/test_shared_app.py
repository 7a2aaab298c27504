"""The app shared by the tests on the default configuration (tests/support/apps.py, SharedApp):
each test gets it back as it was built, and a test that changes the app itself is caught."""

from __future__ import annotations

import pytest

from matcher.extensions import limiter
from matcher.jobs.queue import queue_of
from matcher.jobs.registry import TASKS
from tests.support.apps import SharedApp, make_app
from tests.support.databases import ScratchDatabase
from tests.support.jobs import queued_tasks


@pytest.fixture
def shared(database: ScratchDatabase) -> SharedApp:
    """A shared app of these tests' own, so that breaking it on purpose spares the suite's."""
    return SharedApp(database)


def test_the_same_app_comes_back_with_the_configuration_it_was_built_with(shared, tmp_path):
    first = shared.checkout(UPLOAD_FOLDER=str(tmp_path / "first"))
    built_hosts = list(first.config["TRUSTED_HOSTS"])
    first.config["WTF_CSRF_ENABLED"] = True
    first.config["TRUSTED_HOSTS"].append("evil.example")  # changed in place
    first.config["SOMETHING_NEW"] = 1
    shared.checkin("first")

    second = shared.checkout(UPLOAD_FOLDER=str(tmp_path / "second"))
    assert second is first
    assert second.config["WTF_CSRF_ENABLED"] is False
    assert second.config["TRUSTED_HOSTS"] == built_hosts and "evil.example" not in built_hosts
    assert "SOMETHING_NEW" not in second.config
    assert second.config["UPLOAD_FOLDER"] == str(tmp_path / "second")
    assert second.jinja_env.globals["config"] is second.config  # templates read the same object


def test_no_task_and_no_limiter_count_outlive_a_test(shared, database):
    app = shared.checkout()
    queue_of(app).send(next(iter(TASKS)), 1)
    assert len(queued_tasks(app)) == 1
    # Another test's app, built with the limiter on, reconfigures the module-level limiter.
    make_app(database, RATELIMIT_ENABLED=True)
    assert limiter.enabled is True
    shared.checkin("first")

    again = shared.checkout()
    assert queued_tasks(again) == []
    assert limiter.enabled is False


def test_a_test_that_adds_a_route_fails_and_the_next_one_gets_a_new_app(shared):
    app = shared.checkout()
    app.add_url_rule("/test/added", "added", lambda: "added")
    with pytest.raises(AssertionError, match=r"changed the shared app \(url rules, view functions\)"):
        shared.checkin("tests/x.py::test_adds_a_route")

    fresh = shared.checkout()
    assert fresh is not app
    assert "added" not in fresh.view_functions


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda app: app.before_request(lambda: None), id="request hooks"),
        pytest.param(lambda app: app.add_template_global(len, "size"), id="template globals"),
        pytest.param(lambda app: app.add_template_filter(len, "size"), id="template filters"),
        pytest.param(lambda app: setattr(app.jinja_env, "loader", None), id="template loader"),
        pytest.param(lambda app: app.register_error_handler(418, lambda error: "tea"), id="error handlers"),
        pytest.param(lambda app: app.extensions.update(mail=object()), id="extensions"),
        pytest.param(lambda app: setattr(app, "wsgi_app", lambda *args: None), id="wsgi middleware"),
    ],
)
def test_each_kind_of_change_to_the_app_is_caught(shared, request, change):
    app = shared.checkout()
    change(app)
    kind = request.node.callspec.id
    with pytest.raises(AssertionError, match=rf"changed the shared app \({kind}\)"):
        shared.checkin("test")
    assert shared.checkout() is not app


def test_a_test_that_only_uses_the_app_leaves_it_shared(shared, database):
    app = shared.checkout()
    with app.test_request_context("/"):
        app.jinja_env.get_template("base.html")
    assert app.test_client().get("/no/such/page").status_code == 404  # Flask looks its handlers up
    shared.checkin("test")
    assert shared.checkout() is app


def test_a_change_that_monkeypatch_undoes_is_no_change(app, monkeypatch):
    """monkeypatch (set up before the app by an autouse fixture) undoes its changes after the
    app's fixture ends: the check waits for that, so this test passes and keeps the app shared."""
    monkeypatch.setitem(app.jinja_env.globals, "size", len)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    assert app.jinja_env.globals["size"] is len
