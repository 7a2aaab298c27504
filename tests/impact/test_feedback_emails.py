"""Double-blind feedback, the emails, delivered to a real SMTP server (aiosmtpd): both sides asked
once when a visit ends, each reader told once when the other side's feedback can be read, never
with its words; links from BASE_URL; notification settings honoured (not essential mail)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.mail.preferences import set_frequency
from matcher.models.impact import FEEDBACK_WINDOW_DAYS, FeedbackSide
from matcher.models.notification import Category, Frequency, SentOnce
from matcher.services.impact import feedback
from matcher.services.impact.feedback_mail import send_feedback_mail
from tests.support.impact import impact_scene

BASE_URL = "https://matcher.example.org"
SECRET = "Words only the pages show 51d2"


@pytest.fixture
def app_config(smtp_sink):
    return {**smtp_sink.config(), "BASE_URL": BASE_URL}


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def run_job(app, today: date) -> int:
    """What the daily job does: queue, commit, then the worker delivers."""
    with app.test_request_context(base_url="http://attacker.example"):
        queued = send_feedback_mail(db.session, today)
    db.session.commit()
    deliver_due(db.session)
    return queued


def write(app, author, visit, visitor, side, today):
    with app.test_request_context(base_url="http://attacker.example"):
        feedback.write(
            db.session,
            author,
            visit.id,
            visitor.id,
            side,
            rating=4,
            would_return=True,
            comments=SECRET,
            today=today,
        )
    db.session.commit()
    deliver_due(db.session)


def received(smtp_sink) -> list[tuple[str, str]]:
    return sorted((r.rcpt_tos[0], r.message["Subject"]) for r in smtp_sink.received)


def test_when_a_visit_ends_each_visitor_and_host_member_is_asked_once(app, scene, smtp_sink):
    assert run_job(app, scene.today) == 5  # three visitors, the host member once per visit
    assert run_job(app, scene.today) == 0
    assert run_job(app, scene.today + timedelta(days=1)) == 0
    got = received(smtp_sink)
    assert [to for to, _ in got].count(scene.host.email) == 2
    assert {to for to, _ in got} == {p.email for p in (*scene.visitors, scene.host)}
    for r in smtp_sink.received:
        assert f"{BASE_URL}/visits/" in r.text and "attacker" not in r.text + r.html
    to_student = next(r for r in smtp_sink.received if r.rcpt_tos[0] == scene.student.email)
    assert to_student.message["Subject"] == "Your visit to IR elective in Mbeya has ended: how was it?"
    assert f"{BASE_URL}/visits/{scene.elective.id}/feedback" in to_student.text
    assert "once both have written" in to_student.text
    keys = db.session.scalars(select(SentOnce.key).where(SentOnce.key.like("feedback-ask:%"))).all()
    assert len(keys) == 5


def test_nobody_is_asked_before_the_end_nor_long_after(app, users, smtp_sink):
    scene = impact_scene(db.session, users, ended_days_ago=0)
    assert run_job(app, scene.today) == 0
    late = impact_scene(db.session, users, ended_days_ago=20)
    assert run_job(app, late.today) == 0
    assert smtp_sink.received == []


def test_a_visitor_who_wrote_already_is_not_asked(app, scene, smtp_sink):
    write(app, scene.student, scene.elective, scene.student, FeedbackSide.VISITOR, scene.today)
    run_job(app, scene.today)
    assert scene.student.email not in {to for to, _ in received(smtp_sink)}


def test_notification_settings_are_honoured(app, scene, smtp_sink):
    set_frequency(db.session, scene.student, Category.MATCHING, Frequency.OFF)
    set_frequency(db.session, scene.host, Category.MATCHING, Frequency.OFF)
    db.session.commit()
    run_job(app, scene.today)
    assert {to for to, _ in received(smtp_sink)} == {scene.physician.email, scene.nurse.email}


def test_both_sides_are_told_when_the_second_writes_without_the_words(app, scene, smtp_sink):
    write(app, scene.student, scene.elective, scene.student, FeedbackSide.VISITOR, scene.today)
    assert smtp_sink.received == []  # nothing to read yet: the host has not written
    write(app, scene.host, scene.elective, scene.student, FeedbackSide.HOST, scene.today)
    assert received(smtp_sink) == sorted(
        [
            (
                scene.student.email,
                "The host's feedback on your visit to IR elective in Mbeya is ready to read",
            ),
            (scene.host.email, "Student Visitor's feedback on IR elective in Mbeya is ready to read"),
        ]
    )
    for r in smtp_sink.received:
        assert SECRET not in r.text and SECRET not in r.html and "attacker" not in r.text
    to_host = next(r for r in smtp_sink.received if r.rcpt_tos[0] == scene.host.email)
    assert f"{BASE_URL}/visits/{scene.elective.id}/feedback/{scene.student.id}" in to_host.text
    assert run_job(app, scene.today) == 3  # only the other visitors' requests: no release told twice
    assert sum(1 for to, s in received(smtp_sink) if "ready to read" in s) == 2


def test_the_window_releases_one_side_and_tells_its_readers_once(app, users, smtp_sink):
    scene = impact_scene(db.session, users, ended_days_ago=3)
    write(app, scene.student, scene.elective, scene.student, FeedbackSide.VISITOR, scene.today)
    run_job(app, scene.today)  # the requests
    asked = len(smtp_sink.received)
    window = scene.elective.ends_on + timedelta(days=FEEDBACK_WINDOW_DAYS)
    assert run_job(app, window - timedelta(days=1)) == 0
    assert run_job(app, window) == 1  # the host members read the visitor's; the visitor has nothing to read
    assert run_job(app, window + timedelta(days=1)) == 0
    told = smtp_sink.received[asked:]
    assert [r.rcpt_tos[0] for r in told] == [scene.host.email]
    assert SECRET not in told[0].text
    # The host writes after the window: the visitor is told at once, and once.
    write(app, scene.host, scene.elective, scene.student, FeedbackSide.HOST, window + timedelta(days=2))
    assert [r.rcpt_tos[0] for r in smtp_sink.received[asked + 1 :]] == [scene.student.email]
    assert run_job(app, window + timedelta(days=3)) == 0
