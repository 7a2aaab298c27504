"""Hand tasks to the queue only after the transaction that needs them has committed.

A task enqueued before the commit could run before its rows exist, or for a change that is then
rolled back. `after_commit` records the task on the session; the session's `after_commit` event
sends it. A task that cannot be sent (the queue's storage is down) is logged and left to the
periodic sweep: the database rows (background_jobs, the outbox) are the record, the queue only
the messenger, so every task here tolerates running for nothing or running twice.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("matcher.jobs")
EXTENSION = "matcher.jobs"
_PENDING = "matcher.jobs.after_commit"


def after_commit(session: Session, task: str, *args: Any) -> None:
    """Enqueue `task(*args)` once the session's transaction commits (once, however often asked)."""
    session.info.setdefault(_PENDING, {})[(task, args)] = None


def enqueue(task: str, *args: Any) -> None:
    """Send `task(*args)` to the current app's queue now (see `after_commit` for the usual way)."""
    current_app.extensions[EXTENSION].send(task, *args)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    if not has_app_context() or EXTENSION not in current_app.extensions:
        log.warning("no task queue here; %s left to the periodic sweep", ", ".join(t for t, _ in pending))
        return
    for task, args in pending:
        try:
            enqueue(task, *args)
        except Exception:  # the commit stands; the sweep re-sends what the rows say is waiting
            log.exception("could not send %s%r to the task queue; the periodic sweep will", task, args)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None and previous_transaction.nested is False:
        session.info.pop(_PENDING, None)
