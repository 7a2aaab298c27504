"""Reference data (countries, training levels, interests) read once per process and version.

Pages need the same reference tables on every request: to check a filter, to fill a select, to
score a match. Each table is read into plain frozen values kept per process (per database engine)
under the token of the `data_versions` row "reference". Any change to a country, interest or
level changes that token in the same transaction (a flush hook below), so every process, on any
machine, sees the change on its next request.

The token is read once per session (one primary-key lookup, and only by a request that needs
reference data), not checked every few seconds: a renamed interest or a new level shows on the
very next request everywhere, and a filter naming a just-added interest is never refused. The
values read for a token are read after it in the same transaction, so they are never older than
the token says. A database without the row (a schema built by `create_all` before any reference
data) is read once per session, as before there was a cache.

`derived(session, name, build)` keeps anything computed from the reference data alone (the search
form's pre-rendered options) under the same token.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from matcher.models import (
    Country,
    CountryPack,
    CountryRule,
    DataVersion,
    Interest,
    Procedure,
    Profession,
    TrainingLevel,
)

T = TypeVar("T")
VERSION_NAME = "reference"
# The countries' rules for visitors (issue 21) are shown on every opportunity page: kept here too.
REFERENCE_MODELS = (Country, Interest, TrainingLevel, Procedure, Profession, CountryPack, CountryRule)
_KEY = "reference_data"
_TOKEN = select(DataVersion.token).where(DataVersion.name == VERSION_NAME)  # built once


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
    # Other languages' words (models.reference.Translated); shown through formatting.label_for.
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class InterestRef:
    id: int
    slug: str
    label: str
    group: str
    position: int
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ProcedureRef:
    id: int
    code: str
    label: str
    group: str
    kind: str
    position: int
    retired: bool
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ProfessionRef:
    code: str
    label: str
    role: str
    ladder: str
    grades: tuple[dict, ...]
    teaches: bool
    position: int
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


@dataclass
class _Snapshot:
    """What has been read or built from the reference data of one token (None: not shared)."""

    token: str | None
    values: dict[str, Any] = field(default_factory=dict)


_shared: WeakKeyDictionary[Engine, _Snapshot] = WeakKeyDictionary()
_lock = threading.Lock()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)  # a session bound to a connection (the tests') names its engine


def _snapshot(session: Session) -> _Snapshot:
    snapshot = session.info.get(_KEY)
    if snapshot is None:
        token = session.scalar(_TOKEN)
        if token is None:
            snapshot = _Snapshot(None)
        else:
            engine = _engine(session)
            with _lock:
                snapshot = _shared.get(engine)
                if snapshot is None or snapshot.token != token:
                    snapshot = _shared[engine] = _Snapshot(token)
        session.info[_KEY] = snapshot
    return snapshot


def derived(session: Session, name: str, build: Callable[[], T]) -> T:
    """`build()`, computed once per process and reference version (once per session without one).

    `build` must depend on the reference data only (and on constants): its result is shared by
    every request of the process, so it must not be changed by anyone who receives it.
    """
    values = _snapshot(session).values
    if name not in values:
        # Two threads may build the same value at once; both results are equal, either one is kept.
        values[name] = build()
    return values[name]


def forget(session: Session) -> None:
    """Read the token again on the session's next use of reference data."""
    session.info.pop(_KEY, None)


def changed(session: Session) -> None:
    """Mark the reference data as changed, in the session's transaction (a new token)."""
    with session.no_autoflush:
        row = session.get(DataVersion, VERSION_NAME)
    if row is None:
        session.add(DataVersion(name=VERSION_NAME, token=uuid.uuid4().hex))
    else:
        row.token = uuid.uuid4().hex
    forget(session)


