"""Cache headers per kind of answer, validators, and 304s (matcher.web.caching).

Anonymous requests go to an app built as in production (CSRF on), so that a form that would hand
visitors a session cookie, and so make a public page uncacheable, is caught here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from defusedxml.ElementTree import fromstring as parse_xml
from flask.testing import FlaskClient
from sqlalchemy import select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Interest, Opportunity
from matcher.placements.calendar import calendar_token
from tests.security.world import World

IDENTITY = {"Accept-Encoding": "identity"}
HTTPS = "https://matcher.test"

# Each public kind of page, and a change to the data it shows.
PUBLIC: dict[str, Callable[[World], str]] = {
    "home": lambda w: "/",
    "search": lambda w: "/opportunities",
    "opportunity": lambda w: f"/opportunities/{w.opp_a.id}",
    "organisations": lambda w: "/organisations",
    "organisation": lambda w: f"/organisations/{w.org_a.slug}",
    "api list": lambda w: "/api/v1/opportunities",
    "api opportunity": lambda w: f"/api/v1/opportunities/{w.opp_a.id}",
    "api organisations": lambda w: "/api/v1/organisations",
    "feed": lambda w: "/opportunities/feed.atom",
}


def rename_opportunity(w: World) -> None:
    w.opp_a.title = "Opportunity A, renamed"


def rename_organisation(w: World) -> None:
    w.org_a.name = "Organisation A, renamed"


CHANGES: dict[str, Callable[[World], None]] = {
    "home": rename_organisation,  # the home page lists the verified organisations
    "search": rename_opportunity,
    "opportunity": rename_opportunity,
    "organisations": rename_organisation,
    "organisation": rename_opportunity,  # its page lists its published opportunities
    "api list": rename_opportunity,
    "api opportunity": rename_opportunity,
    "api organisations": rename_organisation,
    "feed": rename_opportunity,
}


@pytest.fixture
def visitor(production_app) -> FlaskClient:
    """An anonymous browser on an app with CSRF protection on, as in production."""
    return production_app().test_client()


def get(browser: FlaskClient, path: str, **headers: str):
    return browser.get(path, base_url=HTTPS, headers={**IDENTITY, **headers})


def directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("kind", PUBLIC)
def test_a_public_page_may_be_cached_briefly_and_is_revalidated_with_a_304(world: World, visitor, kind):
    path = PUBLIC[kind](world)
    first = get(visitor, path)
    assert first.status_code == 200
    assert directives(first) == {"public", "max-age=60"}
    assert "cookie" in vary(first)
    assert "Set-Cookie" not in first.headers  # a cookie would make the copy someone's own
    etag, weak = first.get_etag()
    assert etag and weak  # weak: the same tag for the gzip, brotli and plain copies

    again = get(visitor, path, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert directives(again) == directives(first)
    assert "cookie" in vary(again)
    # The server writes Date; a second one from the app would send the field twice.
    assert "Date" not in first.headers and "Date" not in again.headers


@pytest.mark.parametrize("kind", PUBLIC)
def test_a_change_to_what_the_page_shows_changes_its_etag(world: World, visitor, kind):
    path = PUBLIC[kind](world)
    before = get(visitor, path)
    assert before.status_code == 200
    CHANGES[kind](world)
    db.session.commit()

    after = get(visitor, path, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data


def test_places_filled_and_interests_change_the_opportunity_page_etag(world: World, visitor):
    """Changes that touch no column of the opportunity's own row count too (its interests)."""
    path = f"/opportunities/{world.opp_a.id}"
    seen = [get(visitor, path).headers["ETag"]]
    world.opp_a.places_filled += 1
    db.session.commit()
    seen.append(get(visitor, path).headers["ETag"])
    interest = db.session.scalar(
        select(Interest).where(Interest.id.not_in([i.id for i in world.opp_a.interests]))
    )
    world.opp_a.interests.append(interest)
    db.session.commit()
    response = get(visitor, path, **{"If-None-Match": ", ".join(seen)})
    assert response.status_code == 200
    assert interest.label in response.get_data(as_text=True)
    seen.append(response.headers["ETag"])
    assert len(set(seen)) == 3


