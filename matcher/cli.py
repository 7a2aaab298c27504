"""Flask commands: seed-demo, seed-bulk, create-user, reference sync, mail, match, notify, backup,
advisories import."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.engine import URL

from matcher import backups
from matcher.advisories.importing import import_source
from matcher.advisories.records import FeedError
from matcher.db import utcnow
from matcher.devserver import serve
from matcher.extensions import db
from matcher.jobs.commands import jobs_group
from matcher.mail.delivery import deliver_due, run_worker
from matcher.mail.digests import send_digests, send_reminders
from matcher.models import Role
from matcher.models.departure import AdvisorySource
from matcher.models.matching import MatchRound
from matcher.reference.sync import sync_reference_data
from matcher.services import accounts
from matcher.services.departure.reminders import send_departure_reminders
from matcher.services.errors import DomainError
from matcher.services.impact.feedback_mail import send_feedback_mail
from matcher.services.matching.placements import expire_overdue
from matcher.services.matching.rounds import run_round
from matcher.services.organisations import alert_coordinators
from matcher.trips.commands import departure_group, describe, load_or_fail

T = TypeVar("T")


def commit_or_fail(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one use case for a command and commit it, or roll back and stop with its message."""
    try:
        value = call(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    return value


def with_site_url(command):
    """Run a command inside a request context for MATCHER_BASE_URL, so emails get absolute links."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return command(*args, **kwargs)

    return wrapped


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(reference)
    app.cli.add_command(mail_group)
    app.cli.add_command(match_group)
    app.cli.add_command(notify_group)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(seed_bulk)
    app.cli.add_command(serve)
    app.cli.add_command(jobs_group)
    app.cli.add_command(departure_group)
    app.cli.add_command(advisories_group)


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Allow seeding outside development.")
def seed_demo(force: bool) -> None:
    """Load reference data and the demo organisations and accounts (idempotent)."""
    from matcher.seed.demo import seed  # demo data is loaded only when asked for
    from matcher.seed.demo_teaching import REQUESTS, SITES
    from matcher.seed.demo_volunteers import PROFESSIONS

    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("Refusing to load demo accounts in production (use --force).")
    logins = commit_or_fail(seed, db.session, current_app.config["DEMO_PASSWORD"])
    base_url = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Demo data is loaded. Log in at {base_url}/login with any of these accounts:")
    width = max(len(email) for email, _ in logins)
    for email, role in logins:
        click.echo(f"  {email:<{width}}  {role:<12}  password: {current_app.config['DEMO_PASSWORD']}")
    click.echo(
        "  and 40 applicants with complete profiles and ranked applications, "
        "applicant01@demo.irmatch.org to applicant40@demo.irmatch.org (same password)."
    )
    volunteers = ", ".join(
        f"{kind}01 to {kind}{count:02d}" if count > 1 else f"{kind}01"
        for kind, _, _, count, _, _ in PROFESSIONS
    )
    click.echo(
        f"  and {sum(p[3] for p in PROFESSIONS)} teaching volunteers with skills, languages, licences and "
        f"weeks to give (some listed in the volunteer directory): {volunteers}, each @demo.irmatch.org "
        "(same password)."
    )
    click.echo(
        f"  {len(SITES)} sites with readiness profiles and {len(REQUESTS)} open teaching requests: "
        f"{base_url}/teaching-requests; the volunteer directory: {base_url}/volunteers."
    )
    click.echo(f"Open {base_url} in your browser.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Full name (defaults to the part before the @).")
@click.password_option(help="Prompted for when omitted.")
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create a verified account of any role, e.g. a coordinator or an admin."""

    def create_verified():
        user = accounts.create_user(
            db.session, email=email, name=name or email.split("@")[0], password=password, role=Role(role)
        )
        user.email_verified_at = utcnow()
        return user

    user = commit_or_fail(create_verified)
    click.echo(f"Created {role} {user.email}.")


reference = AppGroup("reference", help="Reference data: countries, interests, training levels.")


@reference.command("sync")
def reference_sync() -> None:
    """Insert or update the shipped reference data."""
    counts = commit_or_fail(sync_reference_data, db.session)
    click.echo(
        f"{counts.countries} countries, {counts.interests} interests, {counts.levels} training levels,"
        f" {counts.professions} professions, {counts.procedures} procedures."
    )
    click.echo(describe(load_or_fail()))


mail_group = AppGroup("mail", help="Deliver the email outbox.")


@mail_group.command("send")
@click.option("--limit", type=int, default=None, help="Stop after this many messages.")
def mail_send(limit: int | None) -> None:
    """Deliver the messages that are due, then stop."""
    report = deliver_due(db.session, limit=limit)
    click.echo(f"{report.sent} sent, {report.failed} to retry, {report.dead} dead.")
    for error in report.errors:
        click.echo(f"  error: {error}", err=True)


@mail_group.command("worker")
@click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds to sleep when idle.")
def mail_worker(interval: float) -> None:
    """Deliver the outbox in a loop until stopped (run one or more in production)."""
    click.echo(f"Mail worker started; polling every {interval:g}s. Ctrl+C stops it.")
    try:
        run_worker(db.session, interval)
    except KeyboardInterrupt:
        click.echo("Mail worker stopped.")


match_group = AppGroup("match", help="Match rounds: run the engine, expire overdue replies.")


@match_group.command("run")
@click.argument("round_id", type=int)
@click.option("--seed", type=int, default=None, help="Reproduce an earlier run with its seed.")
@click.option("--as", "email", required=True, help="The coordinator recorded as running it.")
@with_site_url
def match_run(round_id: int, seed: int | None, email: str) -> None:
    """Run a match round (the same as the button on the round's page)."""
    actor = accounts.find_by_email(db.session, email)
    match_round = db.session.get(MatchRound, round_id)
    if actor is None or match_round is None:
        raise click.ClickException("Unknown coordinator email or round id.")
    run = commit_or_fail(run_round, db.session, actor, match_round, seed=seed)
    counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in run.counts.items())
    click.echo(f"Run {run.number} of round {round_id} (seed {run.seed}): {counts}.")


