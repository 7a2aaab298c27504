"""The readiness boards in a browser: at 360 px with no sideways scrolling, axe-core on each page
(bad filters included), filtering with the form, and light enough for a slow line with many trips."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.departure.board_scene import build_board_scene, soon
from tests.support.factories import UserFactory
from tests.support.trips import item, make_trip

WIDTH = 360
BUDGET = 100 * 1024
MORE = 60  # trips beyond the scene's, for the page's weight


@dataclass
class Site:
    coordinator: str
    host_a: str
    org_a: str


@pytest.fixture(scope="module")
def site(live_server) -> Site:
    with live_server.data() as make:
        scene = build_board_scene(make)
        for n in range(MORE):
            make_trip(
                make,
                traveller=make.create(name=f"Traveller {n:03} with a rather long name"),
                opportunity=scene.opp_a if n % 2 else scene.opp_b,
                items=[item("licence", soon(n - 10), title="Temporary licence with the medical council")],
            )
        coordinator = make.create("coordinator", name="Grace Coordinator")
        return Site(coordinator.email, scene.host_a.email, scene.org_a.slug)


def test_a_coordinator_filters_the_board_on_a_phone(live_server, site, people):
    person = people("coordinator", width=WIDTH, height=740)
    person.log_in(site.coordinator, UserFactory.PASSWORD)
    response = person.goto("/coordination/readiness")
    assert (
        len(response.body()) + len(person.page.request.get(live_server.url + "/static/css/site.css").body())
        < BUDGET
    )
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    text = person.text()
    assert "Bea Blocked" in text and "Cleo Cleared" in text and f"{MORE + 5} trips in all" in text

    person.page.get_by_label("Country").select_option(label="Tanzania")
    person.click(person.button("Show"))
    text = person.text()
    assert "Cleo Cleared" in text and "Raj Risky" in text and "Bea Blocked" not in text
    assert "country=TZ" in person.page.url
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    person.click(person.link("Clear the filters"))
    assert "Bea Blocked" in person.text()

    person.goto("/coordination/readiness?month=someday&country=ZZ", expect_status=400)
    assert "“someday” is not a month" in person.text() and "“ZZ” is not a country code" in person.text()


def test_a_hosts_member_reaches_their_board_from_their_organisations_page_without_javascript(
    live_server, site, people
):
    person = people("host", javascript=False, width=WIDTH, height=740)
    person.log_in(site.host_a, UserFactory.PASSWORD)
    person.goto(f"/organisations/{site.org_a}")
    person.click(person.link("Your visitors' readiness to travel"))
    text = person.text()
    assert "Bea Blocked" in text and "Tom Team" in text and "Cleo Cleared" not in text
    person.page.get_by_label("Start month").select_option(index=1)
    person.click(person.button("Show"))
    assert "month=" in person.page.url
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH
