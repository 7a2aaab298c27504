"""The read API for partners (issue 24): organisation filters, unknown parameters refused, full
items, the OpenAPI document the views are built on, the /api page, and validators (304)."""

from __future__ import annotations

import json
from decimal import Decimal

import feedparser
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from matcher.api.schemas import OpportunityQuery
from tests.support.querycount import counting_queries
from tests.support.teaching import make_request, make_site


@pytest.fixture
def partners(users):
    """Road2IR with an elective and a teaching visit at a site; RAD-AID with an observership;
    an unverified organisation with a published opportunity nobody may see."""
    road = users.organisation(name="Road2IR", slug="road2ir")
    rad = users.organisation(name="RAD-AID", slug="rad-aid")
    hidden = users.organisation(name="Not yet", slug="not-yet", verified=False)
    site = make_site(
        users.session, road, name="Muhimbili", readiness={"ultrasound": "yes", "c_arm": "limited"}
    )
    request = make_request(
        users.session, site, procedures=("pph-embolisation",), roles={"ir-nurse": (1, 2)}, status="open"
    )
    elective = users.opportunity(
        road,
        title="Elective in Dar",
        description="Four weeks in a busy department.",
        requirements="Bring your own lead apron.",
        fee_amount=Decimal("250.00"),
        fee_currency="USD",
        accommodation_provided=True,
        needs_visa=True,
        needs_immunisations=True,
    )
    visit = users.opportunity(
        road, title="Teaching visit", type="teaching_visit", site_id=site.id, teaching_request_id=request.id
    )
    observership = users.opportunity(
        rad, title="Observership in Kampala", country_code="UG", stipend_provided=True
    )
    users.opportunity(hidden, title="Unseen")
    return {"elective": elective, "visit": visit, "observership": observership}


def _titles(client, query: str) -> list[str]:
    response = client.get("/api/v1/opportunities" + query)
    assert response.status_code == 200, response.get_json()
    return sorted(item["title"] for item in response.get_json()["items"])


def _problems(response) -> dict[str, str]:
    assert response.status_code == 400 and response.is_json
    return {p["parameter"]: p["message"] for p in response.get_json()["error"]["problems"]}


def test_the_organisation_filter_keeps_only_that_organisations_opportunities(client, partners):
    assert _titles(client, "") == ["Elective in Dar", "Observership in Kampala", "Teaching visit"]
    assert _titles(client, "?organisation=road2ir") == ["Elective in Dar", "Teaching visit"]
    assert _titles(client, "?organisation=rad-aid") == ["Observership in Kampala"]
    both = "?organisation=road2ir&organisation=rad-aid"
    assert _titles(client, both) == ["Elective in Dar", "Observership in Kampala", "Teaching visit"]
    assert _titles(client, "?organisation=road2ir&type=teaching_visit") == ["Teaching visit"]
    assert client.get("/api/v1/opportunities?organisation=rad-aid").get_json()["total"] == 1


@pytest.mark.parametrize("slug", ["nobody", "not-yet"])
def test_an_unknown_or_unverified_organisation_is_refused_by_name(client, partners, slug):
    problems = _problems(client.get(f"/api/v1/opportunities?organisation=road2ir&organisation={slug}"))
    assert set(problems) == {"organisation"} and f"“{slug}”" in problems["organisation"]
    assert client.get(f"/opportunities/feed.atom?organisation={slug}").status_code == 400


def test_unknown_parameters_are_refused_naming_each(client, partners):
    problems = _problems(client.get("/api/v1/opportunities?organisaton=road2ir&colour=blue&type=research"))
    assert set(problems) == {"organisaton", "colour"}
    assert all("not one the API knows" in message for message in problems.values())
    # A page-only filter (it needs a signed-in applicant) is no parameter of the API.
    assert set(_problems(client.get("/api/v1/opportunities?matchable=1"))) == {"matchable"}
    assert set(_problems(client.get("/api/v1/organisations?colour=blue"))) == {"colour"}
    assert set(_problems(client.get(f"/api/v1/opportunities/{partners['elective'].id}?x=1"))) == {"x"}
    twice = _problems(client.get("/api/v1/opportunities?country=TZ&country=UG"))
    assert set(twice) == {"country"} and "once" in twice["country"]
    feed = client.get("/opportunities/feed.atom?colour=blue")
    assert feed.status_code == 400 and not feed.is_json


def test_empty_values_and_every_documented_parameter_are_accepted(client, partners):
    """The form's empty fields mean no filter; each name the OpenAPI document lists is known."""
    assert _titles(client, "?region=&country=&organisation=") == _titles(client, "")
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/api/v1/opportunities"]["get"]["parameters"]
    names = [p["name"] for p in parameters if p.get("in") == "query"]
    assert names == list(OpportunityQuery.model_fields)
    assert {"$ref": "#/components/parameters/IfNoneMatch"} in parameters
    for name in names:
        response = client.get("/api/v1/opportunities", query_string={name: ""})
        assert response.status_code == 200, (name, response.get_json())


