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
