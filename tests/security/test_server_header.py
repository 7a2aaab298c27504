"""No answer names the server's version: the Server header says what, never which release.

Before: `make run` answered `Server: Werkzeug/3.1.9 Python/3.11.2`. The development server now
uses our request handler (`flask serve`, as `make run` does); gunicorn, used in production, says
`gunicorn` only. Both are started for real here, as a browser would meet them.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

from matcher import ROOT
from matcher.devserver import SERVER_HEADER, RequestHandler
from tests.support.loopback import HOST, free_port

VERSION = re.compile(r"\d+\.\d+")
HANG_GUARD_S = 120


def _server_header(port: int, path: str = "/static/css/site.css", host: str | None = None) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=HANG_GUARD_S)
    try:
        connection.request("GET", path, headers={"Host": host or "matcher.test"})
        response = connection.getresponse()
        response.read()
        return response.getheader("Server") or ""
    finally:
        connection.close()


def test_the_development_server_names_no_version(app):
    server = make_server(HOST, 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/static/css/site.css", "/", "/no-such-page"):
            assert _server_header(server.server_port, path) == SERVER_HEADER
        assert _server_header(server.server_port, host="evil.example") == SERVER_HEADER  # the 400
    finally:
        server.shutdown()
        thread.join(timeout=HANG_GUARD_S)


def test_gunicorn_names_no_version(tmp_path: Path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")},
        "MATCHER_ENV": "development",
        "MATCHER_SECRET_KEY": "a-secret-for-this-test-only",
        "MATCHER_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}",
        "MATCHER_AUDIT_LOG_PATH": "",
        "MATCHER_BASE_URL": "http://matcher.test",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", "1", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        # Gunicorn logs "Booting worker" once a worker has imported the app and can answer.
        for line in process.stderr:
            if "Booting worker" in line:
                break
        header = _server_header(port)
        assert header and not VERSION.search(header), header
    finally:
        process.terminate()
        process.wait(timeout=HANG_GUARD_S)
        process.stderr.close()
