"""`flask departure load-rules` and `check-rules`: the countries' rule packs, and the start-up check."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from matcher.extensions import db
from matcher.services.departure.rule_packs import PACKS, LoadReport, PackError, check_packs, load_packs

departure_group = AppGroup("departure", help="Before departure: the countries' rule packs.")
log = logging.getLogger("matcher.departure")


def describe(report: LoadReport) -> str:
    loaded = ", ".join(report.loaded) or "none"
    return (
        f"Rule packs loaded: {loaded} ({len(report.unchanged)} unchanged); rules added {report.added}, "
        f"updated {report.updated}, removed {report.removed}, kept as coordinators edited them {report.kept}."
    )


def load_or_fail(directory: Path = PACKS) -> LoadReport:
    """Load the packs and commit, or stop with every problem and leave the database as it was."""
    try:
        report = load_packs(db.session, directory)
    except PackError as error:
        db.session.rollback()
        raise click.ClickException(
            "No rule pack was loaded; fix these first:\n  " + "\n  ".join(error.problems)
        ) from error
    db.session.commit()
    return report


@departure_group.command("load-rules")
@click.option(
    "--directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=PACKS,
    show_default=False,
    help="Where the packs are (default: the shipped ones).",
)
def load_rules(directory: Path) -> None:
    """Load the countries' rule packs (all or none: a broken pack stops the load)."""
    click.echo(describe(load_or_fail(directory)))


@departure_group.command("check-rules")
def check_rules() -> None:
    """Check the shipped rule packs without loading them."""
    problems = check_packs()
    if problems:
        raise click.ClickException("Broken rule packs:\n  " + "\n  ".join(problems))
    click.echo("Every rule pack is well formed.")


def warn_if_packs_are_broken(app: Flask) -> None:
    """At start: say so in the log when a shipped pack is broken (it would refuse to load)."""
    problems = check_packs(app.config.get("COUNTRY_RULES_DIR") or PACKS)
    for problem in problems:
        log.error("Broken country rule pack (not loaded): %s", problem)