def test_a_query_has_its_own_etag(world: World, visitor):
    everything = get(visitor, "/opportunities")
    in_iceland = get(visitor, "/opportunities?country=IS")
    assert in_iceland.status_code == 200
    assert world.opp_a.title in everything.get_data(as_text=True)
    assert world.opp_a.title not in in_iceland.get_data(as_text=True)
    # The tag of one query does not answer for another.
    assert in_iceland.headers["ETag"] != everything.headers["ETag"]
    again = get(visitor, "/opportunities?country=IS", **{"If-None-Match": everything.headers["ETag"]})
    assert again.status_code == 200


def test_head_is_answered_with_a_304_too(world: World, visitor):
    etag = get(visitor, "/organisations").headers["ETag"]
    response = visitor.head("/organisations", base_url=HTTPS, headers={**IDENTITY, "If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["ETag"] == etag


@pytest.mark.parametrize("role", ["student", "member_a", "coordinator"])
@pytest.mark.parametrize("kind", ["home", "search", "opportunity", "organisation"])
def test_a_signed_in_persons_view_of_a_public_page_is_never_stored(world: World, visitor, role, kind):
    path = PUBLIC[kind](world)
    anonymous_etag = get(visitor, path).headers["ETag"]
    browser = world.client(role)
    response = browser.get(path, headers={**IDENTITY, "If-None-Match": anonymous_etag})
    assert response.status_code == 200  # never the anonymous copy
    assert directives(response) == {"no-store"}
    assert "ETag" not in response.headers
    assert "cookie" in vary(response)
    assert "Log out" in response.get_data(as_text=True)


def test_the_api_asked_from_a_signed_in_browser_is_not_stored(world: World):
    response = world.client("student").get("/api/v1/opportunities", headers=IDENTITY)
    assert response.status_code == 200
    assert directives(response) == {"no-store"}


def test_a_page_that_carries_a_flash_message_is_not_cached(world: World, visitor):
    with visitor.session_transaction(base_url=HTTPS) as session:
        session["_flashes"] = [("success", "You are logged out.")]
    response = get(visitor, "/")
    assert response.status_code == 200
    assert "You are logged out." in response.get_data(as_text=True)
    assert "Set-Cookie" in response.headers
    assert directives(response) == {"no-store"}
    assert "ETag" not in response.headers
    # Once shown, the flash is gone and the page is the public one again.
    assert directives(get(visitor, "/")) == {"public", "max-age=60"}


@pytest.mark.parametrize("path", ["/login", "/signup", "/forgot"])
def test_forms_with_a_csrf_token_are_not_cached(visitor, path):
    response = get(visitor, path)
    assert response.status_code == 200
    assert "csrf_token" in response.get_data(as_text=True)
    assert directives(response) == {"no-store"}
    assert "ETag" not in response.headers


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no/such/page", 404),
        ("/opportunities/99999", 404),
        ("/organisations/no-such-organisation", 404),
        ("/opportunities?sort=score", 400),
        ("/api/v1/opportunities?page=0", 400),
        ("/api/v1/opportunities/99999", 404),
        ("/opportunities/feed.atom?type=nonsense", 400),
        ("/placements/calendar/bogus-token.ics", 404),
        ("/dashboard", 302),
        ("/healthz", 200),
    ],
)
def test_errors_redirects_and_other_answers_are_not_cached(visitor, path, status):
    response = get(visitor, path)
    assert response.status_code == status
    assert directives(response) == {"no-store"}
    assert "ETag" not in response.headers
    assert "Last-Modified" not in response.headers


def test_an_unverified_organisation_page_is_not_public(world: World, visitor):
    assert get(visitor, f"/organisations/{world.org_pending.slug}").status_code == 404
    response = world.client("coordinator").get(f"/organisations/{world.org_pending.slug}", headers=IDENTITY)
    assert response.status_code == 200
    assert directives(response) == {"no-store"}


