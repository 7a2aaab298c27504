"""Load benchmark: the app under gunicorn on PostgreSQL and Redis, against a hello-world baseline.

    .venv/bin/python bench/web.py [--database URL] [--coordinator EMAIL] [--duration 20] [--clients 50]
                                  [--phases single,multi,mail]

Everything listens on 127.0.0.1 and each phase stops after --duration seconds or --max-requests
requests, whichever comes first. Phases:

single  gunicorn (--workers 4, gthread) serving `wsgi:app`, and bench/web_hello.py under the same
        settings. 50 closed-loop clients (no think time unless --think) run: the hello app;
        search only; the applicants' pages (anonymous search with random filters, opportunity
        pages, logged-in dashboards: each client logs in once through the real login form, with
        its CSRF token, as a distinct applicant); the same plus the coordinator's review page of
        a large match run (--review-weight). Commands and one run: bench/README.md.
multi   two gunicorn instances on two ports sharing PostgreSQL and Redis: every client logs in
        through one instance (GET /login there, POST to the other) and then alternates between
        them with the same session cookie; failed logins alternated across the instances must be
        throttled at the configured limit (a control pair on memory:// storage shows the bypass
        that this guards against).
mail    its own database (DROPped and recreated: --mail-database), N queued emails, two
        `flask --app wsgi mail worker` processes draining them into an aiosmtpd sink, then a check
        that every email arrived exactly once.

The match run: --run-id, else the latest run of the bench's own round ("bench/web.py round",
restricted to --run-types), else that round is created with the service and run with
`flask --app wsgi match run` (once: later invocations reuse the run).
The database is otherwise only read, apart from what logging in writes (last login time).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent  # gunicorn and flask live next to the interpreter (.venv/bin)

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

HOST = "127.0.0.1"
SMALL_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/irmatch_bench_small"
DEMO_PASSWORD = "irmatch-demo-2026"  # noqa: S105 - the demo accounts' password
LOGIN_LIMIT = "5 per minute;20 per hour"  # the default MATCHER_LOGIN_RATE_LIMIT, which the servers use
SECRET = "bench-web-" + "k" * 40  # the same on every instance: that is what makes sessions portable


# --------------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client on asyncio streams: keep-alive, Content-Length or chunked bodies.
# (No third-party client: one event loop drives 50 connections with little CPU, which matters
# when client and servers share two cores.)


_RUNNER = asyncio.Runner()  # one event loop for the whole run: connections outlive a phase


def arun(coro):
    return _RUNNER.run(coro)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes


class Connection:
    retries = 0  # requests re-sent because a kept-alive connection had been closed by the server

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, cookies: dict[str, str] | None = None, form: dict | None = None
    ) -> Response:
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                async with asyncio.timeout(60):
                    return await self._exchange(method, path, cookies, form)
            except _StaleConnection:
                idle = time.monotonic() - self.last_used
                self.close()
                # Only a connection that sat idle may have been closed by the server's keep-alive
                # timeout; anything else is the server failing, and counts as an error.
                if fresh or attempt or idle < 1.0:
                    raise ConnectionResetError("server closed the connection without a response") from None
                Connection.retries += 1
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    async def _exchange(self, method: str, path: str, cookies: dict | None, form: dict | None) -> Response:
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nUser-Agent: bench-web\r\n"
        if cookies:
            head += "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "\r\n"
        payload = b""
        if form is not None:
            payload = urlencode(form).encode()
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(payload)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + payload)
        try:
            status_line = await self.reader.readline()
        except ConnectionError:
            raise _StaleConnection from None
        if not status_line:
            raise _StaleConnection
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        new_cookies: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, val = value.split(";", 1)[0].partition("=")
                new_cookies[key.strip()] = val.strip()
            else:
                headers[name] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            body = b"".join(chunks)
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        self.last_used = time.monotonic()
        return Response(status, headers, new_cookies, body)


class _StaleConnection(Exception):
    pass


def merge_cookies(jar: dict[str, str], new: dict[str, str]) -> None:
    for key, value in new.items():
        if value in ("", '""'):
            jar.pop(key, None)
        else:
            jar[key] = value


CSRF_RE = re.compile(rb'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(rb'value="([^"]+)"')


async def login(get: Connection, post: Connection, email: str, password: str) -> tuple[int, dict[str, str]]:
    """The real login form: GET it (session cookie + CSRF token), POST it; (status, cookie jar)."""
    jar: dict[str, str] = {}
    page = await get.request("GET", "/login")
    merge_cookies(jar, page.cookies)
    tag = CSRF_RE.search(page.body)
    token = VALUE_RE.search(tag.group(0)).group(1).decode() if tag else ""
    form = {"csrf_token": token, "next": "", "email": email, "password": password}
    answer = await post.request("POST", "/login", cookies=jar, form=form)
    merge_cookies(jar, answer.cookies)
    return answer.status, jar


# --------------------------------------------------------------------------------------------
# gunicorn


def clean_env(**matcher: str) -> dict[str, str]:
    """The environment without the caller's MATCHER_* settings, plus the ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env.update({f"MATCHER_{k}": str(v) for k, v in matcher.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(
        self, name: str, app: str, env: dict[str, str], args: argparse.Namespace, workdir: Path, **kw
    ):
        self.name, self.app, self.env, self.workdir = name, app, env, workdir
        self.port = free_port()
        self.workers = kw.get("workers", args.workers)
        self.worker_class, self.threads = args.worker_class, args.threads
        self.proc: subprocess.Popen | None = None
        self.log = workdir / f"gunicorn-{name}.log"

    def start(self) -> None:
        argv = [
            str(BIN / "gunicorn"),
            f"--workers={self.workers}",
            f"--worker-class={self.worker_class}",
            f"--threads={self.threads}",
            f"--bind={HOST}:{self.port}",
            "--backlog=2048",
            "--keep-alive=5",
            "--graceful-timeout=5",
            self.app,
        ]
        cwd = ROOT / "bench" if self.app.startswith("web_hello") else ROOT
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                argv, cwd=cwd, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log}")
            try:
                status = arun(self._probe())
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn {self.name} did not answer in 90 s; see {self.log}")

    async def _probe(self) -> int:
        conn = Connection(self.port)
        try:
            path = "/" if self.app.startswith("web_hello") else "/healthz"
            return (await conn.request("GET", path)).status
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            children = []
        return pids + [int(c) for c in children]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the master only: it stops its own workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (utime, stime from /proc)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