@match_group.command("expire")
@with_site_url
def match_expire() -> None:
    """Expire published matches whose reply deadline has passed (run daily from cron)."""
    count = commit_or_fail(expire_overdue, db.session, date.today())
    click.echo(f"{count} match{'es' if count != 1 else ''} expired; their places go to the waitlist.")


notify_group = AppGroup("notify", help="Digests and reminders: safe to run from cron at any frequency.")


@notify_group.command("digests")
@with_site_url
def notify_digests() -> None:
    """Tell coordinators, in one email each, of organisations and claims newly waiting; then send the
    daily and weekly digests that are due (at most one per user and period)."""
    waiting = commit_or_fail(alert_coordinators, db.session)
    if waiting:
        click.echo(f"Coordinators told of {waiting} new organisation{'s' if waiting != 1 else ''} or claims.")
    count = commit_or_fail(send_digests, db.session, date.today())
    click.echo(f"{count} digest{'s' if count != 1 else ''} queued.")


@notify_group.command("reminders")
@with_site_url
def notify_reminders() -> None:
    """Remind applicants 3 days and 1 day before their reply deadline (once each)."""
    count = commit_or_fail(send_reminders, db.session, date.today())
    click.echo(f"{count} reminder{'s' if count != 1 else ''} queued.")


@notify_group.command("departure")
@with_site_url
def notify_departure() -> None:
    """Remind travellers and hosts of checklist items due within 14 or 3 days, or overdue (once each)."""
    count = commit_or_fail(send_departure_reminders, db.session, date.today())
    click.echo(f"{count} reminder{'s' if count != 1 else ''} queued.")


@notify_group.command("feedback")
@with_site_url
def notify_feedback() -> None:
    """Ask both sides of visits that ended for their feedback, and tell readers of feedback released
    (once each)."""
    count = commit_or_fail(send_feedback_mail, db.session, date.today())
    click.echo(f"{count} email{'s' if count != 1 else ''} queued.")


advisories_group = AppGroup("advisories", help="Travel advisories: import levels per country.")


@advisories_group.command("import")
@click.argument("source")
@click.option(
    "--format",
    "source_format",
    type=click.Choice([s.value for s in AdvisorySource]),
    default=None,
    help="The feed's format (default: detected from its content).",
)
@with_site_url
def advisories_import(source: str, source_format: str | None) -> None:
    """Import advisory levels from SOURCE (a file path or an http(s) URL): our CSV or JSON, the US
    State Department's RSS or JSON, or the UK FCDO's content API JSON. A rise to level 3 or 4 puts
    the trips there in the next 180 days on hold and tells travellers, hosts and coordinators."""
    try:
        report = import_source(db.session, source, source_format, date.today())
    except FeedError as error:
        db.session.rollback()
        raise click.ClickException(f"{source}: {error.message} Nothing was imported.") from error
    db.session.commit()
    click.echo(
        f"{report.source}: {report.added} new, {report.confirmed} unchanged, {len(report.skipped)} skipped."
    )
    for line in report.skipped:
        click.echo(f"  skipped {line}")
    for code, level in sorted(report.raised.items()):
        click.echo(f"  {code} rose to level {level}: trips there in the next 180 days are on hold.")
    if report.raised:
        click.echo(f"{report.held} trip{'s' if report.held != 1 else ''} put on hold.")


