"""`flask seed-bulk`: a large, realistic, seeded dataset for load tests, query plans and match rounds.

Rows are generated in plain Python (matcher.seed.bulk_generate) and written without the ORM: COPY on
PostgreSQL, chunked Core INSERTs elsewhere, in one transaction. The password hash is computed once
and shared by every account (they all use DEMO_PASSWORD, like `seed-demo`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

import click
from flask import current_app
from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Country as CountryRecord
from matcher.models import Interest, Role, User
from matcher.reference.sync import sync_reference_data
from matcher.security import hash_password
from matcher.seed.bulk_generate import COLUMNS, Country, Generator, Ids, Plan
from matcher.seed.bulk_people import make_applicants, make_applications
from matcher.services.matching.rounds import Scope, create_round

CHUNK = 5000  # rows per INSERT statement where COPY is not available
ID_TABLES = tuple(name for name, columns in COLUMNS.items() if columns[0] == "id")
COORDINATOR_EMAIL = "coordinator@bulk.irmatch.org"


@dataclass(frozen=True)
class Phase:
    name: str
    rows: int
    seconds: float
    writing: float = 0.0  # of which writing to the database (the rest: generating in Python)


@dataclass(frozen=True)
class Loaded:
    phases: list[Phase]
    coordinator_email: str
    round_id: int
    counts: dict[str, int]


def write(connection: Connection, rows_by_table: dict[str, list[tuple]]) -> int:
    """Insert rows (tuples in `COLUMNS` order) table by table, parents first; returns the row count."""
    written = 0
    for name in COLUMNS:  # COLUMNS lists parents before children
        rows = rows_by_table.get(name)
        if not rows:
            continue
        table = db.metadata.tables[name]
        columns = COLUMNS[name]
        _check_columns(table, columns)
        if connection.dialect.name == "postgresql":
            _copy(connection, table, columns, rows)
        else:
            statement = insert(table)
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                connection.execute(statement, [dict(zip(columns, row, strict=True)) for row in chunk])
        written += len(rows)
    return written


def _copy(connection: Connection, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    quote = connection.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    raw = connection.connection.driver_connection  # psycopg 3, inside the session's transaction
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _check_columns(table: Table, columns: Sequence[str]) -> None:
    """Fail loudly when the schema gained a required column the generator does not fill."""
    unknown = set(columns) - set(table.columns.keys())
    required = {
        c.name for c in table.columns if not c.nullable and c.server_default is None and c.name not in columns
    }
    if unknown or required:
        raise RuntimeError(
            f"seed-bulk is out of date for table {table.name}: {unknown or required}"  # i18n: ignore
        )


def check_safe(session: Session, plan: Plan, force: bool) -> None:
    """Refuse production and non-empty databases unless forced; never load the same seed twice."""
    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("Refusing to load bulk sample data in production (use --force).")
    if session.scalar(select(User.id).limit(1)) is not None and not force:
        raise click.ClickException(
            "The database already holds users. seed-bulk is meant for an empty database "
            "(after `flask db upgrade`); use --force to add the bulk data alongside them."
        )
    if session.scalar(select(User.id).where(User.email.like(f"%@{plan.domain}")).limit(1)) is not None:
        raise click.ClickException(
            f"Bulk data for --seed {plan.seed} is loaded already; choose another seed."
        )


def load(session: Session, plan: Plan, password: str, report: Callable[[Phase], None]) -> Loaded:
    """Generate and write the whole dataset in one transaction, then VACUUM ANALYZE; reports each phase."""

    phases: list[Phase] = []
    clock = time.perf_counter()

    def done(name: str, rows: int, writing: float = 0.0) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases.append(Phase(name, rows, now - clock, writing))
        report(phases[-1])
        clock = now

    synced = sync_reference_data(session)
    password_hash = hash_password(password)  # once: every bulk account shares it
    coordinator = _coordinator(session, password_hash)
    generator = Generator(
        plan=plan,
        countries=_countries(session),
        interests={i.slug: i.id for i in session.scalars(select(Interest))},
        labels={i.slug: i.label for i in session.scalars(select(Interest))},
        ids=Ids({t: session.scalar(select(func.max(db.metadata.tables[t].c.id))) or 0 for t in ID_TABLES}),
        password_hash=password_hash,
        coordinator_id=coordinator.id,
        subdivisions=_subdivisions(),
    )
    connection = session.connection()
    done("reference", synced.countries + synced.interests + synced.levels)
    for name, make in (
        ("organisations", generator.make_organisations),
        ("opportunities", generator.make_opportunities),
        ("applicants", partial(make_applicants, generator)),
        ("applications", partial(make_applications, generator)),
    ):
        make()
        started = time.perf_counter()
        rows = write(connection, generator.take())
        done(name, rows, time.perf_counter() - started)

    year = plan.year
    match_round = create_round(
        session,
        coordinator,
        name=f"Bulk round {year} (seed {plan.seed})",
        mode="ranked",
        scope=Scope(starts_after=date(year, 1, 1), ends_before=date(year, 12, 31)),
        response_deadline=None,
    )
    if connection.dialect.name == "postgresql":
        for name in ID_TABLES:  # ids were given explicitly: move each sequence past them
            highest = select(func.max(db.metadata.tables[name].c.id)).scalar_subquery()
            session.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), highest)))
    session.commit()
    done("round, commit", 1)
    _analyze(session)
    done("analyze", 0)
    counts = {
        name: session.scalar(select(func.count()).select_from(db.metadata.tables[name]))
        for name in ("organisations", "opportunities", "users", "applications")
    }
    return Loaded(phases, coordinator.email, match_round.id, counts)


def _analyze(session: Session) -> None:
    """Fresh planner statistics; on PostgreSQL also the visibility map (index-only scans)."""
    if db.engine.dialect.name != "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()
        return
    # The whole database: the reference tables were filled in the same transaction, and a planner
    # without statistics on countries misjudges every region filter.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")


def _coordinator(session: Session, password_hash: str) -> User:
    user = session.scalar(select(User).where(User.email == COORDINATOR_EMAIL))
    if user is None:
        user = User(
            email=COORDINATOR_EMAIL,
            name="Bulk Coordinator",
            role=Role.COORDINATOR,
            password_hash=password_hash,
            email_verified_at=utcnow(),
        )
        session.add(user)
        session.flush()
    elif user.role != Role.COORDINATOR:
        raise click.ClickException(f"{COORDINATOR_EMAIL} exists and is not a coordinator.")
    return user


def _countries(session: Session) -> list[Country]:
    rows = session.scalars(select(CountryRecord).order_by(CountryRecord.iso2))
    return [Country(c.iso2, c.name, c.region, c.subregion, c.income_group) for c in rows]


def _subdivisions() -> dict[str, list[str]]:
    """Real first-level subdivisions (provinces, regions) per country, standing in for cities."""
    import pycountry

    found: dict[str, list[str]] = {}
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is None:
            found.setdefault(subdivision.country_code, []).append(subdivision.name)
    return {code: sorted(names) for code, names in found.items()}