@event.listens_for(Session, "before_flush")
def _reference_changes(session: Session, flush_context: Any, instances: Any) -> None:
    # A country's own columns count, not its collections (an opportunity added to an interest's).
    dirty = (o for o in session.dirty if isinstance(o, REFERENCE_MODELS))
    if any(isinstance(o, REFERENCE_MODELS) for o in (*session.new, *session.deleted)) or any(
        session.is_modified(o, include_collections=False) for o in dirty
    ):
        changed(session)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: Any) -> None:
    # What this session read may have come from the changes just undone.
    forget(session)


def countries(session: Session) -> tuple[CountryRef, ...]:
    """Every country, by name."""
    stmt = select(
        Country.iso2, Country.name, Country.region, Country.subregion, Country.income_group
    ).order_by(Country.name, Country.iso2)
    return derived(session, "countries", lambda: tuple(CountryRef(*row) for row in session.execute(stmt)))


def country_by_code(session: Session) -> dict[str, CountryRef]:
    return derived(session, "country_by_code", lambda: {c.iso2: c for c in countries(session)})


def regions(session: Session) -> dict[str, list[str]]:
    """UN M49 regions, each with its sub-regions, both sorted."""

    def load() -> dict[str, list[str]]:
        grouped: dict[str, set[str]] = {}
        for country in countries(session):
            if country.region:
                grouped.setdefault(country.region, set()).add(country.subregion)
        return {region: sorted(grouped[region]) for region in sorted(grouped)}

    return derived(session, "regions", load)


def levels(session: Session) -> tuple[LevelRef, ...]:
    """Training levels, lowest rank first."""
    stmt = select(
        TrainingLevel.code, TrainingLevel.label, TrainingLevel.rank, TrainingLevel.translations
    ).order_by(TrainingLevel.rank)
    return derived(session, "levels", lambda: tuple(LevelRef(*row) for row in session.execute(stmt)))


def level_by_rank(session: Session) -> dict[int, LevelRef]:
    return derived(session, "level_by_rank", lambda: {level.rank: level for level in levels(session)})


def interests(session: Session) -> tuple[InterestRef, ...]:
    """The interest taxonomy, in its order."""
    stmt = select(
        Interest.id, Interest.slug, Interest.label, Interest.group, Interest.position, Interest.translations
    ).order_by(Interest.position, Interest.id)
    return derived(session, "interests", lambda: tuple(InterestRef(*row) for row in session.execute(stmt)))


def interest_by_id(session: Session) -> dict[int, InterestRef]:
    return derived(session, "interest_by_id", lambda: {i.id: i for i in interests(session)})


def procedures(session: Session) -> tuple[ProcedureRef, ...]:
    """The procedures taxonomy in its order, retired ones included (records still name them)."""
    stmt = select(
        Procedure.id,
        Procedure.code,
        Procedure.label,
        Procedure.group,
        Procedure.kind,
        Procedure.position,
        Procedure.retired_at.is_not(None),
        Procedure.translations,
    ).order_by(Procedure.position, Procedure.id)
    return derived(session, "procedures", lambda: tuple(ProcedureRef(*row) for row in session.execute(stmt)))


def procedure_by_code(session: Session) -> dict[str, ProcedureRef]:
    return derived(session, "procedure_by_code", lambda: {p.code: p for p in procedures(session)})


def professions(session: Session) -> tuple[ProfessionRef, ...]:
    """Professions in their order."""
    stmt = select(
        Profession.code,
        Profession.label,
        Profession.role,
        Profession.ladder,
        Profession.grades,
        Profession.teaches,
        Profession.position,
        Profession.translations,
    ).order_by(Profession.position, Profession.code)

    def load() -> tuple[ProfessionRef, ...]:
        return tuple(
            ProfessionRef(code, label, role, ladder, tuple(grades or ()), teaches, position, translations)
            for code, label, role, ladder, grades, teaches, position, translations in session.execute(stmt)
        )

    return derived(session, "professions", load)


def profession_by_code(session: Session) -> dict[str, ProfessionRef]:
    return derived(session, "profession_by_code", lambda: {p.code: p for p in professions(session)})
