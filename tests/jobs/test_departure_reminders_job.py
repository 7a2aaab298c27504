"""The before-departure reminders run in the task queue's worker, daily at 07:15 UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from matcher.extensions import db
from matcher.jobs.queue import queue_of
from matcher.models import OutboxMessage
from tests.support.trips import item, make_trip


def test_the_worker_schedules_the_departure_reminders_daily(app, huey):
    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2027, 3, 1, hour, minute))}

    assert "departure_reminders" in due(7, 15)
    assert "departure_reminders" not in due(7, 0) | due(7, 16) | due(19, 15)


def test_the_periodic_departure_reminders_run_in_the_worker_once_a_step(app, users, huey):
    trip = make_trip(users, items=[item("licence", date.today() + timedelta(days=3), title="Licence")])

    queue_of(app).call("departure_reminders")
    queue_of(app).call("departure_reminders")  # run twice the same day: nothing more

    reminders = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "departure_reminder")
    ).all()
    assert [(m.user_id, m.category) for m in reminders] == [(trip.user_id, "offers")]
    assert "Licence" in reminders[0].subject
