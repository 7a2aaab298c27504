"""The app's task queue: a Huey instance with its storage chosen by configuration, and its consumer.

`TASK_QUEUE_URL` picks the storage: unset, a SQLite file in instance/ (no extra service, for
`make run`); `redis://host:6379/0` in production, shared by web and worker machines;
`sqlite:////path/file.sqlite3`; `memory://` (one process: tests). `TASK_QUEUE_IMMEDIATE` runs each
task as soon as it is sent, in the sending process. The instance is built on first use, so an app
that never sends a task opens no file and no connection.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import TaskLockedException

from matcher.jobs import registry
from matcher.jobs.dispatch import EXTENSION

log = logging.getLogger("matcher.jobs")


def storage_url(app: Flask) -> str:
    return app.config.get("TASK_QUEUE_URL") or "sqlite:///" + os.path.join(app.instance_path, "huey.sqlite3")


def build_huey(app: Flask) -> Huey:
    url, name = storage_url(app), app.config["TASK_QUEUE_NAME"]
    # Our tables are the record of results; Huey keeps none (nothing to expire in Redis).
    options: dict[str, Any] = {"results": False, "immediate": bool(app.config["TASK_QUEUE_IMMEDIATE"])}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, **options)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return SqliteHuey(name, filename=path, **options)
    if url == "memory://":
        return MemoryHuey(name, **options)
    raise ValueError(
        f"TASK_QUEUE_URL must start with redis://, rediss://, unix:// or sqlite:///, or be memory://: {url!r}"
    )


class TaskQueue:
    """The app's Huey instance and its tasks, built on first use."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._huey: Huey | None = None
        self._tasks: dict[str, Any] = {}

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            huey = build_huey(self.app)
            for name, task in registry.TASKS.items():
                self._tasks[name] = huey.task(name=name)(self._in_app(task))
            for name, (schedule, task) in registry.PERIODIC.items():
                # One run at a time across every consumer; the work itself is idempotent per period.
                locked = self._skip_if_running(huey, name, task)
                self._tasks[name] = huey.periodic_task(schedule, name=name)(self._in_app(locked))
            self._huey = huey
        return self._huey

    def send(self, name: str, *args: Any) -> None:
        self.huey  # noqa: B018 - builds the tasks
        self._tasks[name](*args)

    def call(self, name: str, *args: Any) -> Any:
        """Run a task here and now, as the worker would (errors are raised, not logged): for tests
        and for running periodic work by hand."""
        self.huey  # noqa: B018 - builds the tasks
        return self._tasks[name].call_local(*args)

    def _in_app(self, task: Callable[..., Any]) -> Callable[..., Any]:
        """Run a task in an app context of its own (so a database session of its own, even when run
        inside a request or a test), with a request for BASE_URL so emails get absolute links."""
        app = self.app

        @functools.wraps(task)
        def in_app(*args: Any) -> Any:
            with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
                return task(*args)

        return in_app

    @staticmethod
    def _skip_if_running(huey: Huey, name: str, task: Callable[[], Any]) -> Callable[[], Any]:
        @functools.wraps(task)
        def once_at_a_time() -> Any:
            try:
                with huey.lock_task(f"periodic-{name}"):
                    return task()
            except TaskLockedException:
                log.info("%s is already running elsewhere; this turn is skipped", name)
                return None

        return once_at_a_time

    def consumer(self, workers: int = 1, periodic: bool = True) -> Consumer:
        # An idle worker polls a SQLite queue at most a second apart (Redis blocks until a task comes).
        return self.huey.create_consumer(
            workers=workers, worker_type="thread", periodic=periodic, max_delay=1.0
        )


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = TaskQueue(app)


def queue_of(app: Flask) -> TaskQueue:
    return app.extensions[EXTENSION]


class InProcessWorker:
    """A consumer's threads inside this process (the development server), without its signal handlers."""

    def __init__(self, app: Flask, workers: int = 1, periodic: bool = True) -> None:
        self.consumer = queue_of(app).consumer(workers=workers, periodic=periodic)

    def start(self) -> None:
        self.consumer.scheduler.start()
        for _, thread in self.consumer.worker_threads:
            thread.start()

    def stop(self) -> None:
        """Stop taking tasks and wait for the ones running to end."""
        self.consumer.stop(graceful=True)
