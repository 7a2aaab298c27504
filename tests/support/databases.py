"""Test databases: a SQLite file, or a private schema in the PostgreSQL test database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

PG_URL = os.environ.get("MATCHER_TEST_DATABASE_URL")


@dataclass
class ScratchDatabase:
    url: str
    engine_options: dict[str, Any] = field(default_factory=dict)
    schema: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")


@contextmanager
def fresh_database(tmp_dir: Path, label: str) -> Iterator[ScratchDatabase]:
    """An empty database for one test run: SQLite in tmp_dir, or a new PostgreSQL schema."""
    if not PG_URL:
        yield ScratchDatabase(url=f"sqlite:///{tmp_dir / f'{label}.sqlite'}")
        return
    schema = f"t_{label}_{uuid.uuid4().hex[:8]}".lower()
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield ScratchDatabase(
            url=PG_URL,
            engine_options={"connect_args": {"options": f"-csearch_path={schema}"}},
            schema=schema,
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def alembic_config(app: Any) -> Any:
    """The app's Alembic configuration, leaving the test run's logging alone."""
    config = app.extensions["migrate"].migrate.get_config()
    config.attributes["configure_logger"] = False
    return config
