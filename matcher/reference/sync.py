"""Load the shipped reference data into the database; safe to run any number of times."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Country, Interest, TrainingLevel
from matcher.reference.taxonomy import INTERESTS, LEVELS
from matcher.services import reference


@dataclass(frozen=True)
class SyncCounts:
    countries: int
    interests: int
    levels: int


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = resources.files("matcher.reference").joinpath("data", filename).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    yield from csv.DictReader(lines)


def country_rows() -> list[dict[str, str | None]]:
    """Countries with regions (UN M49) and the World Bank income group, from the data files."""
    income = {row["iso2"]: row["income_group"] for row in _rows("income_groups.csv")}
    return [
        {
            "iso2": row["iso2"],
            "name": row["name"],
            "region": row["region"],
            "subregion": row["subregion"],
            "income_group": income.get(row["iso2"]),
        }
        for row in _rows("countries.csv")
    ]


def sync_reference_data(session: Session) -> SyncCounts:
    """Insert or update countries, interests and training levels; never deletes."""
    rows = country_rows()
    countries = {c.iso2: c for c in session.scalars(select(Country))}
    for row in rows:
        country = countries.get(row["iso2"]) or Country(iso2=row["iso2"])
        country.name, country.region = row["name"], row["region"]
        country.subregion, country.income_group = row["subregion"], row["income_group"]
        session.add(country)

    interests = {i.slug: i for i in session.scalars(select(Interest))}
    for position, item in enumerate(INTERESTS):
        interest = interests.get(item.slug) or Interest(slug=item.slug)
        interest.label, interest.group, interest.position = item.label, item.group, position
        interest.translations = item.translations
        session.add(interest)

    # Ranks are stable identifiers (opportunities and profiles refer to them): set once, never moved.
    levels = {lv.code: lv for lv in session.scalars(select(TrainingLevel))}
    for item in LEVELS:
        level = levels.get(item.code) or TrainingLevel(code=item.code, rank=item.rank)
        level.label, level.translations = item.label, item.translations
        session.add(level)
    session.flush()
    reference.forget(session)
    return SyncCounts(len(rows), len(INTERESTS), len(LEVELS))
