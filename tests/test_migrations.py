"""The migrations build the schema from empty, agree with the models, and go back down."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import Migrate
from sqlalchemy import inspect

from matcher.extensions import db
from tests.conftest import make_app
from tests.support.databases import fresh_database


@pytest.fixture
def empty_app(tmp_path):
    with fresh_database(tmp_path, "migrations") as scratch:
        app = make_app(scratch)
        with app.app_context():
            yield app
            db.engine.dispose()


def _alembic_config(app):
    config = app.extensions["migrate"].migrate.get_config()
    config.attributes["configure_logger"] = False
    return config


def test_upgrade_from_empty_matches_the_models_then_downgrades_to_empty(empty_app):
    assert isinstance(empty_app.extensions["migrate"].migrate, Migrate)
    config = _alembic_config(empty_app)
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
