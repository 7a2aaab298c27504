"""Backups: `flask backup PATH` archives a live SQLite database with the uploads; `flask restore` gets
every row and every CV back."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import tarfile
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, select, table, text

from matcher import uploads
from matcher.cli import pg_dump_argv
from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Profile, User
from tests.support.apps import make_app
from tests.support.databases import PG_URL, ScratchDatabase, fresh_database
from tests.support.pdf import minimal_pdf


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


def _add_cv(app) -> tuple[str, bytes]:
    """Give a demo applicant a CV on disk; returns their email and the file's bytes."""
    with app.app_context():
        profile = db.session.scalar(select(Profile).order_by(Profile.id).limit(1))
        applicant = db.session.get(User, profile.user_id)
        data = minimal_pdf(padding=100)
        profile.cv_filename = uploads.store(db.session, data)
        profile.cv_original_name, profile.cv_size, profile.cv_uploaded_at = "cv.pdf", len(data), utcnow()
        db.session.commit()
        email = applicant.email
        db.session.remove()
        db.engine.dispose()
    return email, data


def test_a_sqlite_backup_restores_every_row_and_the_uploads_and_serves_a_cv(tmp_path):
    source = ScratchDatabase(url=f"sqlite:///{tmp_path / 'live.sqlite'}")
    app = seeded_app(source)
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "live-uploads")
    email, cv = _add_cv(app)
    backup = tmp_path / "backups" / "matcher-backup.tar.gz"
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
    assert "Backed up" in result.output and "1 uploaded file" in result.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds CVs and password hashes

    restored = tmp_path / "restored" / "matcher.sqlite"
    restored_uploads = tmp_path / "restored" / "uploads"
    restored_app = make_app(ScratchDatabase(url=f"sqlite:///{restored}"), UPLOAD_FOLDER=str(restored_uploads))
    result = cli(restored_app, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "1 uploaded file" in result.output

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

    client = restored_app.test_client()
    page = client.get("/organisations")
    assert page.status_code == 200 and "Road2IR" in page.get_data(as_text=True)
    login = client.post("/login", data={"email": email, "password": restored_app.config["DEMO_PASSWORD"]})
    assert login.status_code == 302
    download = client.get("/profile/cv")
    assert download.status_code == 200 and download.data == cv


def test_a_restore_never_overwrites_a_database_or_uploads(tmp_path):
    app = make_app(ScratchDatabase(url=f"sqlite:///{tmp_path / 'live.sqlite'}"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    backup = tmp_path / "b.tar.gz"
    assert cli(app, "backup", str(backup)).exit_code == 0
    result = cli(app, "restore", str(backup))  # onto the live database itself
    assert result.exit_code == 1 and "exists; move it away first" in result.output
    assert "Traceback" not in result.output


def test_a_backup_never_overwrites_a_file(tmp_path):
    app = make_app(ScratchDatabase(url=f"sqlite:///{tmp_path / 'live.sqlite'}"))
    with app.app_context():
        db.create_all()
    existing = tmp_path / "precious.sqlite"
    existing.write_bytes(b"keep me")
    result = cli(app, "backup", str(existing))
    assert result.exit_code != 0 and "never overwrites" in result.output
    assert existing.read_bytes() == b"keep me"


def test_a_backup_into_a_missing_directory_gives_one_line_not_a_traceback(tmp_path):
    app = make_app(ScratchDatabase(url=f"sqlite:///{tmp_path / 'live.sqlite'}"))
    with app.app_context():
        db.create_all()
    target = tmp_path / "no-such-directory" / "b.tar.gz"
    result = cli(app, "backup", str(target))
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit)  # click's clean exit, not an uncaught error
    assert result.output.strip().count("\n") == 0, result.output
    assert "does not exist" in result.output and "Traceback" not in result.output
    assert not target.parent.exists()


def test_for_postgresql_the_archive_holds_the_uploads_and_pg_dump_is_printed(tmp_path):
    app = make_app(
        ScratchDatabase(url="postgresql+psycopg://matcher:s3cret-password@db.example:5432/matcher"),
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
    )
    (tmp_path / "uploads" / "cv").mkdir(parents=True)
    (tmp_path / "uploads" / "cv" / ("a" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 cv")
    target = tmp_path / "matcher.tar.gz"
    result = cli(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "1 uploaded file" in result.output
    assert "pg_dump --format=custom --no-owner" in result.output
    assert "postgresql://matcher:***@db.example:5432/matcher" in result.output
    assert "s3cret-password" not in result.output and "pg_restore" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with tarfile.open(target) as archive:
        assert archive.getnames() == ["uploads", "uploads/cv", f"uploads/cv/{'a' * 32}.pdf"]


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
