"""Coordinators keep the further-reading links of the home page: add, edit, order, delete."""

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import ReadingLink
from tests.support.logins import csrf_token, log_in


def _titles() -> list[str]:
    return list(db.session.scalars(select(ReadingLink.title).order_by(ReadingLink.position)))


def _link(title: str, position: int) -> ReadingLink:
    link = ReadingLink(title=title, url=f"https://example.org/{position}", position=position)
    db.session.add(link)
    db.session.commit()
    return link


def _home_reading(client) -> str:
    page = client.get("/").get_data(as_text=True)
    start = page.index("Further reading")
    return page[start : page.index("</section>", start)]


def test_a_coordinator_adds_a_link_that_then_shows_on_the_home_page(auth, client):
    auth.login("coordinator")
    response = client.post(
        "/coordination/reading",
        data={
            "title": "  IR for post-partum   haemorrhage ",
            "url": "https://pubmed.ncbi.nlm.nih.gov/?term=postpartum+hemorrhage+embolization",
            "description": "Embolisation saves mothers.",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "“IR for post-partum haemorrhage” is added to the further reading." in page
    reading = _home_reading(client)
    assert "IR for post-partum haemorrhage</a>" in reading and "Embolisation saves mothers." in reading


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,hi", "www.who.int", "https://"],
)
def test_only_web_addresses_are_accepted_and_the_error_is_next_to_the_field(auth, client, url):
    auth.login("coordinator")
    response = client.post("/coordination/reading", data={"title": "Bad link", "url": url})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        '<p class="error" id="url-error">Enter a web address starting with https:// or http://.</p>' in page
    )
    assert re.search(r'<input[^>]*aria-describedby="url-hint url-error"[^>]*name="url"', page)
    assert _titles() == []


def test_a_title_is_required(auth, client):
    auth.login("coordinator")
    response = client.post("/coordination/reading", data={"title": "", "url": "https://www.who.int/"})
    assert response.status_code == 422
    assert 'id="title-error">Give the link a title.' in response.get_data(as_text=True)


def test_a_coordinator_edits_a_link(auth, client):
    link = _link("RAD-AID", 1)
    auth.login("coordinator")
    page = client.get(f"/coordination/reading/{link.id}/edit").get_data(as_text=True)
    assert 'value="https://example.org/1"' in page
    response = client.post(
        f"/coordination/reading/{link.id}/edit",
        data={
            "title": "RAD-AID International",
            "url": "https://www.rad-aid.org/",
            "description": "Non-profit.",
        },
    )
    assert response.status_code == 302
    reading = _home_reading(client)
    assert '<a href="https://www.rad-aid.org/" rel="noopener">RAD-AID International</a>' in reading
    assert "Non-profit." in reading


def test_an_edit_with_a_bad_address_keeps_the_old_link(auth, client):
    link = _link("RAD-AID", 1)
    auth.login("coordinator")
    response = client.post(
        f"/coordination/reading/{link.id}/edit", data={"title": "Changed", "url": "javascript:alert(1)"}
    )
    assert response.status_code == 422
    assert _titles() == ["RAD-AID"]


def test_links_move_up_and_down_and_the_home_page_follows(auth, client):
    first, second, third = _link("First", 1), _link("Second", 2), _link("Third", 3)
    auth.login("coordinator")
    client.post(f"/coordination/reading/{third.id}/move/up")
    assert _titles() == ["First", "Third", "Second"]
    client.post(f"/coordination/reading/{first.id}/move/down")
    assert _titles() == ["Third", "First", "Second"]
    client.post(f"/coordination/reading/{third.id}/move/up")  # already first: nothing moves
    assert _titles() == ["Third", "First", "Second"]
    reading = _home_reading(client)
    assert reading.index("Third") < reading.index("First") < reading.index("Second")
    assert second.id  # still there


def test_the_list_offers_no_move_beyond_either_end(auth, client):
    first, last = _link("First", 1), _link("Last", 2)
    auth.login("coordinator")
    page = client.get("/coordination/reading").get_data(as_text=True)
    assert f"/coordination/reading/{first.id}/move/down" in page
    assert f"/coordination/reading/{first.id}/move/up" not in page
    assert f"/coordination/reading/{last.id}/move/up" in page
    assert f"/coordination/reading/{last.id}/move/down" not in page


def test_a_coordinator_deletes_a_link(auth, client):
    link = _link("Old news", 1)
    auth.login("admin")
    response = client.post(f"/coordination/reading/{link.id}/delete", follow_redirects=True)
    assert "“Old news” is removed from the further reading." in response.get_data(as_text=True)
    assert _titles() == []
    assert "No further reading yet." in client.get("/").get_data(as_text=True)


def test_a_missing_link_is_a_404(auth, client):
    auth.login("coordinator")
    assert client.get("/coordination/reading/999999/edit").status_code == 404
    assert client.post("/coordination/reading/999999/delete").status_code == 404
    assert client.post("/coordination/reading/999999/move/up").status_code == 404


@pytest.mark.parametrize("role", ["student", "trainee", "org_member"])
def test_other_roles_may_not_edit_the_links(auth, client, role):
    link = _link("RAD-AID", 1)
    auth.login(role)
    assert client.get("/coordination/reading").status_code == 403
    assert (
        client.post("/coordination/reading", data={"title": "Spam", "url": "https://x.example"}).status_code
        == 403
    )
    assert client.post(f"/coordination/reading/{link.id}/delete").status_code == 403
    assert _titles() == ["RAD-AID"]


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/coordination/reading")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_the_coordinators_dashboard_links_to_the_reading_list(auth, client):
    auth.login("coordinator")
    page = client.get("/dashboard").get_data(as_text=True)
    assert '<a href="/coordination/reading">Further reading on the home page</a>' in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_without_the_csrf_token_is_refused(client, users):
    coordinator = users.create("coordinator")
    assert log_in(client, coordinator.email, users.PASSWORD).status_code == 302
    form = {"title": "WHO", "url": "https://www.who.int/"}

    assert client.post("/coordination/reading", data=form).status_code == 400
    assert _titles() == []

    page = client.get("/coordination/reading").get_data(as_text=True)
    token = csrf_token(page)
    assert token
    assert client.post("/coordination/reading", data={**form, "csrf_token": token}).status_code == 302
    assert _titles() == ["WHO"]
