"""Members make and revoke their organisation's API tokens: shown once, stored hashed, audited."""

from __future__ import annotations

import hashlib
import logging

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import ApiToken
from tests.api_tokens.conftest import TOKEN, bearer
from tests.support.factories import UserFactory
from tests.support.logins import csrf_token, login_form

PAGE = "/organisations/road2ir/api-tokens"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(client, auth, partners, caplog):
    auth.login_as(partners.member)
    caplog.set_level(logging.INFO, logger="matcher.audit")
    response = client.post(PAGE, data={"name": "Website sync", "scope": "write"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = TOKEN.search(page).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalar(select(ApiToken))
    assert (token.name, token.scope, token.organisation_id) == ("Website sync", "write", partners.road.id)
    assert token.created_by_id == partners.member.id and token.revoked_at is None
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] and secret not in (token.prefix, token.secret_hash)
    # The list shows the prefix; the secret never again.
    again = client.get(PAGE).get_data(as_text=True)
    assert token.prefix in again and secret not in again and "Website sync" in again
    created = [r.getMessage() for r in caplog.records if "api_key_created" in r.getMessage()]
    assert len(created) == 1 and secret not in created[0]
    # It works on the API.
    assert client.get("/api/v1/organisations", headers=bearer(secret)).status_code == 200


def test_a_revoked_token_stops_working_and_the_revocation_is_audited(client, auth, partners, caplog):
    secret = partners.token("read")
    token = db.session.scalar(select(ApiToken))
    assert client.get("/api/v1/organisations", headers=bearer(secret)).status_code == 200
    auth.login_as(partners.member)
    caplog.set_level(logging.INFO, logger="matcher.audit")
    response = client.post(f"{PAGE}/{token.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    db.session.refresh(token)
    assert token.revoked_at is not None and token.revoked_by_id == partners.member.id
    assert any("api_key_revoked" in r.getMessage() for r in caplog.records)
    refused = client.get("/api/v1/organisations", headers=bearer(secret))
    assert refused.status_code == 401 and refused.is_json
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Revoked on" in client.get(PAGE).get_data(as_text=True)


def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(client, auth, partners):
    auth.login_as(partners.member)
    for data in (
        {"name": " ", "scope": "read"},
        {"name": "x" * 81, "scope": "read"},
        {"name": "ok", "scope": "all"},
    ):
        response = client.post(PAGE, data=data)
        assert response.status_code == 422, data
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and not TOKEN.search(page)
    assert _count() == 0


def test_another_organisations_token_cannot_be_revoked(client, auth, partners):
    partners.token("read", organisation=partners.rad)
    theirs = db.session.scalar(select(ApiToken))
    auth.login_as(partners.member)
    assert client.post(f"{PAGE}/{theirs.id}/revoke").status_code == 404
    assert client.post(f"/organisations/rad-aid/api-tokens/{theirs.id}/revoke").status_code == 403
    db.session.refresh(theirs)
    assert theirs.revoked_at is None
    assert "read key" not in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_pages_forms_need_their_csrf_token_and_the_api_does_not(client, partners):
    secret = partners.token("write")
    token = db.session.scalar(select(ApiToken))
    login = client.get("/login").get_data()
    client.post("/login", data=login_form(partners.member.email, UserFactory.PASSWORD, csrf_token(login)))
    assert client.post(PAGE, data={"name": "No token", "scope": "read"}).status_code == 400
    assert client.post(f"{PAGE}/{token.id}/revoke").status_code == 400
    db.session.refresh(token)
    assert token.revoked_at is None and _count() == 1
    page = client.get(PAGE).get_data()
    made = client.post(PAGE, data={"name": "With token", "scope": "read", "csrf_token": csrf_token(page)})
    assert made.status_code == 200 and _count() == 2
    # The API takes its bearer token instead.
    response = client.post(f"/api/v1/opportunities/{999999}/close", headers=bearer(secret))
    assert response.status_code == 404 and response.is_json
