"""The certificate's pages (issue 22): a host's confirmation, the visitor's printable certificate,
and the public check of its code."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.impact import LogEntry, VisitCompletion
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(VisitCompletion))


def test_a_host_confirms_and_a_second_confirm_says_nothing_changed(scene, auth, client):
    auth.login_as(scene.host)
    url = f"/visits/{scene.teaching.id}/completions/{scene.nurse.id}"
    first = client.post(url, follow_redirects=False)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/visits/{scene.teaching.id}")
    assert _count() == 1
    code = db.session.scalar(select(VisitCompletion.certificate_code))
    second = client.post(url, follow_redirects=True)
    assert "already confirmed as completed: nothing changed" in second.get_data(as_text=True)
    assert _count() == 1 and db.session.scalar(select(VisitCompletion.certificate_code)) == code


def test_a_visitor_cannot_confirm_and_strangers_find_nothing(scene, auth, client):
    url = f"/visits/{scene.teaching.id}/completions/{scene.nurse.id}"
    auth.login_as(scene.physician)
    assert client.post(url).status_code == 403
    auth.logout()
    auth.login_as(scene.stranger)
    assert client.post(url).status_code == 404
    assert _count() == 0


def test_the_certificate_is_the_visitors_own_and_only_once_confirmed(scene, auth, client):
    url = f"/visits/{scene.elective.id}/certificate"
    auth.login_as(scene.student)
    assert client.get(url).status_code == 404  # the host has not confirmed yet
    scene.complete(scene.elective, scene.student, code="code-of-the-student")
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Student Visitor" in text and "IR elective in Mbeya" in text and "Mbeya Outreach" in text
    assert "Host Member" in text and "4 weeks" in text
    assert "/certificates/code-of-the-student</span>" in text
    assert 'href="/static/css/certificate.css' in text
    assert client.get(f"{url}?user={scene.physician.id}").status_code == 404  # not theirs to see
    auth.logout()
    auth.login_as(scene.stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?user={scene.student.id}").status_code == 404


def test_a_host_views_a_visitors_certificate(scene, auth, client):
    scene.complete(scene.elective, scene.student)
    auth.login_as(scene.host)
    url = f"/visits/{scene.elective.id}/certificate"
    assert client.get(url).status_code == 404  # the host has none of their own
    page = client.get(f"{url}?user={scene.student.id}")
    assert page.status_code == 200 and "Student Visitor" in page.get_data(as_text=True)


def test_the_check_address_comes_from_the_configured_base_url(scene, auth, client, app, monkeypatch):
    scene.complete(scene.elective, scene.student, code="base-url-code")
    auth.login_as(scene.student)
    monkeypatch.setitem(app.config, "BASE_URL", "https://ir.example.org/matcher")
    text = client.get(f"/visits/{scene.elective.id}/certificate").get_data(as_text=True)
    assert "https://ir.example.org/matcher/certificates/base-url-code" in text


def test_the_certificate_shows_only_confirmed_figures(scene, auth, client):
    for confirmed, hours in ((True, "2"), (True, "1.5"), (False, "7")):
        db.session.add(
            LogEntry(
                visit_id=scene.teaching.id,
                author_id=scene.physician.id,
                held_on=scene.today - timedelta(days=5),
                kind="lecture",
                hours=Decimal(hours),
                learners_present=4,
                confirmed_at=utcnow() if confirmed else None,
            )
        )
    db.session.commit()
    scene.complete(scene.teaching, scene.physician)
    auth.login_as(scene.physician)
    text = client.get(f"/visits/{scene.teaching.id}/certificate").get_data(as_text=True)
    assert "From 2 confirmed logbook entries" in text
    assert '<th scope="row">Lectures</th><td>2</td>' in text
    assert "<td>3.5</td>" in text and "<td>7" not in text and "<td>10.5" not in text


def test_the_public_check(scene, client):
    scene.complete(scene.elective, scene.student, code="genuine-code")
    page = client.get("/certificates/genuine-code")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "This certificate is genuine" in text
    assert "Student Visitor" in text and "IR elective in Mbeya" in text and "Mbeya Outreach" in text
    missing = client.get("/certificates/made-up-code")
    assert missing.status_code == 404
    assert "No certificate has this code." in missing.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_the_public_check_is_rate_limited(scene, client):
    statuses = [client.get("/certificates/made-up-code").status_code for _ in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429
