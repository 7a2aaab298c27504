"""Double-blind feedback's emails run in the task queue's worker, daily at 07:30 UTC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.jobs.queue import queue_of
from matcher.models import OutboxMessage
from matcher.models.impact import VisitFeedback
from tests.support.impact import impact_scene


def test_the_worker_sends_feedback_mail_daily(app, users, huey):
    impact_scene(db.session, users)

    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2027, 3, 1, hour, minute))}

    assert "feedback_mail" in due(7, 30)
    assert "feedback_mail" not in due(7, 29) | due(19, 30)
    queue_of(app).call("feedback_mail")
    queue_of(app).call("feedback_mail")
    asked = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "feedback_request")
    )
    assert asked == 5
    assert db.session.scalar(select(func.count()).select_from(VisitFeedback)) == 0
