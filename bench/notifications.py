"""Benchmark: publish a round of 10,000 matches, then drain the outbox into a local SMTP server.

    .venv/bin/python bench/notifications.py [--matches 10000] [--workers 1,2,4]
        [--database postgresql+psycopg://...] [--sqlite]

Prints how long the publishing request takes (target: under 2 s), how fast the worker writes the
emails from the publication's job (rows/s), and delivery rows/s with each number of worker
processes into aiosmtpd on loopback (target: 300 emails/s per worker), with each process's peak
memory and the load average after each step. Without --database, PostgreSQL's irmatch_bench_small
is used when reachable (never the test suites' `test` database; a schema of its own, dropped at
the end), else a temporary SQLite file; --sqlite asks for the SQLite file.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text, update

from bench.web.mail import message_id
from bench.web.servers import SMALL_DB
from matcher.app import create_app
from matcher.db import utcnow
from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.mail.jobs import expand_jobs
from matcher.models import (
    Match,
    MatchRound,
    MatchRun,
    Membership,
    Opportunity,
    Organisation,
    OutboxMessage,
    User,
)
from matcher.reference.sync import sync_reference_data
from matcher.services.matching.decisions import publish
from tests.support.smtp import SmtpSink


def config(url: str, schema: str | None, port: int) -> dict:
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    return {
        "TESTING": True,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_TIME_COST": 1,
        "SERVER_NAME": None,
    }


def seed(n: int) -> tuple[int, int]:
    """n applicants, one host with a member, n/10 opportunities of 10 places, n approved matches."""
    now = utcnow()
    org = Organisation(name="Bench host", slug="bench-host", description="", verified_at=now)
    host = User(email="host@bench.example", name="Host", role="org_member", password_hash="x")
    coordinator = User(email="coord@bench.example", name="Coordinator", role="coordinator", password_hash="x")
    db.session.add_all([org, host, coordinator])
    db.session.flush()
    db.session.add(Membership(user_id=host.id, organisation_id=org.id, role="owner", approved_at=now))
    start = date.today() + timedelta(days=90)
    db.session.execute(
        insert(User),
        [
            {
                "email": f"a{i}@bench.example",
                "name": f"Applicant {i}",
                "role": "student",
                "password_hash": "x",
                "session_token": uuid.uuid4().hex,
                "created_at": now,
            }
            for i in range(n)
        ],
    )
    db.session.execute(
        insert(Opportunity),
        [
            {
                "organisation_id": org.id,
                "title": f"Elective {i}",
                "description": "",
                "type": "clinical_elective",
                "host_institution": "Hospital",
                "city": "Dar es Salaam",
                "country_code": "TZ",
                "level_min": 4,
                "level_max": 6,
                "starts_on": start,
                "ends_on": start + timedelta(days=28),
                "capacity": 10,
                "places_filled": 10,
                "status": "published",
                "created_at": now,
                "updated_at": now,
                "flexible": False,
                "accommodation_provided": False,
                "stipend_provided": False,
                "requirements": "",
                "needs_visa": False,
                "needs_temporary_licence": False,
                "needs_indemnity": False,
                "needs_immunisations": False,
                "contact_name": "",
                "contact_email": "",
            }
            for i in range(n // 10)
        ],
    )
    match_round = MatchRound(name="Bench round", mode="ranked", scope={})
    run = MatchRun(round=match_round, number=1, algorithm_version="bench", seed=1, inputs_hash="x")
    db.session.add_all([match_round, run])
    db.session.flush()
    users = (
        db.session.execute(text("SELECT id FROM users WHERE role = 'student' ORDER BY id")).scalars().all()
    )
    opportunities = db.session.execute(text("SELECT id FROM opportunities ORDER BY id")).scalars().all()
    db.session.execute(
        insert(Match),
        [
            {
                "run_id": run.id,
                "applicant_id": u,
                "opportunity_id": opportunities[i // 10],
                "status": "approved",
                "score": 0.5,
                "breakdown": [],
                "from_waitlist": False,
                "created_at": now,
                "updated_at": now,
            }
            for i, u in enumerate(users)
        ],
    )
    db.session.commit()
    return run.id, coordinator.id


def drain_worker(cfg: dict, queue: multiprocessing.Queue) -> None:
    app = create_app(cfg)
    with app.app_context():
        report = deliver_due(db.session)
        db.session.remove()
    queue.put((report.sent, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))


def drain(cfg: dict, workers: int) -> tuple[float, int, list[int]]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    started = time.perf_counter()
    procs = [multiprocessing.Process(target=drain_worker, args=(cfg, queue)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join()
    return time.perf_counter() - started, sum(r[0] for r in results), [r[1] for r in results]


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def analyze(schema: str | None) -> None:
    """Fresh statistics, as a database in service has them (autovacuum): without them PostgreSQL
    plans a just-filled table as if it were empty."""
    if schema:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--database", default=None)
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file")
    parser.add_argument("--workers", default="1,2,4", help="worker processes for each drain, e.g. 1,2,4")
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",")]
    url, schema = args.database, None
    if args.sqlite:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    if url is None:
        try:
            with create_engine(SMALL_DB, connect_args={"connect_timeout": 3}).connect():
                url = SMALL_DB
        except Exception:
            url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    admin = None
    if url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sink = SmtpSink()
    sink.start()
    cfg = config(url, schema, sink.port)
    started_load = load()
    try:
        app = create_app(cfg)
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            run_id, coordinator_id = seed(args.matches)
            analyze(schema)
            coordinator, run = db.session.get(User, coordinator_id), db.session.get(MatchRun, run_id)
            started = time.perf_counter()
            published = publish(db.session, coordinator, run, date.today() + timedelta(days=14), date.today())
            db.session.commit()
            publish_s, publish_load = time.perf_counter() - started, load()
            started = time.perf_counter()
            with app.test_request_context(base_url="http://127.0.0.1:5000"):
                expand_jobs(db.session)
            expand_s, expand_load = time.perf_counter() - started, load()
            rows = db.session.query(OutboxMessage).count()
            analyze(schema)
            db.session.remove()
        print(
            f"database: {'PostgreSQL' if schema else 'SQLite'}; {published} matches published, "
            f"{rows} emails; load average (1 min) at the start: {started_load}"
        )
        print()
        print("| step | seconds | rows/s | rows/s per worker | peak MB per process | load after |")
        print("|---|---:|---:|---:|---:|---:|")
        print(f"| publish request (service + commit) | {publish_s:.2f} | - | - | - | {publish_load} |")
        print(
            f"| worker writes the emails from the job | {expand_s:.2f} | {rows / expand_s:,.0f} | - | - "
            f"| {expand_load} |"
        )
        for workers in worker_counts:
            with app.app_context():
                db.session.execute(
                    update(OutboxMessage).values(
                        status="pending", attempts=0, sent_at=None, next_attempt_at=utcnow()
                    )
                )
                db.session.commit()
                db.session.remove()
            sink.received.clear()
            seconds, sent, peaks = drain(cfg, workers)
            unique = len({message_id(r.raw) for r in sink.received})
            print(
                f"| deliver with {workers} worker{'s' if workers > 1 else ''} | {seconds:.2f} | "
                f"{sent / seconds:,.0f} | {sent / seconds / workers:,.0f} | {max(peaks)} | {load()} |"
            )
            assert sent == rows and unique == rows == len(sink.received), (sent, unique, rows)
    finally:
        sink.stop()
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
