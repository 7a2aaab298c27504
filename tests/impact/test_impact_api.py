"""The impact API: an organisation's figures, figures by filter, refusals as JSON, ETags, and the
OpenAPI document describing both paths."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matcher.extensions import db
from matcher.services.impact.figures import ImpactFilter, impact_figures
from tests.impact.figures_scene import Y1, Y2, build
from tests.support.impact import impact_scene


@pytest.fixture
def ledger(users):
    return build(db.session, impact_scene(db.session, users))


def test_an_organisations_figures(client, ledger):
    response = client.get(f"/api/v1/organisations/{ledger.org.slug}/impact")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["ETag"].startswith("W/")
    body = response.get_json()
    assert body["organisation"]["slug"] == ledger.org.slug and body["year"] is None
    f = body["figures"]
    assert (f["visits"], f["visitors"], f["visit_weeks"], f["person_weeks"]) == (3, 3, 7.4, 11.4)
    assert f["procedures"] == 16
    assert f["procedures_by_role"] == {"observed": 3, "assisted": 7, "supervised": 2, "independent": 4}
    assert [(c["group"], c["cases"]) for c in f["procedures_by_category"]] == [
        ("Embolisation", 9),
        ("Drainage and percutaneous access", 3),
        ("Biopsy and vascular access", 4),
    ]
    assert (f["local_learners_trained"], f["independent_milestones"], f["supervised_milestones"]) == (3, 2, 2)
    assert [y["year"] for y in body["by_year"]] == [Y2, Y1]
    assert [y["figures"]["visits"] for y in body["by_year"]] == [2, 1]
    assert sum(y["figures"]["procedures"] for y in body["by_year"]) == f["procedures"]
    assert body["url"].endswith(f"/organisations/{ledger.org.slug}/impact")
    text = response.get_data(as_text=True)
    assert "Student Visitor" not in text and "Amani" not in text


def test_one_year_and_the_etag(client, ledger):
    url = f"/api/v1/organisations/{ledger.org.slug}/impact?year={Y1}"
    first = client.get(url)
    assert first.get_json()["figures"]["visits"] == 1 and first.get_json()["year"] == Y1
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_labels_follow_the_readers_language(client, ledger):
    body = client.get(f"/api/v1/organisations/{ledger.org.slug}/impact", headers={"Accept-Language": "fr"})
    labels = [c["label"] for c in body.get_json()["figures"]["procedures_by_category"]]
    assert "Drainages et abords percutanés" in labels


def test_figures_by_filter_count_verified_organisations_only(client, ledger):
    body = client.get("/api/v1/impact?region=Africa").get_json()
    expected = impact_figures(db.session, ImpactFilter(region="Africa", verified_only=True))
    assert body["figures"]["visits"] == expected.visits == 2  # not the unverified organisation's
    both = client.get(f"/api/v1/impact?organisation={ledger.org.slug}&country=NP&year={Y2}").get_json()
    assert both["figures"]["visits"] == 1 and both["figures"]["procedures"] == 6


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=soon", "year"),
        ("country=XX", "country"),
        ("region=Atlantis", "region"),
        ("organisation=nobody", "organisation"),
        ("colour=blue", "colour"),
        ("year=2024&year=2025", "year"),
    ],
)
def test_refusals_are_json_400s_naming_the_parameter(client, ledger, query, parameter):
    response = client.get(f"/api/v1/impact?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert parameter in [p["parameter"] for p in response.get_json()["error"]["problems"]]


def test_an_unverified_organisation_is_not_found_as_json(client, ledger):
    response = client.get(f"/api/v1/organisations/{ledger.unverified.slug}/impact")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert client.get(f"/api/v1/impact?organisation={ledger.unverified.slug}").status_code == 400


def test_the_openapi_document_describes_both_paths(client):
    document = json.loads(client.get("/api/v1/openapi.json").get_data(as_text=True))
    one = document["paths"]["/api/v1/organisations/{slug}/impact"]["get"]
    every = document["paths"]["/api/v1/impact"]["get"]
    assert {p["name"] for p in every["parameters"] if p.get("in") == "query"} == {
        "region",
        "country",
        "year",
        "organisation",
    }
    assert one["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/OrganisationImpact"
    )
    assert "404" in one["responses"] and "400" in every["responses"]
    schemas = document["components"]["schemas"]
    assert {"OrganisationImpact", "Impact", "Figures", "CategoryFigures"} <= set(schemas)
    assert "visit_weeks" in schemas["Figures"]["properties"]


def test_the_document_states_the_years_the_api_takes(client, ledger):
    """The schema's bounds are the ones enforced: from 2000 to next year, nothing up to 9999."""
    document = json.loads(client.get("/api/v1/openapi.json").get_data(as_text=True))
    for path in ("/api/v1/impact", "/api/v1/organisations/{slug}/impact"):
        [year] = [p for p in document["paths"][path]["get"]["parameters"] if p.get("name") == "year"]
        assert year["schema"]["minimum"] == 2000 and "maximum" not in year["schema"]
        assert "From 2000" in year["description"] and "current year + 1" in year["description"]
    last = date.today().year + 1
    for path in ("/api/v1/impact", f"/api/v1/organisations/{ledger.org.slug}/impact"):
        assert client.get(f"{path}?year=2000").status_code == 200
        assert client.get(f"{path}?year={last}").status_code == 200
        for refused in (1999, last + 1):
            response = client.get(f"{path}?year={refused}")
            assert response.status_code == 400
            assert [p["parameter"] for p in response.get_json()["error"]["problems"]] == ["year"]
