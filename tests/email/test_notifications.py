"""Notifications: preferences, unsubscribe, digests, reminders, and delivery that survives outages."""

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.mail.digests import send_digests, send_reminders
from matcher.mail.outbox import queue_email
from matcher.mail.preferences import set_frequency
from matcher.models import (
    DigestItem,
    Match,
    MatchRound,
    MatchRun,
    NotificationPreference,
    OutboxMessage,
    User,
)
from matcher.reference.sync import sync_reference_data
from matcher.services.organisations import alert_coordinators
from tests.support.apps import make_app
from tests.support.databases import PG_URL, fresh_database
from tests.support.factories import UserFactory
from tests.support.jobs import run_queued_jobs

TODAY = date.today()


@pytest.fixture
def app_config(smtp_sink):
    return {**smtp_sink.config(), "MAIL_BACKOFF_SECONDS": 1}


def queue_match_mail(app, user):
    with app.test_request_context():
        return queue_email(
            db.session,
            to=user,
            template="round_finished",
            subject="Run 1 finished",
            category="coordination",
            context={
                "round": {"name": "R"},
                "run": {"number": 1, "seed": 1, "counts": {}},
                "link": "http://matcher.test/x",
            },
        )


def rows(status=None):
    stmt = select(OutboxMessage)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return db.session.scalars(stmt.order_by(OutboxMessage.id)).all()


def test_preferences_off_digest_and_immediate(app, users):
    person = users.create(role="coordinator")
    assert queue_match_mail(app, person) is not None  # default: immediate
    set_frequency(db.session, person, "coordination", "daily")
    assert queue_match_mail(app, person) is None
    assert db.session.scalars(select(DigestItem.text)).all() == ["Run 1 finished"]
    set_frequency(db.session, person, "coordination", "off")
    assert queue_match_mail(app, person) is None
    assert len(rows()) == 1 and db.session.scalar(select(func.count()).select_from(DigestItem)) == 1


def test_preferences_apply_again_at_send_time(app, users, smtp_sink):
    person = users.create(role="coordinator")
    queue_match_mail(app, person)
    db.session.commit()
    set_frequency(db.session, person, "coordination", "off")
    db.session.commit()
    report = deliver_due(db.session)
    assert report.skipped == 1 and report.sent == 0 and smtp_sink.received == []
    assert rows()[0].status == "skipped"


