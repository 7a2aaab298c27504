"""Bytes on the wire: what each public page weighs as sent, identity, gzip and brotli, and what that
costs on a 3G link (issue 17, "Cheap to fetch").

    .venv/bin/python -m bench.wire                       # a fresh SQLite database with the demo data
    .venv/bin/python -m bench.wire --database URL        # a prepared database (e.g. the bulk data)

Each page is fetched through the app (Flask's test client, the app's own compression settings) three
times: with no Accept-Encoding, with `gzip`, with `br`; the sizes are the bodies as the app sent them.
*hdr* is the brotli response's status line and headers. The CPU columns are the median time to
compress the page's identity body at the app's levels (gzip 6, brotli 5) in this process.

The 3G columns follow Chromium's network emulation, as used by tests/e2e/test_slow_network.py
(300 ms of latency per request, 200,000 B/s down): a page is one request for the HTML and, on a
first visit, one more for the stylesheet it links (each with its headers).
- *before*: issue 17's starting point, nothing compressed and the stylesheet revalidated on every
  visit (`no-cache`: a repeat visit still pays a 304's round trip).
- *now*: brotli, and the stylesheet fingerprinted and cached for a year (a repeat visit asks the
  server for the HTML only).
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path

import brotli
import flask_compress
from flask import Flask

from matcher.app import create_app

LATENCY_S = 0.300
BYTES_PER_S = 200_000
REVALIDATION_BYTES = 350  # a 304 for the stylesheet: status line and headers, no body
SECRET = "bench-wire-" + "k" * 40


def demo_app(url: str | None, workdir: Path) -> Flask:
    """The app on `url`, or on a new SQLite file in `workdir` filled by `db upgrade` and `seed-demo`."""
    config = {
        "ENV": "development",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{workdir / 'wire.sqlite'}",
        "AUDIT_LOG_PATH": "",
        "UPLOAD_FOLDER": str(workdir / "uploads"),
        "MAIL_SERVER": None,
    }
    saved = dict(os.environ)
    os.environ.clear()  # this shell's MATCHER_* settings must not leak in
    os.environ.update({k: v for k, v in saved.items() if not k.startswith("MATCHER_")})
    try:
        app = create_app(config)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if url is None:
        runner = app.test_cli_runner()
        for command in (["db", "upgrade"], ["seed-demo"]):
            with app.app_context():
                result = runner.invoke(args=command)
            if result.exit_code != 0:
                raise SystemExit(f"flask {' '.join(command)} failed:\n{result.output}")
    return app


def header_bytes(response) -> int:
    status = f"HTTP/1.1 {response.status}\r\n"
    return len(status) + sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + 2


def cpu_ms(compress, data: bytes, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        compress(data)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def three_g_seconds(*sizes: int) -> float:
    return len(sizes) * LATENCY_S + sum(sizes) / BYTES_PER_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default=None, help="a database with data (default: demo data on SQLite)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-wire-") as workdir:
        app = demo_app(args.database, Path(workdir))
        client = app.test_client()
        home = client.get("/").get_data(as_text=True)
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home).group(1)
        search = client.get("/opportunities").get_data(as_text=True)
        opportunity = re.search(r'href="(/opportunities/\d+)"', search).group(1)
        pages = [
            ("home", "/", True),
            ("search", "/opportunities", True),
            (
                "search, filtered",
                "/opportunities?region=Africa&interest=pph-embolisation&open=1&sort=deadline",
                True,
            ),
            ("opportunity", opportunity, True),
            ("API list", "/api/v1/opportunities", False),
            ("Atom feed", "/opportunities/feed.atom", False),
            ("CSS", stylesheet, False),
        ]
        config = app.config
        print(
            f"bench/wire.py: Python {platform.python_version()}, Flask-Compress {flask_compress.__version__},"
            f" Brotli {brotli.version}; gzip level {config['COMPRESS_LEVEL']}, brotli quality "
            f"{config['COMPRESS_BR_LEVEL']}; database {args.database or 'demo data (SQLite)'}"
        )
        print(f"3G: {LATENCY_S * 1000:.0f} ms per request, {BYTES_PER_S:,} B/s down; sizes in bytes\n")
        measured = {}
        for name, path, _ in pages:
            sent = {}
            for coding in ("identity", "gzip", "br"):
                response = client.get(path, headers={"Accept-Encoding": coding})
                assert response.status_code == 200, (path, response.status_code)
                assert response.headers.get("Content-Encoding", "identity") == coding, (path, coding)
                sent[coding] = response
            measured[name] = sent
        css = measured["CSS"]

        print("| page | identity | gzip | br | br/identity | hdr | gzip CPU ms | br CPU ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, path, _ in pages:
            sent = measured[name]
            body = sent["identity"].get_data()
            sizes = {coding: len(response.get_data()) for coding, response in sent.items()}
            gzip_ms = cpu_ms(lambda d: gzip.compress(d, config["COMPRESS_LEVEL"]), body)
            br_ms = cpu_ms(lambda d: brotli.compress(d, quality=config["COMPRESS_BR_LEVEL"]), body)
            print(
                f"| {name} (`{path[:48]}`) | {sizes['identity']:,} | {sizes['gzip']:,} | {sizes['br']:,} | "
                f"{sizes['br'] / sizes['identity']:.0%} | {header_bytes(sent['br'])} | "
                f"{gzip_ms:.2f} | {br_ms:.2f} |"
            )

        print("\nEstimated time on 3G (seconds): first visit (empty cache) and repeat visit")
        print("| page | first, before | first, now | repeat, before | repeat, now |")
        print("|---|---:|---:|---:|---:|")
        css_plain = len(css["identity"].get_data()) + header_bytes(css["identity"])
        css_br = len(css["br"].get_data()) + header_bytes(css["br"])
        for name, _, has_css in pages:
            sent = measured[name]
            plain = len(sent["identity"].get_data()) + header_bytes(sent["identity"])
            now = len(sent["br"].get_data()) + header_bytes(sent["br"])
            if has_css:
                row = (
                    three_g_seconds(plain, css_plain),
                    three_g_seconds(now, css_br),
                    three_g_seconds(plain, REVALIDATION_BYTES),
                    three_g_seconds(now),
                )
            else:  # one request; the stylesheet itself is a year in the cache once fetched
                repeat_before = (
                    three_g_seconds(REVALIDATION_BYTES) if name == "CSS" else three_g_seconds(plain)
                )
                repeat_now = 0.0 if name == "CSS" else three_g_seconds(now)
                row = (three_g_seconds(plain), three_g_seconds(now), repeat_before, repeat_now)
            print(f"| {name} | " + " | ".join(f"{value:.2f}" for value in row) + " |")


if __name__ == "__main__":
    main()
