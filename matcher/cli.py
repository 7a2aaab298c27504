"""Flask commands: seed-demo, create-user, reference sync, mail send / worker."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from matcher.extensions import db
from matcher.models import Role
from matcher.services.errors import DomainError


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(reference)
    app.cli.add_command(mail_group)


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Allow seeding outside development.")
def seed_demo(force: bool) -> None:
    """Load reference data and the demo organisations and accounts (idempotent)."""
    from matcher.demo import seed

    if current_app.config["ENV"] == "production" and not force:
        raise click.ClickException("Refusing to load demo accounts in production (use --force).")
    logins = seed(db.session, current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo("Demo data is loaded. Log in at /login with any of these accounts:")
    width = max(len(email) for email, _ in logins)
    for email, role in logins:
        click.echo(f"  {email:<{width}}  {role:<12}  password: {current_app.config['DEMO_PASSWORD']}")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Full name (defaults to the part before the @).")
@click.password_option(help="Prompted for when omitted.")
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create a verified account of any role, e.g. a coordinator or an admin."""
    from matcher.db import utcnow
    from matcher.services.accounts import create_user as create

    try:
        user = create(
            db.session, email=email, name=name or email.split("@")[0], password=password, role=Role(role)
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    user.email_verified_at = utcnow()
    db.session.commit()
    click.echo(f"Created {role} {user.email}.")


reference = AppGroup("reference", help="Reference data: countries, interests, training levels.")


@reference.command("sync")
def reference_sync() -> None:
    """Insert or update the shipped reference data."""
    from matcher.reference.sync import sync_reference_data

    counts = sync_reference_data(db.session)
    db.session.commit()
    click.echo(
        f"{counts.countries} countries, {counts.interests} interests, {counts.levels} training levels."
    )


mail_group = AppGroup("mail", help="Deliver the email outbox.")


@mail_group.command("send")
@click.option("--limit", type=int, default=None, help="Stop after this many messages.")
def mail_send(limit: int | None) -> None:
    """Deliver the messages that are due, then stop."""
    from matcher.notifications.delivery import deliver_due

    report = deliver_due(db.session, limit=limit)
    click.echo(f"{report.sent} sent, {report.failed} to retry, {report.dead} dead.")
    for error in report.errors:
        click.echo(f"  error: {error}", err=True)


@mail_group.command("worker")
@click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds to sleep when idle.")
def mail_worker(interval: float) -> None:
    """Deliver the outbox in a loop until stopped (run one or more in production)."""
    from matcher.notifications.delivery import run_worker

    click.echo(f"Mail worker started; polling every {interval:g}s. Ctrl+C stops it.")
    try:
        run_worker(db.session, interval)
    except KeyboardInterrupt:
        click.echo("Mail worker stopped.")
