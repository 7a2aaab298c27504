"""Embeds (issue 24): an organisation's published opportunities inside its own website's <iframe>."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from matcher import ROOT
from matcher.services.embeds import website_origin
from tests.support.teaching import make_request, make_site

SITE = "https://partner.example"
NONE_MAY_FRAME = "frame-ancestors 'none'"


def embed_url(organisation) -> str:
    return f"/embed/organisations/{organisation.slug}"


def frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors [^;]+", response.headers["Content-Security-Policy"]).group(0)


def test_embed_lists_published_opportunities_with_dates_place_levels_and_whole_window_links(client, users):
    org = users.organisation(name="Road2IR", slug="road2ir", website=SITE)
    starts = date.today() + timedelta(days=90)
    shown = users.opportunity(org, title="Elective in Dar", city="Dar es Salaam", starts_on=starts)
    users.opportunity(org, title="Hidden draft", status="draft")
    users.opportunity(users.organisation(name="Someone else"), title="Not theirs")
    response = client.get(embed_url(org))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Elective in Dar" in page and "Hidden draft" not in page and "Not theirs" not in page
    assert "Dar es Salaam" in page and "Tanzania" in page
    assert str(starts.year) in page and "Training levels" in page
    links = re.findall(r"<a [^>]*>", page)
    assert f'href="/opportunities/{shown.id}"' in page
    assert links and all('target="_top"' in link for link in links)


def test_teaching_visit_shows_the_roles_wanted(client, users):
    org = users.organisation(website=SITE)
    site = make_site(users.session, org)
    request = make_request(users.session, site, roles={"ir-nurse": (1, 2)}, status="open")
    users.opportunity(org, title="Teaching visit", type="teaching_visit", teaching_request_id=request.id)
    page = client.get(embed_url(org)).get_data(as_text=True)
    assert "Roles wanted" in page and "nurse" in page.lower()


def test_embed_of_thirty_opportunities_is_small_and_has_no_script_or_inline_style(client, users):
    org = users.organisation(website=SITE)
    for n in range(30):
        users.opportunity(org, title=f"Elective number {n:02d} at a rather long-named teaching hospital")
    response = client.get(embed_url(org))
    page = response.get_data(as_text=True)
    assert page.count("<li>") == 30 and "Elective number 29" in page
    assert len(response.get_data()) < 20 * 1024
    assert "<script" not in page.lower() and "<style" not in page.lower() and "style=" not in page
    assert re.search(r'<link rel="stylesheet" href="/static/css/embed\.css', page)
    # Its own small sheet, read from disk (another test points the shared app's static folder elsewhere).
    assert (ROOT / "static" / "css" / "embed.css").stat().st_size < 2048


def test_verified_https_website_alone_may_frame_the_embed(client, users):
    org = users.organisation(website="https://Partner.example/about/us")
    response = client.get(embed_url(org))
    assert frame_ancestors(response) == "frame-ancestors https://partner.example"
    assert "X-Frame-Options" not in response.headers
    # The rest of the policy is the strict one of every page.
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "script-src" not in policy


@pytest.mark.parametrize("website", [None, "http://partner.example", "https://"])
def test_without_an_https_website_nobody_may_frame_the_embed(client, users, website):
    org = users.organisation(website=website)
    response = client.get(embed_url(org))
    assert response.status_code == 200
    assert frame_ancestors(response) == NONE_MAY_FRAME
    assert response.headers["X-Frame-Options"] == "DENY"


def test_each_organisation_gets_its_own_ancestor(client, users):
    one = users.organisation(website="https://one.example")
    two = users.organisation(website="https://two.example:8443")
    assert frame_ancestors(client.get(embed_url(one))) == "frame-ancestors https://one.example"
    assert frame_ancestors(client.get(embed_url(two))) == "frame-ancestors https://two.example:8443"


def test_unverified_or_unknown_organisation_has_no_embed(client, auth, users):
    pending = users.organisation(website=SITE, verified=False)
    users.opportunity(pending, title="Not yet public")
    for url in (embed_url(pending), "/embed/organisations/no-such-organisation"):
        response = client.get(url)
        assert response.status_code == 404
        assert frame_ancestors(response) == NONE_MAY_FRAME and response.headers["X-Frame-Options"] == "DENY"
    auth.login("org_member", organisation=pending)  # even its members: nothing to show outside yet
    assert client.get(embed_url(pending)).status_code == 404


def test_every_other_page_still_refuses_frames(client, users):
    org = users.organisation(slug="framed", website=SITE)
    opportunity = users.opportunity(org)
    client.get(embed_url(org))  # an embed before must not leak its ancestor into the next answer
    for url in (
        "/",
        "/organisations",
        "/organisations/framed",
        f"/opportunities/{opportunity.id}",
        "/opportunities",
        "/login",
        "/api/v1/opportunities",
        "/no-such-page",
    ):
        response = client.get(url)
        assert frame_ancestors(response) == NONE_MAY_FRAME, url
        assert response.headers["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize(
    ("ask", "lang", "words"),
    [
        ({"query_string": {"lang": "fr"}}, "fr", "Niveaux de formation"),
        ({"headers": {"Accept-Language": "es"}}, "es", "Niveles de formación"),
        ({"query_string": {"lang": "pt"}, "headers": {"Accept-Language": "es"}}, "pt", "Níveis de formação"),
    ],
)
def test_embed_speaks_the_language_asked_in_its_address_or_the_browser(client, users, ask, lang, words):
    org = users.organisation(website=SITE)
    users.opportunity(org)
    page = client.get(embed_url(org), **ask).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and words in page


def test_embed_is_cached_publicly_and_answers_304_when_unchanged(client, users):
    org = users.organisation(website=SITE)
    users.opportunity(org)
    first = client.get(embed_url(org))
    assert "public" in first.headers["Cache-Control"] and first.headers["ETag"].startswith('W/"')
    again = client.get(embed_url(org), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert frame_ancestors(again) == "frame-ancestors https://partner.example"
    assert "Set-Cookie" not in first.headers


def test_members_see_the_snippet_to_paste_and_others_do_not(client, auth, users):
    org = users.organisation(slug="road2ir", name="Road2IR", website=SITE)
    assert "Embed on your site" not in client.get("/organisations/road2ir").get_data(as_text=True)
    auth.login("org_member", organisation=org)
    page = client.get("/organisations/road2ir").get_data(as_text=True)
    assert "Embed on your site" in page
    assert "&lt;iframe src=&#34;http://matcher.test/embed/organisations/road2ir&#34;" in page
    assert "title=&#34;Opportunities with Road2IR&#34;" in page and SITE in page
    assert "<iframe" not in page  # shown as text to copy, never framed here


def test_members_without_an_https_website_are_told_how_to_get_one(client, auth, users):
    org = users.organisation(slug="plain", website="http://plain.example")
    auth.login("org_member", organisation=org)
    page = client.get("/organisations/plain").get_data(as_text=True)
    assert "Embed on your site" in page and "starting with https://" in page and "&lt;iframe" not in page


@pytest.mark.parametrize(
    ("website", "origin"),
    [
        ("https://partner.example", "https://partner.example"),
        ("https://PARTNER.example:443/a/b?c=d#e", "https://partner.example"),
        ("https://partner.example:8443/", "https://partner.example:8443"),
        ("https://bücher.example/", "https://xn--bcher-kva.example"),
        ("http://partner.example", None),
        ("https://user:pw@partner.example", None),
        ("https://partner.example; script-src *", None),
        ("https://partner.example:99999", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_website_origin_is_a_bare_https_origin_or_nothing(website, origin):
    assert website_origin(website) == origin


def test_lang_in_the_address_chooses_the_language_of_embeds_only(client, users):
    org = users.organisation(slug="road2ir", website=SITE)
    users.opportunity(org)
    page = client.get("/organisations/road2ir", query_string={"lang": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<html lang="fr">' in client.get(embed_url(org), query_string={"lang": "fr"}).get_data(
        as_text=True
    )
    # An unknown language is no choice: the browser's is used.
    unknown = client.get(embed_url(org), query_string={"lang": "xx"}, headers={"Accept-Language": "es"})
    assert '<html lang="es">' in unknown.get_data(as_text=True)
