"""A real worker (Huey's consumer, in threads, as `flask serve` runs it) on a committed database:
a run started through the page completes in the background; the progress page follows a running
job; a failure is retried; emails are delivered after their commit.

The test's own session never keeps a transaction open while the worker works: on SQLite one
writer at a time holds the whole file.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from matcher.extensions import db
from matcher.jobs import lifecycle, registry
from matcher.models import JobStatus, MatchRun, OutboxMessage, User
from tests.jobs.conftest import HANG_GUARD_S, LiveApp
from tests.security.forms import signup_form
from tests.support.factories import UserFactory
from tests.support.rounds import east_africa


def log_in_coordinator(live: LiveApp):
    live.data().create(role="coordinator", name="Grace Kamau", email="grace@example.org")
    db.session.commit()
    client = live.app.test_client()
    response = client.post("/login", data={"email": "grace@example.org", "password": UserFactory.PASSWORD})
    assert response.status_code == 302
    return client


def test_a_run_started_through_the_page_completes_in_the_background(live_app: LiveApp):
    east_africa(live_app.data())
    db.session.commit()
    client = log_in_coordinator(live_app)
    response = client.post("/coordination/rounds/new", data={"name": "East Africa 2027", "mode": "ranked"})
    round_id = int(response.headers["Location"].rpartition("/")[2])
    db.session.rollback()

    started = time.perf_counter()
    response = client.post(f"/coordination/rounds/{round_id}/run", data={"seed": "7"})
    took = time.perf_counter() - started
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].rpartition("/")[2])
    print(f"POST /run answered in {took * 1000:.0f} ms")  # reported, never asserted (no timed tests)

    job = live_app.wait_for(job_id, JobStatus.DONE, JobStatus.FAILED)
    assert job.status == JobStatus.DONE, job.error
    run_id = db.session.scalars(select(MatchRun.id)).one()
    counts = db.session.get(MatchRun, run_id).counts
    db.session.rollback()
    assert job.result_url == f"/coordination/runs/{run_id}" and counts["proposed"] == 3
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'href="/coordination/runs/{run_id}"' in page and "Run 1: see the proposed matches" in page
    review = client.get(job.result_url)
    assert review.status_code == 200 and "Run 1: proposed matches" in review.get_data(as_text=True)


def test_the_progress_page_follows_a_running_job_until_it_is_done(live_app: LiveApp, monkeypatch, pause):
    halfway, go_on = pause(), pause()

    def slow(session, job, progress):
        progress(1, 2, "Half way there.")
        halfway.set()
        assert go_on.wait(HANG_GUARD_S)
        return "/coordination/rounds", "See the rounds"

    monkeypatch.setitem(registry.JOB_KINDS, "slow", slow)
    client = log_in_coordinator(live_app)
    coordinator = db.session.scalars(select(User)).one()
    job = lifecycle.start(
        db.session, coordinator, kind="slow", title="A slow job", parameters={}, dedupe_key="slow"
    )
    db.session.commit()
    job_id = job.id
    db.session.rollback()

    assert halfway.wait(HANG_GUARD_S)
    running = live_app.wait_for(job_id, JobStatus.RUNNING)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "running" in page and "Running since" in page and "check again" in page
    if db.engine.dialect.name == "postgresql":
        # Recorded in its own transaction while the job's is still open.
        assert running.progress_note == "Half way there." and "1 of 2 steps" in page
    else:
        # SQLite: one writer at a time, and the job holds it; the note comes with the end.
        assert running.progress_note == "Started."
    go_on.set()
    done = live_app.wait_for(job_id, JobStatus.DONE)
    assert done.result_url == "/coordination/rounds" and done.attempts == 1
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "See the rounds" in page and "check again" not in page


def test_a_failed_job_is_retried_by_a_coordinator_and_then_done(live_app: LiveApp, monkeypatch):
    tries = []

    def flaky(session, job, progress):
        tries.append(job.attempts)
        if len(tries) == 1:
            raise ConnectionError("the advisory service did not answer")
        return None, None

    monkeypatch.setitem(registry.JOB_KINDS, "flaky", flaky)
    client = log_in_coordinator(live_app)
    coordinator = db.session.scalars(select(User)).one()
    job = lifecycle.start(
        db.session, coordinator, kind="flaky", title="Import advisories", parameters={}, dedupe_key="flaky"
    )
    db.session.commit()
    job_id = job.id
    db.session.rollback()

    failed = live_app.wait_for(job_id, JobStatus.FAILED)
    assert "ConnectionError: the advisory service did not answer" in failed.error
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "What went wrong" in page and "Retry" in page
    assert client.post(f"/jobs/{job_id}/retry").status_code == 303
    done = live_app.wait_for(job_id, JobStatus.DONE)
    assert done.attempts == 2 and tries == [1, 2] and done.error is None


def test_emails_are_delivered_by_the_worker_after_their_commit(live_app: LiveApp):
    client = live_app.app.test_client()
    response = client.post("/signup", data=signup_form("amina@example.org", name="Amina Mushi"))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:1000]
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
        db.session.rollback()
        if statuses and set(statuses) == {"sent"}:
            break
        assert time.monotonic() < deadline, statuses
        time.sleep(0.05)
    assert statuses == ["sent"]
