"""Volunteers browse open teaching requests: by default those they can teach or assist with, each
with what they cover and the rules they fail, in words."""

from __future__ import annotations

import re

import pytest

from matcher.extensions import db
from tests.support.teaching import site, teaching_request, volunteer

TITLE = re.compile(r'<h2 class="card-title"><a href="/teaching-requests/(\d+)">([^<]+)</a></h2>')


def titles(page: str) -> list[str]:
    return [title for _, title in TITLE.findall(page)]


@pytest.fixture
def requests_(users):
    organisation = users.organisation(name="Moshi Host")
    at = site(db.session, organisation)
    return {
        "pph": teaching_request(db.session, at, title="PPH course"),
        "drainage": teaching_request(
            db.session, at, title="Drainage course", procedure_codes=("abscess-drainage",), roles=()
        ),
        "closed": teaching_request(db.session, at, title="Closed course", status="closed"),
    }


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/teaching-requests")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_by_default_only_requests_the_volunteer_covers_and_all_on_request(auth, client, users, requests_):
    auth.login_as(volunteer(users, teaches=("pph-embolisation",), months=(3,), licences=(("TZ", None),)))
    mine = client.get("/teaching-requests").get_data(as_text=True)
    assert titles(mine) == ["PPH course"]
    assert "you can teach it" in mine and "not in your skills" in mine  # nephrostomy missing
    assert "You meet the host's rules for this request." in mine
    every = client.get("/teaching-requests", query_string={"all": "1"}).get_data(as_text=True)
    assert sorted(titles(every)) == ["Drainage course", "PPH course"]
    assert "Closed course" not in every


def test_each_failed_rule_is_said_to_the_volunteer(auth, client, users, requests_):
    nurse = volunteer(
        users,
        profession="ir-nurse",
        assists=("pph-embolisation",),
        teaches=(),
        instructs=(("fr", "professional"),),
        months=(9,),
        weeks=1,
    )
    auth.login_as(nurse)
    page = client.get("/teaching-requests").get_data(as_text=True)
    assert titles(page) == ["PPH course"]
    assert "you can assist" in page
    for words in (
        "your profession, IR nurse, is not among them",
        "Teaching there is in English; you have not marked English as a language you teach in.",
        "The host prefers March and April; none of your months (September) is among them.",
        "The visit takes 2 weeks; you have 1 week left to give in 2027.",
        "You hold no valid licence to practise in Tanzania.",
    ):
        assert words in page, words


def test_someone_without_a_profile_sees_every_open_request_without_a_fit(auth, client, requests_):
    auth.login("coordinator")
    page = client.get("/teaching-requests").get_data(as_text=True)
    assert sorted(titles(page)) == ["Drainage course", "PPH course"]
    assert "What does not fit" not in page


def test_the_page_is_in_the_volunteer_s_language(auth, client, users, requests_):
    auth.login_as(volunteer(users, months=(9,)))
    page = client.get("/teaching-requests", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Embolisation pour hémorragie du post-partum" in page
    assert "Septembre" in page
