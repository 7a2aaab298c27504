"""Bearer tokens on the API: scopes, refusals as JSON, last-used dates and a limit per token."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from matcher.extensions import db
from matcher.models import ApiToken, Membership, Opportunity
from tests.api_tokens.conftest import bearer
from tests.api_tokens.test_write_api import body


def _error(response, status: int) -> dict:
    assert response.status_code == status and response.is_json, response.get_data(as_text=True)
    return response.get_json()["error"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"}, bearer("irm_" + "x" * 43)],
    ids=["none", "empty", "basic", "unknown"],
)
def test_writing_without_a_valid_token_is_401(client, partners, auth, headers):
    auth.login_as(partners.member)  # a session cookie is no token
    response = client.post("/api/v1/opportunities", json=body(), headers=headers)
    assert _error(response, 401)["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_a_read_token_reads_but_may_not_write(client, partners, users):
    draft = users.opportunity(partners.road, status="draft")
    key = bearer(partners.token("read"))
    assert client.get("/api/v1/opportunities", headers=key).status_code == 200
    assert (
        "only read" in _error(client.post("/api/v1/opportunities", json=body(), headers=key), 403)["message"]
    )
    _error(client.post(f"/api/v1/opportunities/{draft.id}/publish", headers=key), 403)
    db.session.refresh(draft)
    assert draft.status == "draft"
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 1


def test_a_wrong_token_on_a_read_endpoint_is_refused_not_ignored(client, partners):
    _error(client.get("/api/v1/opportunities", headers=bearer("irm_not-a-token")), 401)
    assert client.get("/api/v1/opportunities").status_code == 200


def test_a_token_whose_maker_left_the_organisation_stops_writing(client, partners, users):
    draft = users.opportunity(partners.road, status="draft")
    key = bearer(partners.token("write"))
    db.session.execute(delete(Membership).where(Membership.user_id == partners.member.id))
    db.session.commit()
    _error(client.post(f"/api/v1/opportunities/{draft.id}/publish", headers=key), 403)
    db.session.refresh(draft)
    assert draft.status == "draft"


def test_the_last_used_date_is_kept(client, partners):
    key = bearer(partners.token("read"))
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_on is None
    client.get("/api/v1/organisations", headers=key)
    db.session.refresh(token)
    assert token.last_used_on == date.today()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "API_TOKEN_RATE_LIMIT": "3 per minute"}])
def test_each_token_has_its_own_limit(client, partners):
    first, second = bearer(partners.token("read")), bearer(partners.token("read"))
    assert [client.get("/api/v1/organisations", headers=first).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/organisations", headers=first)
    assert "3 per minute" in _error(refused, 429)["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # The other token, and the API without a token, are not held back by the first one's use.
    assert client.get("/api/v1/organisations", headers=second).status_code == 200
    assert client.get("/api/v1/organisations").status_code == 200
