"""`python -m bench.web` (or `python bench/web`): parse the options, run the phases, print the tables."""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # `python bench/web`: import from the repository root, not from bench/web/
    sys.path[0] = str(Path(__file__).resolve().parents[2])

import argparse
import os
import tempfile

from sqlalchemy.engine import make_url

import bench.web
from bench.web.client import Connection
from bench.web.instances import phase_multi, print_multi
from bench.web.mail import phase_mail, print_mail
from bench.web.match_run import ensure_run
from bench.web.servers import SMALL_DB
from bench.web.single import phase_single, print_single
from bench.web.workload import load_catalog
from tests.support.logins import DEMO_COORDINATOR, DEMO_PASSWORD


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.web", description=(bench.web.__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--database", default=SMALL_DB)
    parser.add_argument("--coordinator", default=DEMO_COORDINATOR)
    parser.add_argument("--coordinator-password", default=DEMO_PASSWORD)
    parser.add_argument("--password", default=DEMO_PASSWORD, help="the applicants' password")
    parser.add_argument("--phases", default="single,multi,mail")
    parser.add_argument(
        "--single", default="hello,search,pages,mix", help="the measurements of the single phase, in order"
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measured phase")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per measured phase")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean think time in seconds between a client's requests (0: closed loop)",
    )
    parser.add_argument(
        "--review-weight",
        type=float,
        default=0.02,
        help="share of the coordinator's review page in the mix (0.02: one client in 50)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--ports", type=int, default=None, help="serve on FIRST, FIRST+1, ... (default: any free ports)"
    )
    parser.add_argument("--multi-workers", type=int, default=2, help="workers of each of the two instances")
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--run-id", type=int, default=None)
    parser.add_argument(
        "--run-types",
        default="",
        help="opportunity types of the bench's round, e.g. research (about 10,000 matches on the bulk data)",
    )
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--bad-logins", type=int, default=12)
    parser.add_argument("--no-control", dest="control", action="store_false")
    parser.add_argument(
        "--mail-database", default="postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_bench_outbox"
    )
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--mail-workers", type=int, default=2)
    parser.add_argument("--mail-timeout", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.worker_class == "sync":
        args.threads = 1
    return args


def main() -> None:
    args = options()
    url = args.database
    phases = set(args.phases.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    print(
        f"bench/web: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; database {make_url(url).database}; "
        f"gunicorn --workers {args.workers} --worker-class {args.worker_class} --threads {args.threads}; "
        f"{args.clients} clients, "
        + (f"think time {args.think:g} s (exponential), " if args.think else "closed loop (no think time), ")
        + f"{args.duration:g} s or {args.max_requests:,} requests per phase; logs in {workdir}"
    )
    if phases & {"single", "multi"}:
        cat = load_catalog(url, args.clients)
        print(
            f"catalog: {len(cat.opportunity_ids):,} public opportunities, {len(cat.applicants)} distinct "
            f"applicants for {args.clients} clients"
        )
        ensure_run(url, args, cat, workdir)
        if "single" in phases:
            print_single(phase_single(url, args, cat, workdir))
        if "multi" in phases:
            print_multi(phase_multi(url, args, cat, workdir), args)
    if "mail" in phases:
        print_mail(phase_mail(args, workdir), args)
    print(f"\nstale keep-alive connections retried: {Connection.retries}")


if __name__ == "__main__":
    main()
