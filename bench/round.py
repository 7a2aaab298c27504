"""A ranked match round at national scale on PostgreSQL: run, review, approve all, publish.

Needs a database filled by `flask --app wsgi seed-bulk` (see bench/README.md). It creates its own
round over every region, so the seeded round is left as it was, and by default removes that round
and gives back its places at the end, so the database can be used again.

    MATCHER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_bulk \\
        .venv/bin/python bench/round.py --coordinator bulk-coordinator@bulk.irmatch.org

Prints the phase timings of the run (load, score, allocate, explain, store, summarise), then the
wall time of each coordinator request: the review page (first page, a filtered page, a late page),
approving every proposal, and publishing (which queues one job for the mail workers, not 100,000
emails inside the request).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coordinator", required=True, help="email of a coordinator in the database")
    parser.add_argument("--password", default=None, help="their password (default: the demo password)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the round, its run and its matches")
    parser.add_argument(
        "--profile",
        metavar="LABEL",
        help="print a cProfile of the request with this label, or of the run with 'run'",
    )
    args = parser.parse_args()
    if not os.environ.get("MATCHER_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("Set MATCHER_DATABASE_URL to the PostgreSQL database that seed-bulk filled.")

    from sqlalchemy import delete, func, select, update

    from matcher.app import create_app
    from matcher.extensions import db
    from matcher.models import Application, Match, MatchRound, MatchRun, Opportunity, OutboxJob, User
    from matcher.models.matching import HOLDS_PLACE
    from matcher.services.matching import rounds

    os.environ.setdefault("MATCHER_ENV", "development")  # a generated secret key in instance/ is fine here
    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    password = args.password or app.config["DEMO_PASSWORD"]
    with app.test_request_context(base_url=app.config.get("BASE_URL") or "http://127.0.0.1:5000"):
        session = db.session
        coordinator = session.scalar(select(User).where(User.email == args.coordinator))
        if coordinator is None:
            sys.exit(f"No user {args.coordinator!r} in this database.")
        applications = session.scalar(select(func.count()).select_from(Application))
        opportunities = session.scalar(select(func.count()).select_from(Opportunity))
        print(f"database: {applications:,} applications, {opportunities:,} opportunities\n")
        started_at = time.time()
        match_round = rounds.create_round(
            session,
            coordinator,
            name=f"Bench round {int(started_at)}",
            mode="ranked",
            scope=rounds.Scope(),
            response_deadline=None,
        )
        session.commit()

        profiler = cProfile.Profile() if args.profile == "run" else None
        began = time.perf_counter()
        if profiler:
            profiler.enable()
        run = rounds.run_round(session, coordinator, match_round, seed=args.seed)
        session.commit()
        total = time.perf_counter() - began
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        phases = {**run.phase_timings}
        phases["commit and the rest"] = round(total - sum(phases.values()), 3)
        print("run of the round (service layer, one transaction)")
        print(f"{'phase':<22}{'seconds':>9}")
        for phase, seconds in phases.items():
            print(f"{phase:<22}{seconds:>9.2f}")
        print(f"{'total':<22}{total:>9.2f}")
        print(f"counts: {run.counts}\n")
        run_id, round_id = run.id, match_round.id

    client = app.test_client()
    response = client.post("/login", data={"email": args.coordinator, "password": password})
    if response.status_code != 302:
        sys.exit(f"Could not log in as {args.coordinator}: HTTP {response.status_code}")
    requests = [
        ("GET", f"/coordination/runs/{run_id}", None, "review, first page"),
        ("GET", f"/coordination/runs/{run_id}?band=high&region=Africa", None, "review, filtered"),
        ("GET", f"/coordination/runs/{run_id}?page=150", None, "review, page 150"),
        ("POST", f"/coordination/runs/{run_id}/approve-all", {"confirm": "yes"}, "approve every proposal"),
        ("GET", f"/coordination/runs/{run_id}?status=approved", None, "review, approved"),
        (
            "POST",
            f"/coordination/runs/{run_id}/publish",
            {"response_deadline": "2027-01-31", "confirm": "yes"},
            "publish",
        ),
    ]
    print("coordinator requests (wall time through the app, one at a time)")
    print(f"{'request':<26}{'status':>7}{'seconds':>9}{'KB':>8}")
    for method, url, data, label in requests:
        profiler = cProfile.Profile() if label == args.profile else None
        began = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.open(url, method=method, data=data)
        seconds = time.perf_counter() - began
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        size = len(response.get_data()) / 1024
        print(f"{label:<26}{response.status_code:>7}{seconds:>9.2f}{size:>8.0f}")

    with app.app_context():
        session = db.session
        statuses = dict(
            session.execute(
                select(Match.status, func.count()).where(Match.run_id == run_id).group_by(Match.status)
            ).all()
        )
        jobs = session.scalar(
            select(func.count())
            .select_from(OutboxJob)
            .where(OutboxJob.payload["run_id"].as_integer() == run_id)
        )
        print(f"\nmatches by status after publishing: {statuses}; outbox jobs: {jobs}")
        if args.keep:
            return
        touched = list(session.scalars(select(Match.opportunity_id).where(Match.run_id == run_id).distinct()))
        session.execute(delete(OutboxJob).where(OutboxJob.payload["run_id"].as_integer() == run_id))
        session.execute(delete(MatchRound).where(MatchRound.id == round_id))
        held = (
            select(func.count())
            .select_from(Match)
            .where(Match.opportunity_id == Opportunity.id, Match.status.in_(list(HOLDS_PLACE)))
            .scalar_subquery()
        )
        session.execute(
            update(Opportunity)
            .where(Opportunity.id.in_(touched or [0]))
            .values(places_filled=held)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        left = session.scalar(select(func.count()).select_from(MatchRun).where(MatchRun.id == run_id))
        print(f"cleaned up: bench round removed ({left} runs left of it), places given back")


if __name__ == "__main__":
    main()
