"""The nightly deletion of trips' documents on a real queue (Huey on a SQLite file, or on Redis
with PostgreSQL): scheduled at 02:20 UTC, run under the queue's lock as the worker runs it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO

from sqlalchemy import select

from matcher.extensions import db
from matcher.jobs.queue import queue_of
from matcher.models.departure import Trip, TripDocument
from matcher.services.departure import documents
from tests.support.pdf import minimal_pdf
from tests.support.trips import make_trip


def test_the_worker_schedules_the_purge_each_night(app, huey):
    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2027, 3, 1, hour, minute))}

    assert "purge_documents" in due(2, 20)
    assert "purge_documents" not in due(2, 21) | due(0, 30) | due(7, 0)


def test_the_purge_runs_in_the_worker_and_takes_only_ended_placements(app, users, huey):
    app.config["DOCUMENT_RETENTION_DAYS"] = 10
    ended = make_trip(users, starts_in_days=-11 - 27)
    current = make_trip(users, starts_in_days=-5)
    stored = []
    for trip in (ended, current):
        item = trip.items[0]
        stored.append(
            documents.upload(
                db.session, trip.user, trip.id, item.id, BytesIO(minimal_pdf()), "a.pdf", None, date.today()
            )
        )
    db.session.commit()
    files = [documents.file_of(d) for d in stored]
    kept_id = stored[1].id
    assert ended.opportunity.ends_on == date.today() - timedelta(days=11)

    queue_of(app).call("purge_documents")

    db.session.expire_all()
    assert db.session.scalars(select(TripDocument.id)).all() == [kept_id]
    assert not files[0].exists() and files[1].exists()
    purged = dict(db.session.execute(select(Trip.id, Trip.documents_purged_at)).all())
    assert purged[ended.id] is not None and purged[current.id] is None
