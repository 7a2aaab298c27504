"""The background_jobs records: start, claim, progress, finish, fail, retry, and the sweep.

Like every service, these take a session, never commit, and raise DomainErrors; the task that runs
a job (`registry.run_job`) commits between the steps. A job's row is the record people see; the
queue only carries its id, so a lost or repeated message does no harm: only the claim, a
conditional UPDATE from queued to running, lets a job start.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.jobs import words
from matcher.jobs.dispatch import after_commit
from matcher.models import BackgroundJob, JobStatus, User
from matcher.models.job import ACTIVE
from matcher.services.errors import Conflict, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.translate import gettext as _

RUN_TASK = "run_job"


def active_with_key(session: Session, dedupe_key: str) -> BackgroundJob | None:
    return session.scalar(
        select(BackgroundJob).where(BackgroundJob.dedupe_key == dedupe_key, BackgroundJob.status.in_(ACTIVE))
    )


def start(
    session: Session, actor: User, *, kind: str, title: str, parameters: dict[str, Any], dedupe_key: str
) -> BackgroundJob:
    """Record a job, sent to the queue once the caller commits; while a job with the same key is
    queued or running, that job instead (a partial unique index makes the database refuse a second)."""
    running = active_with_key(session, dedupe_key)
    if running is not None:
        return running
    job = BackgroundJob(
        kind=kind,
        title=title,
        parameters=parameters,
        dedupe_key=dedupe_key,
        status=JobStatus.QUEUED,
        progress_note=words.WAITING,
        started_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:  # another request started it between our look and our insert
        running = active_with_key(session, dedupe_key)
        if running is None:
            raise
        return running
    after_commit(session, RUN_TASK, job.id)
    return job


def claim(session: Session, job_id: int) -> BackgroundJob | None:
    """Move a queued job to running and count the attempt; None when it is not queued (already
    taken by another worker, finished, or gone), so a repeated message runs nothing."""
    now = utcnow()
    taken = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            attempts=BackgroundJob.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            error=None,
            progress_done=0,
            progress_note=words.STARTED,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    return session.get(BackgroundJob, job_id, populate_existing=True)


class Progress:
    """Records a running job's progress in a short transaction of its own, so the progress page
    sees it while the job's own transaction is still open.

    SQLite has one writer at a time and the job holds it, so there progress is not recorded
    until the end: the page says "running" with the time it started.
    """

    def __init__(self, new_session: Callable[[], Session], job_id: int, live: bool) -> None:
        self.new_session, self.job_id, self.live = new_session, job_id, live

    def __call__(self, done: int, total: int, note: str) -> None:
        if not self.live:
            return
        session = self.new_session()
        try:
            session.execute(
                update(BackgroundJob)
                .where(BackgroundJob.id == self.job_id, BackgroundJob.status == JobStatus.RUNNING)
                # str: a note marked lazily is stored in the worker's words, English (see jobs.words)
                .values(
                    progress_done=done, progress_total=total, progress_note=str(note), heartbeat_at=utcnow()
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
        finally:
            session.close()


def finish(session: Session, job_id: int, result_url: str | None, result_label: str | None) -> None:
    """Record a job done, in the transaction of its work (so the result exists once it says done)."""
    now = utcnow()
    steps = func.coalesce(BackgroundJob.progress_total, 1)
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id)
        .values(
            status=JobStatus.DONE,
            finished_at=now,
            heartbeat_at=now,
            result_url=result_url,
            result_label=result_label,
            progress_done=steps,
            progress_total=steps,
            progress_note=words.FINISHED,
        )
        .execution_options(synchronize_session=False)
    )


def fail(session: Session, job_id: int, message: str) -> None:
    """Record why a job stopped (for staff), after its own work was rolled back."""
    now = utcnow()
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id)
        .values(
            status=JobStatus.FAILED,
            error=message[:4000],
            finished_at=now,
            heartbeat_at=now,
            progress_note=words.STOPPED,
        )
        .execution_options(synchronize_session=False)
    )


def retry(session: Session, actor: User, job: BackgroundJob) -> BackgroundJob:
    """Queue a failed job again, as the coordinator asking; while another job with the same key is
    queued or running, that one instead."""
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators retry background jobs."))
    if job.status != JobStatus.FAILED:
        raise Conflict(
            _(
                "Only a job that failed can be retried; this one is %(status)s.",
                status=words.status(job.status),
            )
        )
    if job.dedupe_key:
        running = active_with_key(session, job.dedupe_key)
        if running is not None:
            return running
    job.status, job.error, job.finished_at = JobStatus.QUEUED, None, None
    job.progress_done, job.progress_total, job.progress_note = 0, None, words.WAITING
    job.started_by_id, job.enqueued_at = actor.id, utcnow()
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        session.refresh(job)
        running = active_with_key(session, job.dedupe_key or "")
        if running is None:
            raise
        return running
    after_commit(session, RUN_TASK, job.id)
    return job


def sweep(
    session: Session, now: datetime, *, stale_after: timedelta, resend_after: timedelta
) -> tuple[int, int]:
    """Fail running jobs silent for `stale_after` (their worker died) and re-send queued jobs
    waiting for `resend_after` (their message was lost); returns (failed, re-sent)."""
    minutes = max(int(stale_after.total_seconds() // 60), 1)
    failed = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.status == JobStatus.RUNNING, BackgroundJob.heartbeat_at < now - stale_after)
        .values(
            status=JobStatus.FAILED,
            finished_at=now,
            progress_note=words.STOPPED,
            error=words.WORKER_SILENT.format(minutes=minutes),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    lost = list(
        session.scalars(
            select(BackgroundJob.id).where(
                BackgroundJob.status == JobStatus.QUEUED, BackgroundJob.enqueued_at < now - resend_after
            )
        )
    )
    if lost:
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id.in_(lost))
            .values(enqueued_at=now)
            .execution_options(synchronize_session=False)
        )
        for job_id in lost:
            after_commit(session, RUN_TASK, job_id)
    return failed, len(lost)
