"""The development server (`make run`): Werkzeug's, without its version in the Server header, with
the task queue's worker running inside it.

Werkzeug answers every request with `Server: Werkzeug/<version> Python/<version>`, which tells an
attacker what to look up. Gunicorn, used in production, sends `Server: gunicorn`, with no version.
"""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import WSGIRequestHandler, run_simple

from matcher.jobs.queue import InProcessWorker, storage_url

SERVER_HEADER = "IR Opportunity Matcher"


class RequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return SERVER_HEADER


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--reload/--no-reload", default=True, show_default=True, help="Restart when code changes.")
@click.option(
    "--worker/--no-worker",
    default=None,
    help="Run the task queue's worker in this process [default: yes, unless the queue is on Redis, "
    "where `flask jobs worker` runs beside it].",
)
@with_appcontext
def serve(host: str, port: int, reload: bool, worker: bool | None) -> None:
    """Serve the app for development (`flask run`, without the version in the Server header), with
    the worker that runs background jobs, delivers mail and does the periodic work."""
    app = current_app._get_current_object()
    if worker is None:
        worker = not storage_url(app).startswith(("redis://", "rediss://", "unix://"))
        if not worker:
            click.echo("The task queue is on Redis: run `flask --app wsgi jobs worker` beside this server.")
    # With the reloader, this process only watches files; its child serves (and runs the worker).
    serving = not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    in_process = InProcessWorker(app) if worker and serving else None
    if in_process is not None:
        in_process.start()
        click.echo(f"Task worker running in this process on {storage_url(app)}.")
    try:
        run_simple(host, port, app, use_reloader=reload, threaded=True, request_handler=RequestHandler)
    finally:
        if in_process is not None:
            in_process.stop()
