"""What a revalidation saves: each public page fetched whole (200) and revalidated (304).

    .venv/bin/python bench/conditional.py [--database URL] [--repeat 50]

Without --database, builds a throw-away SQLite database with the demo data (`seed-demo`). Flask's
test client, no HTTP server, one process, an anonymous visitor, `Accept-Encoding: identity`.
For each page: the bytes of a 200 and of a 304 (status line, headers and body, as a server would
send them before any compression), the CPU milliseconds of each (median of --repeat after a
warm-up), and the microseconds of the ETag itself (SHA-1 of the body, as werkzeug's add_etag).
The 304 is decided after the page is rendered (the ETag is a hash of the body), so its CPU is the
200's; what it saves is the bytes, which is what a slow link pays for.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IDENTITY = {"Accept-Encoding": "identity"}


def wire_bytes(response) -> int:
    """Status line, headers and body, as HTTP/1.1 would carry them."""
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.headers) + "\r\n"
    return len(head.encode()) + len(response.data)


def build_demo_database(directory: str) -> str:
    from matcher.app import create_app

    url = f"sqlite:///{directory}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "ENV": "development"})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["reference", "sync"], ["seed-demo"]):
        with app.app_context():
            result = runner.invoke(args=command)
        if result.exit_code != 0:
            sys.exit(f"{' '.join(command)} failed: {result.output} {result.exception!r}")
    return url


def pages(app) -> list[str]:
    from sqlalchemy import select

    from matcher.extensions import db
    from matcher.models import Opportunity, Organisation

    with app.app_context():
        opportunity = db.session.scalar(
            select(Opportunity.id).where(Opportunity.status == "published").order_by(Opportunity.id)
        )
        slug = db.session.scalar(
            select(Organisation.slug).where(Organisation.verified_at.is_not(None)).order_by(Organisation.id)
        )
    return [
        "/",
        "/opportunities",
        f"/opportunities/{opportunity}",
        "/organisations",
        f"/organisations/{slug}",
        "/api/v1/opportunities",
        f"/api/v1/opportunities/{opportunity}",
        "/api/v1/organisations",
        "/opportunities/feed.atom",
    ]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None, help="default: demo data in SQLite")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("MATCHER_")]:
        del os.environ[name]

    from matcher.app import create_app

    with tempfile.TemporaryDirectory() as directory:
        url = args.database or build_demo_database(directory)
        settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "AUDIT_LOG_PATH": ""}
        app = create_app({**settings, "ENV": "development"})
        client = app.test_client()
        print(f"database: {url if args.database else 'SQLite, demo data'}; median of {args.repeat}")
        print("| page | 200 bytes | 304 bytes | saved | 200 CPU ms | 304 CPU ms | ETag µs |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for path in pages(app):
            whole = client.get(path, headers=IDENTITY)
            etag = whole.headers["ETag"]
            revalidate = {**IDENTITY, "If-None-Match": etag}
            cpu: dict[int, list[float]] = {200: [], 304: []}
            for _ in range(3):
                client.get(path, headers=IDENTITY)
                client.get(path, headers=revalidate)
            for _ in range(args.repeat):
                for headers in (IDENTITY, revalidate):
                    started = time.process_time()
                    response = client.get(path, headers=headers)
                    cpu[response.status_code].append(time.process_time() - started)
            short = client.get(path, headers=revalidate)
            assert short.status_code == 304 and len(cpu[304]) == args.repeat, path
            body = whole.data
            hashing = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                hashlib.sha1(body).hexdigest()  # noqa: S324 - werkzeug's ETag digest, not a secret
                hashing.append(time.perf_counter() - started)
            full, empty = wire_bytes(whole), wire_bytes(short)
            print(
                f"| {path} | {full:,} | {empty:,} | {1 - empty / full:.0%} | {median_ms(cpu[200]):.2f} | "
                f"{median_ms(cpu[304]):.2f} | {median_ms(hashing) * 1000:.0f} |"
            )


if __name__ == "__main__":
    main()
