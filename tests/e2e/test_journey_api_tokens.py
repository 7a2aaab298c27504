"""A member makes an API token in a real browser, at 360 px, axe-core checking each page: the
token is shown once, works on the API, and stops working once revoked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser import Person, new_context
from tests.support.factories import UserFactory

WIDTH = 360


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        organisation = make.organisation(name="Road2IR partners", slug="road2ir-partners")
        member = make.create("org_member", name="Amina Member", organisation=organisation)
        return {"member": member.email, "slug": organisation.slug}


def _status(person: Person, url: str, token: str) -> int:
    """The API's answer to `token` (the session cookie the request also carries is no token)."""
    return person.page.request.get(url, headers={"Authorization": f"Bearer {token}"}).status


def test_a_member_makes_a_token_uses_it_and_revokes_it(browser, live_server, people, accounts):
    login = Person("login", new_context(browser), live_server.url, audit=None)
    login.log_in(accounts["member"], UserFactory.PASSWORD)
    state = login.context.storage_state()
    login.context.close()
    member = people("member", width=WIDTH, height=740, storage_state=state)
    member.goto(f"/organisations/{accounts['slug']}")
    member.click(member.link("API tokens"))
    page = member.page
    member.click(member.button("Make the token"), expect_status=422)
    assert "Give the token a name" in member.text(".error-summary")
    page.get_by_label("Name").fill("Website sync")
    page.get_by_label(
        "Write: also create, change, publish and close your organisation's opportunities"
    ).check()
    member.click(member.button("Make the token"))
    token = page.get_by_label("Token").input_value()
    assert token.startswith("irm_") and len(token) == 47
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    api = f"{live_server.url}/api/v1/organisations"
    assert _status(member, api, token) == 200
    member.goto(f"/organisations/{accounts['slug']}/api-tokens")
    assert token not in page.content() and token[:12] in member.text()
    member.click(member.button("Revoke “Website sync”"))
    assert "no longer works" in member.flashes
    assert _status(member, api, token) == 401
