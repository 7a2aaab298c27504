"""A match round as a background job: how fast the request that starts it answers, and what the
progress page shows while a real worker (Huey's consumer, in threads) runs it.

By default on the demo data in a scratch SQLite file, with the queue on a SQLite file too (what
`make run` does); or on a database filled by `flask seed-bulk` (PostgreSQL), with the queue on
Redis (what production does):

    .venv/bin/python bench/jobs.py --runs 10
    MATCHER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_bulk \\
        .venv/bin/python bench/jobs.py --runs 3 --queue redis://127.0.0.1:6379/3 \\
        --coordinator coordinator@bulk.irmatch.org

Each run: a coordinator creates a round over every region and presses Run (a POST through the
app, the Flask test client, in this process); the POST's wall time is measured; then the progress
page is read every 0.2 s until the job is done, noting each state and note it shows. Rounds and
runs made here are deleted at the end (their places given back), so a bulk database is left as it was.
Prints one table of the POSTs and one of the jobs.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--queue", default=None, help="TASK_QUEUE_URL (default: a scratch SQLite file)")
    parser.add_argument("--coordinator", default="coordinator@demo.irmatch.org")
    args = parser.parse_args()

    from matcher.app import create_app
    from matcher.extensions import db
    from matcher.jobs.queue import InProcessWorker, queue_of

    scratch = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    url = os.environ.get("MATCHER_DATABASE_URL") or f"sqlite:///{scratch / 'matcher.sqlite'}"
    config = {
        "ENV": "development",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "TASK_QUEUE_URL": args.queue or f"sqlite:///{scratch / 'huey.sqlite3'}",
        "TASK_QUEUE_NAME": f"bench_jobs_{os.getpid()}",
        "AUDIT_LOG_PATH": None,
        "UPLOAD_FOLDER": str(scratch / "uploads"),
    }
    app = create_app(config)
    with app.app_context():
        if url.startswith("sqlite"):
            from matcher.reference.sync import sync_reference_data
            from matcher.seed.demo import seed

            db.create_all()
            sync_reference_data(db.session)
            seed(db.session, app.config["DEMO_PASSWORD"])
            db.session.commit()
        shown = db.engine.url.render_as_string(hide_password=True)
        print(f"database: {shown}; queue: {config['TASK_QUEUE_URL']}\n")
    # No app context from here on: each request has its own (and its own session), as in a server,
    # so nothing here holds a transaction while the worker writes (SQLite has one writer at a time).
    worker = InProcessWorker(app, workers=1, periodic=False)
    worker.start()
    client = app.test_client()
    login = client.post("/login", data={"email": args.coordinator, "password": app.config["DEMO_PASSWORD"]})
    assert login.status_code == 302, login.get_data(as_text=True)[:500]
    posts, jobs, made = [], [], []
    try:
        for n in range(args.runs):
            created = client.post(
                "/coordination/rounds/new", data={"name": f"Bench jobs {n}", "mode": "ranked"}
            )
            made.append(int(created.headers["Location"].rpartition("/")[2]))
            began = time.perf_counter()
            response = client.post(f"/coordination/rounds/{made[-1]}/run", data={"seed": str(n)})
            posts.append(time.perf_counter() - began)
            assert response.status_code == 303, response.status_code
            jobs.append(follow(app, client, response.headers["Location"]))
    finally:
        worker.stop()
        with app.app_context():
            clean_up(made)
            queue_of(app).huey.flush()

    ms = sorted(p * 1000 for p in posts)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print("| request | runs | median ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    median = statistics.median(ms)
    print(f"| POST /coordination/rounds/<id>/run | {len(ms)} | {median:.1f} | {p95:.1f} | {ms[-1]:.1f} |")
    print()
    print("| job | waited for a worker s | ran s | outcome | the progress page (s after the POST: it said) |")
    print("| ---: | ---: | ---: | --- | --- |")
    for n, (waited, ran, outcome, seen) in enumerate(jobs, start=1):
        shown = "; ".join(f"{t:.1f}: {s}" for t, s in seen)
        print(f"| {n} | {waited:.2f} | {ran:.2f} | {outcome} | {shown} |")


def follow(app, client, page_url: str) -> tuple[float, float, str, list[tuple[float, str]]]:
    """Read the progress page every 0.2 s until the job ends; what it said, and the job's times."""
    from matcher.extensions import db
    from matcher.models import BackgroundJob

    seen, began = [], time.perf_counter()
    while True:
        page = client.get(page_url).get_data(as_text=True)
        badge = re.search(r'class="badge[^"]*">(\w+)<', page).group(1)
        note = re.search(r'<label for="job-progress">([^<]*)<', page)
        state = badge + (f" ({note.group(1)})" if note else "")
        if not seen or seen[-1][1] != state:
            seen.append((time.perf_counter() - began, state))
        if badge in ("done", "failed"):
            break
        time.sleep(0.2)
    with app.app_context():
        job = db.session.get(BackgroundJob, int(page_url.rpartition("/")[2]))
        waited = (job.started_at - job.created_at).total_seconds()
        return waited, (job.finished_at - job.started_at).total_seconds(), badge, seen


def clean_up(made: list[int]) -> None:
    """Delete the rounds made here, their runs, matches and jobs (nothing here held a place)."""
    from sqlalchemy import delete, select

    from matcher.extensions import db
    from matcher.models import BackgroundJob, Match, MatchRound, MatchRun
    from matcher.models.matching import MatchEvent, Suggestion

    session = db.session
    runs = select(MatchRun.id).where(MatchRun.round_id.in_(made))
    matches = select(Match.id).where(Match.run_id.in_(runs))
    session.execute(delete(MatchEvent).where(MatchEvent.match_id.in_(matches)))
    session.execute(delete(Match).where(Match.run_id.in_(runs)))
    session.execute(delete(Suggestion).where(Suggestion.run_id.in_(runs)))
    session.execute(delete(MatchRun).where(MatchRun.round_id.in_(made)))
    session.execute(delete(MatchRound).where(MatchRound.id.in_(made)))
    session.execute(delete(BackgroundJob).where(BackgroundJob.title.like("Run of Bench jobs %")))
    session.commit()


if __name__ == "__main__":
    main()