APPLICATION_NAME = "bench-web"  # the servers' PostgreSQL connections say so, to count their CPU


def pg_backends(url: str | None) -> list[int]:
    """The PostgreSQL server processes that serve the benchmarked app (same machine)."""
    if not url:
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return list(
                c.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": APPLICATION_NAME},
                ).scalars()
            )
    finally:
        engine.dispose()


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------------------------
# The workload


@dataclass
class Catalog:
    """Valid values for the search filters and ids to visit, read from the database."""

    opportunity_ids: list[int]
    regions: list[str]
    subregions: list[str]
    countries: list[str]
    types: list[str]
    levels: list[str]
    interests: list[str]
    languages: list[str]
    words: list[str]
    applicants: list[str]
    spare_applicant: str
    run_id: int | None = None
    run_matches: int = 0
    run_pages: int = 1


PUBLIC = (
    "FROM opportunities o JOIN organisations g ON g.id = o.organisation_id {join} "
    "WHERE o.status = 'published' AND g.verified_at IS NOT NULL"
)
WITH_COUNTRY = "JOIN countries c ON c.iso2 = o.country_code"
WITH_LANGUAGE = "JOIN opportunity_languages l ON l.opportunity_id = o.id"


def load_catalog(url: str, clients: int) -> Catalog:
    engine = create_engine(url)
    with engine.connect() as c:

        def column(what: str, join: str = "", tail: str = "") -> list:
            sql = f"SELECT {what} {PUBLIC.format(join=join)} {tail}"
            return list(c.execute(text(sql)).scalars())

        titles = column("o.title", tail="ORDER BY random() LIMIT 500")
        words = sorted({w.strip(",.:;()").lower() for t in titles for w in t.split() if len(w) >= 5})
        # Distinct applicants for the clients, and one more for the failed-login test.
        applicants = list(
            c.execute(
                text(
                    "SELECT email FROM users WHERE role IN ('student', 'trainee') ORDER BY random() LIMIT :n"
                ),
                {"n": clients + 1},
            ).scalars()
        )
        spare = applicants.pop() if applicants else ""
        catalog = Catalog(
            opportunity_ids=column("o.id"),
            regions=column("DISTINCT c.region", WITH_COUNTRY),
            subregions=column("DISTINCT c.subregion", WITH_COUNTRY),
            countries=column("DISTINCT o.country_code"),
            types=column("DISTINCT o.type"),
            levels=list(c.execute(text("SELECT code FROM training_levels")).scalars()),
            interests=list(c.execute(text("SELECT slug FROM interests")).scalars()),
            languages=column("DISTINCT l.language", WITH_LANGUAGE),
            words=words or ["radiology"],
            applicants=applicants[:clients],
            spare_applicant=spare,
        )
    engine.dispose()
    if not catalog.opportunity_ids or not applicants:
        raise SystemExit("The database has no published opportunities or applicants: seed it first.")
    return catalog


