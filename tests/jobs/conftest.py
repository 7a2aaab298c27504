"""The task queue for real: Huey on a SQLite file, or on Redis when the suite runs on PostgreSQL.

The storage follows the database, as tests/conftest.py decides it by MATCHER_TEST_DATABASE_URL:
SQLite storage in tmp_path with SQLite, Redis (MATCHER_TEST_REDIS_URL, default db 14) with
PostgreSQL, under a queue name of its own per test so that xdist workers never share keys.
Unreachable Redis skips these tests, or fails them with CI=true.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from matcher.extensions import db
from matcher.jobs.queue import InProcessWorker, queue_of
from matcher.models import BackgroundJob
from matcher.reference.sync import sync_reference_data
from tests.support.apps import IsolatedClient, make_app
from tests.support.databases import PG_URL, fresh_database
from tests.support.factories import UserFactory

REDIS_URL = os.environ.get("MATCHER_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
HANG_GUARD_S = 60.0  # only stops a test whose job never ends; the waits follow the job's row


@pytest.fixture
def queue_config(tmp_path, ci: bool) -> dict[str, Any]:
    name = f"test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    if not PG_URL:
        return {"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}", "TASK_QUEUE_NAME": name}
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if ci:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable, and CI=true makes that a failure.")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable (start redis-server to run the queue tests).")
    return {"TASK_QUEUE_URL": REDIS_URL, "TASK_QUEUE_NAME": name}


@pytest.fixture
def app_config(queue_config: dict[str, Any]) -> dict[str, Any]:
    return queue_config


@pytest.fixture
def huey(app: Flask) -> Iterator[Any]:
    queue = queue_of(app).huey
    try:
        yield queue
    finally:
        queue.flush()  # this test's keys (Redis) or rows (SQLite file)


@dataclass
class LiveApp:
    """An app on a database of its own, committed for real, with a worker running in threads."""

    app: Flask
    worker: InProcessWorker

    def data(self) -> UserFactory:
        return UserFactory(db.session)

    def wait_for(self, job_id: int, *statuses: str) -> BackgroundJob:
        """The job once its row shows one of `statuses`, read afresh each time and detached: the
        test's session holds no transaction afterwards (on SQLite that would lock out the worker)."""
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            job = db.session.get(BackgroundJob, job_id, populate_existing=True)
            status = job.status if job is not None else None
            if job is not None:
                db.session.expunge(job)
            db.session.rollback()
            if status in statuses:
                return job
            assert time.monotonic() < deadline, f"job {job_id} is still {status}"
            time.sleep(0.05)


@pytest.fixture
def live_app(tmp_path, queue_config: dict[str, Any]) -> Iterator[LiveApp]:
    """The queue, the database and a real consumer (Huey's, in threads, as `flask serve` runs it)."""
    with fresh_database(tmp_path, "jobs") as scratch:
        app = make_app(scratch, UPLOAD_FOLDER=str(tmp_path / "uploads"), **queue_config)
        app.test_client_class = IsolatedClient
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            worker = InProcessWorker(app, periodic=False)
            worker.start()
            try:
                yield LiveApp(app, worker)
            finally:
                worker.stop()
                queue_of(app).huey.flush()
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def pause() -> Iterator[Callable[[], threading.Event]]:
    """Events a test job waits on; all set at the end, so no worker thread is left waiting."""
    events: list[threading.Event] = []

    def new() -> threading.Event:
        events.append(threading.Event())
        return events[-1]

    yield new
    for event in events:
        event.set()
