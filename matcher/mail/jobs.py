"""Expand outbox jobs into outbox rows, a chunk per transaction, resumable after a crash."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.db import utcnow
from matcher.mail.matches import notify_published
from matcher.mail.preferences import DEFAULTS
from matcher.models import Membership, OutboxJob
from matcher.models.matching import PUBLISHED_OR_LATER, Match
from matcher.models.notification import Category, Frequency, NotificationPreference
from matcher.models.opportunity import Opportunity
from matcher.models.organisation import Organisation

CHUNK = 500
log = logging.getLogger("matcher.mail")


def _run_published(session: Session, job: OutboxJob) -> bool:
    """Emails for a published run: one to each applicant and to the host's members."""
    matches = list(
        session.scalars(
            select(Match)
            .where(
                Match.run_id == job.payload["run_id"],
                Match.id > job.progress,
                Match.from_waitlist.is_(False),
                # Published, or answered or ended since: never proposed, rejected or approved ones.
                Match.status.in_(PUBLISHED_OR_LATER),
            )
            .options(
                selectinload(Match.applicant),
                selectinload(Match.opportunity)
                .selectinload(Opportunity.organisation)
                .selectinload(Organisation.memberships)
                .selectinload(Membership.user),
            )
            .order_by(Match.id)
            .limit(CHUNK)
        )
    )
    people = {m.applicant_id for m in matches} | {
        ms.user_id for m in matches for ms in m.opportunity.organisation.memberships
    }
    frequencies = matching_frequencies(session, people)
    with session.no_autoflush:
        for match in matches:
            # Answered or cancelled since publication: the news is still true and useful.
            if match.applicant is not None:
                with skipped_on_error(session, job, match.id):
                    notify_published(session, match, frequencies=frequencies)
            job.progress = match.id
    return len(matches) < CHUNK


@contextmanager
def skipped_on_error(session: Session, job: OutboxJob, row_id: int) -> Iterator[None]:
    """Write one row's emails; if that fails, drop what it staged, log, count it on the job, go on.

    One bad row (a value saved before it was refused) must never hold back a job's other emails.
    Runs under no_autoflush, so nothing the row staged has reached the database yet.
    """
    staged = set(session.new)
    try:
        yield
    except Exception as exc:
        for added in set(session.new) - staged:
            session.expunge(added)
        job.skipped += 1
        job.last_error = f"row {row_id}: {type(exc).__name__}: {exc}"[:2000]
        log.exception("outbox job %s: row %s skipped", job.id, row_id)


def matching_frequencies(session: Session, user_ids: set[int | None]) -> dict[int, Frequency]:
    """Everyone's choice for "matching" emails in one query (the default where none was made)."""
    chosen = dict(
        session.execute(
            select(NotificationPreference.user_id, NotificationPreference.frequency).where(
                NotificationPreference.category == Category.MATCHING,
                NotificationPreference.user_id.in_([u for u in user_ids if u is not None]),
            )
        ).all()
    )
    default = DEFAULTS[Category.MATCHING]
    return {u: Frequency(chosen.get(u, default)) for u in user_ids if u is not None}


HANDLERS: dict[str, Callable[[Session, OutboxJob], bool]] = {"run_published": _run_published}


def expand_jobs(session: Session) -> int:
    """Turn pending jobs into outbox rows; returns how many chunks were written.

    A job that fails is logged and left for the next pass, and the others go on: one broken job
    must never hold back every other email.
    """
    chunks = 0
    failed: set[int] = set()
    while True:
        job = session.scalar(
            select(OutboxJob)
            .where(OutboxJob.done_at.is_(None), OutboxJob.id.not_in(failed or {0}))
            .order_by(OutboxJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job is None:
            return chunks
        job_id = job.id
        try:
            if HANDLERS[job.kind](session, job):
                job.done_at = utcnow()
            session.commit()
        except Exception:
            session.rollback()
            failed.add(job_id)
            log.exception("outbox job %s could not be expanded; it stays pending", job_id)
            continue
        chunks += 1
