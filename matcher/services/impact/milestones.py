"""Local learners' milestones from confirmed log entries: a learner's first supervised and first
independent case of each procedure.

A confirmed procedure entry that names a registered local learner with the role "performed
under supervision" or "performed independently" gives that learner the matching milestone for
that procedure: a new one if there is none, or the one there is moved earlier when this entry's
day is earlier. Only the role given counts (an independent case is not also a supervised one).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.models.impact import MILESTONE_FOR_ROLE, LearnerRole, LogEntry, Milestone, SessionKind


def _existing(session: Session, learner_id: int, procedure_id: int, kind: str) -> Milestone | None:
    return session.scalar(
        select(Milestone)
        .where(
            Milestone.learner_id == learner_id,
            Milestone.procedure_id == procedure_id,
            Milestone.kind == kind,
        )
        .with_for_update()
    )


def _from(milestone: Milestone, entry: LogEntry) -> Milestone:
    milestone.achieved_on = entry.held_on
    milestone.visit_id, milestone.entry_id = entry.visit_id, entry.id
    milestone.recorded_by_id = entry.confirmed_by_id
    return milestone


def record_from_entry(session: Session, entry: LogEntry) -> list[Milestone]:
    """The milestones `entry` (confirmed) gave or moved earlier; empty when it shows none."""
    if (
        entry.kind != SessionKind.PROCEDURE
        or entry.confirmed_at is None
        or entry.local_learner_id is None
        or entry.procedure_id is None
        or entry.learner_role is None
    ):
        return []
    kind = MILESTONE_FOR_ROLE.get(LearnerRole(entry.learner_role))
    if kind is None:
        return []
    found = _existing(session, entry.local_learner_id, entry.procedure_id, kind)
    if found is None:
        milestone = _from(
            Milestone(learner_id=entry.local_learner_id, procedure_id=entry.procedure_id, kind=kind), entry
        )
        try:
            with session.begin_nested():  # another confirmation may have recorded it meanwhile
                session.add(milestone)
            return [milestone]
        except IntegrityError:
            found = _existing(session, entry.local_learner_id, entry.procedure_id, kind)
            if found is None:
                raise
    if entry.held_on < found.achieved_on:
        _from(found, entry)
        session.flush()
        return [found]
    return []
