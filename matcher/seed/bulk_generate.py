"""Seeded rows for `flask seed-bulk`: organisations, opportunities, applicants and their applications.

Pure Python: rows are tuples in the column order of `COLUMNS`, ids are assigned here (from `Ids`), so
nothing goes through the ORM and the same plan always gives the same rows. Each part draws from its
own `random.Random`, so changing one part of the generator does not reshuffle the others.
"""

from __future__ import annotations

import random
import secrets
from bisect import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from matcher.seed import bulk_data as words
from matcher.services.accounts import slugify

# Columns written per table, parents before children (the order rows are written in).
_COLUMNS = {
    "users": "id email name password_hash role email_verified_at created_at session_token calendar_token",
    "organisations": (
        "id name slug description website social_handle country_code created_at verified_at verified_by_id"
    ),
    "organisation_countries": "organisation_id country_code",
    "memberships": "id user_id organisation_id role created_at approved_at",
    "opportunities": (
        "id organisation_id title description type host_institution city country_code level_min "
        "level_max starts_on ends_on flexible min_weeks capacity places_filled fee_amount "
        "fee_currency accommodation_provided stipend_provided deadline requirements needs_visa "
        "needs_temporary_licence needs_indemnity needs_immunisations contact_name contact_email "
        "status created_at updated_at published_at created_by_id"
    ),
    "opportunity_interests": "opportunity_id interest_id",
    "opportunity_languages": "id opportunity_id language level",
    "profiles": (
        "id user_id level_rank institution home_country_code statement volunteers_to_teach "
        "teaching_weeks created_at updated_at"
    ),
    "profile_places": "id profile_id scope name",
    "profile_interests": "profile_id interest_id",
    "profile_teaching_interests": "profile_id interest_id",
    "availability_windows": "id profile_id starts_on ends_on",
    "profile_languages": "id profile_id language level",
    "applications": "id applicant_id opportunity_id rank motivation host_rank created_at updated_at",
}
COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(spec.split()) for name, spec in _COLUMNS.items()}
LEVEL_RANK = {"basic": 1, "conversational": 2, "professional": 3}


