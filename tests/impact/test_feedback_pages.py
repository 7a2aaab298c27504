"""Double-blind feedback, the pages: the visitor's (impact.feedback), the host's on one visitor
(impact.host_feedback), the hosts' list, staff's view, and the placements pages' part in it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Match
from matcher.models.impact import VisitFeedback
from tests.support.impact import impact_scene

SECRET_VISITOR = "Visitor words 7f3a"
SECRET_HOST = "Host words 9c1e"


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def sign_in(auth, user):
    auth.logout()
    auth.login_as(user)


def page(client, url) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def rows() -> list[tuple[int, str, int, str]]:
    return [
        (r.visitor_id, r.side, r.rating, r.comments)
        for r in db.session.scalars(select(VisitFeedback).order_by(VisitFeedback.id))
    ]


def visitor_writes(auth, client, scene, **data):
    sign_in(auth, scene.student)
    form = {"rating": "5", "would_return": "yes", "comments": SECRET_VISITOR, **data}
    return client.post(f"/visits/{scene.elective.id}/feedback", data=form)


def host_writes(auth, client, scene, visitor=None, **data):
    sign_in(auth, scene.host)
    visitor = visitor or scene.student
    form = {"rating": "4", "would_return": "no", "comments": SECRET_HOST, **data}
    return client.post(f"/visits/{scene.elective.id}/feedback/{visitor.id}", data=form)


def test_the_visitor_is_told_when_feedback_opens_before_the_end(auth, client, users):
    scene = impact_scene(db.session, users, ended_days_ago=-2)  # ends in two days
    sign_in(auth, scene.student)
    status, html = page(client, f"/visits/{scene.elective.id}/feedback")
    assert status == 200
    assert "Feedback opens on" in html and 'name="rating"' not in html
    response = client.post(
        f"/visits/{scene.elective.id}/feedback", data={"rating": "5", "would_return": "yes"}
    )
    assert response.status_code == 422 and "Feedback opens on" in response.get_data(as_text=True)
    assert rows() == []


def test_the_visitor_s_form_asks_in_fieldsets_and_says_it_cannot_be_changed(auth, client, scene):
    sign_in(auth, scene.student)
    status, html = page(client, f"/visits/{scene.elective.id}/feedback")
    assert status == 200
    assert html.count("<fieldset") == 2 and html.count("<legend>") == 2
    assert html.count('name="rating"') == 5 and html.count('name="would_return"') == 2
    assert 'id="rating-0"' in html and 'id="would_return-0"' in html
    assert "Once you send it, you cannot change it." in html


def test_a_visitor_s_form_without_a_rating_comes_back_with_the_text_kept(auth, client, scene):
    response = visitor_writes(auth, client, scene, rating="", comments="Kept text.")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#rating-0"' in html and "Choose a rating from 1 to 5." in html
    assert "Kept text.</textarea>" in html
    assert rows() == []
    too_long = visitor_writes(auth, client, scene, comments="x" * 5001)
    assert too_long.status_code == 422 and "5,000 characters" in too_long.get_data(as_text=True)
    assert rows() == []


def test_written_feedback_shows_and_cannot_be_changed(auth, client, scene):
    response = visitor_writes(auth, client, scene)
    assert response.status_code == 302
    assert rows() == [(scene.student.id, "visitor", 5, SECRET_VISITOR)]
    _, html = page(client, f"/visits/{scene.elective.id}/feedback")
    assert SECRET_VISITOR in html and 'name="rating"' not in html
    assert "The host has not written theirs yet" in html
    again = visitor_writes(auth, client, scene, rating="1", comments="Changed.")
    summary = again.get_data(as_text=True).split('class="form-errors error-summary"', 1)
    assert again.status_code == 422 and len(summary) == 2  # the error summary says why
    assert "You have already sent your feedback; it cannot be changed." in summary[1].split("</div>")[0]
    assert rows() == [(scene.student.id, "visitor", 5, SECRET_VISITOR)]


def test_the_host_sending_twice_is_told_why_nothing_changed(auth, client, scene):
    assert host_writes(auth, client, scene).status_code == 302
    again = host_writes(auth, client, scene, rating="1", comments="Changed.")
    summary = again.get_data(as_text=True).split('class="form-errors error-summary"', 1)
    assert again.status_code == 422 and len(summary) == 2
    assert "already sent its feedback on this visitor; it cannot be changed." in summary[1].split("</div>")[0]
    assert rows() == [(scene.student.id, "host", 4, SECRET_HOST)]


def test_the_back_link_goes_to_the_visit_s_after_page(auth, client, scene):
    for person in (scene.student, scene.host):
        sign_in(auth, person)
        _, html = page(client, f"/visits/{scene.elective.id}/feedback")
        assert f'<p class="muted"><a href="/visits/{scene.elective.id}">' in html
        assert f'href="/opportunities/{scene.elective.id}"' not in html


def test_each_side_is_hidden_from_the_other_until_both_have_written(auth, client, scene):
    assert host_writes(auth, client, scene).status_code == 302
    # The visitor knows the host has written, not what.
    sign_in(auth, scene.student)
    _, html = page(client, f"/visits/{scene.elective.id}/feedback")
    assert "The host has written their feedback on you" in html and SECRET_HOST not in html
    assert visitor_writes(auth, client, scene).status_code == 302
    _, html = page(client, f"/visits/{scene.elective.id}/feedback")
    assert SECRET_HOST in html and SECRET_VISITOR in html
    sign_in(auth, scene.host)
    _, html = page(client, f"/visits/{scene.elective.id}/feedback/{scene.student.id}")
    assert SECRET_HOST in html and SECRET_VISITOR in html


def test_the_host_does_not_read_the_visitor_s_feedback_before_writing_theirs(auth, client, scene):
    visitor_writes(auth, client, scene)
    sign_in(auth, scene.host)
    for url in (
        f"/visits/{scene.elective.id}/feedback/{scene.student.id}",
        f"/visits/{scene.elective.id}/feedback",
        f"/opportunities/{scene.elective.id}/placements",
    ):
        status, html = page(client, url)
        assert status == 200 and SECRET_VISITOR not in html, url
    _, html = page(client, f"/visits/{scene.elective.id}/feedback/{scene.student.id}")
    assert "has written their feedback. You will see it once you write yours." in html
    _, listing = page(client, f"/visits/{scene.elective.id}/feedback")
    assert "Student Visitor" in listing and "<caption>" in listing


def test_after_thirty_days_one_side_shows_alone(auth, client, users):
    scene = impact_scene(db.session, users, ended_days_ago=30)
    db.session.add(
        VisitFeedback(
            visit_id=scene.elective.id,
            visitor_id=scene.student.id,
            side="visitor",
            author_id=scene.student.id,
            rating=3,
            comments=SECRET_VISITOR,
        )
    )
    db.session.commit()
    sign_in(auth, scene.host)
    for url in (
        f"/visits/{scene.elective.id}/feedback/{scene.student.id}",
        f"/opportunities/{scene.elective.id}/placements",
    ):
        assert SECRET_VISITOR in page(client, url)[1], url


def test_staff_read_both_sides_at_any_time_and_write_neither(auth, client, scene):
    visitor_writes(auth, client, scene)
    sign_in(auth, scene.coordinator)
    status, html = page(client, f"/visits/{scene.elective.id}/feedback/{scene.student.id}")
    assert status == 200 and SECRET_VISITOR in html and 'name="rating"' not in html
    assert "Student Visitor's feedback on the placement" in html
    response = client.post(
        f"/visits/{scene.elective.id}/feedback/{scene.student.id}",
        data={"rating": "3", "would_return": "yes"},
    )
    assert response.status_code == 403
    assert [r[1] for r in rows()] == ["visitor"]


def test_only_hosts_open_the_host_side_and_only_for_the_visit_s_visitors(auth, client, scene):
    url = f"/visits/{scene.elective.id}/feedback/{scene.student.id}"
    sign_in(auth, scene.student)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"rating": "5", "would_return": "yes"}).status_code == 403
    sign_in(auth, scene.stranger)
    assert client.get(url).status_code == 404
    sign_in(auth, scene.other_host)
    assert client.get(url).status_code == 404
    sign_in(auth, scene.host)
    for someone in (scene.stranger, scene.physician, scene.host):
        assert client.get(f"/visits/{scene.elective.id}/feedback/{someone.id}").status_code == 404
    assert client.post(f"/visits/{scene.elective.id}/feedback", data={"rating": "5"}).status_code == 403
    assert rows() == []


def test_the_placements_route_writes_the_visitor_s_side(auth, client, scene):
    match = db.session.scalar(select(Match).where(Match.applicant_id == scene.student.id))
    sign_in(auth, scene.student)
    response = client.post(
        f"/placements/{match.id}/feedback", data={"rating": "4", "feedback": "From the list."}
    )
    assert response.status_code == 302
    assert rows() == [(scene.student.id, "visitor", 4, "From the list.")]
    assert db.session.get(Match, match.id).rating is None  # the old columns are no longer written
    html = page(client, "/placements")[1]
    assert "You rated it 4 of 5." in html
    again = client.post(f"/placements/{match.id}/feedback", data={"rating": "1", "feedback": "Again."})
    assert again.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(VisitFeedback)) == 1


def test_the_placements_list_waits_for_the_end_of_the_visit(auth, client, users):
    scene = impact_scene(db.session, users, ended_days_ago=-3)
    sign_in(auth, scene.student)
    match = db.session.scalar(select(Match).where(Match.applicant_id == scene.student.id))
    html = page(client, "/placements")[1]
    assert "Feedback opens once the visit has ended on" in html
    assert f"/placements/{match.id}/feedback" not in html
    response = client.post(f"/placements/{match.id}/feedback", data={"rating": "4"})
    assert response.status_code == 422 and rows() == []


def test_the_host_s_placements_page_shows_released_feedback_only(auth, client, scene):
    visitor_writes(auth, client, scene)
    sign_in(auth, scene.host)
    url = f"/opportunities/{scene.elective.id}/placements"
    assert SECRET_VISITOR not in page(client, url)[1]
    host_writes(auth, client, scene)
    html = page(client, url)[1]
    assert SECRET_VISITOR in html and "Rated 5/5" in html


def test_the_dashboard_asks_for_feedback_until_it_is_written(auth, client, scene):
    sign_in(auth, scene.student)
    assert "IR elective in Mbeya" in page(client, "/dashboard")[1]
    visitor_writes(auth, client, scene)
    html = page(client, "/dashboard")[1]
    assert "Tell us how" not in html
