"""The task queue in tests: tasks wait in memory (TASK_QUEUE_URL=memory://) until a test runs them."""

from __future__ import annotations

from flask import Flask

from matcher.jobs.lifecycle import RUN_TASK
from matcher.jobs.queue import queue_of


def queued_tasks(app: Flask) -> list[tuple[str, tuple]]:
    """What waits in the app's queue, as (task name, arguments), without taking it out."""
    return [(task.name, tuple(task.args)) for task in queue_of(app).huey.pending()]


def run_queued_jobs(app: Flask) -> int:
    """Run the background jobs waiting in the queue, here and now, as a worker would; other
    tasks (mail delivery) stay queued, so emails stay pending as the tests expect. Returns how many ran."""
    huey = queue_of(app).huey
    others, ran = [], 0
    while (task := huey.dequeue()) is not None:
        if task.name == RUN_TASK:
            huey.execute(task)
            ran += 1
        else:
            others.append(task)
    for task in others:
        huey.enqueue(task)
    return ran
