"""What the queue runs: the tasks by name, the kinds of background job, and the periodic schedule.

Tasks run in an app context with a request for BASE_URL (see `queue.TaskQueue`), commit their own
work, and tolerate running for nothing or twice: the rows are the record, the queue the messenger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for
from huey import crontab
from sqlalchemy.orm import Session

from matcher.advisories.importing import import_configured
from matcher.db import utcnow
from matcher.extensions import db
from matcher.jobs import lifecycle, words
from matcher.mail.delivery import deliver_due
from matcher.mail.digests import send_digests, send_reminders
from matcher.mail.outbox import DELIVER_TASK, EXPAND_TASK
from matcher.models import BackgroundJob, MatchRound, RoundMode, RunKind, TeamBuild, User
from matcher.services.departure.documents import purge_after_placements
from matcher.services.departure.reminders import send_departure_reminders
from matcher.services.departure.trips import ensure_trips
from matcher.services.errors import DomainError
from matcher.services.impact.feedback_mail import send_feedback_mail
from matcher.services.matching import rounds
from matcher.services.matching.placements import expire_overdue
from matcher.services.organisations import alert_coordinators
from matcher.services.teams import builds as team_builds
from matcher.services.webhooks import delivery as webhooks
from matcher.services.webhooks.events import DELIVER_TASK as DELIVER_WEBHOOKS_TASK

log = logging.getLogger("matcher.jobs")

# A job kind does the work and says where its result is: (path, link text). It may raise a
# DomainError, whose message the coordinator reads on the progress page.
JobKind = Callable[[Session, BackgroundJob, lifecycle.Progress], tuple[str | None, str | None]]


def _run_round(session: Session, job: BackgroundJob, progress: lifecycle.Progress) -> tuple[str, str]:
    actor = session.get(User, job.started_by_id) if job.started_by_id else None
    match_round = session.get(MatchRound, job.parameters["round_id"])
    if actor is None:
        raise DomainError(words.ACTOR_GONE)
    if match_round is None:
        raise DomainError(words.ROUND_GONE)
    run = rounds.run_round(
        session,
        actor,
        match_round,
        seed=job.parameters.get("seed"),
        top_n=job.parameters.get("top_n") or rounds.DEFAULT_TOP_N,
        progress=progress,
    )
    result = words.SEE_SUGGESTIONS if match_round.mode == RoundMode.RECOMMENDATION else words.SEE_MATCHES
    return url_for("rounds.review", run_id=run.id), result.format(number=run.number)


def _run_team_build(session: Session, job: BackgroundJob, progress: lifecycle.Progress) -> tuple[str, str]:
    actor = session.get(User, job.started_by_id) if job.started_by_id else None
    build = session.get(TeamBuild, job.parameters["build_id"])
    if actor is None:
        raise DomainError(words.ACTOR_GONE)
    if build is None:
        raise DomainError(words.BUILD_GONE)
    kind = RunKind(job.parameters.get("kind") or RunKind.BUILD)
    team_builds.run_build(session, actor, build, kind=kind, progress=progress)
    return url_for("teams.build", build_id=build.id), words.SEE_TEAMS


JOB_KINDS: dict[str, JobKind] = {rounds.RUN_JOB_KIND: _run_round, team_builds.BUILD_JOB_KIND: _run_team_build}


def run_job(job_id: int) -> None:
    """Claim a queued job, run it, and record the outcome: done with its result, or failed with why."""
    session = db.session
    job = lifecycle.claim(session, job_id)
    if job is None:
        session.rollback()
        return
    # The kind reads a detached copy: between its own statements it holds no transaction (on
    # SQLite, where each transaction takes the one write lock, the progress page stays readable).
    session.expunge(job)
    session.commit()
    live = db.engine.dialect.name != "sqlite"
    progress = lifecycle.Progress(db.session.session_factory, job_id, live)
    try:
        result_url, label = JOB_KINDS[job.kind](session, job, progress)
        lifecycle.finish(session, job_id, result_url, label)
        session.commit()
    except DomainError as error:
        session.rollback()
        lifecycle.fail(session, job_id, error.message)
        session.commit()
    except Exception as error:
        session.rollback()
        log.exception("background job %s failed", job_id)
        detail = f"{type(error).__name__}: {error}"
        lifecycle.fail(session, job_id, words.UNEXPECTED.format(detail=detail))
        session.commit()


def deliver_mail() -> None:
    """Send the outbox rows that are due (queued after each commit that adds some)."""
    deliver_due(db.session)


def expand_mail_jobs() -> None:
    """Write the emails of publications (outbox jobs) into the outbox, then send them: `deliver_due`
    expands the waiting jobs before it sends (so does `flask mail worker`, which has no queue)."""
    deliver_due(db.session)


def deliver_webhooks() -> None:
    """Send the webhook deliveries that are due (queued after each commit that adds some; retries
    wait for the minutely sweep)."""
    webhooks.deliver_due(db.session)


def _committed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        value = call(db.session, *args, **kwargs)
    except DomainError:
        db.session.rollback()
        log.exception("periodic %s refused", call.__name__)
        return None
    db.session.commit()
    return value


def sweep() -> None:
    """Every minute: fail jobs whose worker died, re-send lost ones, expand and send due mail and
    webhooks (their retries)."""
    config = current_app.config
    _committed(
        lifecycle.sweep,
        utcnow(),
        stale_after=timedelta(seconds=config["JOBS_STALE_AFTER_SECONDS"]),
        resend_after=timedelta(seconds=config["JOBS_RESEND_AFTER_SECONDS"]),
    )
    expand_mail_jobs()
    deliver_webhooks()


def digests() -> None:
    """Coordinators' alert of newly waiting organisations, then the daily and weekly digests due."""
    _committed(alert_coordinators)
    _committed(send_digests, date.today())