def pg_dump_argv(url: URL, path: str) -> list[str]:
    """The pg_dump command that backs up the PostgreSQL database at `url` (password not shown)."""
    target = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", target]


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path: str) -> None:
    """Write one archive (.tar.gz, 0600, never overwriting) with the database and the uploaded files.

    SQLite is copied with its online backup API while the app keeps running. PostgreSQL is backed up
    with pg_dump (printed here); the archive then holds the uploaded files, the other half of the pair.
    """
    url = db.engine.url
    target = Path(path)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    try:
        if url.get_backend_name() != "sqlite":
            summary = backups.create(target, uploads, None)
        else:
            with db.engine.connect() as connection:
                summary = backups.create(target, uploads, connection.connection.driver_connection)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    files = f"{summary.files} uploaded file{'s' if summary.files != 1 else ''}"
    if summary.database:
        click.echo(f"Backed up {url.database} and {files} to {path} ({summary.size} bytes).")
        return
    click.echo(f"Backed up {files} to {path} ({summary.size} bytes).")
    click.echo("Back up PostgreSQL with its own tool too (the password comes from ~/.pgpass):")
    click.echo("  " + shlex.join(pg_dump_argv(url, path.removesuffix(".tar.gz") + ".dump")))
    click.echo("and restore it into an empty database with:")
    click.echo("  " + shlex.join(["pg_restore", "--no-owner", "--dbname=DATABASE_URL", "BACKUP.dump"]))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
def restore(path: str) -> None:
    """Restore an archive made by `flask backup`, with the app stopped: the SQLite database (which
    must not exist yet) and the uploaded files (into an empty upload folder)."""
    url = db.engine.url
    sqlite_path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    try:
        summary = backups.restore(Path(path), Path(current_app.config["UPLOAD_FOLDER"]), sqlite_path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    restored = f"{summary.files} uploaded file{'s' if summary.files != 1 else ''}"
    if summary.database:
        click.echo(f"Restored {sqlite_path} and {restored} from {path}.")
    else:
        click.echo(f"Restored {restored} from {path}; restore the database with pg_restore.")


@click.command("seed-bulk")
@click.option("--applicants", type=click.IntRange(1, 1_000_000), default=100_000, show_default=True)
@click.option("--opportunities", type=click.IntRange(1, 200_000), default=10_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same data.")
@click.option("--year", type=int, default=None, help="Year the opportunities run in [default: next year].")
@click.option(
    "--force",
    is_flag=True,
    help="Also load into a database that already has users (alongside them), or in production.",
)
def seed_bulk(applicants: int, opportunities: int, seed: int, year: int | None, force: bool) -> None:
    """Fill an EMPTY database with a large, realistic, seeded dataset (organisations, opportunities,
    applicants with complete profiles and ranked applications) plus an open ranked match round and
    a coordinator to run it. Refuses a database that holds users, or production, unless --force;
    never loads the same --seed twice. Every account's password is DEMO_PASSWORD.
    """
    from matcher.seed.bulk import Phase, check_safe, load  # bulk data is loaded only when asked for
    from matcher.seed.bulk_generate import Plan

    today = date.today()
    plan = Plan(applicants, opportunities, seed, year or today.year + 1, today)
    check_safe(db.session, plan, force)
    url = db.engine.url.render_as_string(hide_password=True)
    click.echo(
        f"Loading {applicants:,} applicants and {opportunities:,} opportunities (seed {seed}) into {url}"
    )

    def report(phase: Phase) -> None:
        writing = f"  (writing {phase.writing:.1f} s)" if phase.writing else ""
        click.echo(f"  {phase.name:<15} {phase.rows:>10,} rows {phase.seconds:>8.1f} s{writing}")

    loaded = load(db.session, plan, current_app.config["DEMO_PASSWORD"], report)
    total = sum(p.seconds for p in loaded.phases)
    click.echo(f"  {'total':<15} {sum(p.rows for p in loaded.phases):>10,} rows {total:>8.1f} s")
    click.echo(", ".join(f"{n:,} {name}" for name, n in loaded.counts.items()) + ".")
    click.echo(
        f"Match round {loaded.round_id} is open. Log in as {loaded.coordinator_email} "
        f"(password: {current_app.config['DEMO_PASSWORD']}) and run it, or: "
        f"flask match run {loaded.round_id} --as {loaded.coordinator_email}"
    )
