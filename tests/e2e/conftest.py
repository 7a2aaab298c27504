"""Browser tests: a live server per test module on its own database, and Chromium driven by Playwright.

Each module gets a fresh database (SQLite file or PostgreSQL schema) and a real server thread on a
free loopback port, with CSRF on, and the task queue's worker running beside it (as `make run` does):
it runs the match rounds and delivers emails to a real SMTP server (aiosmtpd) after each commit.
One Chromium per xdist worker; one browser context per person in a test. When a test fails, each
person's screenshot and Playwright trace go to test-results/<test>/.

Waits follow events (a page's load, an element becoming actionable, an email's delivery), never a
clock; HANG_GUARD_S (tests/e2e/browser.py) only stops a test that hangs.
"""

from __future__ import annotations

import os
import re
import smtplib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.serving import make_server

from matcher.devserver import RequestHandler
from matcher.extensions import db
from matcher.jobs.queue import InProcessWorker
from matcher.reference.sync import sync_reference_data
from tests.conftest import make_app
from tests.e2e.browser import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    HANG_GUARD_S,
    HOW_TO_GET_THEM,
    RESULTS,
    AxeAudit,
    Mailbox,
    Person,
    missing_browser_parts,
    new_context,
)
from tests.support.databases import fresh_database
from tests.support.factories import UserFactory
from tests.support.smtp import SmtpSink

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
_SINK_PORTS: set[int] = set()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once per worker. Missing: skipped, or a failure with CI=true."""
    missing = missing_browser_parts()
    if missing:
        message = f"Browser tests need Chromium, Playwright and axe-core: {missing}. {HOW_TO_GET_THEM}."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI=true makes a missing browser a failure.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=HANG_GUARD_S * 1000)  # web-first assertions retry until then
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class LiveServer:
    app: Flask
    url: str
    mail: Mailbox

    @contextmanager
    def data(self) -> Iterator[UserFactory]:
        """Create rows directly (committed), for what a journey does not build through the pages."""
        with self.app.app_context():
            try:
                yield UserFactory(db.session)
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def live_server(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str, request: pytest.FixtureRequest
) -> Iterator[LiveServer]:
    """The app served on a free loopback port, with a database of its own for this test module."""
    label = f"e2e_{request.module.__name__.rpartition('.')[2].removeprefix('test_')}_{worker_id}"
    tmp = tmp_path_factory.mktemp(label)
    sink = SmtpSink()
    sink.start()
    _SINK_PORTS.add(sink.port)
    try:
        with fresh_database(tmp, label) as scratch:
            app = make_app(
                scratch,
                WTF_CSRF_ENABLED=True,
                TASK_QUEUE_URL=f"sqlite:///{tmp / 'huey.sqlite3'}",
                UPLOAD_FOLDER=str(tmp / "uploads"),
                # The SMTP conversation may be slow on a busy machine; a failure would leave the
                # email due for a later request, and the test waiting for it.
                **{**sink.config(), "MAIL_TIMEOUT": HANG_GUARD_S},
            )
            with app.app_context():
                db.create_all()
                sync_reference_data(db.session)
                db.session.commit()
            server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
            url = f"http://127.0.0.1:{server.server_port}"
            # Links in emails (always from BASE_URL) lead back to this server, which the browser names.
            app.config.update(
                SERVER_NAME=url.removeprefix("http://"), BASE_URL=url, TRUSTED_HOSTS=["127.0.0.1"]
            )
            thread = threading.Thread(target=server.serve_forever, name=f"live-{label}", daemon=True)
            thread.start()
            worker = InProcessWorker(app, periodic=False)
            worker.start()
            try:
                yield LiveServer(app, url, Mailbox(sink, url))
            finally:
                worker.stop()
                server.shutdown()
                thread.join(timeout=HANG_GUARD_S)
                server.server_close()
                with app.app_context():
                    db.engine.dispose()
    finally:
        _SINK_PORTS.discard(sink.port)
        sink.stop()


@pytest.fixture(autouse=True)
def _no_stray_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live servers may mail their own SMTP sinks, and nothing else."""
    connect = smtplib.SMTP.connect

    def only_to_sinks(self: smtplib.SMTP, host: str = "localhost", port: int = 0, *args: Any) -> Any:
        if host == "127.0.0.1" and int(port) in _SINK_PORTS:
            return connect(self, host, port, *args)
        raise AssertionError(f"A browser test tried to open SMTP to {host}:{port}, not its sink.")

    monkeypatch.setattr(smtplib.SMTP, "connect", only_to_sinks)


@pytest.fixture(scope="module")
def audit(request: pytest.FixtureRequest, worker_id: str) -> Iterator[AxeAudit]:
    """axe-core results of every page this module's people saw, kept in test-results/axe/."""
    results = AxeAudit()
    yield results
    if results.pages:
        results.save(RESULTS / "axe" / f"{request.module.__name__.rpartition('.')[2]}-{worker_id}.json")


@pytest.fixture
def people(
    browser: Browser,
    live_server: LiveServer,
    axe_source: str,
    audit: AxeAudit,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Person]]:
    """Open a browser context for one person: `people("coordinator")`; traced, and kept if the test fails.

    Every page the person reaches is checked with axe-core, unless JavaScript or `accessibility` is off.
    """
    opened: list[Person] = []

    def open_person(
        name: str,
        *,
        javascript: bool = True,
        width: int = 1280,
        height: int = 900,
        storage_state: dict[str, Any] | None = None,
        accessibility: bool = True,
        locale: str = "en-GB",
    ) -> Person:
        context = new_context(
            browser,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            locale=locale,
            storage_state=storage_state,
        )
        context.tracing.start(name=name, snapshots=False, screenshots=False)
        if javascript:
            # An init script runs before the page's own and is not subject to its Content-Security-Policy.
            context.add_init_script(axe_source)
        person = Person(name, context, live_server.url, audit if javascript and accessibility else None)
        opened.append(person)
        return person

    yield open_person

    reports = request.node.stash.get(_REPORTS, {})
    failed = any(report.failed for report in reports.values())
    folder = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    for person in opened:
        if failed:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                person.page.screenshot(path=folder / f"{person.name}.png", full_page=True)
            except Exception as error:  # a crashed page still leaves its trace
                (folder / f"{person.name}.screenshot-error.txt").write_text(str(error))
            person.context.tracing.stop(path=folder / f"{person.name}-trace.zip")
        else:
            person.context.tracing.stop()
        person.context.close()
