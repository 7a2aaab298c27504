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
