"""Links into the after-visit pages from the pages people already use (issue 22)."""

from __future__ import annotations

import pytest

from matcher.extensions import db
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _get(client, auth, user, url) -> str:
    auth.login_as(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_students_placements_link_to_the_visit(scene, client, auth):
    page = _get(client, auth, scene.student, "/placements")
    assert f'href="/visits/{scene.elective.id}"' in page
    assert 'href="/visits"' in page  # the main navigation


def test_a_volunteers_team_place_links_to_the_visit(scene, client, auth):
    page = _get(client, auth, scene.physician, "/teaching/visits")
    assert f'href="/visits/{scene.teaching.id}"' in page


def test_the_hosts_placements_and_organisation_page_link_to_the_visits(scene, client, auth):
    page = _get(client, auth, scene.host, f"/opportunities/{scene.elective.id}/placements")
    assert f'href="/visits/{scene.elective.id}"' in page
    page = client.get(f"/organisations/{scene.org.slug}").get_data(as_text=True)
    assert page.count('href="/visits"') == 2  # the navigation and the organisation's own links


def test_a_visit_not_started_is_not_linked(users, client, auth):
    scene = impact_scene(db.session, users, ended_days_ago=-40)  # starts in the future
    page = _get(client, auth, scene.physician, "/teaching/visits")
    assert f'href="/visits/{scene.teaching.id}"' not in page
