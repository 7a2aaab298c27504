"""The development server (`make run`): Werkzeug's, without its version in the Server header.

Werkzeug answers every request with `Server: Werkzeug/<version> Python/<version>`, which tells an
attacker what to look up. Gunicorn, used in production, sends `Server: gunicorn`, with no version.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import WSGIRequestHandler, run_simple

SERVER_HEADER = "IR Opportunity Matcher"


class RequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return SERVER_HEADER


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--reload/--no-reload", default=True, show_default=True, help="Restart when code changes.")
@with_appcontext
def serve(host: str, port: int, reload: bool) -> None:
    """Serve the app for development (`flask run`, without the version in the Server header)."""
    run_simple(
        host,
        port,
        current_app._get_current_object(),
        use_reloader=reload,
        threaded=True,
        request_handler=RequestHandler,
    )
