"""The migrations build the schema from empty, agree with the models, and go back down."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import Migrate
from sqlalchemy import inspect

from matcher.extensions import db
from tests.support.databases import alembic_config


def test_upgrade_from_empty_matches_the_models_then_downgrades_to_empty(empty_app):
    assert isinstance(empty_app.extensions["migrate"].migrate, Migrate)
    config = alembic_config(empty_app)
    command.upgrade(config, "head")
    with db.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
        )
        tables = set(inspect(connection).get_table_names())
    assert diff == []
    assert {
        "users",
        "organisations",
        "memberships",
        "countries",
        "interests",
        "training_levels",
        "outbox_messages",
    } <= tables

    command.downgrade(config, "base")
    with db.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}


def test_calendar_tokens_migration_gives_every_existing_account_its_own_token(empty_app):
    from sqlalchemy import text

    config = alembic_config(empty_app)
    command.upgrade(config, "0009_opportunities_fillfactor")
    with db.engine.begin() as connection:
        for n in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO users (email, name, password_hash, role, created_at, session_token)"
                    " VALUES (:email, 'Someone', 'x', 'student', CURRENT_TIMESTAMP, :session)"
                ),
                {"email": f"user{n}@example.org", "session": f"session-{n}"},
            )
    command.upgrade(config, "0010_calendar_tokens")
    with db.engine.connect() as connection:
        tokens = connection.execute(text("SELECT calendar_token FROM users")).scalars().all()
    assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) == 43 for t in tokens)
    command.downgrade(config, "base")


def _columns(table: str) -> set[str]:
    with db.engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns(table)}


def _insert(connection, table: str, **values) -> None:
    from sqlalchemy import column, insert
    from sqlalchemy import table as table_named

    connection.execute(insert(table_named(table, *map(column, values))).values(**values))


def test_reference_translations_migration_adds_an_empty_translations_column_and_removes_it(empty_app):
    from sqlalchemy import text

    config = alembic_config(empty_app)
    command.upgrade(config, "0020_user_locale")
    with db.engine.begin() as connection:
        _insert(connection, "interests", slug="tace", label="TACE", group="Oncology", position=1)
    command.upgrade(config, "0021_reference_translations")
    with db.engine.connect() as connection:
        stored = connection.execute(text("SELECT translations FROM interests")).scalar_one()
    assert stored in ("{}", {})  # the English label shows until `flask reference sync` fills it
    assert "translations" in _columns("training_levels")
    command.downgrade(config, "0020_user_locale")
    assert "translations" not in _columns("interests") and "translations" not in _columns("training_levels")
    command.downgrade(config, "base")


def test_content_language_migration_gives_opportunities_their_authors_language(empty_app):
    from datetime import date, datetime

    from sqlalchemy import text

    config = alembic_config(empty_app)
    command.upgrade(config, "0021_reference_translations")
    now = datetime(2027, 1, 1, 12, 0)
    with db.engine.begin() as connection:
        for n, locale in ((1, "pt"), (2, None)):
            _insert(
                connection, "users", id=n, email=f"host{n}@example.org", name="Someone",
                password_hash="x", role="org_member", created_at=now, session_token=f"s{n}",
                calendar_token=f"c{n}", locale=locale,
            )  # fmt: skip
        _insert(
            connection, "countries", iso2="MZ", name="Mozambique", region="Africa", subregion="Eastern Africa"
        )
        _insert(connection, "training_levels", code="ms4", label="Year 4", rank=4)
        _insert(connection, "organisations", id=1, name="H", slug="h", description="", created_at=now)
        for n, author in ((1, 1), (2, 2), (3, None)):
            _insert(
                connection, "opportunities", id=n, organisation_id=1, title="T", description="D",
                type="observership", host_institution="H", city="Maputo", country_code="MZ", level_min=4,
                level_max=4, starts_on=date(2030, 1, 1), ends_on=date(2030, 2, 1), flexible=False, capacity=1,
                places_filled=0, accommodation_provided=False, stipend_provided=False, requirements="",
                needs_visa=False, needs_temporary_licence=False, needs_indemnity=False,
                needs_immunisations=False, contact_name="", contact_email="", status="draft", created_at=now,
                updated_at=now, created_by_id=author,
            )  # fmt: skip
    command.upgrade(config, "0022_content_language")
    with db.engine.connect() as connection:
        written = dict(connection.execute(text("SELECT id, written_in FROM opportunities")).all())
        organisation = connection.execute(text("SELECT written_in FROM organisations")).scalar_one()
    assert written == {1: "pt", 2: "en", 3: "en"} and organisation == "en"
    command.downgrade(config, "0021_reference_translations")
    assert "written_in" not in _columns("opportunities") and "summaries" not in _columns("opportunities")
    assert "written_in" not in _columns("organisations")
    command.downgrade(config, "base")


def test_people_migration_makes_consultant_trainees_ir_physicians(empty_app):
    from datetime import datetime

    from sqlalchemy import text

    config = alembic_config(empty_app)
    command.upgrade(config, "0023_teaching")
    now = datetime(2027, 1, 1, 12, 0)
    with db.engine.begin() as connection:
        _insert(connection, "training_levels", code="res3", label="Resident 3", rank=10)
        _insert(connection, "training_levels", code="consultant", label="Consultant", rank=15)
        for n, rank in ((1, 15), (2, 10), (3, None)):
            _insert(
                connection, "users", id=n, email=f"t{n}@example.org", name="Someone", password_hash="x",
                role="trainee", profession_code="ir-trainee", created_at=now, session_token=f"s{n}",
                calendar_token=f"c{n}", timezone="UTC",
            )  # fmt: skip
            _insert(
                connection, "profiles", id=n, user_id=n, level_rank=rank, institution="", statement="",
                volunteers_to_teach=False, teaching_experience="", teaching_months="[]",
                teaches_remotely=False, directory_listed=False, created_at=now, updated_at=now,
            )  # fmt: skip
    command.upgrade(config, "0024_people")
    with db.engine.connect() as connection:
        users = {
            n: (r, p) for n, r, p in connection.execute(text("SELECT id, role, profession_code FROM users"))
        }
        physician = connection.execute(
            text("SELECT role, level_min, level_max FROM professions WHERE code = 'ir-physician'")
        ).one()
    assert users == {
        1: ("professional", "ir-physician"),
        2: ("trainee", "ir-trainee"),
        3: ("trainee", "ir-trainee"),
    }
    assert tuple(physician) == ("professional", 15, 15)
    command.downgrade(config, "base")