def test_the_calendar_is_revalidated_privately(world: World, visitor):
    path = f"/placements/calendar/{calendar_token(world.trainee)}.ics"
    first = get(visitor, path)
    assert first.status_code == 200
    assert directives(first) == {"private", "no-cache"}
    assert first.get_etag()[0]
    assert get(visitor, path).data == first.data  # the same placements give the same bytes

    unchanged = get(visitor, path, **{"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.headers["ETag"] == first.headers["ETag"]
    assert directives(unchanged) == {"private", "no-cache"}

    world.completed.opportunity.title = "A renamed elective"
    db.session.commit()
    changed = get(visitor, path, **{"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert "A renamed elective" in changed.get_data(as_text=True)


def feed_opportunities() -> list[Opportunity]:
    return list(db.session.scalars(select(Opportunity).where(Opportunity.status == "published")))


def test_the_feed_is_last_modified_at_its_newest_entry(world: World, visitor):
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    for minutes, opportunity in enumerate(feed_opportunities()):
        opportunity.updated_at = start + timedelta(minutes=minutes)
    db.session.commit()
    first = get(visitor, "/opportunities/feed.atom")
    entries = parse_xml(first.data).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) >= 3
    newest = max(o.updated_at for o in feed_opportunities())
    assert first.last_modified.replace(tzinfo=None) == newest

    assert (
        get(
            visitor, "/opportunities/feed.atom", **{"If-Modified-Since": first.headers["Last-Modified"]}
        ).status_code
        == 304
    )

    world.opp_b.title = "Opportunity B, renamed"
    world.opp_b.updated_at = newest + timedelta(hours=1)
    db.session.commit()
    changed = get(
        visitor, "/opportunities/feed.atom", **{"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert changed.status_code == 200
    assert changed.last_modified.replace(tzinfo=None) == newest + timedelta(hours=1)


def test_the_feed_names_no_date_in_the_second_of_its_newest_change(world: World, visitor, monkeypatch):
    """HTTP dates count seconds: another change in that second would look unchanged by date."""
    from matcher.opportunities import feed

    world.opp_b.title = "Opportunity B, just now"
    db.session.commit()
    changed_at = world.opp_b.updated_at
    monkeypatch.setattr(feed, "utcnow", lambda: changed_at.replace(microsecond=999_999))
    response = get(visitor, "/opportunities/feed.atom")
    assert response.status_code == 200
    assert "Last-Modified" not in response.headers
    assert response.get_etag()[0]
    monkeypatch.setattr(feed, "utcnow", lambda: changed_at.replace(microsecond=0) + timedelta(seconds=1))
    assert get(visitor, "/opportunities/feed.atom").last_modified.replace(tzinfo=None) == changed_at.replace(
        microsecond=0
    )


def test_an_empty_feed_has_the_same_etag_from_one_second_to_the_next(world: World, visitor):
    path = "/opportunities/feed.atom?country=IS"
    first = get(visitor, path)
    assert parse_xml(first.data).findall("{http://www.w3.org/2005/Atom}entry") == []
    assert get(visitor, path, **{"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_static_files_keep_their_own_policy(visitor):
    response = get(visitor, "/static/css/site.css")
    assert response.status_code == 200
    assert directives(response) != {"no-store"}


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_copies_share_the_weak_etag_and_get_a_304(world: World, production_app, encoding):
    """With Flask-Compress on (the compression helper adds it), as the app would run it."""
    flask_compress = pytest.importorskip("flask_compress")
    app = production_app()
    flask_compress.Compress(app)
    browser = app.test_client()
    path = "/opportunities"
    plain = get(browser, path)
    packed = browser.get(path, base_url=HTTPS, headers={"Accept-Encoding": encoding})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == encoding
    assert len(packed.data) < len(plain.data)
    assert packed.headers["ETag"] == plain.headers["ETag"]
    assert {"cookie", "accept-encoding"} <= vary(packed)

    again = browser.get(
        path, base_url=HTTPS, headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == plain.headers["ETag"]
    assert directives(again) == {"public", "max-age=60"}
    assert {"cookie", "accept-encoding"} <= vary(again)
