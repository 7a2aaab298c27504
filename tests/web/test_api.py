"""The read-only JSON API and the Atom feed."""

from datetime import timedelta

import feedparser
import pytest

from matcher.models import OpportunityStatus


@pytest.fixture
def published(users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    return users.opportunity(
        org,
        title="IR elective at Muhimbili",
        interests=("pph-embolisation", "nephrostomy"),
        level_min=4,
        level_max=6,
        capacity=3,
        places_filled=1,
    )


def test_list_has_the_documented_shape(client, published):
    response = client.get("/api/v1/opportunities")
    body = response.get_json()
    assert response.status_code == 200 and response.is_json
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)
    item = body["items"][0]
    assert item["id"] == published.id and item["title"] == "IR elective at Muhimbili"
    assert item["organisation"] == {"id": published.organisation_id, "name": "Road2IR", "slug": "road2ir"}
    assert (item["country"], item["region"], item["subregion"]) == ("TZ", "Africa", "Eastern Africa")
    assert item["levels"] == ["ms4", "ms6"]
    assert sorted(item["interests"]) == ["nephrostomy", "pph-embolisation"]
    assert item["starts_on"] == published.starts_on.isoformat()
    assert item["ends_on"] == published.ends_on.isoformat()
    assert (item["capacity"], item["places_left"]) == (3, 2)
    assert item["deadline"] == published.deadline.isoformat()
    assert item["url"] == f"http://matcher.test/opportunities/{published.id}"


def test_one_opportunity_and_the_organisations(client, published, users):
    users.organisation(name="Not yet", slug="not-yet", verified=False)
    one = client.get(f"/api/v1/opportunities/{published.id}").get_json()
    assert one["title"] == "IR elective at Muhimbili"
    orgs = client.get("/api/v1/organisations").get_json()["items"]
    assert [o["slug"] for o in orgs] == ["road2ir"]


def test_drafts_are_invisible_to_the_api_and_the_public(client, users, published):
    draft = users.opportunity(published.organisation, title="Draft", status=OpportunityStatus.DRAFT)
    assert client.get(f"/api/v1/opportunities/{draft.id}").status_code == 404
    assert client.get(f"/opportunities/{draft.id}").status_code == 404
    assert [i["id"] for i in client.get("/api/v1/opportunities").get_json()["items"]] == [published.id]


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("country=XX", "country", "not a country code we know"),
        ("per_page=1000", "per_page", "from 1 to 100"),
        ("per_page=0", "per_page", "from 1 to 100"),
        ("page=-1", "page", "whole number"),
        ("type=safari", "type", "Choose a type from the list"),
        ("level=ms9", "level", "Choose a training level from the list: “ms9” is not one."),
        ("interest=knitting", "interest", "Choose interests from the list: “knitting” is not."),
        ("starts_after=2027-13-01", "starts_after", "Enter “Available from” as a real date"),
        ("language=klingon", "language", "to 3 characters"),
        ("language=zz", "language", "not a language code we know"),
        ("open=maybe", "open", "either on (1, true) or off (0, false)"),
        ("region=Atlantis", "region", "Choose a region from the list: “Atlantis” is not one."),
        ("q=" + "x" * 201, "q", "to 200 characters"),
        ("starts_after=2027-05-01&ends_before=2027-04-01", "ends_before", "must not be before"),
    ],
)
def test_bad_parameters_get_a_json_400_naming_them(client, query, parameter, words):
    response = client.get(f"/api/v1/opportunities?{query}")
    assert response.status_code == 400 and response.is_json
    problems = response.get_json()["error"]["problems"]
    assert any(p["parameter"] == parameter and words in p["message"] for p in problems), problems


def test_json_endpoints_never_answer_with_html(client):
    for path in ("/api/v1/opportunities/999999", "/api/v1/nothing"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json
    response = client.delete("/api/v1/opportunities")  # POST creates, with a write token
    assert response.status_code == 405 and response.is_json


def test_cors_headers_allow_partner_sites_to_read(client, published):
    response = client.get("/api/v1/opportunities", headers={"Origin": "https://partner.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/opportunities", headers={"Origin": "https://partner.example"})
    assert preflight.status_code == 200 and "GET" in preflight.headers["Access-Control-Allow-Methods"]
    feed = client.get("/opportunities/feed.atom")
    assert feed.headers["Access-Control-Allow-Origin"] == "*"


def test_feed_parses_as_atom_and_takes_the_same_filters(client, users, published):
    other = users.opportunity(
        published.organisation,
        title="Teaching visit in Kenya",
        country_code="KE",
        type="teaching_visit",
        starts_on=published.starts_on + timedelta(days=10),
    )
    parsed = feedparser.parse(client.get("/opportunities/feed.atom").data)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert {e.title for e in parsed.entries} == {"IR elective at Muhimbili", "Teaching visit in Kenya"}
    entry = next(e for e in parsed.entries if e.title == other.title)
    assert entry.link == f"http://matcher.test/opportunities/{other.id}"
    assert "Road2IR" in entry.author
    filtered = feedparser.parse(client.get("/opportunities/feed.atom?country=KE").data)
    assert [e.title for e in filtered.entries] == ["Teaching visit in Kenya"]
    assert client.get("/opportunities/feed.atom?country=XX").status_code == 400