def reminders() -> None:
    _committed(send_reminders, date.today())


def departure_reminders() -> None:
    """Checklist items due within 14 or 3 days, or overdue: travellers and hosts reminded once each."""
    _committed(send_departure_reminders, date.today())


def feedback_mail() -> None:
    """Visits that ended: both sides asked for feedback once; pairs released by the window told once."""
    _committed(send_feedback_mail, date.today())


def expire() -> None:
    _committed(expire_overdue, date.today())


def purge_documents() -> None:
    """Trips' proof documents, DOCUMENT_RETENTION_DAYS after their placement ended."""
    _committed(purge_after_placements, date.today(), current_app.config["DOCUMENT_RETENTION_DAYS"])


def trips() -> None:
    """Trips for accepted places that have none yet; checklists brought in step with the rules."""
    _committed(ensure_trips, date.today())


def webhook_log() -> None:
    """Finished webhook deliveries and their logged tries, WEBHOOK_LOG_DAYS after they were queued."""
    _committed(webhooks.purge_log, utcnow(), current_app.config["WEBHOOK_LOG_DAYS"])


def advisories() -> None:
    """Import the configured travel advisory sources (ADVISORY_SOURCES), each in its own transaction."""
    import_configured(db.session, date.today())


TASKS: dict[str, Callable[..., Any]] = {
    lifecycle.RUN_TASK: run_job,
    DELIVER_TASK: deliver_mail,
    EXPAND_TASK: expand_mail_jobs,
    DELIVER_WEBHOOKS_TASK: deliver_webhooks,
}

# Times are UTC. What cron ran before: digests every 15 minutes, reminders at 07:00, expiry at 00:30.
# Travel advisories every 6 hours (nothing to do unless ADVISORY_SOURCES is set).
PERIODIC: dict[str, tuple[Callable[[Any], bool], Callable[[], Any]]] = {
    "sweep": (crontab(), sweep),
    "digests": (crontab(minute="*/15"), digests),
    "reminders": (crontab(minute="0", hour="7"), reminders),
    "expire": (crontab(minute="30", hour="0"), expire),
    "purge_documents": (crontab(minute="20", hour="2"), purge_documents),
    "departure_reminders": (crontab(minute="15", hour="7"), departure_reminders),
    "feedback_mail": (crontab(minute="30", hour="7"), feedback_mail),
    "trips": (crontab(minute="45", hour="0"), trips),
    "advisories": (crontab(minute="15", hour="*/6"), advisories),
    "webhook_log": (crontab(minute="10", hour="3"), webhook_log),
}
