"""The write API: a write token creates, updates, publishes and closes its own organisation's
opportunities with the form's validation; everything else is refused and nothing moves."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity
from tests.api_tokens.conftest import bearer

START = date.today() + timedelta(days=90)


def body(**changes):
    data = {
        "title": "Elective in Dar",
        "description": "Four weeks in a busy department.",
        "type": "clinical_elective",
        "host_institution": "Muhimbili National Hospital",
        "city": "Dar es Salaam",
        "country_code": "TZ",
        "level_min": "ms4",
        "level_max": "ms6",
        "starts_on": START.isoformat(),
        "ends_on": (START + timedelta(days=27)).isoformat(),
        "capacity": 2,
        "interests": ["pph-embolisation"],
        "languages": [{"code": "en", "level": "professional"}],
        "fee_amount": "250.00",
        "fee_currency": "usd",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity))


def _problems(response) -> dict[str, str]:
    assert response.status_code == 422 and response.is_json, response.get_data(as_text=True)
    return {p["parameter"]: p["message"] for p in response.get_json()["error"]["problems"]}


def test_create_update_publish_close(client, partners, caplog):
    caplog.set_level(logging.INFO, logger="matcher.audit")
    key = bearer(partners.token("write"))
    made = client.post("/api/v1/opportunities", json=body(), headers=key)
    assert made.status_code == 201, made.get_json()
    item = made.get_json()
    assert item["status"] == "draft" and item["title"] == "Elective in Dar"
    assert item["levels"] == ["ms4", "ms6"] and item["fee"] == {"amount": "250.00", "currency": "USD"}
    assert item["organisation"]["slug"] == "road2ir"
    opportunity = db.session.get(Opportunity, item["id"])
    assert opportunity.organisation_id == partners.road.id and opportunity.created_by_id == partners.member.id
    assert made.headers["Location"].endswith(f"/api/v1/opportunities/{item['id']}")
    # Not public while a draft.
    assert client.get(f"/api/v1/opportunities/{item['id']}").status_code == 404

    changed = client.put(
        f"/api/v1/opportunities/{item['id']}", json=body(title="Elective in Dodoma", capacity=3), headers=key
    )
    assert changed.status_code == 200, changed.get_json()
    db.session.refresh(opportunity)
    assert (opportunity.title, opportunity.capacity, opportunity.status) == ("Elective in Dodoma", 3, "draft")

    published = client.post(f"/api/v1/opportunities/{item['id']}/publish", headers=key)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    assert client.get(f"/api/v1/opportunities/{item['id']}").status_code == 200

    closed = client.post(f"/api/v1/opportunities/{item['id']}/close", headers=key)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    again = client.post(f"/api/v1/opportunities/{item['id']}/close", headers=key)
    assert again.status_code == 409 and "cannot be closed" in again.get_json()["error"]["message"]
    db.session.refresh(opportunity)
    assert opportunity.status == "closed" and _count() == 1
    entries = [json.loads(r.getMessage()) for r in caplog.records if '"api_write"' in r.getMessage()]
    assert [e["details"]["change"] for e in entries] == ["create", "update", "publish", "close"]
    assert {e["user_id"] for e in entries} == {partners.member.id}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": ...}, "title"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"country_code": "XX"}, "country_code"),
        ({"level_min": "nope"}, "level_min"),
        ({"level_min": "ms6", "level_max": "ms4"}, "level_max"),
        ({"ends_on": (START - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"deadline": (START + timedelta(days=1)).isoformat()}, "deadline"),
        ({"fee_currency": None}, "fee_currency"),
        ({"interests": ["no-such-interest"]}, "interests"),
        ({"flexible": True}, "min_weeks"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"written_in": "en", "summaries": {"en": "Same language"}}, "summaries.en"),
        ({"colour": "blue"}, "colour"),
        ({"status": "published"}, "status"),  # no mass assignment: publishing is its own call
        ({"organisation_id": 1}, "organisation_id"),
        ({"city": "Dar\nes Salaam"}, "city"),
    ],
)
def test_refusals_name_the_field_and_save_nothing(client, partners, changes, field):
    key = bearer(partners.token("write"))
    problems = _problems(client.post("/api/v1/opportunities", json=body(**changes), headers=key))
    assert field in problems, problems
    assert _count() == 0


def test_an_update_that_is_refused_changes_nothing(client, partners, users):
    opportunity = users.opportunity(partners.road, title="Kept", status="draft")
    key = bearer(partners.token("write"))
    problems = _problems(
        client.put(
            f"/api/v1/opportunities/{opportunity.id}", json=body(capacity=0, title="Lost"), headers=key
        )
    )
    assert set(problems) == {"capacity"}
    db.session.refresh(opportunity)
    assert (opportunity.title, opportunity.capacity) == ("Kept", 2)


def test_publishing_past_dates_is_refused_at_the_field(client, partners, users):
    past = date.today() - timedelta(days=60)
    opportunity = users.opportunity(
        partners.road, status="draft", starts_on=past, ends_on=past + timedelta(days=7)
    )
    key = bearer(partners.token("write"))
    problems = _problems(client.post(f"/api/v1/opportunities/{opportunity.id}/publish", headers=key))
    assert set(problems) == {"ends_on"}
    db.session.refresh(opportunity)
    assert opportunity.status == "draft" and opportunity.published_at is None


def test_a_body_that_is_not_json_is_refused(client, partners):
    key = bearer(partners.token("write"))
    response = client.post("/api/v1/opportunities", data="title=x", headers=key)
    assert set(_problems(response)) == {"body"} and _count() == 0


def test_another_organisations_opportunities_are_not_found(client, partners, users):
    theirs = users.opportunity(partners.rad, title="Theirs", status="draft")
    key = bearer(partners.token("write"))
    for method, url, sent in (
        ("PUT", f"/api/v1/opportunities/{theirs.id}", body()),
        ("POST", f"/api/v1/opportunities/{theirs.id}/publish", None),
        ("POST", f"/api/v1/opportunities/{theirs.id}/close", None),
    ):
        response = client.open(url, method=method, json=sent, headers=key)
        assert response.status_code == 404 and response.is_json, url
    db.session.refresh(theirs)
    assert (theirs.title, theirs.status) == ("Theirs", "draft")


def test_the_same_idempotency_key_makes_one_draft(client, partners):
    key = {**bearer(partners.token("write")), "Idempotency-Key": "sync-42"}
    first = client.post("/api/v1/opportunities", json=body(), headers=key)
    second = client.post("/api/v1/opportunities", json=body(title="Retitled"), headers=key)
    assert first.get_json()["id"] == second.get_json()["id"] and _count() == 1
    assert second.get_json()["title"] == "Retitled"


def test_an_archived_opportunity_cannot_be_changed(client, partners, users):
    archived = users.opportunity(partners.road, title="Old", status="archived")
    key = bearer(partners.token("write"))
    response = client.put(f"/api/v1/opportunities/{archived.id}", json=body(), headers=key)
    assert response.status_code == 409 and "Duplicate it" in response.get_json()["error"]["message"]
    db.session.refresh(archived)
    assert (archived.title, archived.status) == ("Old", "archived")


def test_an_idempotency_key_belongs_to_its_organisation(client, partners):
    ours = {**bearer(partners.token("write")), "Idempotency-Key": "sync-1"}
    theirs = {**bearer(partners.token("write", organisation=partners.rad)), "Idempotency-Key": "sync-1"}
    first = client.post("/api/v1/opportunities", json=body(), headers=ours)
    second = client.post("/api/v1/opportunities", json=body(title="Theirs"), headers=theirs)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"] and _count() == 2
    assert second.get_json()["organisation"]["slug"] == "rad-aid"
    assert db.session.get(Opportunity, first.get_json()["id"]).title == "Elective in Dar"
