"""The host's feedback links for local learners: made in numbers, stored as fingerprints only,
shown once on a printable sheet, withdrawn; hosts and staff only, from the visit's start."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.formatting import day
from matcher.models.impact import LearnerLink, LearnerResponse
from matcher.services.errors import DomainError, PermissionDenied
from matcher.services.impact import learner_links
from tests.support.impact import impact_scene

LINK = re.compile(r"http://matcher\.test/f/([a-z0-9-]+)")


def _printed(page: str) -> list[str]:
    """The tokens of the links as the sheet prints them (its text, without the markup)."""
    return LINK.findall(re.sub(r"<[^>]+>", "", page))


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _links(visit_id: int) -> list[LearnerLink]:
    return list(db.session.scalars(select(LearnerLink).where(LearnerLink.visit_id == visit_id)))


def test_the_host_makes_links_shown_once_and_stored_as_fingerprints(client, auth, scene):
    auth.login_as(scene.host)
    response = client.post(f"/visits/{scene.teaching.id}/learner-links", data={"number": "4", "days": "30"})
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    assert "cannot be shown again" in page
    assert "css/learner-links.css" in page  # the print stylesheet
    tokens = _printed(page)
    assert len(tokens) == 4 and len(set(tokens)) == 4
    rows = _links(scene.teaching.id)
    assert len(rows) == 4
    stored = {row.token_hash for row in rows}
    assert stored == {hashlib.sha256(t.replace("-", "").encode()).hexdigest() for t in tokens}
    for token in tokens:
        assert all(token not in value and token.replace("-", "") not in value for value in stored)
    assert {row.expires_on for row in rows} == {scene.today + timedelta(days=30)}
    assert {row.created_by_id for row in rows} == {scene.host.id}
    assert _links(scene.elective.id) == []  # nothing made for another visit
    # The links page afterwards counts them but never shows them again.
    again = client.get(f"/visits/{scene.teaching.id}/learner-links").get_data(as_text=True)
    assert not _printed(again)
    assert not any(token in again for token in tokens)


def test_each_printed_link_opens_the_form(client, auth, scene):
    auth.login_as(scene.host)
    page = client.post(f"/visits/{scene.elective.id}/learner-links", data={"number": "2", "days": "60"})
    auth.logout()
    for token in _printed(page.get_data(as_text=True)):
        assert client.get(f"/f/{token}").status_code == 200
        # Typed from paper: without dashes, in capitals.
        assert client.get(f"/f/{token.replace('-', '').upper()}").status_code == 200


def test_the_default_is_sixty_days(client, auth, scene):
    auth.login_as(scene.host)
    form = client.get(f"/visits/{scene.elective.id}/learner-links").get_data(as_text=True)
    assert 'name="days"' in form and 'value="60"' in form
    client.post(f"/visits/{scene.elective.id}/learner-links", data={"number": "1", "days": "60"})
    assert [link.expires_on for link in _links(scene.elective.id)] == [scene.today + timedelta(days=60)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "0", "days": "60"}, "number", "Make from 1 to 100 links at a time."),
        ({"number": "101", "days": "60"}, "number", "Make from 1 to 100 links at a time."),
        ({"number": "", "days": "60"}, "number", "Say how many links to make."),
        ({"number": "many", "days": "60"}, "number", "Enter a whole number, like 12."),
        ({"number": "5", "days": "181"}, "days", "Choose from 1 to 180 days."),
        ({"number": "5", "days": "0"}, "days", "Choose from 1 to 180 days."),
    ],
)
def test_bad_numbers_are_refused_at_their_field(client, auth, scene, data, field, message):
    auth.login_as(scene.host)
    response = client.post(f"/visits/{scene.elective.id}/learner-links", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert "There is a problem" in page
    assert f'value="{data[field]}"' in page or data[field] == ""  # what was typed stays
    assert _links(scene.elective.id) == []


def test_not_before_the_visit_starts(client, auth, scene, users):
    later = users.opportunity(
        scene.org, starts_on=scene.today + timedelta(days=3), ends_on=scene.today + timedelta(days=20)
    )
    with pytest.raises(DomainError):
        learner_links.make_links(db.session, scene.host, later, 3, 60, scene.today)
    auth.login_as(scene.coordinator)
    page = client.get(f"/visits/{later.id}/learner-links")
    assert page.status_code == 200
    assert "from the first day of the visit" in page.get_data(as_text=True)
    assert 'name="number"' not in page.get_data(as_text=True)
    assert (
        client.post(f"/visits/{later.id}/learner-links", data={"number": "2", "days": "5"}).status_code == 422
    )
    assert _links(later.id) == []


def test_only_hosts_and_staff_make_links(client, auth, scene):
    with pytest.raises(PermissionDenied):
        learner_links.make_links(db.session, scene.student, scene.elective, 2, 60, scene.today)
    auth.login_as(scene.student)  # a visitor knows the visit: refused
    assert client.get(f"/visits/{scene.elective.id}/learner-links").status_code == 403
    assert (
        client.post(
            f"/visits/{scene.elective.id}/learner-links", data={"number": "2", "days": "60"}
        ).status_code
        == 403
    )
    auth.logout()
    auth.login_as(scene.other_host)  # may not know the visit exists
    assert client.get(f"/visits/{scene.elective.id}/learner-links").status_code == 404
    auth.logout()
    auth.login_as(scene.coordinator)
    assert (
        client.post(
            f"/visits/{scene.elective.id}/learner-links", data={"number": "2", "days": "60"}
        ).status_code
        == 200
    )
    assert len(_links(scene.elective.id)) == 2


def test_counts_made_used_unused_expired(scene):
    made = learner_links.make_links(db.session, scene.host, scene.elective, 5, 10, scene.today)
    learner_links.answer(db.session, made[0].token, learner_links.Answers(4, None, "", ""), scene.today)
    db.session.commit()
    old = _links(scene.elective.id)[1]
    old.expires_on = scene.today - timedelta(days=1)
    db.session.commit()
    assert learner_links.counts(db.session, scene.elective.id, scene.today) == learner_links.LinkCounts(
        made=5, used=1, unused=3, expired=1
    )


def test_withdrawing_closes_only_unused_links(client, auth, scene):
    made = learner_links.make_links(db.session, scene.host, scene.elective, 3, 60, scene.today)
    other = learner_links.make_links(db.session, scene.host, scene.teaching, 1, 60, scene.today)
    learner_links.answer(db.session, made[0].token, learner_links.Answers(5, 4, "x", ""), scene.today)
    db.session.commit()
    auth.login_as(scene.host)
    response = client.post(f"/visits/{scene.elective.id}/learner-links/revoke")
    assert response.status_code == 302
    assert learner_links.counts(db.session, scene.elective.id, scene.today) == learner_links.LinkCounts(
        made=3, used=1, unused=0, expired=2
    )
    assert learner_links.counts(db.session, scene.teaching.id, scene.today).unused == 1  # untouched
    for link in made[1:]:
        closed = client.get(f"/f/{link.token}")
        assert closed.status_code == 410
        assert "the hosts of the visit withdrew it" in closed.get_data(as_text=True)
        assert "its time to answer is over" not in closed.get_data(as_text=True)
        sent = client.post(f"/f/{link.token}", data={"usefulness": "3"})
        assert sent.status_code == 410
    assert db.session.scalar(select(func.count()).select_from(LearnerResponse)) == 1
    assert client.get(f"/f/{other[0].token}").status_code == 200


def test_withdrawing_sets_the_last_day_to_yesterday_on_open_links_only(scene):
    today = scene.today
    learner_links.make_links(db.session, scene.host, scene.elective, 4, 60, today)
    used, last_day, expired, open_ = _links(scene.elective.id)
    used.used_at, last_day.expires_on, expired.expires_on = (
        utcnow(),
        today,
        today - timedelta(days=3),
    )
    db.session.commit()
    before = used.expires_on
    assert learner_links.revoke_unused(db.session, scene.host, scene.elective, today) == 2
    db.session.commit()
    db.session.expire_all()
    assert [(link.expires_on, link.withdrawn_on) for link in (used, last_day, expired, open_)] == [
        (before, None),  # used: left as it was
        (today - timedelta(days=1), today),  # open on its last day: withdrawn
        (today - timedelta(days=3), None),  # expired already: left as it was
        (today - timedelta(days=1), today),
    ]


def test_a_link_on_its_last_day_counts_as_unused_and_a_visit_without_links_as_nothing(scene):
    assert learner_links.counts(db.session, scene.teaching.id, scene.today) == learner_links.LinkCounts(
        made=0, used=0, unused=0, expired=0
    )
    learner_links.make_links(db.session, scene.host, scene.elective, 2, 10, scene.today)
    last_day, gone = _links(scene.elective.id)
    last_day.expires_on, gone.expires_on = scene.today, scene.today - timedelta(days=1)
    db.session.commit()
    assert learner_links.counts(db.session, scene.elective.id, scene.today) == learner_links.LinkCounts(
        made=2, used=0, unused=1, expired=1
    )


@pytest.mark.parametrize(
    ("number", "days", "field", "message"),
    [
        (0, 60, "number", "Make from 1 to 100 links at a time."),
        (101, 60, "number", "Make from 1 to 100 links at a time."),
        (5, 0, "days", "Choose from 1 to 180 days."),
        (5, 181, "days", "Choose from 1 to 180 days."),
    ],
)
def test_the_service_refuses_numbers_out_of_range_at_their_field(scene, number, days, field, message):
    with pytest.raises(DomainError) as refused:
        learner_links.make_links(db.session, scene.host, scene.elective, number, days, scene.today)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert _links(scene.elective.id) == []


@pytest.mark.parametrize(("number", "days"), [(100, 1), (1, 180)])
def test_the_service_takes_the_ends_of_the_ranges(scene, number, days):
    made = learner_links.make_links(db.session, scene.host, scene.elective, number, days, scene.today)
    assert len(made) == len(_links(scene.elective.id)) == number
    assert {link.expires_on for link in made} == {scene.today + timedelta(days=days)}


def test_the_service_says_when_links_can_be_made_and_who_makes_them(scene, users):
    later = users.opportunity(
        scene.org, starts_on=scene.today + timedelta(days=3), ends_on=scene.today + timedelta(days=20)
    )
    with pytest.raises(DomainError) as early:
        learner_links.make_links(db.session, scene.host, later, 3, 60, scene.today)
    assert (
        early.value.message
        == f"You can make feedback links from the first day of the visit, {day(later.starts_on)}."
    )
    with pytest.raises(PermissionDenied) as refused:
        learner_links.make_links(db.session, scene.student, scene.elective, 2, 60, scene.today)
    assert refused.value.message == "Only the visit's hosts can make feedback links."


def test_a_token_is_read_as_typed_from_paper():
    assert learner_links.normalise(" AbCd-efgh jkmn\n") == "abcdefghjkmn"
    assert learner_links.normalise("abcd efgh") == "abcdefgh"
