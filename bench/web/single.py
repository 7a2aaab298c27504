"""The single phase: one gunicorn instance, measured with the hello app, search only, the
applicants' pages, and those pages with the coordinator's review page."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.web.client import arun
from bench.web.load import PhaseResult, coordinator_cookies, log_in_all, run_phase
from bench.web.servers import APP, HELLO_APP, Gunicorn, app_env, clean_env, redis_uri
from bench.web.tables import print_phase
from bench.web.workload import PAGES, Catalog, Client, Mix, applicant_clients, close_all, with_review


def phase_single(url: str, args: argparse.Namespace, cat: Catalog, workdir: Path) -> dict[str, PhaseResult]:
    results: dict[str, PhaseResult] = {}
    wanted = set(args.single.split(","))
    if "hello" in wanted:
        hello = Gunicorn("hello", HELLO_APP, clean_env(), args, workdir)
        hello.start()
        try:
            clients = [Client(i, [hello.port]) for i in range(args.clients)]
            mix = Mix(cat, {"hello": 1}, None)
            results["hello"] = run_phase("hello app (baseline)", clients, mix, args, [hello])
            close_all(clients)
        finally:
            hello.stop()
    if not wanted & {"search", "pages", "mix"}:
        return results
    server = Gunicorn("app", APP, app_env(url, workdir, redis_uri(args)), args, workdir)
    server.start()
    try:
        coordinator = coordinator_cookies(server.port, args)
        clients = applicant_clients(cat, [server.port], args.clients)
        problems = arun(log_in_all(clients, args.password, cross=False))
        if problems:
            print("login problems:", *problems[:5], sep="\n  ")
        if "search" in wanted:
            mix = Mix(cat, {"search": 1}, None)
            results["search"] = run_phase("search only", clients, mix, args, [server])
        if "pages" in wanted:
            mix = Mix(cat, PAGES, None)
            title = "applicants' pages: search, opportunity pages, dashboards"
            results["pages"] = run_phase(title, clients, mix, args, [server])
        if "mix" in wanted:
            mix = Mix(cat, with_review(args.review_weight), coordinator)
            title = f"the same with the coordinator's review page ({args.review_weight:.0%} of requests)"
            results["mix"] = run_phase(title, clients, mix, args, [server])
        close_all(clients)
    finally:
        server.stop()
    return results


def print_single(results: dict[str, PhaseResult]) -> None:
    for result in results.values():
        print_phase(result)
    if "hello" in results and "search" in results:
        hello, search = results["hello"].throughput, results["search"].throughput
        print(f"\nsearch throughput / hello throughput: {search:,.0f} / {hello:,.0f} = {search / hello:.1%}")
