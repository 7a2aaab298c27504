"""Reference data (countries, training levels, interests) read at most once per session.

A page may need the same reference table several times: to check a filter, to fill a select,
to score a match. Each table is read once into plain frozen values kept in `session.info`, so
they stay valid after a commit (unlike ORM objects, which a commit expires) and go away with the
session at the end of the request. `sync_reference_data` forgets them when it changes the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Country, Interest, TrainingLevel

_KEY = "reference_data"


@dataclass(frozen=True)
class CountryRef:
    iso2: str
    name: str
    region: str
    subregion: str
    income_group: str | None


@dataclass(frozen=True)
class LevelRef:
    code: str
    label: str
    rank: int


@dataclass(frozen=True)
class InterestRef:
    id: int
    slug: str
    label: str
    group: str
    position: int


def _cached(session: Session, name: str, load: Any) -> Any:
    cache = session.info.setdefault(_KEY, {})
    if name not in cache:
        cache[name] = load()
    return cache[name]


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)


def countries(session: Session) -> tuple[CountryRef, ...]:
    """Every country, by name."""
    stmt = select(
        Country.iso2, Country.name, Country.region, Country.subregion, Country.income_group
    ).order_by(Country.name, Country.iso2)
    return _cached(session, "countries", lambda: tuple(CountryRef(*row) for row in session.execute(stmt)))


def country_by_code(session: Session) -> dict[str, CountryRef]:
    return _cached(session, "country_by_code", lambda: {c.iso2: c for c in countries(session)})


def regions(session: Session) -> dict[str, list[str]]:
    """UN M49 regions, each with its sub-regions, both sorted."""

    def load() -> dict[str, list[str]]:
        grouped: dict[str, set[str]] = {}
        for country in countries(session):
            if country.region:
                grouped.setdefault(country.region, set()).add(country.subregion)
        return {region: sorted(grouped[region]) for region in sorted(grouped)}

    return _cached(session, "regions", load)


def levels(session: Session) -> tuple[LevelRef, ...]:
    """Training levels, lowest rank first."""
    stmt = select(TrainingLevel.code, TrainingLevel.label, TrainingLevel.rank).order_by(TrainingLevel.rank)
    return _cached(session, "levels", lambda: tuple(LevelRef(*row) for row in session.execute(stmt)))


def level_by_rank(session: Session) -> dict[int, LevelRef]:
    return {level.rank: level for level in levels(session)}


def interests(session: Session) -> tuple[InterestRef, ...]:
    """The interest taxonomy, in its order."""
    stmt = select(Interest.id, Interest.slug, Interest.label, Interest.group, Interest.position).order_by(
        Interest.position, Interest.id
    )
    return _cached(session, "interests", lambda: tuple(InterestRef(*row) for row in session.execute(stmt)))
