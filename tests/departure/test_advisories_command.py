"""`flask advisories import`: what it prints, its exit codes, and the periodic job over the
configured sources."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.jobs import registry
from matcher.jobs.queue import queue_of
from matcher.models.departure import TravelAdvisory, Trip
from tests.departure.advisory_scene import FIXTURES, kenya_scene


def advisories() -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        select(TravelAdvisory.country_code, TravelAdvisory.source, TravelAdvisory.level)
    )
    return sorted(tuple(r) for r in rows)


def test_importing_a_feed_prints_what_changed_and_the_holds(runner, users):
    scene = kenya_scene(users)
    result = runner.invoke(args=["advisories", "import", str(FIXTURES / "us_state.rss.xml")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "us-state: 3 new, 0 unchanged, 1 skipped.",
        "  skipped item 4 (“Worldwide Caution”): no “Country - Level N” title.",
        "  KE rose to level 3: trips there in the next 180 days are on hold.",
        "  MM rose to level 4: trips there in the next 180 days are on hold.",
        "2 trips put on hold.",
    ]
    assert advisories() == [("KE", "us-state", 3), ("MM", "us-state", 4), ("TZ", "us-state", 2)]
    db.session.expire_all()
    assert db.session.get(Trip, scene.held["placement in 60 days"].id).hold_level == 3

    again = runner.invoke(args=["advisories", "import", str(FIXTURES / "us_state.rss.xml")])
    assert again.exit_code == 0
    assert again.output.splitlines()[0] == "us-state: 0 new, 3 unchanged, 1 skipped."
    assert "rose" not in again.output and "put on hold" not in again.output


def test_a_foreign_feeds_unknown_places_are_skipped_and_named(runner):
    result = runner.invoke(
        args=["advisories", "import", "--format", "uk-fcdo", str(FIXTURES / "uk_fcdo_index.json")]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "uk-fcdo: 3 new, 0 unchanged, 1 skipped.",
        "  skipped Atlantis Station: not a country we keep.",
    ]
    assert advisories() == [("CI", "uk-fcdo", 1), ("SY", "uk-fcdo", 4), ("TZ", "uk-fcdo", 3)]


def test_a_bad_file_exits_1_with_its_error_and_imports_nothing(runner):
    path = FIXTURES / "bad_level.csv"
    result = runner.invoke(args=["advisories", "import", str(path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: line 3: the level 5 is not from 1 to 4. Nothing was imported.\n"
    unknown = runner.invoke(args=["advisories", "import", str(FIXTURES / "bad_country.json")])
    assert (
        unknown.exit_code == 1 and "XX: no country has this ISO code. Nothing was imported." in unknown.output
    )
    missing = runner.invoke(args=["advisories", "import", str(FIXTURES / "missing.csv")])
    assert missing.exit_code == 1 and "No such file" in missing.output
    assert advisories() == []


def test_an_unknown_format_name_is_a_usage_error(runner):
    result = runner.invoke(args=["advisories", "import", "--format", "cia", str(FIXTURES / "matcher.csv")])
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.output
    assert advisories() == []


def test_the_periodic_job_imports_each_configured_source_and_logs_a_refused_one(app, monkeypatch, caplog):
    monkeypatch.setitem(
        app.config,
        "ADVISORY_SOURCES",
        [
            str(FIXTURES / "bad_level.csv"),
            {"url": str(FIXTURES / "uk_fcdo_kenya.json"), "format": "uk-fcdo"},
            str(FIXTURES / "matcher.csv"),
        ],
    )
    with caplog.at_level(logging.ERROR, logger="matcher.advisories"), app.test_request_context():
        registry.advisories()
    assert advisories() == [("KE", "matcher", 2), ("KE", "uk-fcdo", 2), ("TZ", "matcher", 1)]
    assert [r.getMessage() for r in caplog.records if r.name == "matcher.advisories"] == [
        f"advisory source {FIXTURES / 'bad_level.csv'} refused: line 3: the level 5 is not from 1 to 4."
    ]
    assert "advisories" in registry.PERIODIC


def test_no_sources_by_default_imports_nothing(app):
    assert app.config["ADVISORY_SOURCES"] == []
    with app.test_request_context():
        registry.advisories()
    assert db.session.scalar(select(func.count()).select_from(TravelAdvisory)) == 0


def test_the_task_queue_runs_the_periodic_import_in_a_context_of_its_own(app, monkeypatch):
    monkeypatch.setitem(app.config, "ADVISORY_SOURCES", [str(FIXTURES / "us_state.json")])
    queue_of(app).call("advisories")
    assert advisories() == [("GH", "us-state", 1), ("UG", "us-state", 3)]
