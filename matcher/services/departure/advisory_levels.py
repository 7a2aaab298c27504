"""A country's current travel advisory: the newest advice of each source, the highest level among
them, and whether it is stale (not confirmed by an import for ADVISORY_STALE_DAYS)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matcher.db import utcnow
from matcher.models import Country
from matcher.models.departure import TravelAdvisory
from matcher.translate import lazy_gettext

DEFAULT_STALE_DAYS = 30
# Level 3 ("reconsider travel") and 4 ("do not travel") put trips on hold.
HOLD_FROM = 3
HORIZON_DAYS = 180

# Names the feeds use for countries our reference data names otherwise (matched after folding).
ALIASES = {
    "burma": "MM",
    "democratic republic of the congo": "CD",
    "congo democratic republic": "CD",
    "drc": "CD",
    "republic of congo": "CG",
    "congo": "CG",
    "cote divoire": "CI",
    "ivory coast": "CI",
    "turkey": "TR",
    "czech republic": "CZ",
    "swaziland": "SZ",
    "cape verde": "CV",
    "mainland china": "CN",
    "united republic of tanzania": "TZ",
    "usa": "US",
    "uk": "GB",
    "east timor": "TL",
    "timorleste": "TL",
    "macedonia": "MK",
    "vatican city": "VA",
    "holy see": "VA",
}


def fold(name: str) -> str:
    """A country name reduced for matching: no accents, case, punctuation or leading "the"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = "".join(c if c.isalnum() or c.isspace() else "" for c in plain).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def country_names(session: Session) -> dict[str, str]:
    """Folded name -> ISO code, for every country we keep, plus the feeds' other names for them."""
    names = {fold(name): code for code, name in session.execute(select(Country.iso2, Country.name))}
    known = set(names.values())
    names.update({alias: code for alias, code in ALIASES.items() if code in known and alias not in names})
    return names


def stale_days() -> int:
    if not has_app_context():
        return DEFAULT_STALE_DAYS
    return int(current_app.config.get("ADVISORY_STALE_DAYS", DEFAULT_STALE_DAYS))


def is_stale(advisory: TravelAdvisory, now: datetime | None = None) -> bool:
    return (now or utcnow()) - advisory.imported_at > timedelta(days=stale_days())


@dataclass(frozen=True)
class CountryAdvice:
    """What we know of a country: each source's current advice (highest level first)."""

    country_code: str
    advisories: tuple[TravelAdvisory, ...]
    now: datetime

    @property
    def level(self) -> int | None:
        return max((a.level for a in self.advisories), default=None)

    @property
    def top(self) -> TravelAdvisory | None:
        return self.advisories[0] if self.advisories else None

    @property
    def stale(self) -> bool:
        """Any source's advice not confirmed lately: shown as stale, never taken as current."""
        return any(is_stale(a, self.now) for a in self.advisories)

    @property
    def checked_at(self) -> datetime | None:
        """When the least recently confirmed source was last imported."""
        return min((a.imported_at for a in self.advisories), default=None)

    @property
    def holds(self) -> bool:
        return (self.level or 0) >= HOLD_FROM

    def stale_advisory(self, advisory: TravelAdvisory) -> bool:
        return is_stale(advisory, self.now)


def _current(rows: Iterable[TravelAdvisory]) -> dict[str, list[TravelAdvisory]]:
    """Per country, the newest advice of each source (rows come newest first)."""
    by_country: dict[str, dict[str, TravelAdvisory]] = {}
    for row in rows:
        by_country.setdefault(row.country_code, {}).setdefault(row.source, row)
    return {
        code: sorted(per_source.values(), key=lambda a: (-a.level, a.source))
        for code, per_source in by_country.items()
    }


def _newest_first(codes: Iterable[str] | None):
    stmt = (
        select(TravelAdvisory)
        .options(joinedload(TravelAdvisory.country))
        .order_by(
            TravelAdvisory.issued_on.desc(), TravelAdvisory.imported_at.desc(), TravelAdvisory.id.desc()
        )
    )
    if codes is not None:
        stmt = stmt.where(TravelAdvisory.country_code.in_(list(codes)))
    return stmt


def advice_for(session: Session, country_code: str) -> CountryAdvice:
    current = _current(session.scalars(_newest_first([country_code])))
    return CountryAdvice(country_code, tuple(current.get(country_code, ())), utcnow())


def advice_by_country(session: Session, codes: Iterable[str] | None = None) -> dict[str, CountryAdvice]:
    """Every country with advice (or those of `codes`), by ISO code."""
    now = utcnow()
    current = _current(session.scalars(_newest_first(codes)))
    return {code: CountryAdvice(code, tuple(rows), now) for code, rows in current.items()}


SOURCE_LABELS = {
    "matcher": lazy_gettext("our coordinators"),
    "us-state": lazy_gettext("US State Department"),
    "uk-fcdo": lazy_gettext("UK Foreign Office (FCDO)"),
}


def source_label(source: str) -> str:
    """Who gave the advice, in the reader's language."""
    return str(SOURCE_LABELS.get(source, source))
