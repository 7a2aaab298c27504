"""The local learners' answers shown together: only from three answers or once the feedback window
has closed, with averages, a chart and its table, comments in a stable shuffled order, no dates."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models.impact import FEEDBACK_WINDOW_DAYS, LearnerResponse
from matcher.services.errors import NotFound
from matcher.services.impact import learner_links
from matcher.services.impact.learner_links import Answers
from tests.support.impact import impact_scene

ANSWERS = [
    Answers(5, 4, "The simulator sessions", "More cases"),
    Answers(4, None, "Being allowed to scrub in", ""),
    Answers(2, 2, "", "The lectures were too fast"),
]


def _answer(scene, visit, answers: list[Answers]) -> None:
    made = learner_links.make_links(db.session, scene.host, visit, len(answers), 60, scene.today)
    for link, given in zip(made, answers, strict=True):
        learner_links.answer(db.session, link.token, given, scene.today)
    db.session.commit()


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def test_fewer_than_three_answers_stay_hidden_while_the_window_is_open(client, auth, scene):
    _answer(scene, scene.elective, ANSWERS[:2])
    result = learner_links.summary(db.session, scene.elective.id, scene.today)
    assert (result.released, result.count, result.needed) == (False, 2, 1)
    assert result.usefulness is None and result.helped == () and result.improve == ()
    assert result.shows_on == scene.elective.ends_on + timedelta(days=FEEDBACK_WINDOW_DAYS)
    auth.login_as(scene.host)
    page = client.get(f"/visits/{scene.elective.id}/learner-feedback").get_data(as_text=True)
    assert "2 local learners have answered so far." in page
    assert "The simulator sessions" not in page and "<svg" not in page


def test_three_answers_show_together(client, auth, scene):
    _answer(scene, scene.elective, ANSWERS)
    result = learner_links.summary(db.session, scene.elective.id, scene.today)
    assert result.released and result.count == 3
    assert result.usefulness.counts == (0, 1, 0, 1, 1) and result.usefulness.average == 3.7
    assert result.confidence.counts == (0, 1, 0, 1, 0) and result.confidence.answered == 2
    assert result.confidence.average == 3.0
    assert sorted(result.helped) == ["Being allowed to scrub in", "The simulator sessions"]  # no empty ones
    assert sorted(result.improve) == ["More cases", "The lectures were too fast"]
    assert learner_links.summary(db.session, scene.elective.id, scene.today) == result  # a stable order
    auth.login_as(scene.student)  # a visitor sees them too
    response = client.get(f"/visits/{scene.elective.id}/learner-feedback")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and '<title id="usefulness-title">' in page and "<desc" in page
    assert "<caption>How useful the teaching was" in page
    assert "The simulator sessions" in page and "The lectures were too fast" in page
    assert scene.today.isoformat() not in page  # no dates beside the answers


def test_the_answers_of_one_visit_stay_with_it(scene):
    _answer(scene, scene.elective, ANSWERS)
    other = learner_links.summary(db.session, scene.teaching.id, scene.today)
    assert (other.count, other.released) == (0, False)


@pytest.mark.parametrize(
    ("ended_days_ago", "released"), [(FEEDBACK_WINDOW_DAYS - 1, False), (FEEDBACK_WINDOW_DAYS, True)]
)
def test_one_answer_shows_once_the_window_has_closed(users, ended_days_ago, released):
    scene = impact_scene(db.session, users, ended_days_ago=ended_days_ago)
    _answer(scene, scene.teaching, ANSWERS[:1])
    result = learner_links.summary(db.session, scene.teaching.id, scene.today)
    assert (result.released, result.count) == (released, 1)
    assert bool(result.helped) is released


def test_no_answer_after_the_window_says_so(client, auth, users):
    scene = impact_scene(db.session, users, ended_days_ago=FEEDBACK_WINDOW_DAYS + 5)
    auth.login_as(scene.coordinator)
    page = client.get(f"/visits/{scene.teaching.id}/learner-feedback").get_data(as_text=True)
    assert "No local learner has answered." in page


def test_the_hosts_pages_show_nothing_about_single_links(client, auth, scene):
    made = learner_links.make_links(db.session, scene.host, scene.elective, 4, 60, scene.today)
    for link, given in zip(made, ANSWERS, strict=False):
        learner_links.answer(db.session, link.token, given, scene.today)
    db.session.commit()
    auth.login_as(scene.host)
    for url in (
        f"/visits/{scene.elective.id}/learner-feedback",
        f"/visits/{scene.elective.id}/learner-links",
    ):
        page = client.get(url).get_data(as_text=True)
        assert not any(link.token in page or link.token.replace("-", "") in page for link in made)
        assert scene.today.isoformat() not in page
        assert "/f/" not in page


def test_who_sees_the_answers(client, auth, scene):
    url = f"/visits/{scene.elective.id}/learner-feedback"
    assert "/login" in client.get(url).headers["Location"]
    for person, status in (
        (scene.host, 200),
        (scene.coordinator, 200),
        (scene.student, 200),
        (scene.other_host, 404),
        (scene.stranger, 404),
        (scene.nurse, 404),  # a visitor of the other visit
    ):
        auth.login_as(person)
        assert client.get(url).status_code == status, person.name
        auth.logout()


def test_the_charts_description_counts_answers_not_points(client, auth, scene):
    """Singular or plural follows the number of answers at each point, not the point itself."""
    _answer(
        scene, scene.elective, [Answers(5, None, "", ""), Answers(5, None, "", ""), Answers(2, None, "", "")]
    )
    auth.login_as(scene.host)
    page = client.get(f"/visits/{scene.elective.id}/learner-feedback").get_data(as_text=True)
    desc = page.split('<desc id="usefulness-desc">', 1)[1].split("</desc>", 1)[0]
    assert " ".join(desc.split()) == "1: 0 answers. 2: 1 answer. 3: 0 answers. 4: 0 answers. 5: 2 answers."


def test_the_comments_order_follows_a_fingerprint_of_each_answer_not_its_text_nor_its_place(scene):
    texts = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    _answer(scene, scene.elective, [Answers(4, None, text, text.lower()) for text in texts])
    rows = db.session.execute(
        select(LearnerResponse.id, LearnerResponse.helped).where(
            LearnerResponse.visit_id == scene.elective.id
        )
    ).all()

    def order(part: str) -> list[int]:
        def key(row):
            return hashlib.sha256(f"{scene.elective.id}:{part}:{row.id}".encode()).hexdigest()

        return [row.id for row in sorted(rows, key=key)]

    by_id = {row.id: row.helped for row in rows}
    result = learner_links.summary(db.session, scene.elective.id, scene.today)
    assert list(result.helped) == [by_id[i] for i in order("helped")]
    assert list(result.improve) == [by_id[i].lower() for i in order("improve")]


def test_a_released_summary_needs_no_more_answers_and_still_says_when_it_would_have_shown(scene):
    _answer(scene, scene.elective, ANSWERS)
    result = learner_links.summary(db.session, scene.elective.id, scene.today)
    assert (result.released, result.needed) == (True, 0)
    assert result.shows_on == scene.elective.ends_on + timedelta(days=FEEDBACK_WINDOW_DAYS)


def test_the_summary_of_no_visit_is_not_found(scene):
    with pytest.raises(NotFound) as missing:
        learner_links.summary(db.session, scene.elective.id + 10_000, scene.today)
    assert missing.value.message == "There is no such visit."
