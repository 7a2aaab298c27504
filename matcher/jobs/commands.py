"""`flask jobs worker`: the task queue's consumer, with the app (background jobs, mail, periodic work)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.jobs.queue import queue_of, storage_url

jobs_group = AppGroup("jobs", help="The task queue: background jobs, mail delivery, periodic work.")


@jobs_group.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Worker threads.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also schedule the periodic work (digests, reminders, expiry, the mail sweep). With several "
    "workers, the periodic work runs once at a time anyway; --no-periodic spares the others the check.",
)
def jobs_worker(workers: int, periodic: bool) -> None:
    """Run the task queue's consumer until Ctrl+C (one or more per machine in production)."""
    url = storage_url(current_app)
    click.echo(f"Task worker: {workers} thread(s) on {url.split('@')[-1]}; Ctrl+C stops it.")
    queue_of(current_app).consumer(workers=workers, periodic=periodic).run()
