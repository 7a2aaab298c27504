"""The match run whose review page the coordinator's clients read: given, found, or created."""

from __future__ import annotations

import argparse
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text

from bench.web.servers import ROOT, SECRET, bench_app, clean_env, flask_cli
from bench.web.workload import Catalog
from matcher.extensions import db
from matcher.models.matching import MatchRound
from matcher.services.accounts import find_by_email
from matcher.services.matching.rounds import Scope, create_round

REVIEW_PAGE_SIZE = 50  # matches per page of /coordination/runs/<id>


def round_name(args: argparse.Namespace) -> str:
    # Named after the old bench/web.py so that databases it ran on keep their run.
    return "bench/web.py round" + (f" ({args.run_types})" if args.run_types else "")


def ensure_run(url: str, args: argparse.Namespace, cat: Catalog, workdir: Path) -> None:
    """Set cat.run_id (--run-id, else the bench's own round's latest run, else a new run) and its size."""
    engine = create_engine(url)
    with engine.connect() as c:
        if args.run_id:
            run_id = args.run_id
        else:  # the bench's own round, run by an earlier invocation
            run_id = c.execute(
                text(
                    "SELECT max(r.id) FROM match_runs r JOIN match_rounds d ON d.id = r.round_id "
                    "WHERE d.name = :name"
                ),
                {"name": round_name(args)},
            ).scalar()
    if run_id is None:
        run_id = create_run(url, args, workdir)
    with engine.connect() as c:
        cat.run_id = run_id
        cat.run_matches = c.execute(
            text("SELECT count(*) FROM matches WHERE run_id = :r"), {"r": run_id}
        ).scalar()
    engine.dispose()
    cat.run_pages = max(1, -(-cat.run_matches // REVIEW_PAGE_SIZE))
    print(f"review page: run {cat.run_id} with {cat.run_matches:,} matches")


def create_run(url: str, args: argparse.Namespace, workdir: Path) -> int:
    """A ranked round (over --run-types, else every opportunity), created with the service unless
    it exists, then run with the app's CLI."""
    app = bench_app(url)
    with app.app_context():
        actor = find_by_email(db.session, args.coordinator)
        if actor is None:
            raise SystemExit(f"No coordinator {args.coordinator} in the database.")
        round_id = db.session.scalar(select(MatchRound.id).where(MatchRound.name == round_name(args)))
        if round_id is None:
            match_round = create_round(
                db.session,
                actor,
                name=round_name(args),
                mode="ranked",
                scope=Scope(types=tuple(t for t in args.run_types.split(",") if t)),
                response_deadline=date.today() + timedelta(days=30),
            )
            db.session.commit()
            round_id = match_round.id
        db.session.remove()
    print(f"created round {round_id}; running it with `flask --app wsgi match run` ...", flush=True)
    started = time.perf_counter()
    out = subprocess.run(
        flask_cli("match", "run", str(round_id), "--as", args.coordinator, "--seed", "1"),
        cwd=ROOT,
        env=clean_env(DATABASE_URL=url, SECRET_KEY=SECRET, AUDIT_LOG_PATH=str(workdir / "audit.log")),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if out.returncode:
        raise SystemExit(f"match run failed:\n{out.stdout}\n{out.stderr}")
    print(f"  {out.stdout.strip().splitlines()[-1]} ({time.perf_counter() - started:.1f} s)")
    engine = create_engine(url)
    with engine.connect() as c:
        run_id = c.execute(
            text("SELECT max(id) FROM match_runs WHERE round_id = :r"), {"r": round_id}
        ).scalar()
    engine.dispose()
    return run_id
