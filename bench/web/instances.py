"""The multi phase: two gunicorn instances sharing PostgreSQL and Redis. Sessions must work on
both, and failed logins must be counted across both (a memory:// control pair shows the bypass)."""

from __future__ import annotations

import argparse
import re
import uuid
from pathlib import Path

import redis

from bench.web.client import arun, log_in
from bench.web.load import PhaseResult, coordinator_cookies, log_in_all, run_phase
from bench.web.servers import APP, Gunicorn, app_env, redis_uri, start_all, stop_all
from bench.web.tables import print_checks, print_phase
from bench.web.workload import Catalog, Mix, applicant_clients, close_all, with_review
from tests.support.logins import LOGIN_RATE_LIMIT, WRONG_CREDENTIALS


def failed_logins(ports: list[int], email: str, attempts: int) -> list[str]:
    """Wrong passwords for one account, alternating between the instances; the HTTP statuses
    ("422" only when the page says the password is wrong, else "422-form": the throttle was not
    reached because the form itself was refused)."""

    async def go() -> list[str]:
        statuses = []
        for i in range(attempts):
            answer = await log_in(ports[i % len(ports)], email, uuid.uuid4().hex)
            status = str(answer.status)
            if answer.status == 422 and WRONG_CREDENTIALS.encode() not in answer.body:
                status += "-form"
            statuses.append(status)
        return statuses

    return arun(go())


def forget_failures(args: argparse.Namespace, email: str) -> None:
    """Delete the failed-login counters of `email` from the bench's Redis database, so that the
    account can log in again in the next run (the limiter would otherwise block it for an hour)."""
    client = redis.Redis.from_url(redis_uri(args))
    pattern = "LIMITS:LIMITER/failed-login/*:" + re.sub(r"([*?\[\]\\])", r"\\\1", email) + "/*"
    keys = list(client.scan_iter(match=pattern))
    if keys:
        client.delete(*keys)
    client.close()


def phase_multi(url: str, args: argparse.Namespace, cat: Catalog, workdir: Path) -> dict:
    out: dict = {}
    env = app_env(url, workdir, redis_uri(args))
    servers = [Gunicorn(f"app-{n}", APP, env, args, workdir, workers=args.multi_workers) for n in "ab"]
    start_all(servers)
    try:
        ports = [s.port for s in servers]
        coordinator = coordinator_cookies(ports[0], args)
        clients = applicant_clients(cat, ports, args.clients)
        out["login_problems"] = arun(log_in_all(clients, args.password, cross=True))
        out["load"] = run_phase(
            "two instances, every client alternating between them with one session cookie",
            clients,
            Mix(cat, with_review(args.review_weight), coordinator),
            args,
            servers,
        )
        close_all(clients)
        # Failed logins across both instances, for an applicant none of the clients uses.
        forget_failures(args, cat.spare_applicant)
        try:
            out["throttle"] = failed_logins(ports, cat.spare_applicant, args.bad_logins)
            right = arun(log_in(ports[1], cat.spare_applicant, args.password))
            out["throttle_right_password"] = right.status
        finally:
            forget_failures(args, cat.spare_applicant)
    finally:
        stop_all(servers)
    if args.control:
        env = app_env(url, workdir, "memory://")
        servers = [Gunicorn(f"memory-{n}", APP, env, args, workdir, workers=args.multi_workers) for n in "ab"]
        start_all(servers)
        try:
            ports = [s.port for s in servers]
            # Unknown address: the key is address + email, so it starts from zero failures.
            # Enough attempts for every process to reach the limit on its own count.
            attempts = 2 * args.multi_workers * per_minute(LOGIN_RATE_LIMIT) + 4
            out["control"] = failed_logins(ports, f"nobody-{uuid.uuid4().hex[:8]}@example.org", attempts)
        finally:
            stop_all(servers)
    return out


def per_minute(limit: str) -> int:
    return int(limit.split(";")[0].split()[0])


def first_429(statuses: list[str]) -> str:
    return str(statuses.index("429") + 1) if "429" in statuses else f"never in {len(statuses)}"


def print_multi(out: dict, args: argparse.Namespace) -> None:
    load: PhaseResult = out["load"]
    print_phase(load)
    dash = load.kinds["dashboard"]
    per_limit = per_minute(LOGIN_RATE_LIMIT)
    throttle, right = out["throttle"], out["throttle_right_password"]
    good = args.clients - len(out["login_problems"])
    ports = ", ".join(f":{p} {n:,}" for p, n in sorted(dash.by_port.items()))
    rows = [
        (
            "logins: GET /login on one instance, POST to the other (CSRF token, session cookie)",
            f"{args.clients} of {args.clients}",
            f"{good} of {args.clients}",
            good == args.clients,
        ),
        (
            f"dashboards with each client's one session cookie, alternating instances ({ports})",
            "0 session errors",
            f"{dash.errors} errors in {len(dash.latencies):,}",
            not dash.errors,
        ),
        (
            "wrong passwords for one account alternated across both instances (Redis): first 429 at attempt",
            f"{per_limit + 1} (limit {LOGIN_RATE_LIMIT})",
            first_429(throttle),
            first_429(throttle) == str(per_limit + 1),
        ),
        ("then the right password, while throttled", "429", str(right), right == 429),
    ]
    if "control" in out:
        processes = 2 * args.multi_workers
        rows.append(
            (
                "control, same on memory:// storage: first 429 at attempt",
                f"later than {per_limit + 1} (each of {processes} processes counts alone)",
                first_429(out["control"]),
                None,
            )
        )
    print_checks("several instances: correctness", rows)
    print(f"\nstatuses, Redis: {' '.join(map(str, throttle))}")
    if "control" in out:
        print(f"statuses, memory://: {' '.join(map(str, out['control']))}")
