"""After your visits (issue 22): "Your visits" and one visit's after-page, for a visitor, a host,
a coordinator and a stranger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.impact import FEEDBACK_WINDOW_DAYS, LogEntry, VisitFeedback
from matcher.services.impact import feedback, hub, learner_links
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _entry(scene, author, visit, *, confirmed: bool, **fields) -> LogEntry:
    fields = {"kind": "lecture", "topic": "Access", "hours": 1, "learners_present": 4, **fields}
    entry = LogEntry(
        visit_id=visit.id,
        author_id=author.id,
        held_on=visit.starts_on,
        confirmed_at=utcnow() if confirmed else None,
        confirmed_by_id=scene.host.id if confirmed else None,
        **fields,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def _feedback(visit, visitor, side, author) -> None:
    db.session.add(
        VisitFeedback(visit_id=visit.id, visitor_id=visitor.id, side=side, author_id=author.id, rating=4)
    )
    db.session.commit()


def _page(client, auth, user, url):
    auth.login_as(user)
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_a_visitor_sees_where_they_stand(scene, client, auth):
    _entry(scene, scene.student, scene.elective, confirmed=True)
    _entry(scene, scene.student, scene.elective, confirmed=False)
    _entry(scene, scene.physician, scene.teaching, confirmed=True)  # someone else's visit
    scene.complete(scene.elective, scene.student, code="cert-hub-1")
    _feedback(scene.elective, scene.student, "host", scene.host)  # the host's, not yet readable
    status, page = _page(client, auth, scene.student, "/visits")
    assert status == 200
    assert "IR elective in Mbeya" in page and "Teaching visit to Mbeya" not in page
    assert "Logbook: 2 entries recorded, 1 confirmed by the host." in page
    assert f"/visits/{scene.elective.id}/certificate" in page
    assert f"/visits/{scene.elective.id}/feedback" in page
    assert "Write your feedback on the placement" in page
    assert "ready to read" not in page  # double-blind: the host's waits for the student's
    assert "Your organisations' visits" not in page


def test_the_hosts_feedback_is_readable_once_both_have_written(scene, client, auth):
    _feedback(scene.elective, scene.student, "host", scene.host)
    _feedback(scene.elective, scene.student, "visitor", scene.student)
    status, page = _page(client, auth, scene.student, "/visits")
    assert status == 200
    assert "feedback on you is ready to read." in page
    assert "You wrote your feedback." in page


def test_the_hosts_feedback_alone_is_readable_once_the_window_has_closed(users, client, auth):
    scene = impact_scene(db.session, users, ended_days_ago=FEEDBACK_WINDOW_DAYS + 1)
    _feedback(scene.elective, scene.student, "host", scene.host)
    status, page = _page(client, auth, scene.student, "/visits")
    assert status == 200
    assert "feedback on you is ready to read." in page
    assert "Write your feedback on the placement" in page


def test_a_visit_not_started_is_not_listed_and_feedback_opens_after_the_end(users, client, auth):
    scene = impact_scene(db.session, users, ended_days_ago=-5)  # ends in five days
    scene.elective.starts_on = scene.today + timedelta(days=1)
    db.session.commit()
    status, page = _page(client, auth, scene.physician, "/visits")
    assert "Teaching visit to Mbeya" in page
    assert "Feedback opens on" in page
    assert f"/visits/{scene.teaching.id}/certificate" not in page
    client.post("/logout")
    status, page = _page(client, auth, scene.student, "/visits")
    assert status == 200
    assert "IR elective in Mbeya" not in page
    assert "No visit yet." in page


def test_a_host_sees_what_waits_for_them(scene, client, auth):
    _entry(scene, scene.student, scene.elective, confirmed=False)
    _entry(scene, scene.student, scene.elective, confirmed=False)
    _entry(scene, scene.nurse, scene.teaching, confirmed=True)
    scene.complete(scene.teaching, scene.physician)
    _feedback(scene.teaching, scene.nurse, "host", scene.host)
    nobody = scene.users.opportunity(  # started, but nobody holds a place on it: not a visit yet
        scene.org,
        title="Elective nobody took",
        status="closed",
        starts_on=scene.elective.starts_on,
        ends_on=scene.elective.ends_on,
        deadline=None,
    )
    status, page = _page(client, auth, scene.host, "/visits")
    assert nobody.title not in page
    assert status == 200
    assert "2 logbook entries to confirm" in page
    assert "1 visitor to confirm as completed" in page  # the student on the elective; and the nurse:
    assert page.count("1 visitor to confirm as completed") == 2
    assert "1 visitor to write feedback on" in page  # the physician (the nurse has hers)
    assert "1 visitor to write feedback on" in page and "2 visitors to write" not in page
    assert f"/sites/{scene.site.id}/learners" in page
    assert "Visits you took part in" not in page


def test_another_organisations_member_and_a_coordinator(scene, client, auth):
    status, page = _page(client, auth, scene.other_host, "/visits")
    assert status == 200 and "IR elective in Mbeya" not in page and "No visit yet." in page
    client.post("/logout")
    status, page = _page(client, auth, scene.coordinator, "/visits")
    assert status == 200 and "/coordination/impact" in page and "IR elective in Mbeya" not in page


def test_the_visit_page_for_its_host(scene, client, auth):
    _entry(scene, scene.physician, scene.teaching, confirmed=True)
    _entry(scene, scene.nurse, scene.teaching, confirmed=False)
    scene.complete(scene.teaching, scene.physician)
    _feedback(scene.teaching, scene.nurse, "visitor", scene.nurse)
    status, page = _page(client, auth, scene.host, f"/visits/{scene.teaching.id}")
    assert status == 200
    assert "2 entries recorded: 1 confirmed by the host, 1 waiting." in page
    assert "Physician Visitor" in page and "Nurse Visitor" in page
    visit = scene.teaching.id
    # The physician is confirmed; the nurse can be, with the button.
    assert f'action="/visits/{visit}/completions/{scene.nurse.id}"' in page
    assert f'action="/visits/{visit}/completions/{scene.physician.id}"' not in page
    assert "The visitor has written theirs." in page  # the nurse's, not readable before the host's
    assert f"/visits/{visit}/feedback/{scene.nurse.id}" in page
    assert f"/visits/{visit}/learner-links" in page and f"/visits/{visit}/learner-feedback" in page
    assert f"/sites/{scene.site.id}/learners" in page
    assert f"/visits/{visit}/log" in page
    assert f"/organisations/{scene.org.slug}/impact" in page


def test_the_visit_page_for_a_visitor(scene, client, auth):
    scene.complete(scene.teaching, scene.nurse)
    status, page = _page(client, auth, scene.nurse, f"/visits/{scene.teaching.id}")
    assert status == 200
    assert "Where you stand" in page
    assert f"/visits/{scene.teaching.id}/certificate" in page
    assert f"/visits/{scene.teaching.id}/feedback" in page
    assert "/completions/" not in page and "/learner-links" not in page and "/learners" not in page


@pytest.mark.parametrize("who", ["stranger", "other_host", "student"])
def test_others_are_told_there_is_no_such_visit(scene, client, auth, who):
    status, _ = _page(client, auth, getattr(scene, who), f"/visits/{scene.teaching.id}")
    assert status == 404


def test_signed_out_people_are_sent_to_log_in(scene, client):
    assert client.get("/visits").status_code == 302
    assert client.get(f"/visits/{scene.elective.id}").status_code == 302


@pytest.mark.parametrize(
    "days_after", [FEEDBACK_WINDOW_DAYS - 1, FEEDBACK_WINDOW_DAYS, FEEDBACK_WINDOW_DAYS + 1]
)
def test_the_hub_and_the_feedback_pages_agree_on_the_day_feedback_shows(users, days_after):
    """One rule for every page (QA found the hub a day later than the feedback pages)."""
    scene = impact_scene(db.session, users, ended_days_ago=days_after)
    state = hub.feedback_state(scene.elective, {"host"}, scene.today)
    assert state.released_on == feedback.release_on(scene.elective)
    assert state.released == feedback.released(scene.elective, scene.student.id, [], scene.today)
    assert state.released == (days_after >= FEEDBACK_WINDOW_DAYS)
    shows_on = learner_links.summary(db.session, scene.elective.id, scene.today).shows_on
    assert shows_on == feedback.release_on(scene.elective)
