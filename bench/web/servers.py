"""The processes the benchmark starts: gunicorn instances, the app's CLI, and the app in-process,
each with an environment of the benchmark's own (never the caller's MATCHER_* settings)."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.web.client import arun, connection
from matcher.app import create_app
from tests.support.loopback import HOST, free_port

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # gunicorn and flask live next to the interpreter (.venv/bin)
SECRET = "bench-web-" + "k" * 40  # the same on every instance: that is what makes sessions portable
APPLICATION_NAME = "bench-web"  # the servers' PostgreSQL connections say so, to count their CPU
SMALL_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_bench_small"  # the default database
APP = "wsgi:app"
HELLO_APP = "bench.web.hello:app"


def clean_env(**matcher: object) -> dict[str, str]:
    """The environment without the caller's MATCHER_* settings, plus the ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env.update({f"MATCHER_{k}": str(v) for k, v in matcher.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def app_env(url: str, workdir: Path, storage: str) -> dict[str, str]:
    """What a production deployment sets, with the rate limits stored in `storage`."""
    return clean_env(
        ENV="production",
        SECRET_KEY=SECRET,
        DATABASE_URL=url,
        RATELIMIT_STORAGE_URI=storage,
        AUDIT_LOG_PATH=str(workdir / "audit.log"),
        UPLOAD_FOLDER=str(workdir / "uploads"),
        BASE_URL=f"http://{HOST}",
        SQLALCHEMY_ENGINE_OPTIONS=json.dumps(
            {"pool_pre_ping": True, "connect_args": {"application_name": APPLICATION_NAME}}
        ),
    )


def redis_uri(args: argparse.Namespace) -> str:
    return f"redis://{HOST}:6379/{args.redis_db}"


def flask_cli(*command: str) -> list[str]:
    """The argv of `flask --app wsgi <command>`, to run with cwd=ROOT."""
    return [str(BIN / "flask"), "--app", "wsgi", *command]


def bench_app(url: str) -> Flask:
    """The app on `url`, built under the servers' clean environment (not this shell's)."""
    env_backup = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean_env())
    try:
        # The test client asks for "localhost", which production's trusted hosts would refuse.
        settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "AUDIT_LOG_PATH": ""}
        return create_app(settings | {"TRUSTED_HOSTS": ["localhost", HOST]})
    finally:
        os.environ.clear()
        os.environ.update(env_backup)


_ports_taken = itertools.count()


def _next_port(args: argparse.Namespace) -> int:
    """A free port, or the next of --ports FIRST (on a shared machine, a range of one's own)."""
    first = getattr(args, "ports", None)
    return first + next(_ports_taken) if first else free_port()


class Gunicorn:
    """One gunicorn master serving `app` on a free loopback port, with its log in `workdir`."""

    def __init__(
        self,
        name: str,
        app: str,
        env: dict[str, str],
        args: argparse.Namespace,
        workdir: Path,
        workers: int | None = None,
    ) -> None:
        self.name, self.app, self.env, self.workdir = name, app, env, workdir
        self.port = _next_port(args)
        self.workers = workers or args.workers
        self.worker_class, self.threads = args.worker_class, args.threads
        self.proc: subprocess.Popen | None = None
        self.log = workdir / f"gunicorn-{name}.log"

    def start(self) -> None:
        argv = [
            str(BIN / "gunicorn"),
            f"--workers={self.workers}",
            f"--worker-class={self.worker_class}",
            f"--threads={self.threads}",
            f"--bind={HOST}:{self.port}",
            "--backlog=2048",
            "--keep-alive=5",
            "--graceful-timeout=5",
            self.app,
        ]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log}")
            try:
                status = arun(self._probe())
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.3)  # nothing to wait on but the port: gunicorn gives no readiness signal
        raise RuntimeError(f"gunicorn {self.name} did not answer in 90 s; see {self.log}")

    async def _probe(self) -> int:
        async with connection(self.port) as conn:
            return (await conn.request("GET", "/" if self.app == HELLO_APP else "/healthz")).status

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            children = []
        return pids + [int(c) for c in children]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the master only: it stops its own workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def start_all(servers: list[Gunicorn]) -> None:
    for server in servers:
        server.start()


def stop_all(servers: list[Gunicorn]) -> None:
    for server in servers:
        server.stop()
