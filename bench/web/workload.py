"""What the clients ask for: valid search filters and ids read from the database, and the mix of
pages each client draws its next request from."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from bench.web.client import Connection, Response


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
    """One simulated user: its connections (one per instance), its session cookie, its account."""

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


def applicant_clients(cat: Catalog, ports: list[int], n: int) -> list[Client]:
    """n clients for `ports`, each with its own applicant's account (while there are enough)."""
    return [Client(i, ports, email=cat.applicants[i % len(cat.applicants)]) for i in range(n)]


def close_all(clients: list[Client]) -> None:
    for client in clients:
        client.close()


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
    # Search filters are random but valid: a 400 would mean the benchmark sends what the page rejects.
    return None if response.status == 200 else f"HTTP {response.status}"


class Mix:
    """Which request a client sends next; weights per kind."""

    def __init__(
        self, cat: Catalog, weights: dict[str, float], coordinator_jar: dict[str, str] | None
    ) -> None:
        self.cat, self.coordinator_jar = cat, coordinator_jar
        self.kinds = [k for k, w in weights.items() if w > 0]
        self.weights = [weights[k] for k in self.kinds]

    def shot(self, client: Client, rng: random.Random) -> Shot:
        kind = rng.choices(self.kinds, self.weights)[0]
        if kind == "hello":
            return Shot(kind, "/", None, expect_ok)
        if kind == "search":
            return Shot(kind, search_path(rng, self.cat), None, expect_ok)
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