@dataclass(frozen=True)
class Plan:
    applicants: int
    opportunities: int
    seed: int
    year: int  # the year the opportunities run in
    today: date  # timestamps (sign-up, publication) fall in the months before it

    @property
    def organisations(self) -> int:
        return max(3, self.opportunities // 50)

    @property
    def domain(self) -> str:
        return f"seed{self.seed}.bulk.irmatch.org"


@dataclass(frozen=True)
class Country:
    iso2: str
    name: str
    region: str
    subregion: str
    income_group: str | None


class Ids:
    """Next primary keys per table, starting after what the database holds."""

    def __init__(self, highest: dict[str, int]) -> None:
        self._next = {table: value + 1 for table, value in highest.items()}

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


class Weighted:
    """A seeded weighted choice over fixed items (bisect over cumulative weights)."""

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items, self.cumulative = list(items), list(accumulate(weights))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def sample(self, rng: random.Random, k: int) -> list:
        chosen: list = []
        for _ in range(k * 8):
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == k:
                    break
        return chosen


@dataclass(eq=False)  # identity: compared and hashed as objects, fast
class Opening:
    """What choosing applications needs to know about one published opportunity."""

    id: int
    level_min: int
    level_max: int
    starts_on: date
    ends_on: date
    region: str
    subregion: str
    languages: list[tuple[str, int]]
    interests: frozenset[str]
    appeal: float


@dataclass
class Generator:
    plan: Plan
    countries: list[Country]
    interests: dict[str, int]  # slug -> id
    labels: dict[str, str]  # slug -> label
    ids: Ids
    password_hash: str
    coordinator_id: int
    subdivisions: dict[str, list[str]]  # iso2 -> names of real provinces and regions
    rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    organisations: list[tuple[int, list[Country], str, str, float]] = field(default_factory=list)
    openings: list[Opening] = field(default_factory=list)
    applicants: list = field(default_factory=list)  # bulk_people.Applicant

    def rng(self, part: str) -> random.Random:
        return random.Random(f"bulk-{self.plan.seed}-{part}")  # noqa: S311 - sample data, not security

    def take(self) -> dict[str, list[tuple]]:
        """The rows made since the last call (and forget them)."""
        made, self.rows = dict(self.rows), defaultdict(list)
        return made

    def past(self, rng: random.Random, most_days: int, least_days: int = 1) -> datetime:
        moment = datetime.combine(self.plan.today, time(9)) - timedelta(
            days=rng.randint(least_days, most_days)
        )
        return moment + timedelta(minutes=rng.randint(0, 600))

    def person(self, rng: random.Random) -> str:
        return f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"

    def user(self, rng: random.Random, email: str, role: str, created: datetime) -> int:
        user_id = self.ids.take("users")
        self.rows["users"].append(
            (user_id, email, self.person(rng), self.password_hash, role, created + timedelta(minutes=7),
             created, secrets.token_urlsafe(32), secrets.token_urlsafe(32))
        )  # fmt: skip
        return user_id

    def city(self, rng: random.Random, country: Country) -> str:
        return rng.choice(self.subdivisions.get(country.iso2) or [country.name])

    # -- organisations and their contacts ----------------------------------------------------------

    def make_organisations(self) -> None:
        rng = self.rng("organisations")
        by_code = {c.iso2: c for c in self.countries}
        hosts = Weighted(
            self.countries, [_host_weight(c) * rng.lognormvariate(0, 0.8) for c in self.countries]
        )
        homes = Weighted(list(words.ORGANISATION_HOMES), list(words.ORGANISATION_HOMES.values()))
        used: set[str] = set()
        for n in range(1, self.plan.organisations + 1):
            work = hosts.sample(rng, rng.choice((1, 1, 2, 2, 3, 4, 5)))
            home = by_code[homes.pick(rng)] if rng.random() < 0.6 else work[0]
            place = rng.choice((home.name, work[0].name, work[0].subregion, self.city(rng, work[0])))
            name = rng.choice(words.ORGANISATION_PATTERNS).format(place=place)
            if name in used:
                name = f"{name} ({self.city(rng, work[0])})"
            if name in used:
                name = f"{name} {n}"
            used.add(name)
            slug = f"{slugify(name)[:70]}-{n}"
            created = self.past(rng, 720, 200)
            org_id = self.ids.take("organisations")
            description = (
                f"{name} sends volunteers, equipment and teaching to interventional radiology services in "
                + ", ".join(c.name for c in work)
                + ", working with the local teams who lead them."
            )
            self.rows["organisations"].append(
                (org_id, name, slug, description, f"https://{slug}.example.org",
                 f"@{slug[:20]}" if rng.random() < 0.4 else None, home.iso2, created,
                 created + timedelta(days=rng.randint(1, 30)), self.coordinator_id)
            )  # fmt: skip
            self.rows["organisation_countries"].extend((org_id, c.iso2) for c in work)
            contact_name, contact_email = "", ""
            for k in range(1 if rng.random() < 0.75 else 2):
                email = f"contact{n:03d}{'' if k == 0 else '-' + str(k + 1)}@{self.plan.domain}"
                user_id = self.user(rng, email, "org_member", created)
                if k == 0:
                    contact_name, contact_email = self.rows["users"][-1][2], email
                role = "owner" if k == 0 else "member"
                self.rows["memberships"].append(
                    (
                        self.ids.take("memberships"),
                        user_id,
                        org_id,
                        role,
                        created,
                        created + timedelta(hours=2),
                    )
                )
            self.organisations.append((org_id, work, contact_name, contact_email, rng.lognormvariate(0, 1.2)))

    # -- opportunities -----------------------------------------------------------------------------

    def make_opportunities(self) -> None:
        rng = self.rng("opportunities")
        orgs = Weighted(self.organisations, [o[4] for o in self.organisations])
        kinds = Weighted(list(words.TYPE_WEIGHTS), list(words.TYPE_WEIGHTS.values()))
        statuses = Weighted(list(words.STATUS_WEIGHTS), list(words.STATUS_WEIGHTS.values()))
        topics = interest_weights(self.interests)
        mean = min(20.0, max(1.0, self.plan.applicants / self.plan.opportunities))
        year = self.plan.year
        for _ in range(self.plan.opportunities):
            org_id, work, contact_name, contact_email, _ = orgs.pick(rng)
            country = rng.choice(work)
            kind = kinds.pick(rng)
            low, high = _levels(rng, kind)
            starts = date(year, 2, 1) + timedelta(days=rng.randint(0, 270))
            flexible = kind in ("research", "fieldwork") and rng.random() < 0.5
            weeks = rng.choice((2, 4, 6, 8) if flexible else (2, 4, 4, 6, 8, 12))
            # Flexible: any `weeks` inside a window twice as long.
            ends = starts + timedelta(weeks=weeks * (2 if flexible else 1)) - timedelta(days=1)
            tags = topics.sample(rng, rng.randint(1, 3))
            if kind == "teaching_visit" and "teaching" not in tags:
                tags = ["teaching", *tags[:2]]
            languages = _opportunity_languages(rng, kind, country.iso2)
            status = statuses.pick(rng)
            created = self.past(rng, 150, 10)
            published = created + timedelta(days=rng.randint(0, 9)) if status != "draft" else None
            deadline = (
                None if rng.random() < 0.12 else starts - timedelta(days=rng.choice((21, 30, 45, 60, 75)))
            )
            if deadline is not None:
                deadline = max(deadline, min(starts, self.plan.today + timedelta(days=rng.randint(14, 60))))
            city = self.city(rng, country)
            host = f"{city} {rng.choice(words.HOSPITAL_KINDS)}"
            interest = self.labels[next((t for t in tags if t != "teaching"), tags[0])].lower()
            title = rng.choice(words.TITLES[kind]).format(
                interest=interest, city=city, host=host, country=country.name, subregion=country.subregion
            )
            title = title[0].upper() + title[1:]
            description = words.DESCRIPTION.format(
                title=title, host=host, city=city, country=country.name,
                interests=", ".join(self.labels[t].lower() for t in tags),
            )  # fmt: skip
            capacity = max(1, min(20, round(rng.uniform(0.5, 2 * mean - 0.5))))
            fee = (
                None
                if kind == "teaching_visit" or rng.random() < 0.5
                else rng.choice((100, 150, 300, 500, 800))
            )
            needs_visa = country.income_group != "high" or rng.random() < 0.3
            opportunity_id = self.ids.take("opportunities")
            self.rows["opportunities"].append(
                (opportunity_id, org_id, title[:200], description, kind, host[:200], city[:100], country.iso2,
                 low, high, starts, ends, flexible, weeks if flexible else None, capacity, 0, fee,
                 "USD" if fee else None, rng.random() < 0.5, kind == "teaching_visit" and rng.random() < 0.4,
                 deadline, rng.choice(words.REQUIREMENTS), needs_visa,
                 kind in ("clinical_elective", "teaching_visit"), kind != "research", kind != "research",
                 contact_name, contact_email, status, created, published or created, published, None)
            )  # fmt: skip
            self.rows["opportunity_interests"].extend((opportunity_id, self.interests[t]) for t in tags)
            for code, level in languages:
                self.rows["opportunity_languages"].append(
                    (self.ids.take("opportunity_languages"), opportunity_id, code, level)
                )
            if status == "published":
                appeal = rng.lognormvariate(0, 0.8) * (1.0 if fee else 1.4)  # a few are very popular
                self.openings.append(
                    Opening(opportunity_id, low, high, starts, ends, country.region, country.subregion,
                            [(c, LEVEL_RANK[lv]) for c, lv in languages], frozenset(tags), appeal)
                )  # fmt: skip


def _host_weight(country: Country) -> float:
    return words.REGION_WEIGHT.get(country.region, 0.1) * words.INCOME_WEIGHT.get(
        country.income_group or "", 0.0
    )


def interest_weights(interests: dict[str, int]) -> Weighted:
    slugs = sorted(interests)
    return Weighted(slugs, [words.POPULAR_INTERESTS.get(s, 1) for s in slugs])


def _levels(rng: random.Random, kind: str) -> tuple[int, int]:
    """An accepted range of training levels (ranks 1-15) that suits the kind of opportunity."""
    if kind == "clinical_elective":
        low = rng.randint(3, 5)
        return low, rng.randint(low + 1, 7)
    if kind == "observership":
        low = rng.randint(1, 5)
        return low, rng.randint(low + 1, 10)
    if kind == "teaching_visit":
        return rng.randint(10, 13), 15
    if kind == "research":
        low = rng.randint(3, 8)
        return low, rng.randint(low + 3, 14)
    return rng.randint(5, 10), 15


def _opportunity_languages(rng: random.Random, kind: str, iso2: str) -> list[tuple[str, str]]:
    english = (
        "professional"
        if kind in ("clinical_elective", "teaching_visit") and rng.random() < 0.7
        else "conversational"
    )
    local = words.LOCAL_LANGUAGE.get(iso2)
    if local in ("fr", "es", "pt") and rng.random() < 0.2:
        return [(local, "conversational")]
    if local and local != "en" and rng.random() < 0.3:
        return [("en", english), (local, "basic")]
    return [("en", english)]