def search_path(rng: random.Random, cat: Catalog) -> str:
    """/opportunities with 0-3 random valid filters, a random sort and sometimes a later page."""
    params: list[tuple[str, str]] = []
    today = date.today()
    pickers: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "region": lambda: [("region", rng.choice(cat.regions))],
        "subregion": lambda: [("subregion", rng.choice(cat.subregions))],
        "country": lambda: [("country", rng.choice(cat.countries))],
        "type": lambda: [("type", rng.choice(cat.types))],
        "level": lambda: [("level", rng.choice(cat.levels))],
        "interest": lambda: [("interest", s) for s in rng.sample(cat.interests, rng.randint(1, 2))],
        "language": lambda: [("language", rng.choice(cat.languages))],
        "open": lambda: [("open", "1")],
        "q": lambda: [("q", rng.choice(cat.words))],
        "starts_after": lambda: [("starts_after", (today + timedelta(days=rng.randint(0, 240))).isoformat())],
    }
    names = [n for n in pickers if n != "language" or cat.languages]
    for name in rng.sample(names, rng.choice((0, 1, 1, 2, 2, 3))):
        params += pickers[name]()
    sort = rng.choice(("start", "start", "deadline", "newest"))
    if sort != "start":
        params.append(("sort", sort))
    if rng.random() < 0.2:
        params.append(("page", str(rng.randint(2, 5))))
    return "/opportunities" + ("?" + urlencode(params) if params else "")


@dataclass
class Client:
    number: int
    ports: list[int]
    email: str = ""
    jar: dict[str, str] = field(default_factory=dict)
    conns: dict[int, Connection] = field(default_factory=dict)
    turn: int = 0

    def conn(self, port: int) -> Connection:
        if port not in self.conns:
            self.conns[port] = Connection(port)
        return self.conns[port]

    def next_port(self) -> int:
        """Alternate between the instances (one port: always that one)."""
        self.turn += 1
        return self.ports[self.turn % len(self.ports)]

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()


@dataclass
class Shot:
    kind: str
    path: str
    cookies: dict[str, str] | None
    check: Callable[[Response], str | None]


# The applicants' mix; the coordinator's review page comes on top (--review-weight).
PAGES = {"search": 0.45, "opportunity": 0.35, "dashboard": 0.20}


def with_review(share: float) -> dict[str, float]:
    return {**{kind: weight * (1 - share) for kind, weight in PAGES.items()}, "review": share}


def expect_ok(response: Response) -> str | None:
    return None if response.status == 200 else f"HTTP {response.status}"


def expect_ok_search(response: Response) -> str | None:
    # Random but valid filters: a 400 would mean the benchmark sends something the page rejects.
    return expect_ok(response)


class Mix:
    """Which request a client sends next; weights per kind."""

    def __init__(self, cat: Catalog, weights: dict[str, float], coordinator_jar: dict[str, str] | None):
        self.cat, self.coordinator_jar = cat, coordinator_jar
        self.kinds = [k for k, w in weights.items() if w > 0]
        self.weights = [weights[k] for k in self.kinds]

    def shot(self, client: Client, rng: random.Random) -> Shot:
        kind = rng.choices(self.kinds, self.weights)[0]
        if kind == "hello":
            return Shot(kind, "/", None, expect_ok)
        if kind == "search":
            return Shot(kind, search_path(rng, self.cat), None, expect_ok_search)
        if kind == "opportunity":
            return Shot(kind, f"/opportunities/{rng.choice(self.cat.opportunity_ids)}", None, expect_ok)
        if kind == "dashboard":
            marker = client.email.encode()

            def logged_in(response: Response) -> str | None:
                if response.status != 200:
                    return f"HTTP {response.status} ({response.headers.get('location', '')})"
                return None if marker in response.body else "page does not show the applicant's email"

            return Shot(kind, "/dashboard", client.jar, logged_in)
        if kind == "review":
            page = rng.randint(1, min(self.cat.run_pages, 20))
            return Shot(
                kind, f"/coordination/runs/{self.cat.run_id}?page={page}", self.coordinator_jar, expect_ok
            )
        raise ValueError(kind)


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


