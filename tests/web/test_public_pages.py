"""Public pages and the API's opportunity as an anonymous visitor gets them: each list shown once and
in order, and nothing put in the visitor's session (so no cookie) on a page anyone can read."""

from __future__ import annotations

import re

import pytest

from matcher.extensions import db
from matcher.models import Country


@pytest.fixture
def host(users):
    """A verified organisation working in two countries, with two published opportunities."""
    organisation = users.organisation(name="Road2IR", slug="road2ir", country_code="GB")
    organisation.countries = [db.session.get(Country, "UG"), db.session.get(Country, "KE")]
    first = users.opportunity(
        organisation,
        title="Elective in Kampala",
        interests=("nephrostomy", "pph-embolisation", "gi-bleeding"),
        languages=(("fr", "conversational"), ("en", "professional")),
    )
    second = users.opportunity(organisation, title="Elective in Nairobi", interests=("abscess-drainage",))
    users.opportunity(organisation, title="A draft", status="draft")
    db.session.commit()
    return organisation, first, second


def _tags(html: str) -> list[str]:
    return re.findall(r'<span class="tag">([^<]+)</span>', html)


def test_opportunity_page_lists_each_interest_and_language_once_in_order(client, host):
    _, first, _ = host

    page = client.get(f"/opportunities/{first.id}").get_data(as_text=True)

    # The taxonomy's order for interests, the language codes' order for languages.
    assert _tags(page) == [
        "Post-partum haemorrhage embolisation",
        "Gastrointestinal bleeding",
        "Nephrostomy",
    ]
    assert "<dd>English (professional), French (conversational)</dd>" in page


def test_organisation_page_shows_its_countries_and_each_published_card_once(client, host):
    organisation, first, second = host

    page = client.get(f"/organisations/{organisation.slug}").get_data(as_text=True)

    assert "<dt>Based in</dt><dd>United Kingdom" in page
    assert "<dt>Works in</dt><dd>Kenya, Uganda</dd>" in page
    cards = re.findall(r'<a href="/opportunities/(\d+)">', page)
    assert cards == [str(first.id), str(second.id)]  # by start date, then id; the draft is not shown
    assert _tags(page) == [
        "Post-partum haemorrhage embolisation",
        "Gastrointestinal bleeding",
        "Nephrostomy",
        "Abscess drainage",
    ]
    assert "A draft" not in page


@pytest.mark.parametrize(
    "path",
    ["/", "/organisations", "/organisations/{slug}", "/opportunities/{id}"],
    ids=["home", "organisations", "organisation", "opportunity"],
)
def test_anonymous_visitor_gets_no_session_cookie(client, host, path):
    organisation, first, _ = host

    response = client.get(path.format(slug=organisation.slug, id=first.id))

    assert response.status_code == 200
    # No form on these pages for a visitor, so no CSRF token to keep: a cookie would make the
    # page personal, and no shared cache could keep it.
    assert response.headers.getlist("Set-Cookie") == []
    assert 'name="csrf_token"' not in response.get_data(as_text=True)


def test_api_opportunity_lists_each_interest_and_language_once_in_order(client, host):
    _, first, _ = host

    answer = client.get(f"/api/v1/opportunities/{first.id}").get_json()

    assert answer["interests"] == ["pph-embolisation", "gi-bleeding", "nephrostomy"]
    assert answer["languages"] == [
        {"code": "en", "level": "professional"},
        {"code": "fr", "level": "conversational"},
    ]
    assert answer["organisation"]["slug"] == "road2ir"


def test_api_opportunity_of_a_draft_is_not_found(client, users):
    draft = users.opportunity(title="Not yet", status="draft")

    assert client.get(f"/api/v1/opportunities/{draft.id}").status_code == 404
