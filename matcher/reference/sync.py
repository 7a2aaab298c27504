"""Load the shipped reference data into the database; safe to run any number of times."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Country, Interest, Procedure, Profession, TrainingLevel
from matcher.reference.procedures import PROCEDURES
from matcher.reference.professions import PROFESSIONS
from matcher.reference.taxonomy import INTERESTS, LEVELS
from matcher.services import reference


@dataclass(frozen=True)
class SyncCounts:
    countries: int
    interests: int
    levels: int
    professions: int = 0
    procedures: int = 0


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
    _sync_professions(session)
    _sync_procedures(session)
    session.flush()
    reference.forget(session)
    return SyncCounts(len(rows), len(INTERESTS), len(LEVELS), len(PROFESSIONS), len(PROCEDURES))


def _sync_professions(session: Session) -> None:
    ranks = {lv.code: lv.rank for lv in session.scalars(select(TrainingLevel))}
    professions = {p.code: p for p in session.scalars(select(Profession))}
    for position, item in enumerate(PROFESSIONS):
        profession = professions.get(item.code) or Profession(code=item.code)
        profession.label, profession.role, profession.ladder = item.words.en, item.role, item.ladder
        first, last = item.level_codes or (None, None)
        profession.level_min = ranks[first] if first else None
        profession.level_max = ranks[last] if last else None
        profession.grades = [
            {"code": code, "label": words.en, "translations": words.translations()}
            for code, words in item.grades
        ]
        profession.teaches, profession.position = item.teaches, position
        profession.translations = {lang: {"label": word} for lang, word in item.words.translations().items()}
        session.add(profession)


def _sync_procedures(session: Session) -> None:
    """New procedures are added; shipped ones follow the data unless a coordinator edited them."""
    procedures = {p.code: p for p in session.scalars(select(Procedure))}
    for position, item in enumerate(PROCEDURES):
        procedure = procedures.get(item.code)
        if procedure is None:
            procedure = Procedure(code=item.code)
        elif procedure.edited_at is not None:
            continue
        procedure.label, procedure.group, procedure.kind = item.words.en, item.group.en, item.kind
        procedure.needs_any, procedure.needs_all = list(item.needs_any), list(item.needs_all)
        procedure.sources = [{"title": title, "url": url} for title, url in item.sources]
        procedure.position, procedure.translations = position, item.translations()
        session.add(procedure)
