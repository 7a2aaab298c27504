"""Expand outbox jobs into outbox rows, a chunk per transaction, resumable after a crash."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.db import utcnow
from matcher.mail.compose import compose_email
from matcher.mail.matches import MatchLine, notify_hosts, offers_to_applicants
from matcher.mail.outbox import stage_emails
from matcher.mail.preferences import DEFAULTS
from matcher.models import Membership, OutboxJob, User
from matcher.models.matching import PUBLISHED_OR_LATER, Match, MatchRun
from matcher.models.notification import Category, Frequency, NotificationPreference
from matcher.models.opportunity import Opportunity
from matcher.models.webhook import WebhookEvent
from matcher.services.matching import outcomes
from matcher.services.webhooks import events as webhook_events
from matcher.translate import lazy_gettext as _l

CHUNK = 500
log = logging.getLogger("matcher.mail")


def _run_published(session: Session, job: OutboxJob) -> bool:
    """Emails for a published run, in three phases, each resumable by its progress:
    the offers (one per applicant), the hosts' news (one per person, listing all their matches),
    and the outcome letters (one per applicant in scope who got no offer)."""
    phase = job.payload.get("phase", "offers")
    run = session.get(MatchRun, job.payload["run_id"])
    done = {"offers": _offers, "hosts": _hosts, "letters": _letters}[phase](session, job, run)
    if not done:
        return False
    following = {"offers": "hosts", "hosts": "letters"}.get(phase)
    if following is None:
        return True
    job.payload = {**job.payload, "phase": following}
    job.progress = 0
    return False


def _published_matches(run_id: int) -> Any:
    return select(Match).where(
        Match.run_id == run_id,
        Match.from_waitlist.is_(False),
        # Published, or answered or ended since: never proposed, rejected or approved ones.
        Match.status.in_(PUBLISHED_OR_LATER),
    )


def _offers(session: Session, job: OutboxJob, run: MatchRun) -> bool:
    matches = list(
        session.scalars(
            _published_matches(run.id)
            .where(Match.id > job.progress, Match.applicant_id.is_not(None))
            .options(
                # An email needs only these of its recipient: not the password hash and the rest.
                selectinload(Match.applicant).load_only(User.id, User.email, User.name, User.locale),
                selectinload(Match.opportunity).selectinload(Opportunity.organisation),
            )
            .order_by(Match.id)
            .limit(CHUNK)
        )
    )
    rows: list[dict[str, Any]] = []
    with session.no_autoflush:
        # Answered or cancelled since publication: the news is still true and useful.
        try:
            rows = offers_to_applicants(session, matches)
        except Exception:
            # Some row cannot be written: write them one at a time, so only that one is left out.
            rows = []
            for match in matches:
                with skipped_on_error(session, job, match.id):
                    rows += offers_to_applicants(session, [match])
    stage_emails(session, rows)
    # The hosts' webhooks hear of each match in the same commit as its email (once: with the progress).
    webhook_events.about_matches(session, matches, WebhookEvent.MATCH_PUBLISHED)
    if matches:
        job.progress = matches[-1].id
    return len(matches) < CHUNK


def _hosts(session: Session, job: OutboxJob, run: MatchRun) -> bool:
    """One email per host member, listing all their matches of the run (progress: the user id)."""
    members = list(
        session.execute(
            select(Membership.user_id, Membership.organisation_id)
            .where(
                Membership.organisation_id.in_(
                    select(Opportunity.organisation_id).where(
                        Opportunity.id.in_(_published_matches(run.id).with_only_columns(Match.opportunity_id))
                    )
                ),
                Membership.user_id > job.progress,
            )
            .order_by(Membership.user_id)
        ).all()
    )
    people = sorted({user_id for user_id, _ in members})[:CHUNK]
    organisations: dict[int, set[int]] = {}
    for user_id, organisation_id in members:
        if user_id in people:
            organisations.setdefault(user_id, set()).add(organisation_id)
    frequencies = matching_frequencies(session, set(people))
    with session.no_autoflush:
        for user_id in people:
            memberships = session.scalars(
                select(Membership).where(
                    Membership.user_id == user_id, Membership.organisation_id.in_(organisations[user_id])
                )
            ).all()
            approved = [m.organisation_id for m in memberships if m.is_approved]
            if approved:
                lines = [
                    MatchLine(*row)
                    for row in session.execute(
                        _published_matches(run.id)
                        .with_only_columns(
                            Match.id,
                            Match.opportunity_id,
                            Opportunity.title,
                            User.name,
                            Match.response_deadline,
                        )
                        .join(Opportunity, Match.opportunity_id == Opportunity.id)
                        .outerjoin(User, Match.applicant_id == User.id)
                        .where(Opportunity.organisation_id.in_(approved))
                    )
                ]
                with skipped_on_error(session, job, user_id):
                    notify_hosts(session, memberships[0].user, lines, frequencies.get(user_id))
            job.progress = user_id
    return len(people) < CHUNK


def _letters(session: Session, job: OutboxJob, run: MatchRun) -> bool:
    """An outcome letter to each applicant in the run's scope who got no offer (progress: their id)."""
    applicant_ids = outcomes.letter_recipients(session, run, job.progress, CHUNK)
    letters = outcomes.write_letters(session, run, applicant_ids)
    places = outcomes.OpenPlaces(session, date.today()).best_for(
        [letter.applicant_id for letter in letters],
        {letter.applicant_id: {c["opportunity_id"] for c in letter.choices} for letter in letters},
    )
    following = outcomes.next_round(session, run.round)
    applicants = {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(places))))}
    rows: list[dict[str, Any]] = []
    with session.no_autoflush:
        for letter in letters:
            with skipped_on_error(session, job, letter.applicant_id):
                row = compose_email(
                    session,
                    to=applicants[letter.applicant_id],
                    template="outcome_letter",
                    category=Category.OFFERS,
                    subject=_l(
                        "%(round)s: no place for you this time, and what you can do now", round=run.round.name
                    ),
                    context={
                        "letter": letter,
                        "round": run.round,
                        "open_places": places[letter.applicant_id],
                        "next_round": following,
                        "link": url_for("placements.letter", letter_id=letter.id, _external=True),
                    },
                )
                if row is not None:
                    rows.append(row)
    stage_emails(session, rows)
    if applicant_ids:
        job.progress = applicant_ids[-1]
    return len(applicant_ids) < CHUNK


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