def test_items_carry_costs_texts_requirements_site_and_teaching_needs(client, partners):
    items = {i["title"]: i for i in client.get("/api/v1/opportunities").get_json()["items"]}
    elective, visit = items["Elective in Dar"], items["Teaching visit"]
    assert elective["fee"] == {"amount": "250.00", "currency": "USD"}
    assert elective["description"] == "Four weeks in a busy department." and elective["written_in"] == "en"
    assert (elective["accommodation_provided"], elective["stipend_provided"]) == (True, False)
    assert elective["requirements"] == {
        "visa": True,
        "temporary_licence": False,
        "indemnity": False,
        "immunisations": True,
        "text": "Bring your own lead apron.",
    }
    assert (elective["site"], elective["teaching_needs"]) == (None, None)
    assert items["Observership in Kampala"]["fee"] is None
    assert items["Observership in Kampala"]["stipend_provided"] is True
    site = visit["site"]
    assert (site["name"], site["city"], site["country"]) == ("Muhimbili", "Dar es Salaam", "TZ")
    assert site["readiness"]["resources"] == {"c_arm": "limited", "ultrasound": "yes"}
    needs = visit["teaching_needs"]
    assert needs["mode"] == "on_site"
    assert [p["code"] for p in needs["procedures"]] == ["pph-embolisation"]
    assert needs["roles"] == [{"profession": "ir-nurse", "minimum": 1, "maximum": 2}]
    one = client.get(f"/api/v1/opportunities/{partners['visit'].id}").get_json()
    assert one == visit


def _validator(document: dict, schema: str) -> Draft202012Validator:
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{schema}"})


def test_the_openapi_document_is_valid_and_describes_what_the_views_send(client, partners):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    validate_openapi(document)
    assert document["openapi"].startswith("3.1")
    listing = client.get("/api/v1/opportunities").get_json()
    assert len(listing["items"]) == 3
    _validator(document, "OpportunityPage").validate(listing)
    _validator(document, "OpportunityItem").validate(
        client.get(f"/api/v1/opportunities/{partners['visit'].id}").get_json()
    )
    _validator(document, "OrganisationPage").validate(client.get("/api/v1/organisations").get_json())
    _validator(document, "ErrorBody").validate(client.get("/api/v1/opportunities?colour=blue").get_json())
    _validator(document, "ErrorBody").validate(client.get("/api/v1/opportunities/999999").get_json())
    # The schema is strict where the views are: an item missing a field, or a wrong type, fails.
    broken = dict(listing["items"][0], fee={"amount": 250, "currency": "USD"})
    assert not _validator(document, "OpportunityItem").is_valid(broken)
    assert not _validator(document, "OpportunityItem").is_valid({"id": 1})


def test_the_feeds_take_the_organisation(client, partners):
    parsed = feedparser.parse(client.get("/organisations/road2ir/feed.atom").data)
    assert parsed.bozo == 0 and parsed.feed.title == "Road2IR: new opportunities"
    assert sorted(e.title for e in parsed.entries) == ["Elective in Dar", "Teaching visit"]
    filtered = feedparser.parse(client.get("/organisations/road2ir/feed.atom?type=teaching_visit").data)
    assert [e.title for e in filtered.entries] == ["Teaching visit"]
    shared = feedparser.parse(client.get("/opportunities/feed.atom?organisation=rad-aid").data)
    assert [e.title for e in shared.entries] == ["Observership in Kampala"]
    assert client.get("/organisations/nobody/feed.atom").status_code == 404
    assert client.get("/organisations/not-yet/feed.atom").status_code == 404
    assert client.get("/organisations/road2ir/feed.atom?organisation=rad-aid").status_code == 400
    assert client.get("/organisations/road2ir/feed.atom?colour=blue").status_code == 400
    page = client.get("/organisations/road2ir").get_data(as_text=True)
    assert 'href="/organisations/road2ir/feed.atom"' in page and 'href="/api"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/opportunities?organisation=road2ir",
        "/api/v1/organisations",
        "/api/v1/openapi.json",
        "/organisations/road2ir/feed.atom",
        "/api",
    ],
)
def test_a_repeated_fetch_with_the_etag_is_a_304(client, partners, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    stale = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_a_change_gives_a_new_etag(client, users, partners):
    first = client.get("/api/v1/opportunities?organisation=rad-aid")
    partners["observership"].title = "Observership in Entebbe"
    users.session.commit()
    again = client.get(
        "/api/v1/opportunities?organisation=rad-aid", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert again.get_json()["items"][0]["title"] == "Observership in Entebbe"


def test_the_api_page_is_built_from_the_document(client, partners):
    response = client.get("/api")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert len(response.data) < 100 * 1024 and "<script" not in page
    document = json.loads(client.get("/api/v1/openapi.json").data)
    for path, methods in document["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page
    for schema in document["components"]["schemas"]:
        assert f'id="schema-{schema}"' in page
    assert "<code>organisation</code>" in page and "<code>teaching_needs</code>" in page
    assert 'href="/api"' in client.get("/").get_data(as_text=True)  # the footer links it


def _statements(client, path: str) -> int:
    client.get(path)  # the first request of a process reads the reference data
    with counting_queries() as log:
        assert client.get(path).status_code == 200
    return log.count


def test_details_cost_the_same_statements_however_many_visits_are_listed(client, users, partners):
    """Sites, readiness, procedures and roles are read once per list, not once per item."""
    few = _statements(client, "/api/v1/opportunities?organisation=road2ir")
    road = partners["visit"].organisation
    for n in range(3):
        site = make_site(users.session, road, readiness={"ct": "no", "drains": "yes"})
        request = make_request(users.session, site, procedures=("nephrostomy",), status="open")
        users.opportunity(
            road, title=f"Visit {n}", type="teaching_visit", site_id=site.id, teaching_request_id=request.id
        )
    many = _statements(client, "/api/v1/opportunities?organisation=road2ir")
    assert len(client.get("/api/v1/opportunities?organisation=road2ir").get_json()["items"]) == 5
    assert many == few, (few, many)
    one = _statements(client, f"/api/v1/opportunities/{partners['visit'].id}")
    assert one <= 5, one  # the opportunity with its site and request; readiness, procedures, roles; levels
