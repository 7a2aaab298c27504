"""EXPLAIN (ANALYZE, BUFFERS) of the opportunity search, on the very statements the service sends.

    MATCHER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_bulk \\
        .venv/bin/python bench/explain.py [--case NAME ...] [--all-statements] [--runs 20]
    ... bench/explain.py --url /coordination/runs/1 --login coordinator@bulk.irmatch.org

For each filter set (parsed from a query string by `parse_filters`, as the page does), it calls
`matcher.services.search.search`, records every SQL statement sent (with its parameters) through a
SQLAlchemy event, then runs each again under EXPLAIN (ANALYZE, BUFFERS) and prints the plans of the
count and the page queries (all statements with --all-statements). A final table gives the service
call's median wall time over --runs warm calls and each statement's server execution time.
With --url it instead GETs that page (logged in as --login, password DEMO_PASSWORD), records the
statements the request sends, and prints the plans of the slowest (--top) and one line per statement.
Load the data first with `flask seed-bulk`; run `ANALYZE` after loading (seed-bulk does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select
from werkzeug.datastructures import MultiDict

from matcher.app import create_app
from matcher.extensions import db
from matcher.services.search import search
from matcher.services.search_filters import parse_filters
from tests.support.logins import log_in

CASES = {
    "default": "",
    "all-filters": (
        "region=Africa&subregion=Eastern+Africa&country=TZ&type=clinical_elective&level=ms5"
        "&interest=pph-embolisation&interest=abscess-drainage&starts_after=2027-03-01"
        "&ends_before=2027-09-30&language=en&open=1&q=elective&sort=deadline"
    ),
    "selective": "country=TZ&type=teaching_visit&level=res4&interest=dialysis-access",
    "text-rare": "q=haemoptysis",
    "text-common": "q=elective",
    "region-deadline": "region=Asia&open=1&sort=deadline",
    "newest-page-100": "sort=newest&page=100",
}


def capture(query: str, today: date) -> tuple[list[tuple[str, dict]], int]:
    """The statements one search sends, and the number of results it reports."""
    statements: list[tuple[str, dict]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    filters, errors = parse_filters(db.session, MultiDict(parse_qsl(query)))
    assert not errors, errors.by_param
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = search(db.session, filters, today)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        db.session.remove()
    return statements, page.total


def timed(query: str, today: date, runs: int) -> float:
    filters, _ = parse_filters(db.session, MultiDict(parse_qsl(query)))
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        search(db.session, filters, today)
        samples.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    return statistics.median(samples)


def explain(statement: str, parameters: dict) -> list[str]:
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return [row[0] for row in rows]


def literal(statement: str, parameters: dict) -> str:
    """The statement with its parameters inlined, for reading and for pasting into psql."""

    def quoted(value) -> str:
        if isinstance(value, str | date):
            return "'" + str(value).replace("'", "''") + "'"
        return "NULL" if value is None else str(value)

    text = statement
    for name in sorted(parameters or {}, key=len, reverse=True):
        text = text.replace(f"%({name})s", quoted(parameters[name]))
    return text


def explain_page(app, url: str, email: str | None, top: int) -> None:
    """The statements one GET of `url` sends, each planned; the slowest shown in full."""
    client = app.test_client()
    if email:
        response = log_in(client, email, app.config["DEMO_PASSWORD"])
        assert response.status_code == 302, f"login as {email} failed"
    statements: list[tuple[str, dict]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    client.get(url)  # warm
    event.listen(db.engine, "before_cursor_execute", record)
    started = time.perf_counter()
    try:
        status = client.get(url).status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"\n## GET {url} as {email or 'anonymous'}: {status}, {len(statements)} statements, {elapsed:.1f} ms"
    )
    planned = []
    for statement, parameters in statements:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        plan = explain(statement, parameters)
        server = next((line for line in reversed(plan) if line.startswith("Execution Time")), "0 ms")
        planned.append((float(server.split()[-2]), statement, parameters, plan))
    for ms, statement, parameters, plan in sorted(planned, key=lambda p: -p[0])[:top]:
        print(f"\n### {ms:.3f} ms\n\n```sql\n{literal(statement, parameters)}\n```\n\n```")
        print("\n".join(plan))
        print("```")
    print("\nserver ms  statement")
    for ms, statement, _, _ in planned:
        print(f"{ms:>9.3f}  {' '.join(statement.split())[:100]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="default: all")
    parser.add_argument("--all-statements", action="store_true", help="also plan the eager loads")
    parser.add_argument("--runs", type=int, default=20, help="warm calls timed per case")
    parser.add_argument("--url", help="plan the statements of one page instead (e.g. /coordination/runs/1)")
    parser.add_argument("--login", help="with --url: the account to log in as (password DEMO_PASSWORD)")
    parser.add_argument("--top", type=int, default=2, help="with --url: how many full plans to print")
    args = parser.parse_args()
    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    if args.url:
        with app.app_context():
            explain_page(app, args.url, args.login, args.top)
        return
    summary = []
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            raise SystemExit("bench/explain.py needs PostgreSQL (set MATCHER_DATABASE_URL).")
        from matcher.models import Opportunity

        size = db.session.scalar(select(func.count()).select_from(Opportunity))
        print(f"database {db.engine.url.render_as_string(hide_password=True)}: {size:,} opportunities")
        today = date.today()
        for name in args.case or list(CASES):
            query = CASES[name]
            capture(query, today)  # warm the cache and the reference lookups
            statements, total = capture(query, today)
            print(f"\n## {name}: ?{query}  ({total:,} results)")
            times = []
            for index, (statement, parameters) in enumerate(statements):
                plan = explain(statement, parameters)
                server = next((line for line in reversed(plan) if line.startswith("Execution Time")), "")
                times.append(server.removeprefix("Execution Time: "))
                if index < 2 or args.all_statements:
                    label = ("count", "page")[index] if index < 2 else f"statement {index + 1}"
                    print(f"\n### {label}\n\n```sql\n{literal(statement, parameters)}\n```\n\n```")
                    print("\n".join(plan))
                    print("```")
            summary.append((name, total, timed(query, today, args.runs), times))
    print("\ncase               results  search() median ms  server time per statement (count, page, loads)")
    for name, total, median, times in summary:
        print(f"{name:<17} {total:>8,} {median:>19.1f}  {', '.join(times)}")


if __name__ == "__main__":
    main()
