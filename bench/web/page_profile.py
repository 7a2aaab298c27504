"""Where one page's time goes: Flask's test client, no HTTP server, one process.

    .venv/bin/python -m bench.web.page_profile --database URL [--login EMAIL --password PW] PATH [PATH ...]
    .venv/bin/python -m bench.web.page_profile --database URL --profile 25 "/opportunities?q=radiology"

For each path: the status, the size, wall and CPU milliseconds per request (median of --repeat
after a warm-up), how many SQL statements it runs and their wall time as seen by the app (which
includes PostgreSQL's own work). --profile N prints the N functions with the most CPU time
(cProfile) for the first path; --sql lists that path's statements with their times.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

from sqlalchemy import event

from bench.web.servers import SMALL_DB, bench_app
from matcher.extensions import db
from tests.support.logins import DEMO_PASSWORD, log_in


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--database", default=SMALL_DB)
    parser.add_argument("--login", default=None, help="log in as this user first (through /login)")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions by CPU time")
    parser.add_argument("--sql", action="store_true", help="list the first path's SQL statements")
    args = parser.parse_args()

    app = bench_app(args.database)  # production settings, whatever this shell's MATCHER_* say
    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        statements.append((time.perf_counter() - context._bench_started, " ".join(statement.split())))

    client = app.test_client()
    if args.login:
        answer = log_in(client, args.login, args.password)
        print(f"login as {args.login}: HTTP {answer.status_code}")

    print("| path | status | KB | wall ms | CPU ms | statements | SQL wall ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in args.paths:
        for _ in range(3):
            response = client.get(path)
        walls, cpus, counts, sql = [], [], [], []
        for _ in range(args.repeat):
            statements.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            counts.append(len(statements))
            sql.append(sum(t for t, _ in statements))
        print(
            f"| {path} | {response.status_code} | {len(response.data) / 1024:.0f} | "
            f"{statistics.median(walls) * 1000:.1f} | {statistics.median(cpus) * 1000:.1f} | "
            f"{statistics.median(counts):.0f} | {statistics.median(sql) * 1000:.1f} |"
        )
    if args.sql:
        statements.clear()
        client.get(args.paths[0])
        print(f"\nstatements of {args.paths[0]}:")
        for seconds, statement in statements:
            print(f"  {seconds * 1000:7.2f} ms  {statement[:200]}")
    if args.profile:
        profiler = cProfile.Profile(timer=time.process_time)
        profiler.enable()
        for _ in range(args.repeat):
            client.get(args.paths[0])
        profiler.disable()
        print(f"\n{args.paths[0]}, {args.repeat} requests, by own CPU time (cProfile adds overhead):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
