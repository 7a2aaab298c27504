"""Backups: `flask backup PATH` copies a live SQLite database; a restore drill gets every row back."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, select, table, text

from matcher.cli import pg_dump_argv
from matcher.extensions import db
from tests.support.apps import make_app
from tests.support.databases import PG_URL, ScratchDatabase, fresh_database


def row_counts(engine, schema: str | None = None) -> dict[str, int]:
    with engine.connect() as connection:
        names = inspect(connection).get_table_names(schema=schema)
        return {
            name: connection.scalar(select(func.count()).select_from(table(name, schema=schema)))
            for name in names
        }


def cli(app, *args: str):
    """Run a flask command as `flask --app wsgi ...` would: inside an app context."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def seeded_app(scratch: ScratchDatabase):
    """An app on its own database with the schema, the reference data and the demo data committed."""
    app = make_app(scratch)
    with app.app_context():
        db.create_all()
    result = cli(app, "seed-demo")
    assert result.exit_code == 0, result.output
    return app


def test_a_sqlite_backup_restores_every_row_and_serves_the_app(tmp_path):
    source = ScratchDatabase(url=f"sqlite:///{tmp_path / 'live.sqlite'}")
    app = seeded_app(source)
    backup = tmp_path / "backups" / "matcher-backup.sqlite"
    backup.parent.mkdir()

    # A writer holds an open transaction: the online backup neither waits for it nor copies it.
    writer = sqlite3.connect(tmp_path / "live.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE organisations SET name = 'uncommitted'")
    try:
        result = cli(app, "backup", str(backup))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    restored = tmp_path / "restored.sqlite"
    shutil.copyfile(backup, restored)  # restoring a SQLite backup: put the file in place
    with app.app_context():
        expected = row_counts(db.engine)
        db.engine.dispose()
    restored_engine = create_engine(f"sqlite:///{restored}")
    assert row_counts(restored_engine) == expected
    with restored_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM organisations WHERE name = 'uncommitted'")) == 0
        assert connection.scalar(text("PRAGMA integrity_check")) == "ok"
    restored_engine.dispose()
    assert expected["users"] > 3 and expected["organisations"] > 1 and expected["opportunities"] > 1

    restored_app = make_app(ScratchDatabase(url=f"sqlite:///{restored}"))
    page = restored_app.test_client().get("/organisations")
    assert page.status_code == 200 and "Road2IR" in page.get_data(as_text=True)


def test_a_backup_never_overwrites_a_file(tmp_path):
    app = make_app(ScratchDatabase(url=f"sqlite:///{tmp_path / 'live.sqlite'}"))
    with app.app_context():
        db.create_all()
    existing = tmp_path / "precious.sqlite"
    existing.write_bytes(b"keep me")
    result = cli(app, "backup", str(existing))
    assert result.exit_code != 0 and "never overwrites" in result.output
    assert existing.read_bytes() == b"keep me"


def test_for_postgresql_the_command_prints_pg_dump_and_writes_nothing(tmp_path):
    app = make_app(
        ScratchDatabase(url="postgresql+psycopg://matcher:s3cret-password@db.example:5432/matcher")
    )
    target = tmp_path / "matcher.dump"
    result = cli(app, "backup", str(target))
    assert result.exit_code == 1  # no backup was made: a cron job must notice
    assert "pg_dump --format=custom --no-owner" in result.output
    assert "postgresql://matcher:***@db.example:5432/matcher" in result.output
    assert "s3cret-password" not in result.output and "pg_restore" in result.output
    assert not target.exists()


@pytest.mark.skipif(not PG_URL, reason="runs in the PostgreSQL pass (MATCHER_TEST_DATABASE_URL)")
def test_the_documented_pg_dump_command_restores_every_row(tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    from sqlalchemy.engine import make_url

    with fresh_database(tmp_path, "backup_drill") as scratch:
        app = seeded_app(scratch)
        with app.app_context():
            expected = row_counts(db.engine)
            dump = tmp_path / "matcher.dump"
            argv = [*pg_dump_argv(db.engine.url, str(dump)), f"--schema={scratch.schema}"]
            db.engine.dispose()
        subprocess.run(argv, check=True, capture_output=True, timeout=120)  # noqa: S603
        restore_name = f"restore_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{restore_name}"'))
        restore_url = make_url(PG_URL).set(database=restore_name)
        try:
            target = restore_url.set(drivername="postgresql").render_as_string(hide_password=False)
            subprocess.run(  # noqa: S603
                ["pg_restore", "--no-owner", f"--dbname={target}", str(dump)],  # noqa: S607
                check=True,
                capture_output=True,
                timeout=120,
            )
            restored = create_engine(restore_url)
            assert row_counts(restored, schema=scratch.schema) == expected
            restored.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{restore_name}" WITH (FORCE)'))
            admin.dispose()
    assert expected["users"] > 3