async def _run_clients(
    clients: list[Client], mix: Mix, seconds: float, max_requests: int, seed: int, think: float = 0.0
) -> dict:
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
    if warmup:  # each worker loads its templates and opens its database connections
        arun(_run_clients(clients, mix, min(3.0, args.duration), 50 * len(clients), seed=999))
    pids = [p for s in servers for p in s.worker_pids()]
    pg_url = args.database if any(s.app == "wsgi:app" for s in servers) else None
    pg0 = cpu_by_pid(pg_backends(pg_url))
    cpu0, server0, busy0 = client_cpu(), cpu_seconds(pids), machine_busy()
    started = time.perf_counter()
    kinds = arun(
        _run_clients(clients, mix, args.duration, args.max_requests, seed=args.seed, think=args.think)
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


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def print_phase(result: PhaseResult, note: str = "") -> None:
    print(f"\n#### {result.name}{note}\n")
    print("| kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = list(result.kinds.items())
    if len(rows) > 1:
        rows.append(("**total**", result.total))
    for kind, k in rows:
        n = len(k.latencies)
        print(
            f"| {kind} | {n:,} | {n / result.seconds:,.1f} | {pct(k.latencies, 0.50):.0f} | "
            f"{pct(k.latencies, 0.95):.0f} | {pct(k.latencies, 0.99):.0f} | "
            f"{max(k.latencies, default=0) * 1000:.0f} | {k.errors} |"
        )
    n = len(result.total.latencies) or 1
    others = result.busy - result.server_cpu - result.client_cpu - result.postgres_cpu
    print(
        f"\n{result.seconds:.1f} s. CPU per request: app servers {result.server_cpu / n * 1000:.1f} ms, "
        f"their PostgreSQL backends {result.postgres_cpu / n * 1000:.1f} ms, load generator "
        f"{result.client_cpu / n * 1000:.2f} ms. Machine: {result.busy:.0f} of {result.available:.0f} "
        f"CPU-s busy; other processes (other users, Redis, the kernel) used {max(others, 0):.0f} CPU-s "
        f"({max(others, 0) / max(result.available, 1e-9):.0%} of the machine)."
    )
    for sample in result.total.samples[:5]:
        print(f"  error: {sample}")


# --------------------------------------------------------------------------------------------
# Setup: the match run, the logins


def ensure_run(url: str, args: argparse.Namespace, cat: Catalog, workdir: Path) -> None:
    engine = create_engine(url)
    with engine.connect() as c:
        if args.run_id:
            run_id = args.run_id
        else:  # the bench's own round, run by an earlier invocation
            run_id = c.execute(
                text(
                    "SELECT max(r.id) FROM match_runs r JOIN match_rounds d ON d.id = r.round_id "
                    "WHERE d.name = :name"
                ),
                {"name": round_name(args)},
            ).scalar()
    if run_id is None:
        run_id = create_run(url, args, workdir)
    with engine.connect() as c:
        cat.run_id = run_id
        cat.run_matches = c.execute(
            text("SELECT count(*) FROM matches WHERE run_id = :r"), {"r": run_id}
        ).scalar()
    engine.dispose()
    cat.run_pages = max(1, -(-cat.run_matches // 50))
    print(f"review page: run {cat.run_id} with {cat.run_matches:,} matches")


def round_name(args: argparse.Namespace) -> str:
    return "bench/web.py round" + (f" ({args.run_types})" if args.run_types else "")


def create_run(url: str, args: argparse.Namespace, workdir: Path) -> int:
    """A ranked round (over --run-types, else every opportunity), created with the service unless
    it exists, then run with the app's CLI."""
    from matcher.extensions import db
    from matcher.models.matching import MatchRound
    from matcher.services.accounts import find_by_email
    from matcher.services.matching.rounds import Scope, create_round

    app = bench_app(url)
    with app.app_context():
        actor = find_by_email(db.session, args.coordinator)
        if actor is None:
            raise SystemExit(f"No coordinator {args.coordinator} in the database.")
        round_id = db.session.scalar(select(MatchRound.id).where(MatchRound.name == round_name(args)))
        if round_id is None:
            match_round = create_round(
                db.session,
                actor,
                name=round_name(args),
                mode="ranked",
                scope=Scope(types=tuple(t for t in args.run_types.split(",") if t)),
                response_deadline=date.today() + timedelta(days=30),
            )
            db.session.commit()
            round_id = match_round.id
        db.session.remove()
    print(f"created round {round_id}; running it with `flask --app wsgi match run` ...", flush=True)
    started = time.perf_counter()
    out = subprocess.run(
        [
            str(BIN / "flask"),
            "--app",
            "wsgi",
            "match",
            "run",
            str(round_id),
            "--as",
            args.coordinator,
            "--seed",
            "1",
        ],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=url, SECRET_KEY=SECRET, AUDIT_LOG_PATH=str(workdir / "audit.log")),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if out.returncode:
        raise SystemExit(f"match run failed:\n{out.stdout}\n{out.stderr}")
    print(f"  {out.stdout.strip().splitlines()[-1]} ({time.perf_counter() - started:.1f} s)")
    engine = create_engine(url)
    with engine.connect() as c:
        run_id = c.execute(
            text("SELECT max(id) FROM match_runs WHERE round_id = :r"), {"r": round_id}
        ).scalar()
    engine.dispose()
    return run_id


async def login_all(clients: list[Client], password: str, cross: bool) -> list[str]:
    """Log every client in (GET /login on one instance, POST on the other when `cross`)."""
    problems: list[str] = []

    async def one(client: Client) -> None:
        get_port = client.ports[client.number % len(client.ports)]
        post_port = client.ports[(client.number + 1) % len(client.ports)] if cross else get_port
        status, jar = await login(client.conn(get_port), client.conn(post_port), client.email, password)
        if status != 302 or "session" not in jar:
            problems.append(f"{client.email}: login answered {status}")
        client.jar = jar

    # A few at a time: each login verifies an Argon2 hash (19 MiB, on purpose slow).
    sem = asyncio.Semaphore(8)

    async def limited(client: Client) -> None:
        async with sem:
            await one(client)

    await asyncio.gather(*(limited(c) for c in clients))
    return problems


async def coordinator_login(port: int, email: str, password: str) -> dict[str, str]:
    conn = Connection(port)
    try:
        status, jar = await login(conn, conn, email, password)
    finally:
        conn.close()
    if status != 302:
        raise SystemExit(f"The coordinator {email} could not log in (HTTP {status}).")
    return jar


# --------------------------------------------------------------------------------------------
# Phases


def app_env(url: str, workdir: Path, storage: str) -> dict[str, str]:
    return clean_env(
        ENV="production",
        SECRET_KEY=SECRET,
        DATABASE_URL=url,
        RATELIMIT_STORAGE_URI=storage,
        AUDIT_LOG_PATH=str(workdir / "audit.log"),
        UPLOAD_FOLDER=str(workdir / "uploads"),
        BASE_URL="http://127.0.0.1",
        SQLALCHEMY_ENGINE_OPTIONS=json.dumps(
            {"pool_pre_ping": True, "connect_args": {"application_name": APPLICATION_NAME}}
        ),
    )


def redis_uri(args: argparse.Namespace) -> str:
    return f"redis://127.0.0.1:6379/{args.redis_db}"


def phase_single(url: str, args: argparse.Namespace, cat: Catalog, workdir: Path) -> dict[str, PhaseResult]:
    results: dict[str, PhaseResult] = {}
    wanted = set(args.single.split(","))
    if "hello" in wanted:
        hello = Gunicorn("hello", "web_hello:app", clean_env(), args, workdir)
        hello.start()
        try:
            clients = [Client(i, [hello.port]) for i in range(args.clients)]
            mix = Mix(cat, {"hello": 1}, None)
            results["hello"] = run_phase("hello app (baseline)", clients, mix, args, [hello])
            for c in clients:
                c.close()
        finally:
            hello.stop()
    if not wanted & {"search", "pages", "mix"}:
        return results
    server = Gunicorn("app", "wsgi:app", app_env(url, workdir, redis_uri(args)), args, workdir)
    server.start()
    try:
        coordinator = arun(coordinator_login(server.port, args.coordinator, args.coordinator_password))
        clients = [Client(i, [server.port]) for i in range(args.clients)]
        for client in clients:
            client.email = cat.applicants[client.number % len(cat.applicants)]
        problems = arun(login_all(clients, args.password, cross=False))
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
        for c in clients:
            c.close()
    finally:
        server.stop()
    return results


WRONG_PASSWORD = b"The email or the password is not right."


def failed_logins(ports: list[int], email: str, attempts: int) -> list[str]:
    """Wrong passwords for one account, alternating between the instances; the HTTP statuses
    ("422" only when the page says the password is wrong, else "422-form": the throttle was not
    reached because the form itself was refused)."""

    async def go() -> list[str]:
        statuses = []
        for i in range(attempts):
            conn = Connection(ports[i % len(ports)])
            try:
                page = await conn.request("GET", "/login")
                tag = CSRF_RE.search(page.body)
                token = VALUE_RE.search(tag.group(0)).group(1).decode() if tag else ""
                form = {"csrf_token": token, "next": "", "email": email, "password": uuid.uuid4().hex}
                answer = await conn.request("POST", "/login", cookies=page.cookies, form=form)
            finally:
                conn.close()
            status = str(answer.status)
            if answer.status == 422 and WRONG_PASSWORD not in answer.body:
                status += "-form"
            statuses.append(status)
        return statuses

    return arun(go())


def forget_failures(args: argparse.Namespace, email: str) -> None:
    """Delete the failed-login counters of `email` from the bench's Redis database, so that the
    account can log in again in the next run (the limiter would otherwise block it for an hour)."""
    import redis

    client = redis.Redis.from_url(redis_uri(args))
    pattern = "LIMITS:LIMITER/failed-login/*:" + re.sub(r"([*?\[\]\\])", r"\\\1", email) + "/*"
    keys = list(client.scan_iter(match=pattern))
    if keys:
        client.delete(*keys)
    client.close()


def phase_multi(url: str, args: argparse.Namespace, cat: Catalog, workdir: Path) -> dict:
    out: dict = {}
    env = app_env(url, workdir, redis_uri(args))
    servers = [Gunicorn(f"app-{n}", "wsgi:app", env, args, workdir, workers=args.multi_workers) for n in "ab"]
    for s in servers:
        s.start()
    try:
        ports = [s.port for s in servers]
        coordinator = arun(coordinator_login(ports[0], args.coordinator, args.coordinator_password))
        clients = [Client(i, ports) for i in range(args.clients)]
        for client in clients:
            client.email = cat.applicants[client.number % len(cat.applicants)]
        out["login_problems"] = arun(login_all(clients, args.password, cross=True))
        out["load"] = run_phase(
            "two instances, every client alternating between them with one session cookie",
            clients,
            Mix(cat, with_review(args.review_weight), coordinator),
            args,
            servers,
        )
        for c in clients:
            c.close()
        # Failed logins across both instances, for an applicant none of the clients uses.
        forget_failures(args, cat.spare_applicant)
        try:
            out["throttle"] = failed_logins(ports, cat.spare_applicant, args.bad_logins)
            out["throttle_right_password"] = arun(_login_once(ports[1], cat.spare_applicant, args.password))
        finally:
            forget_failures(args, cat.spare_applicant)
    finally:
        for s in servers:
            s.stop()
    if args.control:
        env = app_env(url, workdir, "memory://")
        servers = [
            Gunicorn(f"memory-{n}", "wsgi:app", env, args, workdir, workers=args.multi_workers) for n in "ab"
        ]
        for s in servers:
            s.start()
        try:
            ports = [s.port for s in servers]
            # Unknown address: the key is address + email, so it starts from zero failures.
            # Enough attempts for every process to reach the limit on its own count.
            attempts = 2 * args.multi_workers * per_minute(LOGIN_LIMIT) + 4
            out["control"] = failed_logins(ports, f"nobody-{uuid.uuid4().hex[:8]}@example.org", attempts)
        finally:
            for s in servers:
                s.stop()
    return out


async def _login_once(port: int, email: str, password: str) -> int:
    conn = Connection(port)
    try:
        return (await login(conn, conn, email, password))[0]
    finally:
        conn.close()


def per_minute(limit: str) -> int:
    return int(limit.split(";")[0].split()[0])


def first_429(statuses: list[str]) -> str:
    return str(statuses.index("429") + 1) if "429" in statuses else f"never in {len(statuses)}"


def print_multi(out: dict, args: argparse.Namespace, limit: str) -> None:
    load: PhaseResult = out["load"]
    print_phase(load)
    dash = load.kinds["dashboard"]
    per_limit = per_minute(limit)
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
            f"{per_limit + 1} (limit {limit})",
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


def phase_mail(args: argparse.Namespace, workdir: Path) -> dict:
    """Two mail workers drain one outbox of N emails into an SMTP sink; each must arrive once."""
    from tests.support.smtp import SmtpSink

    url = make_url(args.mail_database)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    url_s = url.render_as_string(hide_password=False)
    env = clean_env(DATABASE_URL=url_s, SECRET_KEY=SECRET, AUDIT_LOG_PATH="")
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    queue_emails(url_s, args.emails)
    sink = SmtpSink()
    sink.start()
    workers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        for n in range(args.mail_workers):
            worker_env = clean_env(
                DATABASE_URL=url_s,
                SECRET_KEY=SECRET,
                AUDIT_LOG_PATH="",
                MAIL_SERVER=HOST,
                MAIL_PORT=sink.port,
                # The envelope sender tells the sink which worker sent each email.
                MAIL_DEFAULT_SENDER=f"worker{n}@bench.invalid",
            )
            with open(workdir / f"mail-worker-{n}.log", "ab") as log:
                workers.append(
                    subprocess.Popen(
                        [str(BIN / "flask"), "--app", "wsgi", "mail", "worker", "--interval", "0.5"],
                        cwd=ROOT,
                        env=worker_env,
                        stdout=log,
                        stderr=log,
                        start_new_session=True,
                    )
                )
        engine = create_engine(url_s)
        deadline = time.monotonic() + args.mail_timeout
        due = args.emails
        while time.monotonic() < deadline:
            with engine.connect() as c:
                due = c.execute(
                    text("SELECT count(*) FROM outbox_messages WHERE status IN ('pending', 'failed')")
                ).scalar()
            if not due:
                break
            time.sleep(0.5)
        drained = time.perf_counter() - started
        time.sleep(1.0)  # let a worker that is mid-batch finish (a duplicate would show up here)
        for proc in workers:
            proc.send_signal(signal.SIGINT)
        for proc in workers:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with engine.connect() as c:
            statuses = dict(
                c.execute(text("SELECT status, count(*) FROM outbox_messages GROUP BY status")).all()
            )
            attempts = dict(
                c.execute(text("SELECT attempts, count(*) FROM outbox_messages GROUP BY attempts")).all()
            )
            expected_ids = set(c.execute(text("SELECT message_id FROM outbox_messages")).scalars())
        engine.dispose()
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
        sink.stop()
    received = list(sink.received)
    ids = Counter(_message_id(r.raw) for r in received)
    pairs = Counter((tuple(r.rcpt_tos), _header(r.raw, b"Subject")) for r in received)
    senders = Counter(r.mail_from for r in received)
    return {
        "emails": args.emails,
        "due_left": due,
        "seconds": drained,
        "received": len(received),
        "distinct_ids": len(ids),
        "duplicate_ids": sum(n - 1 for n in ids.values() if n > 1),
        "duplicate_pairs": sum(n - 1 for n in pairs.values() if n > 1),
        "missing": len(expected_ids - set(ids)),
        "unexpected": len(set(ids) - expected_ids),
        "senders": senders,
        "statuses": statuses,
        "attempts": attempts,
    }


def _header(raw: bytes, name: bytes) -> bytes:
    match = re.search(
        rb"^" + name + rb":\s*(.*?)\r?\n(?![ \t])", raw, re.MULTILINE | re.IGNORECASE | re.DOTALL
    )
    return match.group(1).strip() if match else b""


def _message_id(raw: bytes) -> str:
    return _header(raw, b"Message-ID").decode()


def bench_app(url: str):
    """The app on ``url``, built under the servers' clean environment (not this shell's)."""
    from matcher.app import create_app

    env_backup = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean_env())
    try:
        return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "AUDIT_LOG_PATH": ""})
    finally:
        os.environ.clear()
        os.environ.update(env_backup)


def queue_emails(url: str, n: int) -> None:
    """n password-reset emails to n distinct addresses, through the app's own queue_email."""
    from matcher.extensions import db
    from matcher.mail.outbox import queue_email
    from matcher.reference.sync import sync_reference_data

    app = bench_app(url)
    with app.app_context(), app.test_request_context(base_url="http://127.0.0.1"):
        sync_reference_data(db.session)
        for i in range(n):
            queue_email(
                db.session,
                to=(f"person{i:05d}@bench.invalid", f"Person {i}"),
                template="reset_password",
                subject=f"Bench email {i:05d}",
                category="account",
                context={"link": f"http://127.0.0.1/reset/{uuid.uuid4().hex}"},
            )
        db.session.commit()
        db.session.remove()


def print_checks(title: str, rows: list[tuple[str, str, str, bool | None]]) -> None:
    print(f"\n#### {title}\n")
    print("| check | expected | observed | ok |")
    print("|---|---|---|---|")
    for name, expected, observed, ok in rows:
        print(f"| {name} | {expected} | {observed} | {'-' if ok is None else 'yes' if ok else 'NO'} |")


def print_mail(out: dict, args: argparse.Namespace) -> None:
    n = out["emails"]
    rows = [
        ("emails received by the sink", f"{n:,}", f"{out['received']:,}", out["received"] == n),
        ("distinct Message-IDs", f"{n:,}", f"{out['distinct_ids']:,}", out["distinct_ids"] == n),
        ("emails sent twice (same Message-ID)", "0", str(out["duplicate_ids"]), out["duplicate_ids"] == 0),
        (
            "emails sent twice (same recipient and subject)",
            "0",
            str(out["duplicate_pairs"]),
            out["duplicate_pairs"] == 0,
        ),
        ("outbox rows never received", "0", str(out["missing"]), out["missing"] == 0),
        ("outbox rows left due", "0", str(out["due_left"]), out["due_left"] == 0),
        (
            "rows sent, with 1 attempt each",
            f"{n:,}",
            f"{out['statuses'].get('sent', 0):,} sent; attempts {dict(sorted(out['attempts'].items()))}",
            out["statuses"].get("sent", 0) == n and set(out["attempts"]) == {1},
        ),
    ]
    print_checks(f"{args.mail_workers} mail workers, one outbox of {n:,} emails, aiosmtpd sink", rows)
    share = ", ".join(f"{s.split('@')[0]} {c:,}" for s, c in sorted(out["senders"].items()))
    print(
        f"\ndrained in {out['seconds']:.1f} s ({n / out['seconds']:,.0f} emails/s); sent per worker: {share}"
    )


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=None, help=f"default: {SMALL_DB}")
    parser.add_argument("--coordinator", default="coordinator@demo.irmatch.org")
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
    url = args.database = args.database or SMALL_DB
    phases = set(args.phases.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    if args.worker_class == "sync":
        args.threads = 1
    print(
        f"bench/web.py: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; database {make_url(url).database}; "
        f"gunicorn --workers {args.workers} --worker-class {args.worker_class} --threads {args.threads}; "
        f"{args.clients} clients, "
        + (f"think time {args.think:g} s (exponential), " if args.think else "closed loop (no think time), ")
        + f"{args.duration:g} s or "
        f"{args.max_requests:,} requests per phase; logs in {workdir}"
    )
    limit = LOGIN_LIMIT
    single = multi = mail = None
    if phases & {"single", "multi"}:
        cat = load_catalog(url, args.clients)
        print(
            f"catalog: {len(cat.opportunity_ids):,} public opportunities, {len(cat.applicants)} distinct "
            f"applicants for {args.clients} clients"
        )
        ensure_run(url, args, cat, workdir)
        if "single" in phases:
            single = phase_single(url, args, cat, workdir)
            for result in single.values():
                print_phase(result)
            if "hello" in single and "search" in single:
                hello = len(single["hello"].total.latencies) / single["hello"].seconds
                search = len(single["search"].total.latencies) / single["search"].seconds
                ratio = f"{search:,.0f} / {hello:,.0f} = {search / hello:.1%}"
                print(f"\nsearch throughput / hello throughput: {ratio}")
        if "multi" in phases:
            multi = phase_multi(url, args, cat, workdir)
            print_multi(multi, args, limit)
    if "mail" in phases:
        mail = phase_mail(args, workdir)
        print_mail(mail, args)
    print(f"\nstale keep-alive connections retried: {Connection.retries}")


if __name__ == "__main__":
    main()
