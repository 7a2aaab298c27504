"""A background job's life on a real queue (Huey on a SQLite file, or on Redis with PostgreSQL),
its tasks run here by the test as a worker would: queued, running, done, failed, retried; one at a
time per round; the progress page in each state; the sweep; mail handed over after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.db import utcnow
from matcher.extensions import db
from matcher.jobs import lifecycle, registry
from matcher.jobs.queue import queue_of
from matcher.mail.outbox import queue_email
from matcher.models import BackgroundJob, JobStatus, MatchRun, OutboxMessage
from tests.support.rounds import create_round, east_africa


def task_names(huey) -> list[str]:
    return [task.name for task in huey.pending()]


def run_one(huey, name: str = lifecycle.RUN_TASK) -> None:
    """Take the next task from the queue and run it, as a worker does."""
    task = huey.dequeue()
    assert task is not None and task.name == name, task
    huey.execute(task)


def job_of(response) -> BackgroundJob:
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    job_id = int(response.headers["Location"].rstrip("/").rpartition("/")[2])
    return db.session.get(BackgroundJob, job_id)


@pytest.fixture
def coordinator(auth):
    return auth.login("coordinator", name="Grace Kamau")


@pytest.fixture
def east(users):
    return east_africa(users)


def test_a_run_is_queued_then_runs_in_the_worker_and_leads_to_its_review(
    app, client, coordinator, east, huey
):
    match_round = create_round(client)
    job = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "7"}))
    # The request only recorded the job and handed its id to the queue: nothing ran yet.
    assert job.status == JobStatus.QUEUED and job.kind == "run_round" and job.started_by_id == coordinator.id
    assert job.parameters == {"round_id": match_round.id, "seed": 7, "top_n": 5}
    assert task_names(huey) == [lifecycle.RUN_TASK]
    assert db.session.scalar(select(MatchRun.id)) is None
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Run of East Africa 2027" in page and "Waiting for a worker" in page and "check again" in page
    assert "Retry" not in page

    run_one(huey)

    db.session.refresh(job)
    run = db.session.scalars(select(MatchRun)).one()
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.error is None
    assert job.result_url == f"/coordination/runs/{run.id}" and job.finished_at >= job.started_at
    assert run.ran_by_id == coordinator.id and run.seed == 7 and run.counts["proposed"] == 3
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert (
        "done" in page and f'href="/coordination/runs/{run.id}"' in page and "Run 1: see the proposed" in page
    )
    assert "check again" not in page
    assert client.get(job.result_url).status_code == 200


def test_a_second_start_while_one_waits_leads_to_the_waiting_one(app, client, coordinator, east, huey):
    match_round = create_round(client)
    first = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "1"}))
    second = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "2"}))
    assert second.id == first.id
    assert db.session.scalars(select(BackgroundJob)).all() == [first]
    round_page = client.get(f"/coordination/rounds/{match_round.id}").get_data(as_text=True)
    assert f'href="/jobs/{first.id}"' in round_page and "waiting for a worker" in round_page
    run_one(huey)
    assert task_names(huey) == ["deliver_mail"]  # the coordinators' email; the second start sent nothing
    assert len(db.session.scalars(select(MatchRun)).all()) == 1
    # Once it is done, a new start is a new job.
    third = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "3"}))
    assert third.id != first.id and third.status == JobStatus.QUEUED


def test_the_database_refuses_two_active_jobs_with_one_key(app, users):
    coordinator = users.create(role="coordinator")
    for status in ("queued", "running"):
        with db.session.begin_nested():
            db.session.add(BackgroundJob(kind="k", title="t", dedupe_key="round:1", status=status))
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(BackgroundJob(kind="k", title="t", dedupe_key="round:1", status="queued"))
        db.session.execute(
            BackgroundJob.__table__.update()
            .where(BackgroundJob.dedupe_key == "round:1")
            .values(status="done")
        )
    # Finished jobs do not count: any number may share the key.
    for status in ("done", "failed", "queued"):
        db.session.add(
            BackgroundJob(
                kind="k", title="t", dedupe_key="round:1", status=status, started_by_id=coordinator.id
            )
        )
    db.session.flush()
    assert db.session.query(BackgroundJob).filter_by(dedupe_key="round:1").count() == 5


def test_a_repeated_message_runs_the_job_once(app, client, coordinator, east, huey):
    match_round = create_round(client)
    job = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "1"}))
    huey.enqueue(huey.dequeue())
    queue_of_app = huey
    queue_of_app.enqueue(queue_of_app.pending()[0])  # the same message twice (a re-send, a retry)
    run_one(huey)
    run_one(huey)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert len(db.session.scalars(select(MatchRun)).all()) == 1


def test_a_failed_job_shows_why_to_coordinators_and_runs_again_on_retry(
    app, client, coordinator, east, huey, monkeypatch
):
    match_round = create_round(client)
    calls = []

    def flaky(session, job, progress):
        calls.append(job.attempts)
        if len(calls) == 1:
            raise RuntimeError("the engine ran out of memory")
        return registry._run_round(session, job, progress)

    monkeypatch.setitem(registry.JOB_KINDS, "run_round", flaky)
    job = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "5"}))
    run_one(huey)

    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert job.error == (
        "It stopped on an unexpected error (RuntimeError: the engine ran out of memory); "
        "the worker's log has the details."
    )
    assert db.session.scalar(select(MatchRun.id)) is None  # the failed attempt left nothing behind
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert (
        "failed" in page
        and "What went wrong" in page
        and "RuntimeError: the engine ran out of memory" in page
    )
    assert "started by Grace Kamau" in page and f'action="/jobs/{job.id}/retry"' in page

    response = client.post(f"/jobs/{job.id}/retry")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    db.session.refresh(job)
    assert job.status == JobStatus.QUEUED and job.error is None
    assert "Queued again." in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    run_one(huey)

    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.attempts == 2 and calls == [1, 2]
    assert db.session.scalars(select(MatchRun)).one().seed == 5
    # A job that did not fail cannot be retried: the refusal is shown, nothing is queued.
    response = client.post(f"/jobs/{job.id}/retry", follow_redirects=True)
    assert "Only a job that failed can be retried; this one is done." in response.get_data(as_text=True)
    assert lifecycle.RUN_TASK not in task_names(huey)


def test_a_refusal_while_running_is_the_error_coordinators_read(app, client, coordinator, east, huey):
    match_round = create_round(client)
    job = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "5"}))
    match_round.status = "published"  # published by someone else before the worker took the run
    db.session.commit()
    run_one(huey)
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED
    assert job.error == "This round is already published; create a new round for further matching."


def test_retry_of_a_failed_job_leads_to_the_run_already_under_way(app, client, coordinator, east, huey):
    match_round = create_round(client)
    failed = BackgroundJob(
        kind="run_round",
        title="Run of East Africa 2027",
        dedupe_key=f"round:{match_round.id}",
        parameters={"round_id": match_round.id, "seed": 1, "top_n": 5},
        status="failed",
        error="boom",
    )
    db.session.add(failed)
    db.session.commit()
    running = job_of(client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "2"}))
    assert running.id != failed.id
    response = client.post(f"/jobs/{failed.id}/retry")
    assert response.headers["Location"].endswith(f"/jobs/{running.id}")
    db.session.refresh(failed)
    assert failed.status == JobStatus.FAILED and task_names(huey) == [lifecycle.RUN_TASK]


def test_a_published_round_refuses_a_run_on_its_page_without_a_job(app, client, coordinator, east, huey):
    match_round = create_round(client)
    match_round.status = "published"
    db.session.commit()
    response = client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "1"})
    assert response.status_code == 422
    assert db.session.scalar(select(BackgroundJob.id)) is None and huey.pending() == []


def test_the_sweep_fails_jobs_whose_worker_died_and_resends_lost_ones(app, users, huey):
    coordinator = users.create(role="coordinator")
    now = utcnow()
    silent = BackgroundJob(
        kind="run_round", title="a", status="running", heartbeat_at=now - timedelta(minutes=20), attempts=1
    )
    alive = BackgroundJob(
        kind="run_round", title="b", status="running", heartbeat_at=now - timedelta(minutes=1)
    )
    lost = BackgroundJob(kind="run_round", title="c", status="queued", enqueued_at=now - timedelta(minutes=6))
    fresh = BackgroundJob(
        kind="run_round", title="d", status="queued", enqueued_at=now - timedelta(minutes=1)
    )
    db.session.add_all([silent, alive, lost, fresh])
    db.session.flush()
    assert coordinator.id

    failed, resent = lifecycle.sweep(
        db.session, now, stale_after=timedelta(minutes=15), resend_after=timedelta(minutes=5)
    )
    db.session.commit()

    assert (failed, resent) == (1, 1)
    assert [db.session.get(BackgroundJob, j.id).status for j in (silent, alive, lost, fresh)] == [
        "failed",
        "running",
        "queued",
        "queued",
    ]
    assert silent.error == "The worker running this job stopped: no sign of it for 15 minutes. Retry it."
    assert [(t.name, tuple(t.args)) for t in huey.pending()] == [(lifecycle.RUN_TASK, (lost.id,))]
    assert lost.enqueued_at == now


def queue_verification(app) -> None:
    with app.test_request_context():
        queue_email(
            db.session,
            to=("someone@example.org", "Someone"),
            template="verify_email",
            subject="Confirm your email address",
            category="account",
            context={"link": "http://matcher.test/verify/x"},
        )


def test_an_email_is_handed_to_the_queue_only_once_its_change_commits(app, huey):
    queue_verification(app)
    db.session.rollback()
    assert huey.pending() == []  # rolled back: no email, no delivery
    for _ in range(3):
        queue_verification(app)
    assert huey.pending() == []  # not before the commit
    db.session.commit()
    assert task_names(huey) == ["deliver_mail"]  # one delivery for the three
    run_one(huey, "deliver_mail")
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent", "sent", "sent"]


def test_the_worker_schedules_the_periodic_work_itself(app, huey):
    from datetime import datetime

    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2027, 3, 1, hour, minute))}

    assert due(0, 30) == {"sweep", "digests", "expire"}
    assert due(7, 0) == {"sweep", "digests", "reminders"}
    assert due(7, 1) == {"sweep"}
    assert due(13, 45) == {"sweep", "digests"}


def test_the_periodic_sweep_fails_a_dead_workers_job_and_sends_due_mail(app, users, huey):
    silent = BackgroundJob(
        kind="run_round", title="a", status="running", heartbeat_at=utcnow() - timedelta(hours=1), attempts=1
    )
    db.session.add(silent)
    queue_verification(app)
    db.session.commit()
    queue_of(app).call("sweep")  # what the worker's scheduler runs every minute, here in the test
    db.session.refresh(silent)
    assert silent.status == JobStatus.FAILED and "Retry it." in silent.error
    assert db.session.scalars(select(OutboxMessage.status)).all() == ["sent"]


def test_the_periodic_reminders_and_expiry_run_in_the_worker(app, users, huey):
    from datetime import date

    from matcher.models import Match, MatchRound, MatchRun

    opportunity = users.opportunity(capacity=2)
    soon, overdue = users.create(role="student"), users.create(role="student")
    match_round = MatchRound(name="R", mode="ranked", scope={})
    run = MatchRun(round=match_round, number=1, algorithm_version="t", seed=1, inputs_hash="x")
    matches = [
        Match(
            run=run,
            status="published",
            applicant_id=who.id,
            opportunity_id=opportunity.id,
            response_deadline=day,
        )
        for who, day in (
            (soon, date.today() + timedelta(days=3)),
            (overdue, date.today() - timedelta(days=1)),
        )
    ]
    opportunity.places_filled = 2
    db.session.add_all([match_round, run, *matches])
    db.session.commit()

    queue_of(app).call("reminders")
    queue_of(app).call("expire")

    assert [m.status for m in matches] == ["published", "expired"]
    reminders = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "reply_reminder")
    ).all()
    assert [m.user_id for m in reminders] == [soon.id]


def test_the_periodic_digests_run_in_the_worker(app, users, huey):
    from matcher.mail.preferences import set_frequency

    student = users.create(role="student", email="s@example.org")
    users.profile(student, interests=("tace",))
    users.opportunity(title="TACE elective", interests=("tace",))
    set_frequency(db.session, student, "alerts", "daily")
    db.session.commit()
    queue_of(app).call("digests")
    digests = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "digest")).all()
    assert [d.to_address for d in digests] == ["s@example.org"] and "TACE elective" in digests[0].body_text


class TestImmediateMode:
    """TASK_QUEUE_IMMEDIATE (for debugging): each task runs as it is sent, after the commit."""

    @pytest.fixture
    def app_config(self):
        return {"TASK_QUEUE_URL": "memory://", "TASK_QUEUE_IMMEDIATE": True}

    def test_a_run_is_done_by_the_time_the_start_answers(self, app, client, coordinator, east):
        match_round = create_round(client, mode="recommendation")
        job = job_of(
            client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "3", "top_n": "2"})
        )
        run = db.session.scalars(select(MatchRun)).one()
        assert job.status == JobStatus.DONE and job.result_url == f"/coordination/runs/{run.id}"
        assert job.result_label == "Run 1: see the suggestions" and run.parameters == {"top_n": 2}
        # The round's email went out in the same way, right after the job's commit.
        assert db.session.scalars(select(OutboxMessage.status)).all() == ["sent"]
