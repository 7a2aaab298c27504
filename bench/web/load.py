"""Running the clients: logging them in, then a measured phase of requests with its latencies,
errors and the CPU each side used."""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.web.client import arun, log_in
from bench.web.servers import APP, Gunicorn
from bench.web.usage import client_cpu, cpu_by_pid, cpu_seconds, machine_busy, pg_backends
from bench.web.workload import Client, Mix


async def log_in_all(clients: list[Client], password: str, cross: bool) -> list[str]:
    """Log every client in (GET /login on one instance, POST on the other when `cross`); the problems."""
    problems: list[str] = []
    # A few at a time: each login verifies an Argon2 hash (19 MiB, on purpose slow).
    sem = asyncio.Semaphore(8)

    async def one(client: Client) -> None:
        get_port = client.ports[client.number % len(client.ports)]
        post_port = client.ports[(client.number + 1) % len(client.ports)] if cross else get_port
        async with sem:
            login = await log_in(client.conn(get_port), client.email, password, post=client.conn(post_port))
        if not login.ok:
            problems.append(f"{client.email}: login answered {login.status}")
        client.jar = login.jar

    await asyncio.gather(*(one(c) for c in clients))
    return problems


def coordinator_cookies(port: int, args: argparse.Namespace) -> dict[str, str]:
    """The session cookie of --coordinator, who must be able to log in."""

    login = arun(log_in(port, args.coordinator, args.coordinator_password))
    if not login.ok:
        raise SystemExit(f"The coordinator {args.coordinator} could not log in (HTTP {login.status}).")
    return login.jar


@dataclass
class KindResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    by_port: Counter = field(default_factory=Counter)


@dataclass
class PhaseResult:
    name: str
    seconds: float
    kinds: dict[str, KindResult]
    client_cpu: float
    server_cpu: float
    postgres_cpu: float
    busy: float  # CPU seconds used by every process of the machine during the phase
    available: float  # CPU seconds the machine had (cores x seconds)

    @property
    def total(self) -> KindResult:
        merged = KindResult()
        for k in self.kinds.values():
            merged.latencies += k.latencies
            merged.errors += k.errors
            merged.samples += k.samples
        return merged

    @property
    def throughput(self) -> float:
        return len(self.total.latencies) / self.seconds


async def run_clients(
    clients: list[Client], mix: Mix, seconds: float, max_requests: int, seed: int, think: float = 0.0
) -> dict[str, KindResult]:
    """Every client sends requests from `mix` until `seconds` pass or `max_requests` are sent."""
    kinds: dict[str, KindResult] = {k: KindResult() for k in mix.kinds}
    budget = [max_requests]
    deadline = time.perf_counter() + seconds

    async def loop(client: Client) -> None:
        rng = random.Random(seed * 1000 + client.number)
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            shot = mix.shot(client, rng)
            port = client.next_port()
            result = kinds[shot.kind]
            started = time.perf_counter()
            try:
                response = await client.conn(port).request("GET", shot.path, cookies=shot.cookies)
                problem = shot.check(response)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            result.latencies.append(time.perf_counter() - started)
            result.by_port[port] += 1
            if problem:
                result.errors += 1
                if len(result.samples) < 5:
                    result.samples.append(f"{shot.path} on :{port}: {problem}")
            if think:  # but not past the deadline, which would stretch the phase
                pause = min(rng.expovariate(1 / think), deadline - time.perf_counter())
                await asyncio.sleep(max(pause, 0))

    await asyncio.gather(*(loop(c) for c in clients))
    return kinds


def run_phase(
    name: str,
    clients: list[Client],
    mix: Mix,
    args: argparse.Namespace,
    servers: list[Gunicorn],
    warmup: bool = True,
) -> PhaseResult:
    """One measured phase, after a short warm-up; CPU read before and after."""
    if warmup:  # each worker loads its templates and opens its database connections
        arun(run_clients(clients, mix, min(3.0, args.duration), 50 * len(clients), seed=999))
    pids = [p for s in servers for p in s.worker_pids()]
    pg_url = args.database if any(s.app == APP for s in servers) else None
    pg0 = cpu_by_pid(pg_backends(pg_url))
    cpu0, server0, busy0 = client_cpu(), cpu_seconds(pids), machine_busy()
    started = time.perf_counter()
    kinds = arun(
        run_clients(clients, mix, args.duration, args.max_requests, seed=args.seed, think=args.think)
    )
    seconds = time.perf_counter() - started
    busy1, server1, cpu1 = machine_busy(), cpu_seconds(pids), client_cpu()
    pg1 = cpu_by_pid(pg_backends(pg_url))
    postgres = sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items())
    return PhaseResult(
        name,
        seconds,
        kinds,
        client_cpu=cpu1 - cpu0,
        server_cpu=server1 - server0,
        postgres_cpu=postgres,
        busy=busy1[0] - busy0[0],
        available=busy1[1] - busy0[1],
    )
