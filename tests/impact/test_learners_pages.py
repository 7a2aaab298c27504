"""The local learners' pages (issue 22): the site's list and its form, a learner's page and its two
forms; errors at their field with 422 and nothing lost; 404 for anyone but the site's people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.impact import LocalLearner, Milestone
from matcher.services.impact import learners
from matcher.services.impact.learners import LearnerData
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _url(scene, learner=None, suffix=""):
    base = f"/sites/{scene.site.id}/learners"
    return f"{base}/{learner.id}{suffix}" if learner else base


def test_the_list_says_who_sees_it_and_registers_a_learner(scene, auth, client):
    auth.login_as(scene.host)
    page = client.get(_url(scene))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "A name or initials is enough" in text and "Only your organisation" in text
    response = client.post(_url(scene), data={"name": "G. K.", "level": "nurses"})
    assert response.status_code == 302
    listed = client.get(_url(scene)).get_data(as_text=True)
    assert "G. K." in listed and "Nurses" in listed


def test_a_duplicate_name_is_refused_at_the_field_keeping_the_input(scene, auth, client):
    learners.register(db.session, scene.host, scene.site, LearnerData(name="G. K."))
    db.session.commit()
    auth.login_as(scene.host)
    response = client.post(_url(scene), data={"name": "g. k.", "level": "radiographers"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "There is a problem" in text and 'value="g. k."' in text
    assert 'id="name-error"' in text
    assert db.session.scalar(select(func.count()).select_from(LocalLearner)) == 1


@pytest.mark.parametrize("who", ["other_host", "student", "stranger"])
def test_others_are_told_there_is_no_such_page(scene, auth, client, who):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    db.session.commit()
    auth.login_as(getattr(scene, who))
    assert client.get(_url(scene)).status_code == 404
    assert client.post(_url(scene), data={"name": "B"}).status_code == 404
    assert client.get(_url(scene, learner)).status_code == 404
    assert client.post(_url(scene, learner), data={"learner-name": "C"}).status_code == 404
    assert client.post(_url(scene, learner, "/milestones"), data={}).status_code == 404
    db.session.expire_all()
    assert [r.learner.name for r in learners.learners_of(db.session, scene.site)] == ["A"]


def test_a_learner_of_another_site_is_not_found_here(scene, auth, client, users):
    from tests.support.teaching import make_site

    other = make_site(db.session, scene.org, name="Other", slug="other")
    learner = learners.register(db.session, scene.host, other, LearnerData(name="A"))
    db.session.commit()
    auth.login_as(scene.host)
    assert client.get(_url(scene, learner)).status_code == 404


def test_the_learner_page_edits_and_enters_a_milestone(scene, auth, client):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    db.session.commit()
    auth.login_as(scene.coordinator)
    assert client.get(_url(scene, learner)).status_code == 200
    response = client.post(
        _url(scene, learner), data={"learner-name": "A. B.", "learner-level": "radiologists"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (learner.name, learner.level, learner.active) == ("A. B.", "radiologists", False)  # box unticked
    procedure = scene.procedures["nephrostomy"]
    day = scene.today - timedelta(days=200)
    response = client.post(
        _url(scene, learner, "/milestones"),
        data={
            "milestone-procedure": str(procedure.id),
            "milestone-kind": "first_independent",
            "milestone-achieved_on": day.isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(_url(scene, learner)).get_data(as_text=True)
    assert "entered by the host" in page and "Percutaneous nephrostomy" in page


def test_a_refused_milestone_shows_at_its_field_with_422(scene, auth, client):
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    db.session.commit()
    auth.login_as(scene.host)
    tomorrow = scene.today + timedelta(days=1)
    response = client.post(
        _url(scene, learner, "/milestones"),
        data={
            "milestone-procedure": str(scene.procedures["nephrostomy"].id),
            "milestone-kind": "first_supervised",
            "milestone-achieved_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The date cannot be in the future." in text and tomorrow.isoformat() in text
    assert 'id="milestone-achieved_on-error"' in text
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
    response = client.post(_url(scene, learner, "/milestones"), data={})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('class="error"') >= 3


def test_a_refused_edit_keeps_the_input(scene, auth, client):
    learners.register(db.session, scene.host, scene.site, LearnerData(name="Taken"))
    learner = learners.register(db.session, scene.host, scene.site, LearnerData(name="A"))
    db.session.commit()
    auth.login_as(scene.host)
    response = client.post(_url(scene, learner), data={"learner-name": "taken", "learner-active": "y"})
    assert response.status_code == 422
    assert 'value="taken"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert learner.name == "A"
