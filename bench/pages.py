"""What each public page and API list costs to make, against a hello-world Flask view in the same process.

    .venv/bin/python bench/pages.py                      # demo data in a temporary SQLite file
    .venv/bin/python bench/pages.py --database postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_pages
    .venv/bin/python bench/pages.py --only /organisations --profile /organisations --top 30
    .venv/bin/python bench/pages.py --language fr          # the pages in French (Accept-Language)

Without --database, `flask db upgrade` and `flask seed-demo` fill a temporary SQLite file (removed at the
end). With --database the database must hold the demo data already, or --seed runs the same two commands
on it first (seed-demo is idempotent).

Everything goes through Flask's test client in this one process, with production settings (as
bench/web's servers run): no HTTP server, no network. Each page gets its own anonymous client, warmed
up first; then, round after round, every page (and both hellos) is asked --requests times and its CPU
time (time.process_time) divided by the number of requests; the table shows the median over the
rounds. Interleaving the rounds spreads any change in the machine's load over every row alike.

"hello" is a bare `Flask(__name__)` app whose one view returns "Hello, World!", through its own test
client; "in-app hello" is the same view added to our app, so it pays every hook, the limiter and the
security headers: the floor each of our pages starts from. The target (issue 17) is a page at most 20x
the bare hello. Statements are those of one request after the warm-up (transaction control left out),
KB the body's size as sent (uncompressed unless the app compresses the test client's request).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import make_url, select  # noqa: E402

from bench.web.servers import SECRET, bench_app, clean_env, flask_cli  # noqa: E402
from matcher.extensions import db  # noqa: E402
from matcher.models import Interest, Opportunity, Organisation  # noqa: E402
from matcher.models.opportunity import OpportunityStatus  # noqa: E402
from tests.support.querycount import counting_queries  # noqa: E402

TARGET = 20.0  # times the bare hello's CPU per request
BASE_URL = "http://127.0.0.1:5000"  # the default BASE_URL, so the host check lets the requests in
HELLO_PATH = "/__bench/hello"


@dataclass
class Page:
    label: str  # what the table shows
    path: str
    client: FlaskClient
    samples: list[float]  # ms of CPU per request, one per round
    status: int = 0
    size: int = 0
    statements: int | None = None  # None: not counted (the bare hello has no database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a database URL with the demo data [a temporary SQLite file]")
    parser.add_argument("--seed", action="store_true", help="`db upgrade` and `seed-demo` --database first")
    parser.add_argument("--requests", type=int, default=100, help="requests per page per round [100]")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the table shows the median [5]")
    parser.add_argument("--warmup", type=int, default=20, help="requests per page before measuring [20]")
    parser.add_argument("--only", action="append", default=[], help="only the pages whose path contains this")
    parser.add_argument("--profile", metavar="PATH", help="then cProfile this path (--requests requests)")
    parser.add_argument("--sql", metavar="PATH", help="then list the SQL statements of one request to PATH")
    parser.add_argument(
        "--language", default="en", help="the visitor's Accept-Language: en, fr, pt or es [en]"
    )
    parser.add_argument("--top", type=int, default=25, help="functions the profile lists [25]")
    parser.add_argument("--sort", default="tottime", help="pstats sort key for --profile [tottime]")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as workdir:
        url = args.database
        if url is None:
            url = f"sqlite:///{workdir}/demo.sqlite"
            seed(url)
        elif args.seed:
            seed(url)
        run(args, url)


def seed(url: str) -> None:
    """`flask db upgrade` and `flask seed-demo` on `url`, in a child process with its own environment."""
    env = clean_env(ENV="production", SECRET_KEY=SECRET, DATABASE_URL=url, AUDIT_LOG_PATH="")
    for command in (("db", "upgrade"), ("seed-demo", "--force")):
        done = subprocess.run(flask_cli(*command), cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def run(args: argparse.Namespace, url: str) -> None:
    app = bench_app(url)
    app.add_url_rule(HELLO_PATH, "bench_hello", lambda: "Hello, World!")
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")

    with app.app_context():
        paths = public_paths()
        engine = db.engine
    bare = Page("hello (bare Flask)", "/", hello.test_client(), [])
    in_app = Page("hello (in our app)", HELLO_PATH, app.test_client(), [])
    pages = [Page(label, path, app.test_client(), []) for label, path in paths]
    if args.only:
        pages = [page for page in pages if any(part in page.path for part in args.only)]
    everything = [bare, in_app, *pages]

    for page in (in_app, *pages):
        # A visitor whose browser asks for the language (the hellos do not read it).
        page.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = args.language
    for page in everything:
        for _ in range(args.warmup):
            response = page.client.get(page.path, base_url=BASE_URL)
        page.status, page.size = response.status_code, len(response.get_data())
        if page is not bare:
            with counting_queries(engine) as log:
                page.client.get(page.path, base_url=BASE_URL)
            page.statements = log.count

    for _ in range(args.rounds):
        for page in everything:
            page.samples.append(cpu_ms(page.client, page.path, args.requests))

    print_table(args, url, everything)
    if args.sql:
        client = app.test_client()
        client.get(args.sql, base_url=BASE_URL)
        with counting_queries(engine) as log:
            client.get(args.sql, base_url=BASE_URL)
        print(f"\n{args.sql}: {log.report(limit=100)}")
    if args.profile:
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = args.language
        profile(client, args)


def public_paths() -> list[tuple[str, str]]:
    """The pages and API lists a visitor reaches without logging in, on the demo data."""
    published = Opportunity.status == OpportunityStatus.PUBLISHED
    opportunity = db.session.scalar(select(Opportunity.id).where(published).order_by(Opportunity.id))
    slug = db.session.scalar(select(Organisation.slug).order_by(Organisation.id))
    interest = db.session.scalar(select(Interest.slug).order_by(Interest.position))
    if opportunity is None or slug is None:
        sys.exit("The database holds no published opportunity or no organisation: run with --seed.")
    filters = f"type=clinical_elective&level=ms5&language=en&interest={interest}&sort=deadline"
    return [
        ("home", "/"),
        ("search", "/opportunities"),
        ("search, region + open", "/opportunities?region=Africa&open=1"),
        ("search, words", "/opportunities?q=embolisation"),
        ("search, 5 filters", "/opportunities?" + filters),
        ("search, 100 a page", "/opportunities?per_page=100"),
        ("opportunity", f"/opportunities/{opportunity}"),
        ("organisations", "/organisations"),
        ("organisation", f"/organisations/{slug}"),
        ("log in", "/login"),
        ("sign up", "/signup"),
        ("forgot password", "/forgot"),
        ("feed", "/opportunities/feed.atom"),
        ("API opportunities", "/api/v1/opportunities"),
        ("API opportunities, filtered", "/api/v1/opportunities?region=Africa&open=1"),
        ("API opportunity", f"/api/v1/opportunities/{opportunity}"),
        ("API organisations", "/api/v1/organisations"),
        ("health", "/healthz"),
    ]


def cpu_ms(client: FlaskClient, path: str, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        client.get(path, base_url=BASE_URL)
    return (time.process_time() - started) / requests * 1000


def print_table(args: argparse.Namespace, url: str, pages: list[Page]) -> None:
    hello = statistics.median(pages[0].samples)
    database = make_url(url).render_as_string(hide_password=True) if args.database else "SQLite, temporary"
    print(
        f"public pages against hello-world, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(
        f"database: {database}; CPU: process time per request, median of {args.rounds} rounds of "
        f"{args.requests} warm requests; target: at most {TARGET:.0f}x the bare hello "
        f"({hello * TARGET:.2f} ms); pages asked for in {args.language!r} (Accept-Language)"
    )
    print()
    header = (
        f"{'page':<30} {'path':<56} {'HTTP':>4} {'KB':>6} {'CPU ms':>7} {'stmts':>5} {'x hello':>7}  <=20x"
    )
    print(header)
    print("-" * len(header))
    for page in pages:
        ms = statistics.median(page.samples)
        ratio = ms / hello
        statements = "-" if page.statements is None else str(page.statements)
        met = "yes" if ratio <= TARGET else "NO"
        print(
            f"{page.label:<30} {shorten(page.path, 56):<56} {page.status:>4} {page.size / 1024:>6.1f} "
            f"{ms:>7.3f} {statements:>5} {ratio:>7.1f}  {met}"
        )


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def profile(client: FlaskClient, args: argparse.Namespace) -> None:
    request: Callable[[], object] = lambda: client.get(args.profile, base_url=BASE_URL)  # noqa: E731
    for _ in range(args.warmup):
        request()
    profiler = cProfile.Profile(timer=time.process_time)
    profiler.enable()
    for _ in range(args.requests):
        request()
    profiler.disable()
    print(f"\n{args.profile}: {args.requests} requests, by {args.sort} (cProfile adds its own overhead)")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