def test_settings_page_saves_choices_and_keeps_account_mail_on(client, auth):
    user = auth.login("student")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Account and security emails" in page and 'name="alerts" value="immediate"' not in page
    client.post("/account/notifications", data={"matching": "weekly", "alerts": "daily"})
    saved = dict(
        db.session.execute(
            select(NotificationPreference.category, NotificationPreference.frequency).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    assert saved == {"matching": "weekly", "alerts": "daily"}
    response = client.post("/account/notifications", data={"alerts": "immediate"}, follow_redirects=True)
    assert "New opportunities that match your interests come only as a daily or weekly summary." in (
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("student", ["Matches and", "New opportunities"], ["Your organisation", "Coordination:"]),
        ("org_member", ["Your organisation", "Matches and"], ["New opportunities", "Coordination:"]),
        ("coordinator", ["Coordination:", "Matches and"], ["Your organisation", "New opportunities"]),
    ],
)
def test_settings_show_only_the_categories_of_the_persons_role(client, auth, role, shown, hidden):
    auth.login(role)
    page = client.get("/account/notifications").get_data(as_text=True)
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert all(any(label in legend for legend in legends) for label in shown), legends
    assert not any(label in legend for legend in legends for label in hidden), legends


def test_a_category_outside_the_role_is_not_saved(client, auth):
    user = auth.login("student")
    client.post("/account/notifications", data={"coordination": "off", "matching": "daily"})
    saved = db.session.execute(
        select(NotificationPreference.category, NotificationPreference.frequency).where(
            NotificationPreference.user_id == user.id
        )
    ).all()
    assert [tuple(row) for row in saved] == [("matching", "daily")]


def test_unsubscribe_header_and_one_click_link_work_without_login(app, users, smtp_sink):
    person = users.create(role="coordinator", email="grace@example.org")
    queue_match_mail(app, person)
    db.session.commit()
    deliver_due(db.session)
    (received,) = smtp_sink.received
    header = received.message["List-Unsubscribe"]
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(http://matcher\.test(/unsubscribe/\S+))>", header)
    assert url and url.group(1) in received.text
    anonymous = app.test_client()
    assert "Stop these emails?" in anonymous.get(url.group(2)).get_data(as_text=True)
    response = anonymous.post(url.group(2), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.get_data(as_text=True)
    pref = db.session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == person.id)
    )
    assert (pref.category, pref.frequency) == ("coordination", "off")
    assert anonymous.post("/unsubscribe/forged-token").status_code == 404


def test_account_mail_has_no_unsubscribe(client, smtp_sink):
    client.post(
        "/signup",
        data={
            "role": "student",
            "name": "A",
            "email": "a@example.org",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    deliver_due(db.session)
    assert smtp_sink.received[0].message["List-Unsubscribe"] is None


def test_new_organisation_tells_the_coordinators_once_its_address_is_confirmed(app, client, users):
    coordinator = users.create(role="coordinator", email="coord@example.org")
    client.post(
        "/signup",
        data={
            "role": "org_member",
            "name": "Host",
            "email": "h@example.org",
            "organisation_name": "Kigali IR",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    contact = db.session.scalar(select(User).where(User.email == "h@example.org"))
    contact.email_verified_at = utcnow()
    db.session.commit()
    with app.test_request_context():
        assert alert_coordinators(db.session) == 1
        assert alert_coordinators(db.session) == 0  # told once
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "organisations_awaiting")
    ).one()
    assert mail.to_address == coordinator.email and "Kigali IR" in mail.body_text


def test_digest_is_sent_once_per_period_with_alerts_for_new_opportunities(app, users):
    student = users.create(role="student", email="s@example.org")
    users.profile(student, interests=("tace",))
    wanted = users.opportunity(title="TACE elective", interests=("tace",))
    users.opportunity(title="Unrelated", interests=("nephrostomy",))
    applied = users.opportunity(title="Already applied", interests=("tace",))
    users.application(student, applied)
    set_frequency(db.session, student, "alerts", "daily")
    with app.test_request_context():
        assert send_digests(db.session, TODAY) == 1
        assert send_digests(db.session, TODAY) == 0  # same day: nothing more
    (digest,) = rows()
    assert digest.to_address == "s@example.org" and "TACE elective" in digest.body_text
    assert "Unrelated" not in digest.body_text and "Already applied" not in digest.body_text
    assert f"/opportunities/{wanted.id}" in digest.body_text
    with app.test_request_context():
        assert send_digests(db.session, TODAY + timedelta(days=1)) == 0  # nothing new: no empty digest


def test_reply_reminders_three_days_and_one_day_before(app, users):
    student = users.create(role="student", email="s@example.org")
    opportunity = users.opportunity()
    match_round = MatchRound(name="R", mode="ranked", scope={})
    run = MatchRun(round=match_round, number=1, algorithm_version="t", seed=1, inputs_hash="x")
    match = Match(
        run=run,
        status="published",
        applicant_id=student.id,
        opportunity_id=opportunity.id,
        response_deadline=TODAY + timedelta(days=3),
    )
    db.session.add_all([match_round, run, match])
    db.session.commit()
    with app.test_request_context():
        assert send_reminders(db.session, TODAY) == 1
        assert send_reminders(db.session, TODAY) == 0
        assert send_reminders(db.session, TODAY + timedelta(days=1)) == 0
        assert send_reminders(db.session, TODAY + timedelta(days=2)) == 1
    assert [r.template for r in rows()] == ["reply_reminder", "reply_reminder"]


def test_outage_nothing_lost_and_each_mail_delivered_once(app, users, smtp_sink):
    people = [users.create(role="coordinator") for _ in range(3)]
    for person in people:
        queue_match_mail(app, person)
    db.session.commit()
    smtp_sink.stop()
    first = deliver_due(db.session)
    assert first.failed == 1 and first.sent == 0  # the worker stops at the first refusal
    failed = rows("failed")[0]
    assert failed.attempts == 1 and failed.next_attempt_at > failed.created_at
    for row in rows():
        row.next_attempt_at = row.created_at
    db.session.commit()
    deliver_due(db.session)
    assert rows("failed")[0].attempts == 2  # attempts rise while the server is down
    smtp_sink.start()
    for row in rows():
        row.next_attempt_at = row.created_at
    db.session.commit()
    assert deliver_due(db.session).sent == 3
    assert deliver_due(db.session).attempted == 0
    ids = [r.message["Message-ID"] for r in smtp_sink.received]
    assert len(ids) == 3 and len(set(ids)) == 3


def test_temporary_failures_then_success_delivers_once(app, users, smtp_sink):
    queue_match_mail(app, users.create(role="coordinator"))
    db.session.commit()
    smtp_sink.scripted_replies = ["451 busy", "451 busy", "451 busy"]
    for attempt in range(1, 4):
        assert deliver_due(db.session).failed == 1
        row = rows()[0]
        assert row.attempts == attempt
        row.next_attempt_at = row.created_at
        db.session.commit()
    assert deliver_due(db.session).sent == 1 and len(smtp_sink.received) == 1


def test_permanent_failure_is_dead_and_an_admin_can_retry_it(app, client, auth, users, smtp_sink):
    queue_match_mail(app, users.create(role="coordinator", email="gone@example.org"))
    db.session.commit()
    smtp_sink.scripted_replies = ["550 mailbox unavailable"]
    assert deliver_due(db.session).dead == 1
    auth.login("admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "gone@example.org" in page and "550" in page
    client.post("/admin/outbox/retry", data={"message_id": [str(rows()[0].id)]})
    assert rows()[0].status == "pending"
    assert deliver_due(db.session).sent == 1


@pytest.fixture
def shared_database(tmp_path, smtp_sink):
    """Committed rows on their own database: several workers need to see the same outbox."""
    with fresh_database(tmp_path, "workers") as scratch:
        app = make_app(scratch, **smtp_sink.config())
        with app.app_context():
            db.create_all()
            sync_reference_data(db.session)
            db.session.commit()
            yield app
            db.session.remove()
            db.engine.dispose()


# The issue asks for 500 rows on PostgreSQL, where SKIP LOCKED lets the workers truly overlap;
# SQLite serialises writers anyway, so a smaller run proves the same there in less time.
ROWS = 500 if PG_URL else 100


def test_two_workers_send_each_row_exactly_once(shared_database, smtp_sink):
    app = shared_database
    person = UserFactory(db.session).create(role="coordinator")
    for _ in range(ROWS):
        queue_match_mail(app, person)
    db.session.commit()
    db.session.remove()
    reports, errors = [], []

    def worker() -> None:
        with app.app_context():
            try:
                reports.append(deliver_due(db.session))
            except Exception as error:  # reported below, so a crash cannot pass unseen
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    ids = [r.message["Message-ID"] for r in smtp_sink.received]
    assert len(ids) == ROWS and len(set(ids)) == ROWS
    assert sum(r.sent for r in reports) == ROWS
    assert all(r.sent > 0 for r in reports) or not PG_URL  # on PostgreSQL both workers took a share
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
        == ROWS
    )


def test_applications_and_withdrawals_tell_the_host_immediately_or_in_a_digest(app, client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    host = users.create(role="org_member", organisation=org, email="host@example.org")
    first, second = users.opportunity(org, title="First"), users.opportunity(org, title="Second")
    student = auth.login("student", name="Amina Mushi")
    users.profile(student)
    client.post(f"/opportunities/{first.id}/apply", data={"motivation": ""})
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "application_received")
    ).one()
    assert mail.to_address == host.email and "Amina Mushi applied to First" in mail.body_text
    set_frequency(db.session, host, "organisation", "daily")
    db.session.commit()
    client.post(f"/opportunities/{second.id}/apply", data={"motivation": ""})
    assert db.session.scalars(select(DigestItem.text).where(DigestItem.user_id == host.id)).all() == [
        "Amina Mushi applied to Second"
    ]
    with app.test_request_context():
        assert send_digests(db.session, TODAY) == 1
    digest = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "digest")).one()
    assert digest.to_address == host.email and "Amina Mushi applied to Second" in digest.body_text


def test_a_finished_round_tells_the_coordinators(client, auth, users):
    other = users.create(role="coordinator", email="other.coordinator@example.org")
    auth.login("coordinator")
    client.post("/coordination/rounds/new", data={"name": "Empty round", "mode": "ranked"})
    match_round = db.session.scalars(select(MatchRound)).one()
    client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "3"})
    assert run_queued_jobs(client.application) == 1
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "round_finished")).all()
    assert other.email in {m.to_address for m in mails}
    assert "Run 1 of Empty round finished (seed 3)" in mails[0].body_text
