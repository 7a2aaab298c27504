"""An organisation's embed (issue 24) in a real browser: shown inside a page on the organisation's
verified website, refused inside any other site's page, readable at 360 px with no axe violation.

The partner's site and the matcher are given https addresses the browser believes (Playwright
answers for them: the partner's page from the test, the matcher's pages from the live server), so
that Chromium applies the embed's frame-ancestors to real https origins, without mixed content.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Route, expect

from tests.e2e.browser import Person
from tests.support.factories import UserFactory

PARTNER = "https://partner.example"
ELSEWHERE = "https://elsewhere.example"
MATCHER = "https://matcher.example"
PARTNER_PAGE = """<!doctype html><html lang="en"><head><title>Partner</title></head><body>
<h1>Our opportunities</h1>{snippet}</body></html>"""
_AXE_ALL = "async () => (await axe.run(document)).violations.map(v => `${v.impact} ${v.id}: ${v.help}`)"


@dataclass
class Scene:
    slug: str
    opportunity_id: int
    member: str


@pytest.fixture(scope="module")
def scene(live_server) -> Scene:
    with live_server.data() as make:
        road = make.organisation(name="Road2IR", slug="road2ir", website=PARTNER + "/about")
        member = make.create("org_member", name="Joseph Host", organisation=road)
        opportunity = make.opportunity(road, title="Elective in Dar es Salaam", city="Dar es Salaam")
        for n in range(5):
            make.opportunity(road, title=f"Teaching elective number {n} at Muhimbili National Hospital")
        return Scene(road.slug, opportunity.id, member.email)


def _snippet(people, scene: Scene, live_url: str) -> str:
    """The <iframe> a member copies from the organisation's page, at the matcher's https address."""
    member = people("member")
    member.log_in(scene.member, UserFactory.PASSWORD)
    member.goto(f"/organisations/{scene.slug}")
    snippet = member.page.locator("pre.snippet code").inner_text()
    assert snippet.startswith(f'<iframe src="{live_url}/embed/organisations/{scene.slug}"'), snippet
    return snippet.replace(live_url, MATCHER)


def _serve(person: Person, live_url: str, snippet: str) -> None:
    """The partner's sites answer with a page holding the snippet; the matcher's https address is
    the live server (its answer's headers, the frame-ancestors among them, as the server sent them)."""

    def partner(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=PARTNER_PAGE.format(snippet=snippet))

    def matcher(route: Route) -> None:
        route.fulfill(response=route.fetch(url=live_url + route.request.url.removeprefix(MATCHER)))

    person.context.route(f"{PARTNER}/**", partner)
    person.context.route(f"{ELSEWHERE}/**", partner)
    person.context.route(f"{MATCHER}/**", matcher)


def test_embed_shows_inside_the_organisations_website_and_opens_pages_in_the_whole_window(
    people, live_server, scene
):
    snippet = _snippet(people, scene, live_server.url)
    visitor = people("visitor", accessibility=False)  # the partner's page is not ours to audit
    _serve(visitor, live_server.url, snippet)
    visitor.page.goto(PARTNER + "/opportunities")
    frame = visitor.page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Opportunities with Road2IR")).to_be_visible()
    link = frame.get_by_role("link", name="Elective in Dar es Salaam")
    with visitor.page.expect_navigation():
        link.click()
    assert visitor.page.url == f"{MATCHER}/opportunities/{scene.opportunity_id}"
    assert visitor.page.locator("h1").inner_text() == "Elective in Dar es Salaam"


def test_another_site_cannot_frame_the_embed(people, live_server, scene):
    snippet = _snippet(people, scene, live_server.url)
    visitor = people("visitor", accessibility=False)
    _serve(visitor, live_server.url, snippet)
    page = visitor.page
    # The frame's first navigation after about:blank: Chromium refuses the embed (frame-ancestors)
    # and shows its own error page in the frame instead.
    with page.expect_event("framenavigated", lambda frame: frame != page.main_frame and frame.url) as nav:
        response = page.goto(ELSEWHERE + "/copied")
    assert response is not None and response.status == 200
    assert nav.value.url == "chrome-error://chromewebdata/"
    embed = visitor.page.frame_locator("iframe")
    expect(embed.get_by_role("heading", name="Opportunities with Road2IR")).to_have_count(0)
    expect(embed.get_by_role("link", name="Elective in Dar es Salaam")).to_have_count(0)


def test_embed_at_360_px_has_no_axe_violation_and_no_sideways_scroll(people, scene):
    reader = people("reader", width=360, height=740)
    reader.goto(f"/embed/organisations/{scene.slug}")
    assert reader.page.evaluate(_AXE_ALL) == []
    assert reader.page.evaluate("document.documentElement.scrollWidth") <= 360
    assert reader.page.locator("li").count() == 6


def test_members_snippet_fits_a_phone(people, scene):
    member = people("member", width=360, height=740)
    member.log_in(scene.member, UserFactory.PASSWORD)
    member.goto(f"/organisations/{scene.slug}")
    expect(member.page.get_by_role("heading", name="Embed on your site")).to_be_visible()
    assert member.page.evaluate("document.documentElement.scrollWidth") <= 360
